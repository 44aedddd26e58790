// SymbolTable: the interned symbols, found by name and held weakly.
//
// Each name is stored once, in its Symbol; the table holds only the
// Symbols' addresses, hashed by the names they hold. A Symbol leaves the
// table when it is destroyed: Symbol has a destructor, so it is swept in the
// collection that finds it unreachable (never lazily, see mem's Costs), and
// no entry outlives its collection. The table is plain C++ memory, so a
// destructor may update it (trace.h's rule 3 is about managed values).
// Destroying the table first detaches the Symbols still in it.
#ifndef KAMO_VALUE_SYMBOL_TABLE_H_
#define KAMO_VALUE_SYMBOL_TABLE_H_

#include <cstddef>
#include <string_view>

#include "absl/container/flat_hash_set.h"

namespace kamo::value {

class Symbol;

class SymbolTable {
 public:
  SymbolTable() = default;
  SymbolTable(const SymbolTable&) = delete;
  SymbolTable& operator=(const SymbolTable&) = delete;
  ~SymbolTable();

  // The live Symbol named `name`, or null.
  Symbol* Find(std::string_view name) const;
  // `symbol`'s name must not be in the table.
  void Add(Symbol* symbol);
  // From ~Symbol.
  void Remove(Symbol* symbol);
  std::size_t size() const { return symbols_.size(); }

 private:
  // Hash and equality by name, for Symbols and names alike.
  struct NameHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view name) const;
    std::size_t operator()(const Symbol* symbol) const;
  };
  struct NameEq {
    using is_transparent = void;
    static std::string_view NameOf(std::string_view name) { return name; }
    static std::string_view NameOf(const Symbol* symbol);
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const {
      return NameOf(a) == NameOf(b);
    }
  };

  absl::flat_hash_set<Symbol*, NameHash, NameEq> symbols_;
};

}  // namespace kamo::value

#endif  // KAMO_VALUE_SYMBOL_TABLE_H_
