#include "value/hashtable.h"

#include <bit>
#include <utility>

#include "value/equal.h"

namespace kamo::value {
namespace {
constexpr std::size_t kMinCapacity = 8;
}  // namespace

Hashtable::Hashtable(mem::Mutator& mutator, Weakness weakness)
    : external_(mutator, this),
      mutator_(mutator),
      collections_seen_(mutator.collections()),
      weakness_(weakness) {
  internal::RecordConstructed(kTypeName, this);
}

bool Hashtable::Broken(const Entry& entry) const {
  const Field& weak =
      weakness_ == Weakness::kWeakValues ? entry.value : entry.key;
  return weakness_ != Weakness::kStrong && weak.is_cleared();
}

void Hashtable::DropBroken() {
  if (collections_seen_ == mutator_.collections()) return;
  collections_seen_ = mutator_.collections();
  if (weakness_ == Weakness::kStrong) return;
  for (Entry& entry : entries_) {
    if (entry.state == State::kFull && Broken(entry)) Erase(entry);
  }
  // Shrinking gives memory back and allocates nothing managed.
  if (entries_.size() > kMinCapacity && live_ * 8 < entries_.size()) {
    Rebuild(std::max(kMinCapacity, std::bit_ceil(live_ * 2)));
  }
}

void Hashtable::Erase(Entry& entry) {
  entry.key = Field();
  entry.value = Field();
  entry.state = State::kDeleted;
  --live_;
  ++deleted_;
}

std::size_t Hashtable::FreeSlot(const Word& key) const {
  const std::size_t mask = entries_.size() - 1;
  std::size_t i = EqHash(key) & mask;
  while (entries_[i].state == State::kFull) i = (i + 1) & mask;
  return i;
}

std::size_t Hashtable::Find(const Word& key) {
  DropBroken();
  if (live_ == 0) return kNone;
  const std::size_t mask = entries_.size() - 1;
  for (std::size_t i = EqHash(key) & mask;; i = (i + 1) & mask) {
    const Entry& entry = entries_[i];
    if (entry.state == State::kEmpty) return kNone;
    if (entry.state == State::kFull && Eq(entry.key, key)) return i;
  }
}

void Hashtable::Rebuild(std::size_t capacity) {
  const std::size_t old_bytes = entries_.capacity() * sizeof(Entry);
  const std::size_t new_bytes = capacity * sizeof(Entry);
  // May collect, or throw with nothing changed; the old array is traced.
  if (new_bytes > old_bytes) external_.Grow(new_bytes - old_bytes);
  std::vector<Entry> old =
      std::exchange(entries_, std::vector<Entry>(capacity));
  collections_seen_ = mutator_.collections();
  live_ = deleted_ = 0;
  for (Entry& entry : old) {
    if (entry.state != State::kFull || Broken(entry)) continue;
    entries_[FreeSlot(entry.key)] = std::move(entry);
    ++live_;
  }
  if (new_bytes < old_bytes) external_.Shrink(old_bytes - new_bytes);
}

std::optional<Value> Hashtable::Get(const Value& key) {
  const std::size_t i = Find(key);
  if (i == kNone) return std::nullopt;
  return entries_[i].value;  // a locked copy
}

void Hashtable::Set(const Value& key, const Value& value) {
  if (const std::size_t i = Find(key); i != kNone) {
    entries_[i].value.Set(this, value);
    return;
  }
  // At most three quarters full, tombstones included, so probes end.
  if ((live_ + deleted_ + 1) * 4 > entries_.size() * 3) {
    Rebuild(std::max(kMinCapacity, std::bit_ceil((live_ + 1) * 2)));
  }
  const std::size_t i = FreeSlot(key);
  if (entries_[i].state == State::kDeleted) --deleted_;
  entries_[i].key.Set(this, key);
  entries_[i].value.Set(this, value);
  entries_[i].state = State::kFull;
  ++live_;
}

bool Hashtable::Remove(const Value& key) {
  const std::size_t i = Find(key);
  if (i == kNone) return false;
  Erase(entries_[i]);
  return true;
}

void Hashtable::Clear() {
  external_.Shrink(entries_.capacity() * sizeof(Entry));
  std::vector<Entry>().swap(entries_);
  live_ = deleted_ = 0;
}

std::size_t Hashtable::size() {
  DropBroken();
  return live_;
}

std::vector<std::pair<Value, Value>> Hashtable::Entries() {
  DropBroken();
  std::vector<std::pair<Value, Value>> entries;
  entries.reserve(live_);
  for (const Entry& entry : entries_) {
    if (entry.state == State::kFull)
      entries.emplace_back(entry.key, entry.value);
  }
  return entries;
}

void Hashtable::Trace(mem::Tracer& tracer) const {
  for (const Entry& entry : entries_) {
    // A broken entry is never read again: its strong part need not live.
    if (entry.state != State::kFull || Broken(entry)) continue;
    switch (weakness_) {
      case Weakness::kStrong:
        mem::TraceFields(tracer, entry.key, entry.value);
        break;
      case Weakness::kWeakKeys:
        if (entry.key.is_heap()) tracer.Visit(WeakValueRef(entry.key));
        tracer.Visit(entry.value);
        break;
      case Weakness::kWeakValues:
        tracer.Visit(entry.key);
        if (entry.value.is_heap()) tracer.Visit(WeakValueRef(entry.value));
        break;
      case Weakness::kEphemeron:
        if (entry.key.is_heap()) {
          tracer.Visit(EphemeronRef{&entry.key, &entry.value});
        } else {
          tracer.Visit(entry.value);
        }
        break;
    }
  }
}

}  // namespace kamo::value
