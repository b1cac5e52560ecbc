#include "exec/detail/run_state.hpp"

#include "quarry/io/error.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <new>

namespace quarry::exec::detail {

RunState::RunState(tools::CallContext& call_context, tools::CallContext& stages_context,
                   const RunOptions& options)
    : context(call_context),
      stage_context(stages_context),
      options_(options),
      started_(std::chrono::steady_clock::now()) {}

bool RunState::may_continue() {
  if (stopping_) return false;
  if (context.cancelled()) {
    fail(FailureKind::kCancelled, "", "the run was cancelled");
    return false;
  }
  if (options_.timeout.count() > 0 &&
      std::chrono::steady_clock::now() - started_ > options_.timeout) {
    fail(FailureKind::kTimeout, "",
         fmt::format("the run exceeded its time limit of {} s; narrow the input or raise "
                     "limits.call_timeout_s",
                     std::chrono::duration_cast<std::chrono::seconds>(options_.timeout).count()));
    return false;
  }
  return true;
}

template <class Read>
std::shared_ptr<const io::Chunk> RunState::guarded(Read&& read) {
  try {
    return read();
  } catch (const std::bad_alloc&) {
    fail(FailureKind::kMemory, "", "out of memory while reading the input; lower memory.budget_mb");
  } catch (const io::InputError& e) {
    transient_ = e.transient();
    fail(FailureKind::kInput, "", e.what());
  } catch (const std::exception& e) {
    fail(FailureKind::kInput, "", e.what());
  }
  return nullptr;
}

std::shared_ptr<const io::Chunk> RunState::read(io::Source& source) {
  return guarded([&] { return source.next(); });
}

std::optional<ChunkMessage> RunState::next_message(io::Source& source) {
  if (!may_continue()) return std::nullopt;
  if (!read_started_) {
    read_started_ = true;
    read_ahead_ = read(source);
  }
  std::shared_ptr<const io::Chunk> chunk = std::move(read_ahead_);
  if (!chunk) {
    if (!stopping_) report_progress(source, true);
    return std::nullopt;
  }
  read_ahead_ = read(source);
  ChunkMessage message;
  message.sequence = chunks_read_++;
  message.chunk = std::move(chunk);
  message.taps_left = std::make_shared<std::atomic<int>>(taps_per_chunk);
  message.final_chunk = !read_ahead_ && !stopping_;
  count(*message.chunk, source);
  return message;
}

std::optional<ChunkMessage> RunState::next_index(const io::Source& source,
                                                 std::size_t chunk_count) {
  if (chunks_read_ == chunk_count) {
    if (!stopping_) report_progress(source, true);
    return std::nullopt;
  }
  if (!may_continue()) return std::nullopt;
  const std::uint64_t index = chunks_read_++;
  ChunkMessage message;
  message.sequence = index;
  message.taps_left = std::make_shared<std::atomic<int>>(taps_per_chunk);
  message.final_chunk = index + 1 == chunk_count;
  message.unparsed = true;
  return message;
}

void RunState::parse(const io::Source& source, ChunkMessage& message) {
  message.unparsed = false;
  if (stopping_) return;
  message.chunk =
      guarded([&] { return source.read_chunk(static_cast<std::size_t>(message.sequence)); });
  if (message.chunk) count(*message.chunk, source);
}

void RunState::count(const io::Chunk& chunk, const io::Source& source) {
  rows_ += static_cast<std::uint64_t>(chunk.num_rows());
  bytes_ = source.bytes_read();
  report_progress(source, false);
}

void RunState::report_progress(const io::Source& source, bool force) {
  std::lock_guard lock(progress_mutex_);
  const auto now = std::chrono::steady_clock::now();
  if (!force && now - last_progress_ < options_.progress_interval) return;
  last_progress_ = now;
  const auto total = source.total_bytes();
  context.progress(static_cast<double>(source.bytes_read()),
                   total ? std::optional<double>(static_cast<double>(*total)) : std::nullopt,
                   fmt::format("{} rows, {:.1f} MiB read", rows_.load(),
                               static_cast<double>(source.bytes_read()) / 1048576.0));
}

void RunState::record_stage_exception(std::string_view stage, std::uint64_t sequence) {
  try {
    throw;
  } catch (const StageError& e) {
    fail(e.kind(), stage,
         fmt::format("stage {} failed on chunk {}: {}", stage, sequence, e.what()));
  } catch (const std::bad_alloc&) {
    fail(FailureKind::kMemory, stage,
         fmt::format(
             "stage {} ran out of memory on chunk {}; lower memory.budget_mb or narrow the input",
             stage, sequence));
  } catch (const std::exception& e) {
    fail(FailureKind::kChunk, stage,
         fmt::format("stage {} failed on chunk {}: {}", stage, sequence, e.what()));
  } catch (...) {
    fail(FailureKind::kChunk, stage, fmt::format("stage {} failed on chunk {}", stage, sequence));
  }
}

void RunState::fail(FailureKind kind, std::string_view stage, const std::string& message) {
  stopping_ = true;
  std::lock_guard lock(mutex_);
  if (!stage.empty()) failed_stages_.emplace(stage);
  if (failure_ != FailureKind::kNone) {
    spdlog::debug("further failure after the first: {}", message);
    return;
  }
  failure_ = kind;
  failure_message_ = message;
  failed_stage_ = stage;
  spdlog::info("pipeline stopped ({}): {}", to_string(kind), message);
}

bool RunState::stage_failed(std::string_view stage) const {
  std::lock_guard lock(mutex_);
  return failed_stages_.find(stage) != failed_stages_.end();
}

FailureKind RunState::failure() const {
  std::lock_guard lock(mutex_);
  return failure_;
}

void RunState::check_balance() {
  const auto retired = chunks_retired.load();
  const auto read = chunks_read_.load();
  if (retired != read && failure() == FailureKind::kNone) {
    fail(FailureKind::kAggregation, "",
         fmt::format("internal error: {} chunks read but {} finished; results are incomplete", read,
                     retired));
  }
}

void RunState::fill(RunResult& result) const {
  std::lock_guard lock(mutex_);
  result.chunks_read = chunks_read_;
  result.chunks_retired = chunks_retired.load();
  result.rows = rows_;
  result.bytes = bytes_;
  result.failure = failure_;
  result.failure_message = failure_message_;
  result.failed_stage = failed_stage_;
  result.transient = transient_ && failure_ == FailureKind::kInput;
}

}  // namespace quarry::exec::detail
