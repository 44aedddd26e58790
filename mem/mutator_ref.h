// MutatorRef: a shared, reference-counted handle to a Mutator, for code that
// passes one around (the seed's MutatorRef). The Mutator is destroyed with
// the last MutatorRef; the rule that no Pointer outlives it still holds.
#ifndef KAMO_MEM_MUTATOR_REF_H_
#define KAMO_MEM_MUTATOR_REF_H_

#include <memory>

#include "mem/mutator.h"

namespace kamo::mem {

class MutatorRef {
 public:
  static MutatorRef Create(Mutator::Options options = Mutator::Options()) {
    return MutatorRef(std::make_shared<Mutator>(options));
  }

  Mutator& operator*() const { return *mutator_; }
  Mutator* operator->() const { return mutator_.get(); }
  Mutator* get() const { return mutator_.get(); }

  // Handles sharing this Mutator, this one included.
  long use_count() const { return mutator_.use_count(); }

  friend bool operator==(const MutatorRef& a, const MutatorRef& b) {
    return a.mutator_ == b.mutator_;
  }

 private:
  explicit MutatorRef(std::shared_ptr<Mutator> mutator)
      : mutator_(std::move(mutator)) {}

  std::shared_ptr<Mutator> mutator_;
};

}  // namespace kamo::mem

#endif  // KAMO_MEM_MUTATOR_REF_H_
