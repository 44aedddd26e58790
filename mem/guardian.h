// Guardian<T>: learn that a value became unreachable, and finalize it with
// full access to the heap (Chez Scheme's guardians; JavaScript's
// FinalizationRegistry, but handing out the value itself).
//
//   Guardian<Port> ports = mutator.MakeGuardian<Port>();
//   ports.Register(port);                    // port: a Pointer<Port>
//   ...
//   while (Pointer<Port> dead = ports.Take()) dead->Close();  // then dropped
//
// A registered value is not kept alive by its registration. The collection
// that finds it unreachable (from the Pointers, and from the values other
// guardians hold ready) does not free it: it hands it to its guardian's
// ready queue and keeps it, with everything it reaches, until the program
// takes it with Take() and drops the Pointer; the next collection then
// frees it as any other value (unless it was registered again, or is
// reachable again). A destructor may not touch other managed values; code
// that runs on a taken value may, and may allocate.
//
// The rules, each tested in mem/guardian_test.cc:
//   - Found together, handed over together: every registered value found
//     unreachable in one collection is handed over in it, even one reachable
//     only from another such value (no ordering, as in Chez Scheme). Each
//     guardian's queue keeps registration order.
//   - A value handed over is alive: WeakMembers, Weak handles and
//     ephemerons keyed by it (or by what it reaches) are not cleared.
//   - A value registered twice (with one guardian or two) is handed over
//     twice, once per registration.
//   - Dropping the Guardian drops its registrations and its ready queue:
//     those values are then collected as usual, with their destructors.
//   - The Mutator's destruction destroys every value, registered or ready,
//     once; a Guardian that outlives its Mutator is empty, and Register on
//     it stops the program.
//   - Register stops the program (MEM_CHECK) for a null Pointer, a value of
//     another Mutator, or a Guardian with no Mutator; nothing is changed.
// A Guardian is used from its Mutator's thread, like the Mutator.
#ifndef KAMO_MEM_GUARDIAN_H_
#define KAMO_MEM_GUARDIAN_H_

#include <cstddef>
#include <deque>
#include <memory>
#include <vector>

#include "mem/check.h"
#include "mem/internal/bucket_header.h"
#include "mem/internal/intrusive_list.h"
#include "mem/internal/type_info.h"
#include "mem/pointer.h"
#include "mem/trace.h"

namespace kamo::mem {
namespace internal {

class GuardianRegistry;

// A Guardian's state, at a stable address for its Mutator's list.
struct GuardianCell {
  std::vector<Root> registered;  // not roots: registration keeps nothing
  std::deque<Root> ready;        // handed over: roots until taken
  GuardianRegistry* registry = nullptr;  // null once the Mutator is gone
  GuardianCell* prev = nullptr;
  GuardianCell* next = nullptr;
};

// The Mutator's intrusive list of guardians: O(1) add and remove, and
// O(registrations + ready values) work per collection.
class GuardianRegistry {
 public:
  explicit GuardianRegistry(const void* mutator) : mutator_(mutator) {}
  GuardianRegistry(const GuardianRegistry&) = delete;
  GuardianRegistry& operator=(const GuardianRegistry&) = delete;
  ~GuardianRegistry();  // empties and detaches every cell

  void Add(GuardianCell* cell);
  void Remove(GuardianCell* cell);
  const void* mutator() const { return mutator_; }

  // Marking: the ready values are roots.
  void MarkReady(Tracer& tracer) const;
  // After marking from the roots: moves every registration whose value is
  // unmarked to its guardian's ready queue (all of them first, so that a
  // value reachable only from another one handed over goes too), then
  // visits the values moved; returns how many. The caller drains again.
  std::size_t HandOverUnreached(Tracer& tracer);

 private:
  const void* mutator_;
  IntrusiveList<GuardianCell> cells_;
  std::vector<Root> handed_over_;  // per collection, reused
};

}  // namespace internal

template <typename T>
class Guardian {
 public:
  Guardian() = default;  // no Mutator: make one with Mutator::MakeGuardian
  Guardian(Guardian&&) noexcept = default;
  Guardian& operator=(Guardian&& other) noexcept {
    Guardian moved(std::move(other));
    std::swap(cell_, moved.cell_);
    return *this;
  }
  ~Guardian() {
    if (cell_ != nullptr && cell_->registry != nullptr) {
      cell_->registry->Remove(cell_.get());
    }
  }

  // Registers `value`: when a collection finds it unreachable, Take() hands
  // it out.
  void Register(const Pointer<T>& value) {
    MEM_CHECK(cell_ != nullptr && cell_->registry != nullptr,
              "Guardian<%s>::Register on a Guardian without a Mutator (made "
              "by default, moved from, or outliving its Mutator)",
              internal::TypeName<T>());
    MEM_CHECK(value != nullptr, "Guardian<%s>::Register of a null Pointer",
              internal::TypeName<T>());
    MEM_CHECK(internal::BucketHeader::Of(value.get())->owner() ==
                  cell_->registry->mutator(),
              "Guardian<%s>::Register of a value of another Mutator",
              internal::TypeName<T>());
    cell_->registered.push_back(internal::RootOf(value.get()));
  }

  // The oldest value handed over and not yet taken, locked; null if none.
  Pointer<T> Take() {
    if (cell_ == nullptr || cell_->ready.empty()) return nullptr;
    T* value = static_cast<T*>(cell_->ready.front().address());
    Pointer<T> locked = internal::LockedPointer(value);
    cell_->ready.pop_front();
    return locked;
  }

  // Registrations not handed over yet, and values waiting in Take's queue.
  std::size_t registered() const {
    return cell_ == nullptr ? 0 : cell_->registered.size();
  }
  std::size_t ready() const {
    return cell_ == nullptr ? 0 : cell_->ready.size();
  }

 private:
  friend class Mutator;
  explicit Guardian(std::unique_ptr<internal::GuardianCell> cell)
      : cell_(std::move(cell)) {}

  std::unique_ptr<internal::GuardianCell> cell_;
};

}  // namespace kamo::mem

#endif  // KAMO_MEM_GUARDIAN_H_
