// TraceEventWriter: a Mutator's collections as a timeline, in the Trace
// Event Format (the JSON that Perfetto UI and chrome://tracing open).
//
//   auto writer = timeline::TraceEventWriter::Open("gc.json", "my-runtime");
//   if (!writer.ok()) ...;  // the error names the path
//   mutator.set_collection_observer((*writer)->Observer());
//   mutator.set_marking_step_observer((*writer)->StepObserver());
//
// Each collection is a complete event ("X") named "collection" on one
// track, with its reason, kind (major or minor), counts and bytes as
// arguments, and its phases
// (CollectionPhase: finish-sweeping, roots, trace, weaks, sweep, release)
// as complete events nested inside it. After each collection, counter
// events ("C") give every type's live values, slot bytes and external
// bytes, and the heap's total bytes held. Each step of an incremental
// collection (MarkingStepEvent) is a complete event named "marking step"
// on the same track, before the collection that finishes it, with the
// number that collection will have, whether the step started the marking,
// and the values it traced and left pending. Timestamps are microseconds
// on the steady clock, from the moment the writer was opened.
//
// The file is valid JSON after every collection: the writer ends it with
// the closing brackets, flushes, and writes its next events over them. A
// program that stops early leaves a trace that opens.
//
// The writer is a separate target on top of mem: a Mutator without an
// observer pays nothing for it.
#ifndef KAMO_TIMELINE_TRACE_EVENT_WRITER_H_
#define KAMO_TIMELINE_TRACE_EVENT_WRITER_H_

#include <chrono>
#include <cstddef>
#include <fstream>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "mem/collection_event.h"

namespace kamo::timeline {

class TraceEventWriter {
 public:
  // Creates (or truncates) `path` and writes the trace's header, naming
  // the process `process_name` in the viewer.
  static absl::StatusOr<std::unique_ptr<TraceEventWriter>> Open(
      const std::string& path, std::string_view process_name);

  TraceEventWriter(const TraceEventWriter&) = delete;
  TraceEventWriter& operator=(const TraceEventWriter&) = delete;

  // Appends one collection. A write error is kept in status(); later
  // writes are then skipped.
  void Write(const mem::CollectionEvent& event);

  // Appends one step of an incremental collection, the same way.
  void Write(const mem::MarkingStepEvent& event);

  // Observers that write every collection, and every marking step; the
  // writer must outlive the Mutator's use of them.
  mem::CollectionObserver Observer();
  mem::MarkingStepObserver StepObserver();

  std::size_t collections_written() const { return collections_; }
  std::size_t steps_written() const { return steps_; }
  // OK, or the first error writing the file.
  const absl::Status& status() const { return status_; }

 private:
  TraceEventWriter(std::ofstream out, std::string path);

  // Writes `events` (comma-separated JSON objects) over the closing
  // brackets, closes the file's JSON again and flushes.
  void Append(const std::string& events);
  // Microseconds from the writer's origin, with nanosecond decimals.
  std::string Microseconds(std::chrono::steady_clock::time_point t) const;

  std::ofstream out_;
  std::string path_;
  std::chrono::steady_clock::time_point origin_;
  std::streamoff end_ = 0;  // where the closing brackets start
  std::size_t collections_ = 0;
  std::size_t steps_ = 0;
  absl::Status status_;
};

}  // namespace kamo::timeline

#endif  // KAMO_TIMELINE_TRACE_EVENT_WRITER_H_
