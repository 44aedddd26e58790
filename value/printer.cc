#include "value/printer.h"

#include <charconv>
#include <cmath>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_format.h"
#include "value/bytevector.h"
#include "value/pair.h"
#include "value/string.h"
#include "value/symbol.h"
#include "value/vector.h"

namespace kamo::value {
namespace {

using SlotKey = const void*;

bool IsCompound(const Word& v) { return v.IsPair() || v.IsVector(); }

void AppendHexEscape(unsigned value, std::string& out) {
  absl::StrAppendFormat(&out, "\\x%X;", value);
}

void WriteChar(char32_t c, std::string& out) {
  static constexpr struct {
    char32_t c;
    const char* name;
  } kNames[] = {{0x07, "alarm"},  {0x08, "backspace"}, {0x7F, "delete"},
                {0x1B, "escape"}, {0x0A, "newline"},   {0x00, "null"},
                {0x0D, "return"}, {0x20, "space"},     {0x09, "tab"}};
  out += "#\\";
  for (const auto& named : kNames) {
    if (named.c == c) {
      out += named.name;
      return;
    }
  }
  if (c < 0x20 || (c >= 0x7F && c < 0xA0)) {
    absl::StrAppendFormat(&out, "x%X", static_cast<unsigned>(c));
  } else {
    AppendUtf8(c, out);
  }
}

void WriteString(std::string_view utf8, std::string& out) {
  out += '"';
  for (char ch : utf8) {
    const auto byte = static_cast<unsigned char>(ch);
    switch (ch) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\a':
        out += "\\a";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (byte < 0x20 || byte == 0x7F) {
          AppendHexEscape(byte, out);
        } else {
          out += ch;
        }
    }
  }
  out += '"';
}

bool IsOrdinarySymbolByte(unsigned char byte) {
  if (byte >= 0x80) return true;  // part of a UTF-8 sequence
  if ((byte >= 'a' && byte <= 'z') || (byte >= 'A' && byte <= 'Z') ||
      (byte >= '0' && byte <= '9')) {
    return true;
  }
  return std::string_view("!$%&*/:<=>?^_~+-.@").find(static_cast<char>(byte)) !=
         std::string_view::npos;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Whether a name would not read back as this symbol without bars.
bool NeedsBars(std::string_view name) {
  if (name.empty() || name == "." || !IsValidUtf8(name)) return true;
  for (char c : name) {
    if (!IsOrdinarySymbolByte(static_cast<unsigned char>(c))) return true;
  }
  // Names that read as numbers.
  const char first = name[0];
  if (IsDigit(first)) return true;
  if (first == '.' && name.size() > 1 && IsDigit(name[1])) return true;
  if ((first == '+' || first == '-') && name.size() > 1) {
    if (IsDigit(name[1])) return true;
    if (name[1] == '.' && name.size() > 2 && IsDigit(name[2])) return true;
    const std::string_view rest = name.substr(1);
    if (rest == "inf.0" || rest == "nan.0" || rest == "i") return true;
  }
  return false;
}

void WriteSymbol(std::string_view name, std::string& out) {
  if (!NeedsBars(name)) {
    out += name;
    return;
  }
  const bool valid = IsValidUtf8(name);
  out += '|';
  for (char ch : name) {
    const auto byte = static_cast<unsigned char>(ch);
    if (ch == '|' || ch == '\\') {
      out += '\\';
      out += ch;
    } else if (byte < 0x20 || byte == 0x7F || (byte >= 0x80 && !valid)) {
      AppendHexEscape(byte, out);
    } else {
      out += ch;
    }
  }
  out += '|';
}

void WriteFloat(double d, std::string& out) {
  if (std::isnan(d)) {
    out += "+nan.0";
    return;
  }
  if (std::isinf(d)) {
    out += d > 0 ? "+inf.0" : "-inf.0";
    return;
  }
  char buffer[64];
  auto [end, error] = std::to_chars(buffer, buffer + sizeof(buffer), d);
  std::string_view text(buffer, end - buffer);
  out += text;
  if (text.find_first_of(".e") == std::string_view::npos) out += ".0";
}

class Printer {
 public:
  explicit Printer(PrintStyle style) : style_(style) {}

  std::string Print(const Word& root) {
    FindShared(root);
    tasks_.push_back({Task::kValue, &root, {}});
    while (!tasks_.empty()) {
      const Task task = tasks_.back();
      tasks_.pop_back();
      switch (task.kind) {
        case Task::kText:
          out_ += task.text;
          break;
        case Task::kValue:
          PrintValue(*task.value);
          break;
        case Task::kListTail:
          PrintListTail(*task.value);
          break;
      }
    }
    return std::move(out_);
  }

 private:
  struct Task {
    enum Kind { kValue, kText, kListTail } kind;
    const Word* value;
    std::string_view text;
  };

  // Labels every pair or vector reachable from `root` more than once.
  void FindShared(const Word& root) {
    absl::flat_hash_set<SlotKey> seen;
    std::vector<const Word*> pending = {&root};
    while (!pending.empty()) {
      const Word* v = pending.back();
      pending.pop_back();
      if (!IsCompound(*v)) continue;
      if (!seen.insert(v->heap_address()).second) {
        labels_.emplace(v->heap_address(), -1);  // numbered when first printed
        continue;
      }
      if (const Pair* pair = v->PairOrNull()) {
        pending.push_back(&pair->cdr_ref());
        pending.push_back(&pair->car_ref());
      } else {
        for (const Word& element : v->VectorOrNull()->elements()) {
          pending.push_back(&element);
        }
      }
    }
  }

  // For a labelled value: writes #n# and returns true if it was printed
  // before, else writes #n= and returns false.
  bool PrintLabel(const Word& v) {
    auto it = labels_.find(v.heap_address());
    if (it == labels_.end()) return false;
    if (it->second >= 0) {
      absl::StrAppendFormat(&out_, "#%d#", it->second);
      return true;
    }
    it->second = next_label_++;
    absl::StrAppendFormat(&out_, "#%d=", it->second);
    return false;
  }

  void Push(Task::Kind kind, const Word* value) {
    tasks_.push_back({kind, value, {}});
  }
  void PushText(std::string_view text) {
    tasks_.push_back({Task::kText, nullptr, text});
  }

  void PrintValue(const Word& v) {
    const bool write = style_ == PrintStyle::kWrite;
    switch (v.tag()) {
      case Tag::kNil:
        out_ += "()";
        break;
      case Tag::kBool:
        out_ += *v.AsBool() ? "#t" : "#f";
        break;
      case Tag::kInt:
        absl::StrAppendFormat(&out_, "%d", *v.AsInt());
        break;
      case Tag::kFloat:
        WriteFloat(*v.AsFloat(), out_);
        break;
      case Tag::kChar:
        if (write) {
          WriteChar(*v.AsChar(), out_);
        } else {
          AppendUtf8(*v.AsChar(), out_);
        }
        break;
      case Tag::kString:
        if (write) {
          WriteString(v.StringOrNull()->view(), out_);
        } else {
          out_ += v.StringOrNull()->view();
        }
        break;
      case Tag::kSymbol:
        if (write) {
          WriteSymbol(v.SymbolOrNull()->name(), out_);
        } else {
          out_ += v.SymbolOrNull()->name();
        }
        break;
      case Tag::kByteVector: {
        out_ += "#u8(";
        const char* separator = "";
        for (std::uint8_t byte : v.ByteVectorOrNull()->bytes()) {
          absl::StrAppendFormat(&out_, "%s%d", separator, byte);
          separator = " ";
        }
        out_ += ')';
        break;
      }
      // Opaque, as Chez and MIT Scheme print them: their weak parts may be
      // gone by the time anyone reads the text.
      case Tag::kWeakPair:
        out_ += "#<weak-pair>";
        break;
      case Tag::kEphemeron:
        out_ += "#<ephemeron>";
        break;
      case Tag::kHashtable:
        out_ += "#<hashtable>";
        break;
      case Tag::kPair: {
        if (PrintLabel(v)) break;
        out_ += '(';
        const Pair* pair = v.PairOrNull();
        Push(Task::kListTail, &pair->cdr_ref());
        Push(Task::kValue, &pair->car_ref());
        break;
      }
      case Tag::kVector: {
        if (PrintLabel(v)) break;
        out_ += "#(";
        const auto& elements = v.VectorOrNull()->elements();
        PushText(")");
        for (std::size_t i = elements.size(); i-- > 0;) {
          Push(Task::kValue, &elements[i]);
          if (i > 0) PushText(" ");
        }
        break;
      }
    }
  }

  // What follows the car of a list: more elements, a dotted tail, or ")".
  void PrintListTail(const Word& cdr) {
    if (cdr.IsNil()) {
      out_ += ')';
    } else if (cdr.IsPair() && !labels_.contains(cdr.heap_address())) {
      out_ += ' ';
      const Pair* pair = cdr.PairOrNull();
      Push(Task::kListTail, &pair->cdr_ref());
      Push(Task::kValue, &pair->car_ref());
    } else {
      out_ += " . ";
      PushText(")");
      Push(Task::kValue, &cdr);
    }
  }

  const PrintStyle style_;
  absl::flat_hash_map<SlotKey, int> labels_;  // -1 until first printed
  int next_label_ = 0;
  std::vector<Task> tasks_;
  std::string out_;
};

}  // namespace

std::string Print(const Value& value, PrintStyle style) {
  return Printer(style).Print(value);
}

}  // namespace kamo::value
