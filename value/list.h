// List helpers over Values: proper-list check and length (both terminate on
// circular lists), and the c[ad]{2,3}r accessors.
#ifndef KAMO_VALUE_LIST_H_
#define KAMO_VALUE_LIST_H_

#include <cstddef>
#include <optional>
#include <string_view>

#include "value/value.h"

namespace kamo::value {

// The number of pairs in a proper list; nullopt for a dotted or circular
// list or a non-list. Floyd's cycle check: O(length), O(1) space.
std::optional<std::size_t> ListLength(const Value& list);
bool IsProperList(const Value& list);

// Applies car/cdr as named by `path` read right to left, as in Scheme's
// c[ad]+r: CxR("ad", v) is (cadr v). nullopt if a step meets a non-pair.
std::optional<Value> CxR(std::string_view path, const Value& value);

inline std::optional<Value> Car(const Value& v) { return CxR("a", v); }
inline std::optional<Value> Cdr(const Value& v) { return CxR("d", v); }
inline std::optional<Value> Caar(const Value& v) { return CxR("aa", v); }
inline std::optional<Value> Cadr(const Value& v) { return CxR("ad", v); }
inline std::optional<Value> Cdar(const Value& v) { return CxR("da", v); }
inline std::optional<Value> Cddr(const Value& v) { return CxR("dd", v); }
inline std::optional<Value> Caaar(const Value& v) { return CxR("aaa", v); }
inline std::optional<Value> Caadr(const Value& v) { return CxR("aad", v); }
inline std::optional<Value> Cadar(const Value& v) { return CxR("ada", v); }
inline std::optional<Value> Caddr(const Value& v) { return CxR("add", v); }
inline std::optional<Value> Cdaar(const Value& v) { return CxR("daa", v); }
inline std::optional<Value> Cdadr(const Value& v) { return CxR("dad", v); }
inline std::optional<Value> Cddar(const Value& v) { return CxR("dda", v); }
inline std::optional<Value> Cdddr(const Value& v) { return CxR("ddd", v); }

}  // namespace kamo::value

#endif  // KAMO_VALUE_LIST_H_
