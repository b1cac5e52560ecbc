#pragma once
// Private to the executor: what one run shares between its graph nodes.

#include "quarry/exec/executor.hpp"

#include <atomic>
#include <mutex>
#include <set>
#include <string>
#include <string_view>

namespace quarry::exec::detail {

//! One chunk travelling through the graph. A null `chunk` means an earlier stage
//! failed on it: later nodes skip it but still retire it, so counts stay balanced.
struct ChunkMessage {
  std::uint64_t sequence = 0;
  std::shared_ptr<const io::Chunk> chunk;
  //! Consumers (analyses and the sink) that have not finished with this chunk.
  std::shared_ptr<std::atomic<int>> taps_left;
  //! The input's last chunk (known from a one-chunk read-ahead, or the chunk count).
  bool final_chunk = false;
  //! Not parsed yet: the parse node fills `chunk` (sources with parallel_chunks()).
  bool unparsed = false;
  //! The chunk formatted for the sink ahead of the in-order write, or null.
  std::shared_ptr<const io::EncodedChunk> encoded;
};

//! Reading, failure and progress bookkeeping of one run. Thread-safe.
class RunState {
 public:
  //! `context` hears the read's progress; `stage_context` is the one the stages call.
  RunState(tools::CallContext& context, tools::CallContext& stage_context,
           const RunOptions& options);

  tools::CallContext& context;
  tools::CallContext& stage_context;
  int taps_per_chunk = 1;
  std::atomic<std::uint64_t> chunks_retired{0};

  //! Reads the next chunk unless the run is stopping; nullopt ends the stream. Reads one
  //! chunk ahead, so the last chunk is marked final.
  std::optional<ChunkMessage> next_message(io::Source& source);
  //! For sources that parse chunks in parallel: the next chunk number out of
  //! `chunk_count`, as an unparsed message; nullopt ends the stream.
  std::optional<ChunkMessage> next_index(const io::Source& source, std::size_t chunk_count);
  //! Parses an unparsed message's chunk (thread-safe); a failure leaves it null.
  void parse(const io::Source& source, ChunkMessage& message);

  //! Runs `work` for `stage` on `message`, turning exceptions into a run failure.
  //! Returns nullptr when the chunk is skipped or the stage failed.
  template <typename Work>
  std::shared_ptr<const io::Chunk> guard(std::string_view stage, const ChunkMessage& message,
                                         Work&& work) {
    if (!message.chunk || stage_failed(stage)) return nullptr;
    try {
      return work();
    } catch (...) {
      record_stage_exception(stage, message.sequence);
      return nullptr;
    }
  }

  //! Records the first failure; later ones are logged only.
  void fail(FailureKind kind, std::string_view stage, const std::string& message);
  [[nodiscard]] bool stopping() const { return stopping_.load(); }
  [[nodiscard]] bool stage_failed(std::string_view stage) const;
  [[nodiscard]] FailureKind failure() const;
  //! Flags an aggregation failure when chunks read != chunks retired.
  void check_balance();
  //! Copies counters and the failure into `result`.
  void fill(RunResult& result) const;

 private:
  void record_stage_exception(std::string_view stage, std::uint64_t sequence);
  //! False (after recording why) when the run must stop: cancelled or out of time.
  bool may_continue();
  //! The source's next chunk; nullptr at the end or after recording a read failure.
  std::shared_ptr<const io::Chunk> read(io::Source& source);
  //! Runs `read` (a source read), turning what it throws into the run's input or memory
  //! failure; nullptr then.
  template <class Read>
  std::shared_ptr<const io::Chunk> guarded(Read&& read);
  void report_progress(const io::Source& source, bool force);
  void count(const io::Chunk& chunk, const io::Source& source);

  RunOptions options_;
  std::chrono::steady_clock::time_point started_;
  std::mutex progress_mutex_;
  std::chrono::steady_clock::time_point last_progress_{};  // guarded by progress_mutex_
  std::atomic<std::uint64_t> chunks_read_{0};
  bool read_started_ = false;
  std::atomic<bool> transient_{false};  // the read failure may pass on a retry
  std::shared_ptr<const io::Chunk> read_ahead_;
  std::atomic<std::uint64_t> rows_{0};
  std::atomic<std::uint64_t> bytes_{0};
  std::atomic<bool> stopping_{false};
  mutable std::mutex mutex_;
  FailureKind failure_ = FailureKind::kNone;
  std::string failure_message_;
  std::string failed_stage_;
  std::set<std::string, std::less<>> failed_stages_;
};

}  // namespace quarry::exec::detail
