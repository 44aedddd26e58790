// WeakPair: a pair whose car is held weakly (MIT Scheme's weak pairs,
// Chez Scheme's weak-cons). The cdr is kept as a Pair's is; the car does
// not keep its value alive, and once a collection frees it the pair is
// broken: car() reads #f and broken() is true. An immediate car (an
// integer, a character, ...) never dies.
#ifndef KAMO_VALUE_WEAK_PAIR_H_
#define KAMO_VALUE_WEAK_PAIR_H_

#include "mem/trace.h"
#include "value/ledger_hook.h"
#include "value/value.h"

namespace kamo::value {

class WeakPair {
 public:
  static constexpr const char* kTypeName = "WeakPair";
  static constexpr std::uint8_t kTypeTag = kHeapTag<Tag::kWeakPair>;
  // Its destructor only releases number boxes: requested by the Fields
  // that hold one (value.h), so that the others are freed by bitmap.
  static constexpr bool kDestructorOnRequest = true;

  // Use Heap::NewWeakPair.
  WeakPair(const Value& car, const Value& cdr)
      : car_(Field::Initializing(), this, car),
        cdr_(Field::Initializing(), this, cdr) {
    internal::RecordConstructed(kTypeName, this);
  }
  ~WeakPair() { internal::RecordDestroyed(kTypeName, this); }
  WeakPair(const WeakPair&) = delete;
  WeakPair& operator=(const WeakPair&) = delete;

  // Locked copies; the car is #f once broken.
  Value car() const { return car_; }  // a cleared word reads as #f
  Value cdr() const { return cdr_; }
  bool broken() const { return car_.is_cleared(); }

  // Store `value`; the old one is dropped, with no lock taken on it.
  void SetCar(const Value& value) { car_.Set(this, value); }
  void SetCdr(const Value& value) { cdr_.Set(this, value); }
  // The same, returning the old value (locked; #f for a broken car).
  Value ExchangeCar(const Value& value);
  Value ExchangeCdr(const Value& value);

  void Trace(mem::Tracer& tracer) const {
    if (car_.is_heap()) tracer.Visit(WeakValueRef(car_), "car");
    tracer.Visit(cdr_, "cdr");
  }

 private:
  Field car_;  // held weakly
  Field cdr_;
};

}  // namespace kamo::value

#endif  // KAMO_VALUE_WEAK_PAIR_H_
