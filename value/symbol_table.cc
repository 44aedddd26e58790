#include "value/symbol_table.h"

#include "absl/hash/hash.h"
#include "absl/strings/string_view.h"
#include "mem/check.h"
#include "value/symbol.h"

namespace kamo::value {

SymbolTable::~SymbolTable() {
  for (Symbol* symbol : symbols_) symbol->table_ = nullptr;
}

Symbol* SymbolTable::Find(std::string_view name) const {
  const auto it = symbols_.find(name);
  return it == symbols_.end() ? nullptr : *it;
}

void SymbolTable::Add(Symbol* symbol) {
  const bool inserted = symbols_.insert(symbol).second;
  MEM_DCHECK(inserted, "a name is interned once");
  symbol->table_ = this;
}

void SymbolTable::Remove(Symbol* symbol) {
  const std::size_t erased = symbols_.erase(symbol);
  MEM_DCHECK(erased == 1, "a Symbol leaves the table it is in");
}

std::size_t SymbolTable::NameHash::operator()(std::string_view name) const {
  // Debian's Abseil has its own string_view type.
  return absl::Hash<absl::string_view>()(
      absl::string_view(name.data(), name.size()));
}

std::size_t SymbolTable::NameHash::operator()(const Symbol* symbol) const {
  return (*this)(symbol->name());
}

std::string_view SymbolTable::NameEq::NameOf(const Symbol* symbol) {
  return symbol->name();
}

}  // namespace kamo::value
