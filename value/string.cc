#include "value/string.h"

#include <functional>

#include "absl/strings/str_format.h"
#include "value/counted_buffer.h"

namespace kamo::value {

bool IsValidUtf8(std::string_view bytes) {
  std::size_t i = 0;
  while (i < bytes.size()) {
    const auto lead = static_cast<unsigned char>(bytes[i]);
    std::size_t length;
    char32_t c;
    if (lead < 0x80) {
      ++i;
      continue;
    } else if ((lead & 0xE0) == 0xC0) {
      length = 2;
      c = lead & 0x1F;
    } else if ((lead & 0xF0) == 0xE0) {
      length = 3;
      c = lead & 0x0F;
    } else if ((lead & 0xF8) == 0xF0) {
      length = 4;
      c = lead & 0x07;
    } else {
      return false;
    }
    if (i + length > bytes.size()) return false;
    for (std::size_t k = 1; k < length; ++k) {
      const auto next = static_cast<unsigned char>(bytes[i + k]);
      if ((next & 0xC0) != 0x80) return false;
      c = (c << 6) | (next & 0x3F);
    }
    static constexpr char32_t kMinForLength[] = {0, 0, 0x80, 0x800, 0x10000};
    if (c < kMinForLength[length] || c > 0x10FFFF ||
        (c >= 0xD800 && c <= 0xDFFF)) {
      return false;
    }
    i += length;
  }
  return true;
}

void AppendUtf8(char32_t c, std::string& out) {
  if (c < 0x80) {
    out.push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (c >> 6)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (c >> 12)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (c >> 18)));
    out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
}

std::size_t String::length() const {
  std::size_t chars = 0;
  for (char byte : utf8_)
    chars += (static_cast<unsigned char>(byte) & 0xC0) != 0x80;
  return chars;
}

String::String(mem::Mutator& mutator, std::string utf8)
    : external_(mutator, this), utf8_(std::move(utf8)) {
  external_.Grow(BufferBytes(utf8_));
  internal::RecordConstructed(kTypeName, this);
}

absl::Status String::Append(std::string_view utf8) {
  if (!IsValidUtf8(utf8)) {
    return absl::InvalidArgumentError(
        "String::Append: the bytes are not valid UTF-8");
  }
  // Growing the buffer first would leave a view of this very string
  // dangling: append from a copy then.
  std::string copy;
  const std::less<const char*> before;
  if (!utf8.empty() && !before(utf8.data(), utf8_.data()) &&
      before(utf8.data(), utf8_.data() + utf8_.size())) {
    copy.assign(utf8);
    utf8 = copy;
  }
  ReserveCounted(external_, utf8_, utf8_.size() + utf8.size());
  utf8_.append(utf8);
  return absl::OkStatus();
}

absl::Status String::Push(char32_t c) {
  if (c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) {
    return absl::InvalidArgumentError(
        absl::StrFormat("String::Push: U+%04X is not a Unicode scalar value",
                        static_cast<std::uint32_t>(c)));
  }
  ReserveCounted(external_, utf8_, utf8_.size() + 4);  // the longest encoding
  AppendUtf8(c, utf8_);
  return absl::OkStatus();
}

}  // namespace kamo::value
