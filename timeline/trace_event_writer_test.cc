// The trace is read back with an independent JSON parser (nlohmann/json)
// and checked against what the Mutator reported.
#include "timeline/trace_event_writer.h"

#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "mem/mutator.h"
#include "mem/testing/test_types.h"
#include "nlohmann/json.hpp"

namespace kamo::timeline {
namespace {

using json = nlohmann::json;
using mem::testing::Fan;
using mem::testing::SmallNode;

std::string TempPath(const std::string& name) {
  const char* dir = std::getenv("TEST_TMPDIR");
  return std::string(dir != nullptr ? dir : "/tmp") + "/" + name;
}

json ReadTrace(const std::string& path) {
  std::ifstream in(path);
  return json::parse(in);  // throws (and fails the test) if not valid JSON
}

std::vector<json> EventsNamed(const json& trace, const std::string& name,
                              const std::string& phase) {
  std::vector<json> out;
  for (const json& e : trace["traceEvents"]) {
    if (e["name"] == name && e["ph"] == phase) out.push_back(e);
  }
  return out;
}

// A timestamp or duration in nanoseconds (the trace has microseconds with
// three decimals).
std::int64_t Nanos(const json& micros) {
  return static_cast<std::int64_t>(micros.get<double>() * 1000.0 + 0.5);
}

TEST(TraceEventWriterTest, EveryCollectionWithNestedPhasesAndCounters) {
  const std::string path = TempPath("trace.json");
  auto writer = TraceEventWriter::Open(path, "writer-test");
  ASSERT_TRUE(writer.ok()) << writer.status();
  std::vector<mem::CollectionEvent> events;
  mem::Mutator mutator(mem::MutatorOptions{.stress_interval = 0});
  mutator.set_collection_observer([&](const mem::CollectionEvent& e) {
    events.push_back(e);
    (*writer)->Write(e);
  });

  std::vector<mem::Stats> stats_after;
  mem::Pointer<SmallNode> kept = mutator.Allocate<SmallNode>(0);
  for (int round = 0; round < 4; ++round) {
    for (int i = 0; i < 100 * (round + 1); ++i) mutator.Allocate<SmallNode>(i);
    mutator.Allocate<Fan>();
    mutator.CollectGarbage();
    stats_after.push_back(mutator.stats());
    // Valid JSON while the writer is still open: a program stopped here
    // leaves a trace that opens.
    const json partial = ReadTrace(path);
    EXPECT_EQ(EventsNamed(partial, "collection", "X").size(), events.size());
  }
  EXPECT_EQ((*writer)->collections_written(), 4u);
  ASSERT_TRUE((*writer)->status().ok());

  const json trace = ReadTrace(path);
  const auto names = EventsNamed(trace, "process_name", "M");
  ASSERT_EQ(names.size(), 1u);
  EXPECT_EQ(names[0]["args"]["name"], "writer-test");

  const std::vector<json> collections = EventsNamed(trace, "collection", "X");
  ASSERT_EQ(collections.size(), events.size());
  for (std::size_t c = 0; c < collections.size(); ++c) {
    const json& x = collections[c];
    const mem::CollectionEvent& event = events[c];
    EXPECT_EQ(x["args"]["number"], event.number);
    EXPECT_EQ(x["args"]["reason"], "explicit");
    EXPECT_EQ(x["args"]["kind"], "major") << "CollectGarbage is major";
    EXPECT_EQ(x["args"]["freed"], event.freed);
    EXPECT_EQ(x["args"]["live"], stats_after[c].live);
    EXPECT_EQ(Nanos(x["dur"]), (event.mark + event.sweep).count());
    if (c > 0) {
      EXPECT_GE(Nanos(x["ts"]), Nanos(collections[c - 1]["ts"]) +
                                    Nanos(collections[c - 1]["dur"]));
    }
  }

  // Phases: each collection's six, inside it, adding up to mark and sweep.
  std::vector<json> phases;
  for (const json& e : trace["traceEvents"]) {
    if (e.value("cat", "") == "gc.phase") phases.push_back(e);
  }
  ASSERT_EQ(phases.size(), mem::kCollectionPhases * events.size());
  for (std::size_t c = 0; c < events.size(); ++c) {
    const std::int64_t begin = Nanos(collections[c]["ts"]);
    const std::int64_t end = begin + Nanos(collections[c]["dur"]);
    std::int64_t mark = 0, sweep = 0;
    for (std::size_t p = 0; p < mem::kCollectionPhases; ++p) {
      const json& phase = phases[c * mem::kCollectionPhases + p];
      EXPECT_EQ(phase["name"],
                std::string(ToString(static_cast<mem::CollectionPhase>(p))));
      EXPECT_GE(Nanos(phase["ts"]), begin);
      EXPECT_LE(Nanos(phase["ts"]) + Nanos(phase["dur"]), end);
      (p < 3 ? mark : sweep) += Nanos(phase["dur"]);
    }
    EXPECT_EQ(mark, events[c].mark.count());
    EXPECT_EQ(sweep, events[c].sweep.count());
  }

  // Counters after each collection match the Stats taken after it.
  const std::vector<json> nodes = EventsNamed(trace, "SmallNode", "C");
  const std::vector<json> heap = EventsNamed(trace, "heap", "C");
  ASSERT_EQ(nodes.size(), events.size());
  ASSERT_EQ(heap.size(), events.size());
  for (std::size_t c = 0; c < events.size(); ++c) {
    const mem::ArenaStats* arena = stats_after[c].Find("SmallNode");
    ASSERT_NE(arena, nullptr);
    EXPECT_EQ(nodes[c]["args"]["live"], arena->live);
    EXPECT_EQ(nodes[c]["args"]["slot_bytes"], arena->live * arena->slot_size);
    EXPECT_EQ(nodes[c]["args"]["external_bytes"], arena->external_bytes);
    EXPECT_EQ(heap[c]["args"]["heap_bytes"],
              stats_after[c].heap_bytes + stats_after[c].external_bytes);
    EXPECT_EQ(Nanos(nodes[c]["ts"]),
              Nanos(collections[c]["ts"]) + Nanos(collections[c]["dur"]));
  }
  EXPECT_EQ(nodes.back()["args"]["live"], 1) << "only `kept` survives";
}

TEST(TraceEventWriterTest, PressureCollectionsThroughTheObserver) {
  const std::string path = TempPath("pressure.json");
  auto writer = TraceEventWriter::Open(path, "pressure \"quoted\"");
  ASSERT_TRUE(writer.ok()) << writer.status();
  mem::Mutator mutator(mem::MutatorOptions{.stress_interval = 0});
  mutator.set_collection_observer((*writer)->Observer());
  for (int i = 0; i < 100000; ++i) mutator.Allocate<SmallNode>(i);
  mutator.set_collection_observer(nullptr);
  ASSERT_GT(mutator.collections(), 0u);
  const json trace = ReadTrace(path);
  const std::vector<json> collections = EventsNamed(trace, "collection", "X");
  EXPECT_EQ(collections.size(), mutator.collections());
  EXPECT_EQ(collections[0]["args"]["reason"], "pressure");
  std::size_t minors = 0;
  for (const json& c : collections) minors += c["args"]["kind"] == "minor";
  EXPECT_EQ(minors, mutator.minor_collections());
  EXPECT_EQ(EventsNamed(trace, "process_name", "M")[0]["args"]["name"],
            "pressure \"quoted\"");
}

// An incremental Mutator's steps: each one a slice with the step's own
// fields, before the incremental collection that finishes it.
TEST(TraceEventWriterTest, MarkingStepsBeforeTheCollectionsTheyFinish) {
  const std::string path = TempPath("steps.json");
  auto writer = TraceEventWriter::Open(path, "steps");
  ASSERT_TRUE(writer.ok()) << writer.status();
  mem::Mutator mutator(mem::MutatorOptions{
      .stress_interval = 0, .mode = mem::CollectionMode::kIncremental});
  std::vector<mem::MarkingStepEvent> steps;
  mutator.set_marking_step_observer([&](const mem::MarkingStepEvent& e) {
    steps.push_back(e);
    (*writer)->Write(e);
  });
  mutator.set_collection_observer((*writer)->Observer());
  // A chain of 20,000 live nodes to trace, and garbage that starts
  // collections.
  mem::Pointer<SmallNode> head = mutator.Allocate<SmallNode>(0);
  for (int i = 1; i < 20000; ++i) {
    mem::Pointer<SmallNode> node = mutator.Allocate<SmallNode>(i);
    node->next = head;
    head = std::move(node);
  }
  for (int i = 0; i < 400000; ++i) mutator.Allocate<SmallNode>(i);
  mutator.set_collection_observer(nullptr);
  mutator.set_marking_step_observer(nullptr);
  ASSERT_GT(mutator.incremental_collections(), 1u) << mutator.collections() << " " << steps.size() << " " << mutator.marking() << " " << mutator.stats().pressure;
  EXPECT_EQ(mutator.marking_steps(), steps.size());
  EXPECT_EQ((*writer)->steps_written(), steps.size());
  ASSERT_TRUE((*writer)->status().ok());

  const json trace = ReadTrace(path);
  const std::vector<json> written = EventsNamed(trace, "marking step", "X");
  ASSERT_EQ(written.size(), steps.size());
  std::size_t traced = 0;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const json& x = written[i];
    EXPECT_EQ(x["cat"], "gc.step");
    EXPECT_EQ(x["args"]["collection"], steps[i].collection);
    EXPECT_EQ(x["args"]["first"], steps[i].first);
    EXPECT_EQ(x["args"]["traced"], steps[i].traced);
    EXPECT_EQ(x["args"]["pending"], steps[i].pending);
    EXPECT_EQ(x["args"]["heap_bytes"], steps[i].heap_bytes);
    EXPECT_EQ(Nanos(x["dur"]), steps[i].duration.count());
    traced += steps[i].traced;
  }
  EXPECT_GE(traced, 20000u) << "the chain is traced in steps";

