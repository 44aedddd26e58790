#include "testing/ledger.h"

#include <utility>

#include "absl/strings/str_format.h"
#include "value/ledger_hook.h"

namespace kamo::testing {
namespace {

thread_local Ledger* current_ledger = nullptr;

}  // namespace

Ledger::Ledger() : previous_(current_ledger) { current_ledger = this; }

Ledger::~Ledger() { current_ledger = previous_; }

Ledger* Ledger::Current() { return current_ledger; }

void Ledger::Constructed(std::string_view type, const void* address) {
  const Identity identity = static_cast<Identity>(constructed_++);
  auto [it, inserted] = live_.try_emplace(address, Entry{identity, type});
  if (!inserted && error_.empty()) {
    error_ = absl::StrFormat(
        "a %s was constructed at %p, where a %s (#%d) is still alive", type,
        address, it->second.type, it->second.identity);
  }
}

void Ledger::Destroyed(std::string_view type, const void* address) {
  auto it = live_.find(address);
  if (it == live_.end() || it->second.type != type) {
    if (error_.empty()) {
      error_ = absl::StrFormat(
          "a %s at %p was destroyed, but no %s is alive there (destroyed "
          "twice, or never constructed)",
          type, address, type);
    }
    return;
  }
  destroyed_.push_back(it->second.identity);
  live_.erase(it);
}

Ledger::Identity Ledger::LiveAt(const void* address) const {
  auto it = live_.find(address);
  return it == live_.end() ? kNone : it->second.identity;
}

std::vector<Ledger::Identity> Ledger::TakeDestroyed() {
  return std::exchange(destroyed_, {});
}

}  // namespace kamo::testing

namespace kamo::value::internal {

void LedgerConstructed(const char* type, const void* address) {
  if (testing::Ledger* ledger = testing::Ledger::Current()) {
    ledger->Constructed(type, address);
  }
}

void LedgerDestroyed(const char* type, const void* address) {
  if (testing::Ledger* ledger = testing::Ledger::Current()) {
    ledger->Destroyed(type, address);
  }
}

}  // namespace kamo::value::internal
