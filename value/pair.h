// Pair: a cons cell. Its car and cdr are Fields (unlocked, reached by
// tracing); car() and cdr() give locked copies, car_ref() and cdr_ref() the
// fields themselves (or read them through a View, view.h).
#ifndef KAMO_VALUE_PAIR_H_
#define KAMO_VALUE_PAIR_H_

#include "mem/trace.h"
#include "value/ledger_hook.h"
#include "value/value.h"

namespace kamo::value {

class Pair {
 public:
  static constexpr const char* kTypeName = "Pair";
  static constexpr std::uint8_t kTypeTag = kHeapTag<Tag::kPair>;
  // Its destructor only releases number boxes: requested by the Fields
  // that hold one (value.h), so that the others are freed by bitmap.
  static constexpr bool kDestructorOnRequest = true;

  Pair(const Value& car, const Value& cdr)
      : car_(Field::Initializing(), this, car),
        cdr_(Field::Initializing(), this, cdr) {
    internal::RecordConstructed(kTypeName, this);
  }
  ~Pair() { internal::RecordDestroyed(kTypeName, this); }
  Pair(const Pair&) = delete;
  Pair& operator=(const Pair&) = delete;

  Value car() const { return car_; }
  Value cdr() const { return cdr_; }

  // set-car! and set-cdr!: store `value`; the old one is dropped, with no
  // lock taken on it.
  void SetCar(const Value& value) { car_.Set(this, value); }
  void SetCdr(const Value& value) { cdr_.Set(this, value); }
  // The same, returning the old value (locked, so the caller decides
  // whether it stays alive).
  Value ExchangeCar(const Value& value);
  Value ExchangeCdr(const Value& value);

  // The stored fields themselves, for iterative algorithms (printing,
  // equality) that run while nothing allocates.
  const Field& car_ref() const { return car_; }
  const Field& cdr_ref() const { return cdr_; }

  void Trace(mem::Tracer& tracer) const {
    tracer.Visit(car_, "car");
    tracer.Visit(cdr_, "cdr");
  }

 private:
  Field car_;
  Field cdr_;
};

std::optional<mem::Pointer<Pair>> Value::AsPair() && {
  return std::move(*this).TakeHeap<Pair>(Tag::kPair);
}

}  // namespace kamo::value

#endif  // KAMO_VALUE_PAIR_H_
