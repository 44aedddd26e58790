// Weak<T>: a reference that does not keep its target alive.
//
// A collection that frees the target clears every Weak to it (between mark
// and sweep) and, once the sweep is done and the heap is consistent again,
// calls the callback given to Mutator::MakeWeak. The value/ symbol table uses
// this to drop the entries of collected symbols. A Weak may outlive its
// Mutator: it is then simply cleared.
#ifndef KAMO_MEM_WEAK_H_
#define KAMO_MEM_WEAK_H_

#include <cstddef>
#include <functional>
#include <memory>
#include <vector>

#include "mem/internal/intrusive_list.h"
#include "mem/pointer.h"

namespace kamo::mem {
namespace internal {

class WeakRegistry;

struct WeakCell {
  void* target = nullptr;  // the value's address; null once cleared
  std::function<void()> on_clear;
  WeakRegistry* registry = nullptr;  // null once the Mutator is gone
  WeakCell* prev = nullptr;
  WeakCell* next = nullptr;
};

// The Mutator's intrusive list of live weak cells: O(1) add and remove, and
// O(weak cells) work per collection.
class WeakRegistry {
 public:
  WeakRegistry() = default;
  WeakRegistry(const WeakRegistry&) = delete;
  WeakRegistry& operator=(const WeakRegistry&) = delete;
  ~WeakRegistry();

  void Add(WeakCell* cell);
  void Remove(WeakCell* cell);
  std::size_t size() const { return cells_.size(); }

  // Clears every cell whose target is not marked, moving its callback into
  // `callbacks` for the caller to run after the sweep.
  void ClearUnmarked(std::vector<std::function<void()>>& callbacks);

 private:
  IntrusiveList<WeakCell> cells_;
};

}  // namespace internal

template <typename T>
class Weak {
 public:
  Weak() = default;
  Weak(Weak&&) noexcept = default;
  Weak& operator=(Weak&& other) noexcept {
    Weak moved(std::move(other));
    std::swap(cell_, moved.cell_);
    return *this;
  }
  ~Weak() {
    if (cell_ != nullptr && cell_->registry != nullptr) {
      cell_->registry->Remove(cell_.get());
    }
  }

  // A locked handle to the target, or null once it has been collected.
  Pointer<T> Lock() const {
    if (expired()) return nullptr;
    return Pointer<T>(static_cast<T*>(cell_->target));
  }

  bool expired() const { return cell_ == nullptr || cell_->target == nullptr; }

 private:
  friend class Mutator;
  explicit Weak(std::unique_ptr<internal::WeakCell> cell)
      : cell_(std::move(cell)) {}

  std::unique_ptr<internal::WeakCell> cell_;  // stable address for the list
};

}  // namespace kamo::mem

#endif  // KAMO_MEM_WEAK_H_
