// String: a mutable Scheme string, stored as UTF-8. It always holds valid
// UTF-8: operations that would break that are refused with an error.
#ifndef KAMO_VALUE_STRING_H_
#define KAMO_VALUE_STRING_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "mem/external_memory.h"
#include "mem/trace.h"
#include "value/ledger_hook.h"
#include "value/value.h"

namespace kamo::value {

// Whether `bytes` is well-formed UTF-8 (no overlongs, no surrogates, at most
// U+10FFFF).
bool IsValidUtf8(std::string_view bytes);
// Appends the UTF-8 encoding of a Unicode scalar value.
void AppendUtf8(char32_t c, std::string& out);

class String {
 public:
  static constexpr const char* kTypeName = "String";
  static constexpr std::uint8_t kTypeTag = kHeapTag<Tag::kString>;

  // Use Heap::NewString, which checks the encoding first. The characters
  // are counted as the Mutator's external memory; Append and Push may
  // collect when they grow (see mem/external_memory.h).
  String(mem::Mutator& mutator, std::string utf8);
  ~String() { internal::RecordDestroyed(kTypeName, this); }
  String(const String&) = delete;
  String& operator=(const String&) = delete;

  std::string_view view() const { return utf8_; }
  std::size_t byte_size() const { return utf8_.size(); }
  // Length in characters (code points).
  std::size_t length() const;

  absl::Status Append(std::string_view utf8);
  // Appends a character; refuses a surrogate or a value past U+10FFFF.
  absl::Status Push(char32_t c);
  void Clear() { utf8_.clear(); }

  void Trace(mem::Tracer&) const {}
  // For heap snapshots (mem/describe.h).
  std::string SnapshotLabel() const { return utf8_; }
  std::size_t ExternalBytes() const { return external_.bytes(); }

 private:
  mem::ExternalMemory external_;  // the capacity of utf8_
  std::string utf8_;
};

}  // namespace kamo::value

#endif  // KAMO_VALUE_STRING_H_
