#include <cstdint>
#include <cstdio>
#include <string>
#include <utility>

#include "mem/handle.h"
#include "mem/mutator.h"

namespace mem = kamo::mem;

// A runtime's own value, one word: a fixnum (low bit 1), or a reference to
// a Cons (low bits 010) or a Text (100). Obj is the bare word, as managed
// values store and trace it; Held is what C++ code keeps: a lock.
class Obj {
 public:
  static Obj Fixnum(std::int64_t i) {
    return Obj(static_cast<std::uintptr_t>(i) << 1 | 1);
  }
  template <typename T>
  static Obj Ref(T* value) {
    return Obj(reinterpret_cast<std::uintptr_t>(value) | T::kTag);
  }
  std::int64_t fixnum() const { return static_cast<std::int64_t>(word_) >> 1; }
  void* address() const {
    return type() ? reinterpret_cast<void*>(word_ & ~std::uintptr_t{7})
                  : nullptr;
  }
  const mem::ManagedType* type() const;  // null for a fixnum
  // For Tracer::Visit: a fixnum reports nothing.
  mem::Root ToRoot() const {
    return type() ? type()->RootAt(address()) : mem::Root();
  }

 private:
  explicit Obj(std::uintptr_t word) : word_(word) {}
  std::uintptr_t word_;
};

class Held {
 public:
  explicit Held(Obj obj) : obj_(obj) {
    if (obj_.type()) obj_.type()->Lock(obj_.address());
  }
  Held(const Held& other) : Held(other.obj_) {}
  Held& operator=(const Held&) = delete;
  ~Held() {
    if (obj_.type()) obj_.type()->Unlock(obj_.address());
  }
  Obj get() const { return obj_; }

 private:
  Obj obj_;
};

struct Cons {
  static constexpr std::uintptr_t kTag = 2;
  Cons(const Held& a, const Held& d) : car(a.get()), cdr(d.get()) {
    mem::CheckStore(this, car.address());  // debug builds: same heap?
    mem::CheckStore(this, cdr.address());
  }
  void Trace(mem::Tracer& tracer) const {
    tracer.Visit(car, "car");
    tracer.Visit(cdr, "cdr");
  }
  Obj car;
  Obj cdr;
};

struct Text {
  static constexpr std::uintptr_t kTag = 4;
  explicit Text(std::string s) : text(std::move(s)) {}
  void Trace(mem::Tracer&) const {}
  std::string text;
};

constexpr mem::ManagedType kConsType = mem::ManagedType::Of<Cons>();
constexpr mem::ManagedType kTextType = mem::ManagedType::Of<Text>();

const mem::ManagedType* Obj::type() const {
  switch (word_ & 7) {
    case Cons::kTag:
      return &kConsType;
    case Text::kTag:
      return &kTextType;
    default:
      return nullptr;
  }
}

template <typename T, typename... Args>
Held Make(mem::Mutator& mutator, const Args&... args) {
  return Held(Obj::Ref(mutator.Allocate<T>(args...).get()));
}

int main() {
  mem::Mutator mutator;
  // Only the Cons reaches the Text: its Trace keeps it.
  Held list = Make<Cons>(mutator, Make<Text>(mutator, std::string("hello")),
                         Held(Obj::Fixnum(42)));
  Make<Cons>(mutator, Make<Text>(mutator, std::string("garbage")), list);

  std::printf("freed %zu\n", mutator.CollectGarbage());
  // Prints: freed 2
  const auto* cons = static_cast<const Cons*>(list.get().address());
  const auto* text = static_cast<const Text*>(cons->car.address());
  std::printf("%s %lld %s\n", text->text.c_str(),
              static_cast<long long>(cons->cdr.fixnum()),
              mem::TypeIdAt(text) == mem::TypeIdOf<Text>() ? "Text" : "?");
  // Prints: hello 42 Text
}
