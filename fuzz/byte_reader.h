// ByteReader: turns any byte string into a stream of small numbers and
// strings. Reading past the end gives zeros and empty strings, so every
// input decodes to something and the fuzzer never bounces off a format.
#ifndef KAMO_FUZZ_BYTE_READER_H_
#define KAMO_FUZZ_BYTE_READER_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace kamo::fuzz {

class ByteReader {
 public:
  ByteReader(const std::uint8_t* data, std::size_t size)
      : data_(data), size_(size) {}

  bool empty() const { return position_ >= size_; }

  std::uint8_t Byte() { return empty() ? 0 : data_[position_++]; }

  std::uint64_t U64() {
    std::uint64_t value = 0;
    for (int i = 0; i < 8; ++i) value |= std::uint64_t{Byte()} << (8 * i);
    return value;
  }

  // A length byte (at most `max`), then that many bytes (fewer at the end).
  std::string_view Bytes(std::size_t max) {
    std::size_t length = Byte() % (max + 1);
    if (length > size_ - position_ && !empty()) length = size_ - position_;
    if (empty()) return {};
    std::string_view out(reinterpret_cast<const char*>(data_ + position_),
                         length);
    position_ += length;
    return out;
  }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t position_ = 0;
};

}  // namespace kamo::fuzz

#endif  // KAMO_FUZZ_BYTE_READER_H_
