// View: a borrowed Value, for an interpreter's hot paths: walking a list,
// car and cdr, vector-ref, type checks. Making, copying and reading a View
// take no lock. A View is valid until the next allocation or collection
// (which may free what it refers to); Keep() gives a locked Value for what
// the caller holds past that.
//
//   for (View v(list); v->IsPair(); v = v.cdr()) sum += *v.car()->AsInt();
//
// Debug builds (KAMO_MEM_DEBUG_CHECKS) stop the program, naming the value's
// type, when a View of a heap value is used after a collection of its
// Mutator. In opt builds a View is the 8-byte word and nothing else, and
// using it costs what reading the word costs.
#ifndef KAMO_VALUE_VIEW_H_
#define KAMO_VALUE_VIEW_H_

#include <cstddef>

#include "mem/check.h"
#include "value/pair.h"
#include "value/value.h"
#include "value/vector.h"

namespace kamo::value {

class View {
 public:
  View() = default;  // nil
  // Borrows `word`: a Value, or a Field of a container reachable from one.
  explicit View(const Word& word) : word_(word) { Watch(); }

  // The borrowed word, for its inspectors (tag, Is*, As*, ...).
  const Word& operator*() const {
    Check();
    return word_;
  }
  const Word* operator->() const { return &**this; }

  // A locked copy, for the caller to keep.
  Value Keep() const { return Value(**this); }

  // A pair's car and cdr; a View of anything else stops the program.
  View car() const { return View(PairOf("car").car_ref()); }
  View cdr() const { return View(PairOf("cdr").cdr_ref()); }
  // A vector's element at `index`; a View of anything else, or an index out
  // of range, stops the program (check the size first: (**view).
  // VectorOrNull()->size()).
  View element(std::size_t index) const {
    const Vector* vector = (**this).VectorOrNull();
    if (vector == nullptr || index >= vector->size()) [[unlikely]] {
      NoElement(index, word_.tag(), vector == nullptr ? 0 : vector->size());
    }
    return View(vector->elements()[index]);
  }

 private:
  const Pair& PairOf(const char* accessor) const {
    const Pair* pair = (**this).PairOrNull();
    if (pair == nullptr) [[unlikely]]
      NotAPair(accessor, word_.tag());
    return *pair;
  }
  // The failures take copies, not this View: a check that referred to the
  // View (as MEM_CHECK's lambda does) would keep it in memory, and each step
  // of a walk would store the word and load it back.
  // (They stop the program: MEM_CHECK's failure.)
  [[gnu::cold, gnu::noinline]] static void NotAPair(const char* accessor,
                                                    Tag tag);
  [[gnu::cold, gnu::noinline]] static void NoElement(std::size_t index, Tag tag,
                                                     std::size_t size);

#if KAMO_MEM_DEBUG_CHECKS
  // Records the count of collections of the heap value's Mutator.
  void Watch();
  void Check() const {
    MEM_CHECK(counter_ == nullptr || *counter_ == seen_,
              "a View of a %s was used after a collection: a borrowed value "
              "is valid until the next allocation or collection (Keep() it "
              "to hold it longer)",
              ToString(word_.tag()));
  }

  const std::size_t* counter_ = nullptr;  // null for immediates
  std::size_t seen_ = 0;
#else
  void Watch() {}
  void Check() const {}
#endif

  Word word_;
};

}  // namespace kamo::value

#endif  // KAMO_VALUE_VIEW_H_
