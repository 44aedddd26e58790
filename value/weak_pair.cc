#include "value/weak_pair.h"

#include <utility>

namespace kamo::value {

Value WeakPair::SetCar(const Value& value) {
  Value old = car();
  car_ = Value::Stored(this, value);
  return old;
}

Value WeakPair::SetCdr(const Value& value) {
  Value old = cdr_;
  cdr_ = Value::Stored(this, value);
  return old;
}

}  // namespace kamo::value
