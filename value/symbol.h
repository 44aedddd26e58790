// Symbol: an immutable, interned name (any bytes). Heap::Intern returns the
// same slot for the same name while the symbol is reachable; the intern table
// (symbol_table.h) holds symbols weakly, and a symbol leaves it when it is
// destroyed.
#ifndef KAMO_VALUE_SYMBOL_H_
#define KAMO_VALUE_SYMBOL_H_

#include <string>
#include <string_view>

#include "mem/external_memory.h"
#include "mem/trace.h"
#include "value/counted_buffer.h"
#include "value/ledger_hook.h"
#include "value/symbol_table.h"
#include "value/value.h"

namespace kamo::value {

class Symbol {
 public:
  static constexpr const char* kTypeName = "Symbol";
  static constexpr std::uint8_t kTypeTag = kHeapTag<Tag::kSymbol>;

  // Use Heap::Intern: a Symbol made any other way is not interned. The
  // name's bytes are counted as the Mutator's external memory.
  Symbol(mem::Mutator& mutator, std::string_view name)
      : external_(mutator, this), name_(name) {
    external_.Grow(BufferBytes(name_));
    internal::RecordConstructed(kTypeName, this);
  }
  ~Symbol() {
    if (table_ != nullptr) table_->Remove(this);
    internal::RecordDestroyed(kTypeName, this);
  }
  Symbol(const Symbol&) = delete;
  Symbol& operator=(const Symbol&) = delete;

  std::string_view name() const { return name_; }

  void Trace(mem::Tracer&) const {}
  // For heap snapshots (mem/describe.h).
  std::string SnapshotLabel() const { return name_; }
  std::size_t ExternalBytes() const { return external_.bytes(); }

 private:
  friend class SymbolTable;

  mem::ExternalMemory external_;  // the capacity of name_
  const std::string name_;
  SymbolTable* table_ = nullptr;  // the table that interned it, if any
};

}  // namespace kamo::value

#endif  // KAMO_VALUE_SYMBOL_H_
