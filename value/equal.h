// Scheme's equivalence predicates and hashes consistent with them.
//
//   Eq     identity: the same heap slot, or the same immediate (eq?).
//   Eqv    Eq; numbers and characters compare by value and type (eqv?).
//          With immediates stored unboxed, Eq and Eqv agree.
//   Equal  structural (equal?): pairs and vectors element-wise, strings and
//          bytevectors by content, everything else by Eqv. Iterative, and it
//          terminates on circular structure: two structures are equal when
//          no finite walk tells them apart (cycles of different lengths with
//          the same contents are equal).
//
// EqHash is consistent with Eq; EqualHash with Equal: it hashes a bounded
// prefix of the structure's infinite unfolding, so equal structures hash the
// same, and any structure, circular or a million deep, hashes in bounded
// time.
#ifndef KAMO_VALUE_EQUAL_H_
#define KAMO_VALUE_EQUAL_H_

#include <cstddef>

#include "value/value.h"

namespace kamo::value {

// Over words: Values, and the Fields of containers.
bool Eq(const Word& a, const Word& b);
bool Eqv(const Word& a, const Word& b);
bool Equal(const Word& a, const Word& b);

std::size_t EqHash(const Word& value);
std::size_t EqualHash(const Word& value);

// The same for Values and what converts to one (a Pointer).
inline bool Eq(const Value& a, const Value& b) {
  return Eq(static_cast<const Word&>(a), static_cast<const Word&>(b));
}
inline bool Eqv(const Value& a, const Value& b) {
  return Eqv(static_cast<const Word&>(a), static_cast<const Word&>(b));
}
inline bool Equal(const Value& a, const Value& b) {
  return Equal(static_cast<const Word&>(a), static_cast<const Word&>(b));
}
inline std::size_t EqHash(const Value& value) {
  return EqHash(static_cast<const Word&>(value));
}
inline std::size_t EqualHash(const Value& value) {
  return EqualHash(static_cast<const Word&>(value));
}

// Functors for hash containers keyed by Values.
struct EqualHasher {
  std::size_t operator()(const Value& v) const { return EqualHash(v); }
};
struct EqualTo {
  bool operator()(const Value& a, const Value& b) const { return Equal(a, b); }
};

}  // namespace kamo::value

#endif  // KAMO_VALUE_EQUAL_H_
