// Pair: a cons cell. Its car and cdr are unlocked Values inside the pair,
// reached by tracing; reading one gives a locked copy.
#ifndef KAMO_VALUE_PAIR_H_
#define KAMO_VALUE_PAIR_H_

#include "mem/trace.h"
#include "value/ledger_hook.h"
#include "value/value.h"

namespace kamo::value {

class Pair {
 public:
  static constexpr const char* kTypeName = "Pair";

  Pair(const Value& car, const Value& cdr)
      : car_(Value::Stored(this, car)), cdr_(Value::Stored(this, cdr)) {
    internal::RecordConstructed(kTypeName, this);
  }
  ~Pair() { internal::RecordDestroyed(kTypeName, this); }
  Pair(const Pair&) = delete;
  Pair& operator=(const Pair&) = delete;

  Value car() const { return car_; }
  Value cdr() const { return cdr_; }

  // set-car! and set-cdr!: store `value`; the old one is dropped, with no
  // lock taken on it.
  void SetCar(const Value& value) { car_ = Value::Stored(this, value); }
  void SetCdr(const Value& value) { cdr_ = Value::Stored(this, value); }
  // The same, returning the old value (locked, so the caller decides
  // whether it stays alive).
  Value ExchangeCar(const Value& value);
  Value ExchangeCdr(const Value& value);

  // The stored fields themselves, for iterative algorithms (printing,
  // equality) that run while nothing allocates.
  const Value& car_ref() const { return car_; }
  const Value& cdr_ref() const { return cdr_; }

  void Trace(mem::Tracer& tracer) const {
    tracer.Visit(car_, "car");
    tracer.Visit(cdr_, "cdr");
  }

 private:
  Value car_;  // unlocked
  Value cdr_;  // unlocked
};

}  // namespace kamo::value

#endif  // KAMO_VALUE_PAIR_H_
