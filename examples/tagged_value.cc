#include <cstdint>
#include <cstdio>
#include <string>
#include <utility>

#include "mem/handle.h"
#include "mem/mutator.h"

namespace mem = kamo::mem;

// A runtime's own value, one word: a fixnum (low bit 1) or the address of a
// managed Cons or Text (low bit 0). Obj is the bare word, as managed values
// store and trace it; Held is what C++ code keeps: a lock.
class Obj {
 public:
  static Obj Fixnum(std::int64_t i) {
    return Obj(static_cast<std::uintptr_t>(i) << 1 | 1);
  }
  static Obj Ref(const void* value) {
    return Obj(reinterpret_cast<std::uintptr_t>(value));
  }
  bool is_ref() const { return (word_ & 1) == 0; }
  std::int64_t fixnum() const { return static_cast<std::int64_t>(word_) >> 1; }
  void* address() const { return reinterpret_cast<void*>(word_); }
  // For Tracer::Visit: a fixnum reports nothing.
  mem::Root ToRoot() const {
    return is_ref() ? mem::RootAt(address()) : mem::Root();
  }

 private:
  explicit Obj(std::uintptr_t word) : word_(word) {}
  std::uintptr_t word_;
};

class Held {
 public:
  explicit Held(Obj obj) : obj_(obj) {
    if (obj_.is_ref()) mem::LockAt(obj_.address());
  }
  Held(const Held& other) : Held(other.obj_) {}
  Held& operator=(const Held&) = delete;
  ~Held() {
    if (obj_.is_ref()) mem::UnlockAt(obj_.address());
  }
  Obj get() const { return obj_; }

 private:
  Obj obj_;
};

struct Cons {
  static constexpr std::uint8_t kTypeTag = 1;  // what mem::TypeTagAt reads
  Cons(const Held& a, const Held& d) : car(a.get()), cdr(d.get()) {}
  // A store after construction passes the write barrier first (the
  // constructor's stores need none: a value being made is young).
  void SetCdr(const Held& d) {
    mem::WriteBarrier(this, d.get().is_ref() ? d.get().address() : nullptr);
    cdr = d.get();
  }
  void Trace(mem::Tracer& tracer) const {
    tracer.Visit(car, "car");
    tracer.Visit(cdr, "cdr");
  }
  Obj car;
  Obj cdr;
};

struct Text {
  static constexpr std::uint8_t kTypeTag = 2;
  explicit Text(std::string s) : text(std::move(s)) {}
  void Trace(mem::Tracer&) const {}
  std::string text;
};

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
  const Obj car = cons->car;
  std::printf("%s %lld %s\n",
              static_cast<const Text*>(car.address())->text.c_str(),
              static_cast<long long>(cons->cdr.fixnum()),
              mem::TypeTagAt(car.address()) == Text::kTypeTag ? "Text" : "?");
  // Prints: hello 42 Text

  // The list is old now (it survived a collection); the barrier tells the
  // minor collection, which traces only young values, about the new Text.
  static_cast<Cons*>(list.get().address())
      ->SetCdr(Make<Text>(mutator, std::string("world")));
  std::printf("freed %zu\n", mutator.CollectYoung());
  // Prints: freed 0
  std::printf("%s\n",
              static_cast<const Text*>(cons->cdr.address())->text.c_str());
  // Prints: world
}
