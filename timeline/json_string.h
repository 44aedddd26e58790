// A JSON string literal for any bytes: quotes and backslashes escaped,
// control characters as \u00XX. Shared by the trace writer, gcbench's
// --json and heap snapshots (mem/heap_snapshot.h).
#ifndef KAMO_TIMELINE_JSON_STRING_H_
#define KAMO_TIMELINE_JSON_STRING_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "absl/strings/str_format.h"

namespace kamo::timeline {

inline bool IsUtf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const std::size_t n = c < 0x80         ? 1
                          : (c >> 5) == 6  ? 2
                          : (c >> 4) == 14 ? 3
                          : (c >> 3) == 30 ? 4
                                           : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (std::size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) >> 6) != 2) return false;
    }
    i += n;
  }
  return true;
}

// Text that is not UTF-8 has each byte above 0x7f written as the code
// point of that value, so that the output is always valid JSON.
inline std::string JsonString(std::string_view text) {
  const bool utf8 = IsUtf8(text);
  std::string out = "\"";
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (byte < 0x20 || (byte >= 0x80 && !utf8)) {
      absl::StrAppendFormat(&out, "\\u%04x", static_cast<int>(byte));
    } else {
      out += c;
    }
  }
  return out + "\"";
}

}  // namespace kamo::timeline

#endif  // KAMO_TIMELINE_JSON_STRING_H_
