// Ledger: the harness's own record of which managed values exist, kept by
// the values' constructors and destructors (value/ledger_hook.h for value/'s
// types, Blob's own for Blob), never by asking the collector. Each value
// constructed gets an identity (a serial number); the ledger knows which
// identities are alive, at which address, and which were destroyed since
// the harness last looked.
//
// The hooks report to the thread's current ledger (the most recently made
// one still alive); with none, reports are ignored.
#ifndef KAMO_TESTING_LEDGER_H_
#define KAMO_TESTING_LEDGER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"

namespace kamo::testing {

class Ledger {
 public:
  using Identity = std::int64_t;
  static constexpr Identity kNone = -1;

  Ledger();
  Ledger(const Ledger&) = delete;
  Ledger& operator=(const Ledger&) = delete;
  ~Ledger();

  // The thread's current ledger, or null.
  static Ledger* Current();

  void Constructed(std::string_view type, const void* address);
  void Destroyed(std::string_view type, const void* address);

  // The identity of the value alive at `address`, kNone if there is none.
  Identity LiveAt(const void* address) const;
  std::size_t live() const { return live_.size(); }
  std::size_t constructed() const { return constructed_; }
  // Identities destroyed since the last call, in order of destruction.
  std::vector<Identity> TakeDestroyed();
  // The same without taking them.
  const std::vector<Identity>& destroyed() const { return destroyed_; }
  // The first impossible report (a construction over a live value, a
  // destruction of no live value, or of another type), empty if none.
  const std::string& error() const { return error_; }

 private:
  struct Entry {
    Identity identity;
    std::string_view type;
  };

  Ledger* previous_;
  absl::flat_hash_map<const void*, Entry> live_;
  std::vector<Identity> destroyed_;
  std::size_t constructed_ = 0;
  std::string error_;
};

}  // namespace kamo::testing

#endif  // KAMO_TESTING_LEDGER_H_
