#include "value/pair.h"

#include <utility>

namespace kamo::value {

Value Pair::SetCar(const Value& value) {
  Value old = car_;  // a locked copy: the caller now holds the old car
  car_ = Value::Stored(this, value);
  return old;
}

Value Pair::SetCdr(const Value& value) {
  Value old = cdr_;
  cdr_ = Value::Stored(this, value);
  return old;
}

}  // namespace kamo::value