  // Every step's collection is in the trace, incremental, and starts after
  // the step has ended; the file keeps the order they happened in.
  const std::vector<json> collections = EventsNamed(trace, "collection", "X");
  std::size_t incremental = 0;
  for (const json& c : collections)
    incremental += c["args"]["incremental"] == true;
  // Those started, less one still under way.
  EXPECT_EQ(incremental, mutator.incremental_collections() -
                             (mutator.incremental_under_way() ? 1 : 0));
  std::size_t c = 0;
  for (const json& step : written) {
    while (c < collections.size() &&
           collections[c]["args"]["number"] != step["args"]["collection"]) {
      ++c;
    }
    if (c == collections.size()) {
      // Only the last collection may still be marking.
      EXPECT_EQ(step["args"]["collection"], mutator.collections() + 1);
      continue;
    }
    EXPECT_EQ(collections[c]["args"]["incremental"], true);
    EXPECT_GE(Nanos(collections[c]["ts"]),
              Nanos(step["ts"]) + Nanos(step["dur"]));
  }
}

TEST(TraceEventWriterTest, AnUnwritablePathIsAnErrorNamingIt) {
  auto writer = TraceEventWriter::Open("/nonexistent-dir/trace.json", "x");
  ASSERT_FALSE(writer.ok());
  EXPECT_NE(writer.status().message().find("/nonexistent-dir/trace.json"),
            std::string::npos);
}

}  // namespace
}  // namespace kamo::timeline
