// Raw-pointer coercion: addresses derived from the input (inside live
// slots, inside freed slots, between slots, past bucket ends, in another
// arena, on the stack, arbitrary) are offered to PointerFromRaw. The law:
// an address is accepted exactly when it is the value address of a live
// Cell, and then the Pointer is that Cell.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <vector>

#include "fuzz/coercion_ops.h"
#include "mem/mutator.h"

namespace {

struct Cell {
  static constexpr const char* kTypeName = "Cell";
  explicit Cell(int cell_id) : id(cell_id) {}
  void Trace(kamo::mem::Tracer&) const {}
  int id;
};

struct Other {
  void Trace(kamo::mem::Tracer&) const {}
  std::uint64_t payload[3] = {};
};

constexpr int kHandles = 32;

[[noreturn]] void Violation(const char* what, std::uintptr_t address,
                            const char* status) {
  std::fprintf(stderr, "kamo coercion oracle: %s (address %#zx): %s\n", what,
               static_cast<std::size_t>(address), status);
  std::abort();
}

class CoercionRun {
 public:
  explicit CoercionRun(std::uint32_t bucket_capacity)
      : mutator_(
            kamo::mem::MutatorOptions{.bucket_capacity = bucket_capacity}) {}

  void Allocate(int handle) {
    Drop(handle);  // the handle's old cell becomes unreachable first
    kamo::mem::Pointer<Cell> cell = mutator_.Allocate<Cell>(next_id_++);
    SyncCollections();
    live_[cell.get()] = cell->id;
    handles_[handle] = std::move(cell);
  }

  void Drop(int handle) {
    if (handles_[handle]) dropped_.push_back(handles_[handle].get());
    handles_[handle] = nullptr;
  }

  void Collect() {
    const std::size_t freed = mutator_.CollectGarbage();
    const std::size_t expected = dropped_.size();
    SyncCollections();
    if (freed != expected) {
      Violation("a collection freed a different number of cells", 0, "");
    }
  }

  void AllocateOther() {
    others_.push_back(mutator_.Allocate<Other>());
    SyncCollections();
  }

  // Offers `address`; checks the law.
  void Probe(std::uintptr_t address) {
    const void* raw = reinterpret_cast<const void*>(address);
    auto result = mutator_.PointerFromRaw<Cell>(raw);
    auto it = live_.find(raw);
    if (it == live_.end()) {
      if (result.ok()) {
        Violation("accepted an address that is not a live cell", address, "ok");
      }
      return;
    }
    if (!result.ok()) {
      Violation("refused a live cell", address,
                result.status().ToString().c_str());
    }
    if ((*result)->id != it->second) {
      Violation("returned a different cell", address, "id differs");
    }
  }

  // Addresses to derive probes from.
  std::uintptr_t LiveAddress(std::uint8_t pick) const {
    return PickFrom(live_, pick);
  }
  std::uintptr_t FreedAddress(std::uint8_t pick) const {
    if (freed_.empty()) return 0;
    return reinterpret_cast<std::uintptr_t>(freed_[pick % freed_.size()]);
  }
  std::uintptr_t OtherAddress(std::uint8_t pick) const {
    if (others_.empty()) return 0;
    return reinterpret_cast<std::uintptr_t>(
        others_[pick % others_.size()].get());
  }

  void Finish() {
    if (!mutator_.VerifyHeap().ok()) Violation("heap inconsistent", 0, "");
  }

 private:
  static std::uintptr_t PickFrom(const std::map<const void*, int>& cells,
                                 std::uint8_t pick) {
    if (cells.empty()) return 0;
    auto it = cells.begin();
    std::advance(it, pick % cells.size());
    return reinterpret_cast<std::uintptr_t>(it->first);
  }

  // A collection (explicit or by pressure) frees every dropped cell.
  void SyncCollections() {
    if (mutator_.collections() == collections_) return;
    collections_ = mutator_.collections();
    for (const void* address : dropped_) {
      live_.erase(address);
      freed_.push_back(address);
    }
    dropped_.clear();
  }

  kamo::mem::Mutator mutator_;
  kamo::mem::Pointer<Cell> handles_[kHandles];
  std::vector<kamo::mem::Pointer<Other>> others_;
  std::map<const void*, int> live_;   // address -> id, not yet freed
  std::vector<const void*> dropped_;  // live but unreachable
  std::vector<const void*> freed_;    // freed (slots may be reused)
  std::size_t collections_ = 0;
  int next_id_ = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  using kamo::fuzz::CoercionOp;
  const kamo::fuzz::CoercionProgram program =
      kamo::fuzz::DecodeCoercionOps(data, size);
  CoercionRun run(program.bucket_capacity);
  const auto stack_address = reinterpret_cast<std::uintptr_t>(&program);
  for (const CoercionOp& op : program.ops) {
    switch (op.kind) {
      case CoercionOp::kAllocate:
        run.Allocate(op.arg % kHandles);
        break;
      case CoercionOp::kDrop:
        run.Drop(op.arg % kHandles);
        break;
      case CoercionOp::kCollect:
        run.Collect();
        break;
      case CoercionOp::kAllocateOther:
        run.AllocateOther();
        break;
      case CoercionOp::kProbeLive:
        run.Probe(run.LiveAddress(op.arg) + op.offset);
        break;
      case CoercionOp::kProbeFreed:
        run.Probe(run.FreedAddress(op.arg) + op.offset);
        break;
      case CoercionOp::kProbeOther:
        run.Probe(run.OtherAddress(op.arg) + op.offset);
        break;
      case CoercionOp::kProbeStack:
        run.Probe(stack_address + op.offset * 8);
        break;
      case CoercionOp::kProbeArbitrary:
        run.Probe(static_cast<std::uintptr_t>(op.address));
        break;
    }
  }
  run.Finish();
  return 0;
}
