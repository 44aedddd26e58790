#include "mem/internal/ephemeron_table.h"

#include "mem/check.h"
#include "mem/internal/bucket_header.h"
#include "mem/trace.h"

namespace kamo::mem::internal {

EphemeronTable::~EphemeronTable() {
  MEM_DCHECK(buckets_.empty(), "no marking is under way");
}

void EphemeronTable::Add(const EphemeronFields& fields) {
  MEM_CHECK(entries_.size() < kEnd, "more than %d ephemerons wait on keys",
            kEnd - 1);
  BucketHeader* bucket = BucketHeader::Of(*fields.key);
  auto* waits = static_cast<BucketWaits*>(bucket->waiting_ephemerons());
  if (waits == nullptr) {
    if (spare_.empty()) spare_.push_back(std::make_unique<BucketWaits>());
    waits = spare_.back().release();
    spare_.pop_back();
    bucket->set_waiting_ephemerons(waits);
    buckets_.push_back(bucket);
  }
  const auto index = static_cast<std::uint32_t>(entries_.size());
  auto [it, inserted] = waits->try_emplace(bucket->IndexOf(*fields.key), index);
  entries_.push_back({fields, *fields.key, inserted ? kEnd : it->second});
  it->second = index;
  ++waiting_;
}

void EphemeronTable::Resolve(const void* value, Tracer& tracer) {
  const BucketHeader* bucket = BucketHeader::Of(value);
  auto* waits = static_cast<BucketWaits*>(bucket->waiting_ephemerons());
  if (waits == nullptr) return;
  const auto it = waits->find(bucket->IndexOf(value));
  if (it == waits->end()) return;
  std::uint32_t index = it->second;
  waits->erase(it);
  for (; index != kEnd; index = entries_[index].next) {
    EphemeronFields& fields = entries_[index].fields;
    fields.key = nullptr;
    --waiting_;
    if (fields.value != nullptr && *fields.value != nullptr) {
      tracer.Visit(Root(*fields.value, fields.trace_value));
    }
  }
}

void EphemeronTable::Reset(bool clear_fields) {
  for (const Entry& entry : entries_) {
    if (entry.fields.key == nullptr) continue;
    // Erased one by one, not cleared: the maps keep their capacity for the
    // next marking (clear() would give it back).
    BucketHeader* bucket = BucketHeader::Of(entry.key);
    static_cast<BucketWaits*>(bucket->waiting_ephemerons())
        ->erase(bucket->IndexOf(entry.key));
    if (!clear_fields) continue;
    *entry.fields.key = nullptr;
    if (entry.fields.value != nullptr) *entry.fields.value = nullptr;
  }
  entries_.clear();
  waiting_ = 0;
  for (BucketHeader* bucket : buckets_) {
    auto* waits = static_cast<BucketWaits*>(bucket->waiting_ephemerons());
    MEM_DCHECK(waits->empty(), "every waiting entry was resolved or erased");
    bucket->set_waiting_ephemerons(nullptr);
    spare_.emplace_back(waits);
  }
  buckets_.clear();
}

}  // namespace kamo::mem::internal
