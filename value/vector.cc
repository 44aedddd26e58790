#include "value/vector.h"

#include <iterator>
#include <utility>

#include "absl/strings/str_format.h"
#include "value/counted_buffer.h"

namespace kamo::value {

Vector::Vector(mem::Mutator& mutator, std::span<const Value> values)
    : external_(mutator, this) {
  ReserveCounted(external_, elements_, values.size());
  for (const Value& value : values) {
    elements_.emplace_back(Field::Initializing(), this, value);
  }
  internal::RecordConstructed(kTypeName, this);
}

Vector::Vector(mem::Mutator& mutator, std::size_t size, const Value& fill)
    : external_(mutator, this) {
  ReserveCounted(external_, elements_, size);
  for (std::size_t i = 0; i < size; ++i) {
    elements_.emplace_back(Field::Initializing(), this, fill);
  }
  internal::RecordConstructed(kTypeName, this);
}

absl::Status Vector::CheckIndex(std::size_t index, std::size_t limit,
                                const char* operation) const {
  if (index < limit) return absl::OkStatus();
  return absl::OutOfRangeError(
      absl::StrFormat("Vector::%s: index %d out of range for a vector of %d",
                      operation, index, elements_.size()));
}

absl::StatusOr<Value> Vector::Get(std::size_t index) const {
  if (absl::Status s = CheckIndex(index, size(), "Get"); !s.ok()) return s;
  return Value(elements_[index]);
}

absl::Status Vector::Set(std::size_t index, const Value& value) {
  if (absl::Status s = CheckIndex(index, size(), "Set"); !s.ok()) return s;
  elements_[index].Set(this, value);
  return absl::OkStatus();
}

absl::StatusOr<Value> Vector::Exchange(std::size_t index, const Value& value) {
  if (absl::Status s = CheckIndex(index, size(), "Exchange"); !s.ok()) {
    return s;
  }
  Value old = elements_[index];  // locked
  elements_[index].Set(this, value);
  return old;
}

void Vector::Reserve(std::size_t capacity) {
  ReserveCounted(external_, elements_, capacity);
}

void Vector::Push(const Value& value) {
  ReserveCounted(external_, elements_, elements_.size() + 1);
  elements_.emplace_back(this, value);
}

std::optional<Value> Vector::Pop() {
  if (elements_.empty()) return std::nullopt;
  Value last = elements_.back();  // locked
  elements_.pop_back();
  return last;
}

absl::Status Vector::Insert(std::size_t index, const Value& value) {
  if (absl::Status s = CheckIndex(index, size() + 1, "Insert"); !s.ok()) {
    return s;
  }
  ReserveCounted(external_, elements_, elements_.size() + 1);
  elements_.insert(elements_.begin() + static_cast<std::ptrdiff_t>(index),
                   Field(this, value));
  return absl::OkStatus();
}

absl::StatusOr<Value> Vector::Remove(std::size_t index) {
  if (absl::Status s = CheckIndex(index, size(), "Remove"); !s.ok()) return s;
  Value removed = elements_[index];  // locked
  elements_.erase(elements_.begin() + static_cast<std::ptrdiff_t>(index));
  return removed;
}

absl::StatusOr<Value> Vector::SwapRemove(std::size_t index) {
  if (absl::Status s = CheckIndex(index, size(), "SwapRemove"); !s.ok()) {
    return s;
  }
  Value removed = elements_[index];  // locked
  if (index + 1 != elements_.size()) {
    elements_[index] = std::move(elements_.back());  // stays unlocked
  }
  elements_.pop_back();
  return removed;
}

void Vector::Truncate(std::size_t size) {
  if (size < elements_.size()) {
    elements_.erase(elements_.begin() + static_cast<std::ptrdiff_t>(size),
                    elements_.end());
  }
}

void Vector::Retain(const std::function<bool(const Value&)>& keep) {
  std::erase_if(elements_, [&keep](const Field& element) {
    return !keep(Value(element));  // the predicate sees a locked copy
  });
}

}  // namespace kamo::value
