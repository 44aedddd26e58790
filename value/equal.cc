#include "value/equal.h"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/hash/hash.h"
#include "value/bytevector.h"
#include "value/pair.h"
#include "value/string.h"
#include "value/vector.h"

namespace kamo::value {
namespace {

// Nodes of the unfolding EqualHash looks at.
constexpr std::size_t kHashBudget = 256;

// Debian's Abseil has its own string_view type.
absl::string_view AbslView(std::string_view bytes) {
  return {bytes.data(), bytes.size()};
}

std::string_view BytesOf(const ByteVector& bytes) {
  return {reinterpret_cast<const char*>(bytes.bytes().data()),
          bytes.bytes().size()};
}

}  // namespace

bool Eq(const Word& a, const Word& b) {
  if (a.tag() != b.tag()) return false;
  if (a.is_heap()) return a.heap_address() == b.heap_address();
  return a.immediate_bits() == b.immediate_bits();
}

bool Eqv(const Word& a, const Word& b) { return Eq(a, b); }

bool Equal(const Word& a, const Word& b) {
  std::vector<std::pair<const Word*, const Word*>> pending = {{&a, &b}};
  // Pairs of compound values already being compared: meeting one again is
  // taken as equal (the comparison is co-inductive), which ends cycles.
  absl::flat_hash_set<std::pair<const void*, const void*>> assumed;
  while (!pending.empty()) {
    auto [x, y] = pending.back();
    pending.pop_back();
    if (x->tag() != y->tag()) return false;
    if (Eq(*x, *y)) continue;
    switch (x->tag()) {
      case Tag::kString:
        if (x->StringOrNull()->view() != y->StringOrNull()->view()) {
          return false;
        }
        break;
      case Tag::kByteVector:
        if (BytesOf(*x->ByteVectorOrNull()) !=
            BytesOf(*y->ByteVectorOrNull())) {
          return false;
        }
        break;
      case Tag::kPair: {
        if (!assumed.emplace(x->heap_address(), y->heap_address()).second) break;
        const Pair* p = x->PairOrNull();
        const Pair* q = y->PairOrNull();
        pending.emplace_back(&p->cdr_ref(), &q->cdr_ref());
        pending.emplace_back(&p->car_ref(), &q->car_ref());
        break;
      }
      case Tag::kVector: {
        const auto& u = x->VectorOrNull()->elements();
        const auto& v = y->VectorOrNull()->elements();
        if (u.size() != v.size()) return false;
        if (!assumed.emplace(x->heap_address(), y->heap_address()).second) break;
        for (std::size_t i = u.size(); i-- > 0;) {
          pending.emplace_back(&u[i], &v[i]);
        }
        break;
      }
      default:  // immediates, symbols and the weak types that are not Eq
        return false;
    }
  }
  return true;
}

std::size_t EqHash(const Word& value) {
  const std::uint64_t bits =
      value.is_heap() ? reinterpret_cast<std::uintptr_t>(value.heap_address())
                      : value.immediate_bits();
  return absl::HashOf(value.tag(), bits);
}

std::size_t EqualHash(const Word& value) {
  std::size_t h = 0;
  std::vector<const Word*> pending = {&value};
  for (std::size_t visited = 0; !pending.empty() && visited < kHashBudget;
       ++visited) {
    const Word* v = pending.back();
    pending.pop_back();
    h = absl::HashOf(h, v->tag());
    switch (v->tag()) {
      case Tag::kString:
        h = absl::HashOf(h, AbslView(v->StringOrNull()->view()));
        break;
      case Tag::kByteVector:
        h = absl::HashOf(h, AbslView(BytesOf(*v->ByteVectorOrNull())));
        break;
      case Tag::kSymbol:
      case Tag::kWeakPair:  // equal? is eqv? for these
      case Tag::kEphemeron:
      case Tag::kHashtable:
        h = absl::HashOf(h, v->heap_address());
        break;
      case Tag::kPair:
        pending.push_back(&v->PairOrNull()->cdr_ref());
        pending.push_back(&v->PairOrNull()->car_ref());
        break;
      case Tag::kVector: {
        const auto& elements = v->VectorOrNull()->elements();
        h = absl::HashOf(h, elements.size());
        // Only a prefix can be visited within the budget.
        for (std::size_t i = std::min(elements.size(), kHashBudget); i-- > 0;) {
          pending.push_back(&elements[i]);
        }
        break;
      }
      default:
        h = absl::HashOf(h, v->immediate_bits());
        break;
    }
  }
  return h;
}

}  // namespace kamo::value
