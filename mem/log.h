// Logging: the collector reports what it does to a LogSink under the target
// name kLogTarget ("kamo::mem", the seed's TARGET). Each Mutator has its own
// sink, none by default; with no sink no message is ever formatted, so an
// unused log costs one predictable branch per event.
#ifndef KAMO_MEM_LOG_H_
#define KAMO_MEM_LOG_H_

#include <string_view>

namespace kamo::mem {

inline constexpr std::string_view kLogTarget = "kamo::mem";

enum class LogLevel { kDebug, kInfo, kWarning };

std::string_view ToString(LogLevel level);

class LogSink {
 public:
  virtual ~LogSink() = default;
  // Called synchronously on the Mutator's thread. Must not call back into
  // the Mutator: it may be in the middle of a collection.
  virtual void Log(LogLevel level, std::string_view target,
                   std::string_view message) = 0;
};

}  // namespace kamo::mem

#endif  // KAMO_MEM_LOG_H_
