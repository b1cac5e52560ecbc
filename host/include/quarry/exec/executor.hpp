#pragma once
//! \file
//! Runs a pipeline as one oneTBB flow graph per run:
//!   input_node (source, activated last) → limiter_node(K) → stages → taps → retire
//! where the retire node decrements the limiter once every consumer of a chunk is
//! done, so at most K chunks are in memory whatever the file size.

#include "quarry/exec/stage.hpp"
#include "quarry/io/sink.hpp"
#include "quarry/io/source.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace quarry::exec {

//! Receives the final stream in order (e.g. a file writer). Called from one thread.
class ChunkSink {
 public:
  virtual ~ChunkSink() = default;
  //! The part of writing `chunk` that may run early, on any thread and for several chunks
  //! at once (formatting its rows), or null when there is none. Must not change the sink.
  [[nodiscard]] virtual std::shared_ptr<const io::EncodedChunk> encode(
      const io::Chunk& /*chunk*/) const {
    return nullptr;
  }
  //! Writes the next chunk in order; `encoded` is what encode() made of it, or null.
  virtual void write(const io::Chunk& chunk, const io::EncodedChunk* encoded) = 0;
  //! Called once after the last chunk when the run succeeded.
  virtual void commit() = 0;
  //! Forgets every chunk written (nothing was committed) for a run that starts again over
  //! `input`, whose schema and report are now those of a full read (see
  //! io::Source::schema_guess_failed). Sinks that cannot start again keep the default, which
  //! throws std::logic_error.
  virtual void restart(const io::Source& input);
};

//! Limits and resources of one run.
struct RunOptions {
  //! Budget for chunks in flight plus stage buffers.
  std::uint64_t memory_budget_bytes = 256ull << 20;
  //! Input chunk size in bytes; 0 derives it from the budget (see plan_flow).
  std::uint64_t chunk_bytes = 0;
  //! Worker threads of the run's arena (0 = hardware concurrency).
  unsigned threads = 0;
  //! The run fails with kTimeout after this long; zero for no limit.
  std::chrono::milliseconds timeout{0};
  //! Minimum time between progress reports.
  std::chrono::milliseconds progress_interval{200};
  //! Where a pass may record the stream a later pass would otherwise compute again (the
  //! output of ordered, accumulating or two-pass stages before a two-pass stage), to replay
  //! it from disk; empty: later passes recompute it.
  std::filesystem::path spill_directory;
};

//! K and chunk size derived from the budget.
struct FlowPlan {
  std::size_t max_chunks_in_flight = 2;
  std::uint64_t chunk_bytes = 2u << 20;
};

//! Chooses K (chunks in flight) and the input chunk size so that K chunks plus
//! their decoded copies fit the budget.
//! A non-zero `chunk_bytes` fixes the chunk size; K then still respects the budget.
[[nodiscard]] FlowPlan plan_flow(std::uint64_t memory_budget_bytes, unsigned threads,
                                 std::uint64_t chunk_bytes = 0);

//! The outcome of one analysis stage, or the report of a transforming stage.
struct StageOutcome {
  std::string stage;
  std::optional<tools::ToolResult> result;  //!< absent when the stage itself failed
  std::string error;                        //!< why the stage failed; empty when fine
  bool transforms = false;                  //!< the stage changed the stream (its report)
};

//! Everything a run produced, complete or not.
struct RunResult {
  //! Analyses, and transforming stages that report what they changed, in pipeline order.
  std::vector<StageOutcome> outcomes;
  std::uint64_t chunks_read = 0;
  std::uint64_t chunks_retired = 0;
  std::uint64_t rows = 0;
  std::uint64_t bytes = 0;
  //! Reads of the stream: one, plus one per two-pass stage.
  std::size_t passes = 1;
  //! Of those, the reads of a recording of the stream rather than of the input.
  std::size_t replayed_passes = 0;
  FailureKind failure = FailureKind::kNone;
  std::string failure_message;  //!< names the stage, the chunk and the fix
  std::string failed_stage;
  //! The input failed in a way that may pass on a retry (see io::InputError::transient).
  bool transient = false;
  [[nodiscard]] bool complete() const { return failure == FailureKind::kNone; }
};

//! Runs `stages` over `source`. Analyses (non-transforming stages) see the stream
//! as left by the transforming stages before them; `sink`, when given, receives the
//! final stream in order. A stage with a first_pass() costs one extra read of the
//! input (prefix transforms plus the first pass) before the main pass; the source is
//! rewound in between. When the prefix holds a stage that must run in order (or its own
//! two passes), that read also records the prefix's output under
//! `options.spill_directory`, and later passes read the recording instead of running the
//! prefix again (the prefix stages then report from that pass; `rows` still counts the
//! input). Never throws for data or stage problems: they are reported in
//! the result, with what was computed before the failure. When the source guessed its schema
//! and a chunk contradicts the guess, the partial run is dropped and the whole run starts
//! again once (after io::Source::infer_schema_fully(), with `sink` restarted), so the result
//! is that of a source typed by a full scan.
[[nodiscard]] RunResult run_pipeline(io::Source& source,
                                     std::span<const std::shared_ptr<Stage>> stages,
                                     ChunkSink* sink, const RunOptions& options,
                                     tools::CallContext& context);

}  // namespace quarry::exec
