#include "value/list.h"

#include "value/pair.h"

namespace kamo::value {

std::optional<std::size_t> ListLength(const Value& list) {
  // The hare moves two pairs per step, the tortoise one; they meet iff the
  // list is circular. Nothing allocates here, so raw references are safe.
  const Word* slow = &list;
  const Word* fast = &list;
  std::size_t length = 0;
  while (true) {
    if (fast->IsNil()) return length;
    const Pair* pair = fast->PairOrNull();
    if (pair == nullptr) return std::nullopt;
    fast = &pair->cdr_ref();
    ++length;
    if (fast->IsNil()) return length;
    pair = fast->PairOrNull();
    if (pair == nullptr) return std::nullopt;
    fast = &pair->cdr_ref();
    ++length;
    slow = &slow->PairOrNull()->cdr_ref();
    if (fast->heap_address() == slow->heap_address()) return std::nullopt;
  }
}

bool IsProperList(const Value& list) { return ListLength(list).has_value(); }

std::optional<Value> CxR(std::string_view path, const Value& value) {
  const Word* current = &value;
  for (auto step = path.rbegin(); step != path.rend(); ++step) {
    const Pair* pair = current->PairOrNull();
    if (pair == nullptr || (*step != 'a' && *step != 'd')) return std::nullopt;
    current = *step == 'a' ? &pair->car_ref() : &pair->cdr_ref();
  }
  return Value(*current);  // a locked copy
}

}  // namespace kamo::value
