#include "timeline/trace_event_writer.h"

#include <cerrno>
#include <cstring>
#include <utility>
#include <vector>

#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "timeline/json_string.h"

namespace kamo::timeline {
namespace {

// Every event is on process 1, thread 1: one track of collections.
constexpr std::string_view kIds = R"("pid":1,"tid":1)";
constexpr std::string_view kClose = "\n]}\n";

// A duration in microseconds, exact to the nanosecond.
std::string Micros(std::chrono::nanoseconds d) {
  const std::int64_t ns = d.count();
  return absl::StrFormat("%s%d.%03d", ns < 0 ? "-" : "",
                         (ns < 0 ? -ns : ns) / 1000,
                         (ns < 0 ? -ns : ns) % 1000);
}

std::string_view JsonBool(bool b) { return b ? "true" : "false"; }

}  // namespace

absl::StatusOr<std::unique_ptr<TraceEventWriter>> TraceEventWriter::Open(
    const std::string& path, std::string_view process_name) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "cannot write the trace file '%s': %s", path, std::strerror(errno)));
  }
  std::unique_ptr<TraceEventWriter> writer(
      new TraceEventWriter(std::move(out), path));
  writer->out_ << R"({"displayTimeUnit":"ms","traceEvents":[)";
  writer->end_ = writer->out_.tellp();
  writer->Append(absl::StrFormat(
      R"({"name":"process_name","ph":"M",%s,"args":{"name":%s}},)"
      "\n"
      R"({"name":"thread_name","ph":"M",%s,"args":{"name":"collector"}})",
      kIds, JsonString(process_name), kIds));
  if (!writer->status().ok()) return writer->status();
  return writer;
}

TraceEventWriter::TraceEventWriter(std::ofstream out, std::string path)
    : out_(std::move(out)),
      path_(std::move(path)),
      origin_(std::chrono::steady_clock::now()) {}

std::string TraceEventWriter::Microseconds(
    std::chrono::steady_clock::time_point t) const {
  return Micros(t - origin_);
}

void TraceEventWriter::Write(const mem::CollectionEvent& event) {
  if (!status_.ok()) return;
  std::vector<std::string> events;
  events.push_back(absl::StrFormat(
      R"({"name":"collection","cat":"gc","ph":"X","ts":%s,"dur":%s,%s,)"
      R"("args":{"number":%d,"reason":%s,"kind":%s,"incremental":%s,)"
      R"("live":%d,"freed":%d,)"
      R"("live_bytes":%d,"freed_bytes":%d,"heap_bytes":%d}})",
      Microseconds(event.start), Micros(event.mark + event.sweep), kIds,
      event.number, JsonString(mem::ToString(event.reason)),
      JsonString(mem::ToString(event.kind)), JsonBool(event.incremental),
      event.live, event.freed, event.live_bytes, event.freed_bytes,
      event.heap_bytes));
  // Phases follow each other from the start: nested in the collection.
  std::chrono::steady_clock::time_point phase_start = event.start;
  for (std::size_t p = 0; p < mem::kCollectionPhases; ++p) {
    const auto phase = static_cast<mem::CollectionPhase>(p);
    events.push_back(absl::StrFormat(
        R"({"name":%s,"cat":"gc.phase","ph":"X","ts":%s,"dur":%s,%s})",
        JsonString(mem::ToString(phase)), Microseconds(phase_start),
        Micros(event.phases[p]), kIds));
    phase_start += event.phases[p];
  }
  const std::string end = Microseconds(phase_start);
  for (const mem::ArenaCollectionStats& arena : event.arenas) {
    events.push_back(absl::StrFormat(
        R"({"name":%s,"cat":"gc.heap","ph":"C","ts":%s,%s,)"
        R"("args":{"live":%d,"slot_bytes":%d,"external_bytes":%d}})",
        JsonString(arena.type), end, kIds, arena.live, arena.slot_bytes,
        arena.external_bytes));
  }
  events.push_back(
      absl::StrFormat(R"({"name":"heap","cat":"gc.heap","ph":"C","ts":%s,%s,)"
                      R"("args":{"heap_bytes":%d,"live_bytes":%d}})",
                      end, kIds, event.heap_bytes, event.live_bytes));
  Append(",\n" + absl::StrJoin(events, ",\n"));
  if (status_.ok()) ++collections_;
}

void TraceEventWriter::Write(const mem::MarkingStepEvent& event) {
  if (!status_.ok()) return;
  Append(absl::StrFormat(
      ",\n"
      R"({"name":"marking step","cat":"gc.step","ph":"X","ts":%s,"dur":%s,%s,)"
      R"("args":{"collection":%d,"first":%s,"traced":%d,"pending":%d,)"
      R"("heap_bytes":%d}})",
      Microseconds(event.start), Micros(event.duration), kIds, event.collection,
      JsonBool(event.first), event.traced, event.pending, event.heap_bytes));
  if (status_.ok()) ++steps_;
}

mem::CollectionObserver TraceEventWriter::Observer() {
  return [this](const mem::CollectionEvent& event) { Write(event); };
}

mem::MarkingStepObserver TraceEventWriter::StepObserver() {
  return [this](const mem::MarkingStepEvent& event) { Write(event); };
}

void TraceEventWriter::Append(const std::string& events) {
  out_.seekp(end_);
  out_ << events;
  end_ = out_.tellp();
  out_ << kClose;
  out_.flush();
  if (!out_) {
    status_ = absl::DataLossError(
        absl::StrFormat("writing the trace file '%s' failed", path_));
  }
}

}  // namespace kamo::timeline
