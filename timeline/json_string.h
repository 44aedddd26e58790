// A JSON string literal for any bytes: quotes and backslashes escaped,
// control characters as \u00XX. Shared by the trace writer and gcbench's
// --json.
#ifndef KAMO_TIMELINE_JSON_STRING_H_
#define KAMO_TIMELINE_JSON_STRING_H_

#include <string>
#include <string_view>

#include "absl/strings/str_format.h"

namespace kamo::timeline {

inline std::string JsonString(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      absl::StrAppendFormat(&out, "\\u%04x", static_cast<int>(c));
    } else {
      out += c;
    }
  }
  return out + "\"";
}

}  // namespace kamo::timeline

#endif  // KAMO_TIMELINE_JSON_STRING_H_
