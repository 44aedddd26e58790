// Ephemeron: SRFI 124's ephemeron as a Scheme value. The datum is kept
// only while the key is reachable some other way (not through the datum
// itself); once a collection frees the key, the ephemeron is broken: key()
// and datum() read #f and broken() is true. An immediate key never dies,
// so its datum is kept as a pair's cdr is. See mem/ephemeron.h for the
// collector's side (chains resolve in one collection, in linear time).
#ifndef KAMO_VALUE_EPHEMERON_H_
#define KAMO_VALUE_EPHEMERON_H_

#include "mem/trace.h"
#include "value/ledger_hook.h"
#include "value/value.h"

namespace kamo::value {

class Ephemeron {
 public:
  static constexpr const char* kTypeName = "Ephemeron";
  static constexpr std::uint8_t kTypeTag = kHeapTag<Tag::kEphemeron>;
  // Its destructor only releases number boxes: requested by the Fields
  // that hold one (value.h), so that the others are freed by bitmap.
  static constexpr bool kDestructorOnRequest = true;

  // Use Heap::NewEphemeron.
  Ephemeron(const Value& key, const Value& datum)
      : key_(Field::Initializing(), this, key),
        datum_(Field::Initializing(), this, datum) {
    internal::RecordConstructed(kTypeName, this);
  }
  ~Ephemeron() { internal::RecordDestroyed(kTypeName, this); }
  Ephemeron(const Ephemeron&) = delete;
  Ephemeron& operator=(const Ephemeron&) = delete;

  // Locked copies, #f once broken.
  Value key() const { return key_; }  // a cleared word reads as #f
  Value datum() const { return broken() ? Value::Bool(false) : datum_; }
  bool broken() const { return key_.is_cleared(); }

  void Trace(mem::Tracer& tracer) const {
    if (broken()) return;
    if (key_.is_heap()) {
      tracer.Visit(EphemeronRef{&key_, &datum_});
    } else {
      tracer.Visit(datum_, "datum");
    }
  }

 private:
  Field key_;    // held weakly
  Field datum_;  // kept while the key is
};

}  // namespace kamo::value

#endif  // KAMO_VALUE_EPHEMERON_H_
