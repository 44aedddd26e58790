// ExternalMemory: the bytes a managed value owns outside its slot (a
// vector's element storage, a string's characters, a user type's buffers),
// reported to its Mutator so that pacing and the heap limit see them, in
// the spirit of V8's AdjustAmountOfExternalAllocatedMemory and Lua's GC
// debt. A value holds one as a field, made with its Mutator and itself (the
// bytes are counted per type too, in Stats and the collection events), and
// reports before it grows a buffer:
//
//   explicit MyBuffer(Mutator& mutator) : external_(mutator, this) {}
//   void Push(...) {
//     if (size == capacity) {
//       external_.Grow(extra_bytes);  // may collect; may throw, then nothing
//       buffer_.reserve(...);         // changed and the buffer stays as it is
//     }
//     ...
//   }
//
// Growing counts as allocation: it may run a collection first (pressure,
// stress does not) and past MutatorOptions::heap_limit_bytes it collects,
// then throws HeapLimitExceeded with nothing counted. So Grow must not be
// called from Trace or a destructor, and whatever the caller must keep
// alive across it must be locked, as around any allocation. Shrinking
// never collects. The destructor gives back whatever is still counted, so
// a value's sweep frees its external bytes in the same collection.
#ifndef KAMO_MEM_EXTERNAL_MEMORY_H_
#define KAMO_MEM_EXTERNAL_MEMORY_H_

#include <cstddef>

#include "mem/mutator.h"

namespace kamo::mem {

class ExternalMemory {
 public:
  // `owner` is the managed value that holds this ExternalMemory (`this` in
  // its constructor): its type's arena counts the bytes.
  template <Traceable T>
  ExternalMemory(Mutator& mutator, const T* /*owner*/)
      : mutator_(&mutator), arena_(&mutator.ArenaOf<T>()) {}
  ExternalMemory(const ExternalMemory&) = delete;
  ExternalMemory& operator=(const ExternalMemory&) = delete;
  ~ExternalMemory() { Shrink(bytes_); }

  // Counts `bytes` more; see above for what it may do first.
  void Grow(std::size_t bytes);
  // Counts `bytes` fewer; at most bytes().
  void Shrink(std::size_t bytes);
  // Grows or shrinks to exactly `bytes`.
  void Resize(std::size_t bytes);

  std::size_t bytes() const { return bytes_; }

 private:
  Mutator* mutator_;
  internal::ArenaBase* arena_;  // of the owner's type
  std::size_t bytes_ = 0;
};

}  // namespace kamo::mem

#endif  // KAMO_MEM_EXTERNAL_MEMORY_H_
