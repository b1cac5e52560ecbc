// The flow-graph executor: stage modes, ordering, fan-out, bounded chunks in
// flight, failures with partial results, cancellation — with in-memory sources
// and stages, so every expected number is computed in the test itself.

#include "quarry/exec/executor.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <numeric>
#include <optional>
#include <set>
#include <string>
#include <thread>

namespace quarry::exec {
namespace {

using io::ColumnType;

// Yields `chunks` chunks of `rows` int64 values 0, 1, 2, … in one column "x",
// counting how many of its chunks are alive at once.
class CountingSource final : public io::Source {
 public:
  CountingSource(int chunks, int rows) : chunks_(chunks), rows_(rows) {
    schema_ = std::make_shared<const io::Schema>(std::vector<io::Field>{{"x", ColumnType::kInt64}});
  }
  const io::Schema& schema() const override { return *schema_; }
  std::shared_ptr<const io::Chunk> next() override {
    if (produced_ == static_cast<std::uint64_t>(chunks_)) return nullptr;
    io::ChunkBuilder builder(schema_, rows_);
    for (int i = 0; i < rows_; ++i)
      builder.column(0).append_int64(std::int64_t(produced_) * rows_ + i);
    auto chunk = builder.finish(produced_++);
    const int live = ++live_;
    max_live_ = std::max(max_live_.load(), live);
    return {chunk.get(), [chunk, this](const io::Chunk*) mutable {
              --live_;
              chunk.reset();
            }};
  }
  std::uint64_t bytes_read() const override { return produced_ * 100; }
  std::optional<std::uint64_t> total_bytes() const override { return chunks_ * 100; }
  io::ReadReport report() const override { return {}; }
  void rewind() override {
    if (!rewindable) io::Source::rewind();
    ++rewinds;
    produced_ = 0;
  }
  bool rereads_cheaply() const override { return cheap_to_reread; }

  bool rewindable = true;
  //! What rereads_cheaply() says (an in-memory generator is cheap to read again).
  bool cheap_to_reread = true;
  int rewinds = 0;
  int max_live() const { return max_live_; }
  int live() const { return live_; }

 private:
  std::shared_ptr<const io::Schema> schema_;
  int chunks_;
  int rows_;
  std::uint64_t produced_ = 0;
  std::atomic<int> live_{0};
  std::atomic<int> max_live_{0};
};

// CountingSource's chunks, parsed in any order from several threads (read_chunk).
class ParallelSource final : public io::Source {
 public:
  ParallelSource(int chunks, int rows) : chunks_(chunks), rows_(rows) {
    schema_ = std::make_shared<const io::Schema>(std::vector<io::Field>{{"x", ColumnType::kInt64}});
  }
  const io::Schema& schema() const override { return *schema_; }
  std::shared_ptr<const io::Chunk> next() override {
    ADD_FAILURE() << "next() used on a parallel source";
    return nullptr;
  }
  std::optional<std::size_t> parallel_chunks() const override { return chunks_; }
  std::shared_ptr<const io::Chunk> read_chunk(std::size_t index) const override {
    io::ChunkBuilder builder(schema_, rows_);
    for (int i = 0; i < rows_; ++i)
      builder.column(0).append_int64(static_cast<std::int64_t>(index) * rows_ + i);
    parsed_ += 1;
    return builder.finish(index);
  }
  std::uint64_t bytes_read() const override { return parsed_ * 100; }
  std::optional<std::uint64_t> total_bytes() const override { return chunks_ * 100; }
  io::ReadReport report() const override { return {}; }
  std::size_t parsed() const { return parsed_; }

 private:
  std::shared_ptr<const io::Schema> schema_;
  std::size_t chunks_;
  int rows_;
  mutable std::atomic<std::size_t> parsed_{0};
};

class NullContext final : public tools::CallContext {
 public:
  bool cancelled() const override { return cancel_after_progress_ && progress_calls_ > 0; }
  void progress(double done, std::optional<double>, std::string_view message) override {
    ++progress_calls_;
    last_progress_ = done;
    const std::lock_guard lock(mutex_);
    progress_.emplace_back(done, std::string(message));
  }
  void log(tools::MessageLevel, const nlohmann::json&, std::string_view) override {}
  bool cancel_after_progress_ = false;
  std::atomic<int> progress_calls_{0};
  double last_progress_ = 0;
  std::mutex mutex_;
  std::vector<std::pair<double, std::string>> progress_;  // every report, in order
};

// A stage defined by lambdas, for tests.
class LambdaStage final : public Stage {
 public:
  struct Instance final : StageInstance {
    LambdaStage& stage;
    std::int64_t sum = 0;
    std::int64_t count = 0;
    std::vector<std::int64_t> firsts;  // first value of each chunk, in processing order
    std::vector<bool> finals;          // the final-chunk flag of each chunk, in order
    std::optional<std::int64_t> first_pass_sum;
    tools::CallContext* context = nullptr;
    explicit Instance(LambdaStage& s) : stage(s) {}
    std::shared_ptr<const io::Chunk> process(const std::shared_ptr<const io::Chunk>& chunk,
                                             bool final_chunk) override {
      // (the executor asks a transform what it emits with an empty chunk first)
      if (stage.on_chunk && chunk->num_rows() > 0) stage.on_chunk(*chunk);
      finals.push_back(final_chunk);
      if (chunk->column(0).type() == io::ColumnType::kInt64) {
        const auto values = chunk->column(0).int64_values();
        if (!values.empty()) firsts.push_back(values.front());
        for (auto v : values) sum += v;
      }
      count += chunk->num_rows();
      return stage.transform ? stage.transform(chunk) : nullptr;
    }
    void merge(StageInstance& other) override {
      auto& o = dynamic_cast<Instance&>(other);
      sum += o.sum;
      count += o.count;
      firsts.insert(firsts.end(), o.firsts.begin(), o.firsts.end());
    }
    tools::ToolResult finish() override {
      if (stage.on_finish) stage.on_finish(*context);
      tools::ToolResult result;
      result.structured = {{"sum", sum}, {"count", count}, {"firsts", firsts}, {"finals", finals}};
      if (first_pass_sum) (*result.structured)["first_pass_sum"] = *first_pass_sum;
      return result;
    }
  };

  LambdaStage(std::string name, StageMode mode) : name_(std::move(name)), mode_(mode) {}
  const std::string& name() const override { return name_; }
  StageMode mode() const override { return mode_; }
  bool transforms() const override { return static_cast<bool>(transform); }
  std::unique_ptr<StageInstance> open(const io::Schema& input,
                                      tools::CallContext& context) override {
    if (open_error) throw StageError(FailureKind::kInput, open_error);
    if (input.size() != 1) throw StageError(FailureKind::kInput, "expected one column");
    if (expected_type && input[0].type != *expected_type) {
      throw StageError(FailureKind::kInput, "opened with the wrong column type");
    }
    ++opened;
    auto instance = std::make_unique<Instance>(*this);
    instance->context = &context;
    return instance;
  }
  std::shared_ptr<Stage> first_pass() const override { return first; }
  std::unique_ptr<StageInstance> open_second_pass(const io::Schema& input,
                                                  tools::CallContext& context,
                                                  const StageInstance& first_state) override {
    auto instance = open(input, context);
    dynamic_cast<Instance&>(*instance).first_pass_sum =
        dynamic_cast<const Instance&>(first_state).sum;
    return instance;
  }

  std::shared_ptr<Stage> first;  // the stage's first pass, if any

  std::function<std::shared_ptr<const io::Chunk>(const std::shared_ptr<const io::Chunk>&)>
      transform;
  std::function<void(const io::Chunk&)> on_chunk;
  std::function<void(tools::CallContext&)> on_finish;
  const char* open_error = nullptr;
  std::optional<io::ColumnType> expected_type;  // open() refuses other input types
  std::atomic<int> opened{0};

 private:
  std::string name_;
  StageMode mode_;
};

// Keeps only even values: a stateless transform.
std::shared_ptr<const io::Chunk> keep_even(const std::shared_ptr<const io::Chunk>& chunk) {
  io::ChunkBuilder builder(chunk->schema_ptr(), chunk->num_rows());
  for (auto v : chunk->column(0).int64_values()) {
    if (v % 2 == 0) builder.column(0).append_int64(v);
  }
  return builder.finish(chunk->sequence(), builder.num_rows());
}

RunResult run(io::Source& source, std::vector<std::shared_ptr<Stage>> stages, NullContext& context,
              std::uint64_t budget = 64ull << 20, unsigned threads = 2) {
  RunOptions options;
  options.memory_budget_bytes = budget;
  options.threads = threads;
  options.progress_interval = std::chrono::milliseconds(0);
  return run_pipeline(source, stages, nullptr, options, context);
}

std::int64_t sum_of(const RunResult& result, std::size_t i) {
  return result.outcomes.at(i).result->structured->at("sum").get<std::int64_t>();
}

TEST(Executor, MergeableStageSeesEveryRowOnceWhateverTheThreadCount) {
  for (unsigned threads : {1u, 2u}) {
    CountingSource source(100, 1000);
    NullContext context;
    auto sum = std::make_shared<LambdaStage>("sum", StageMode::kMergeable);
    const auto result = run(source, {sum}, context, 64ull << 20, threads);
    ASSERT_TRUE(result.complete()) << result.failure_message;
    const std::int64_t n = 100 * 1000;
    EXPECT_EQ(sum_of(result, 0), n * (n - 1) / 2) << threads << " threads";
    EXPECT_EQ(result.chunks_read, 100u);
    EXPECT_EQ(result.chunks_retired, 100u);
    EXPECT_EQ(result.rows, std::uint64_t(n));
  }
}

// A state that lists its chunks in the order it saw them (merge appends the other's list)
// comes out in chunk order only if the executor merges partial states in chunk order,
// whichever worker took which chunk and whenever it finished.
TEST(Executor, MergeableStatesAreMergedInChunkOrderWhateverTheTiming) {
  for (unsigned threads : {1u, 2u}) {
    ParallelSource source(150, 20);
    NullContext context;
    auto list = std::make_shared<LambdaStage>("list", StageMode::kMergeable);
    std::atomic<int> seen{0};
    list->on_chunk = [&seen](const io::Chunk&) {  // uneven delays shuffle the finishing order
      const int k = seen++;
      if (k % 7 == 3) std::this_thread::sleep_for(std::chrono::microseconds(300));
      if (k % 5 == 1) std::this_thread::yield();
    };
    const auto result = run(source, {list}, context, 64ull << 20, threads);
    ASSERT_TRUE(result.complete()) << result.failure_message;
    const auto firsts =
        result.outcomes.at(0).result->structured->at("firsts").get<std::vector<std::int64_t>>();
    ASSERT_EQ(firsts.size(), 150u) << threads << " threads";
    for (std::size_t i = 0; i < firsts.size(); ++i) {
      ASSERT_EQ(firsts[i], static_cast<std::int64_t>(i) * 20)
          << "chunk " << i << ", " << threads << " threads";
    }
  }
}

TEST(Executor, OrderedStageSeesChunksInSequenceAfterAParallelTransform) {
  CountingSource source(200, 50);
  NullContext context;
  auto filter = std::make_shared<LambdaStage>("filter", StageMode::kStateless);
  filter->transform = keep_even;
  filter->on_chunk = [](const io::Chunk&) { std::this_thread::yield(); };
  auto ordered = std::make_shared<LambdaStage>("ordered", StageMode::kOrdered);
  const auto result = run(source, {filter, ordered}, context);
  ASSERT_TRUE(result.complete()) << result.failure_message;
  ASSERT_EQ(result.outcomes.size(), 2u);  // the filter's report, then the ordered stage's
  const auto firsts =
      result.outcomes.at(1).result->structured->at("firsts").get<std::vector<std::int64_t>>();
  ASSERT_EQ(firsts.size(), 200u);
  EXPECT_TRUE(std::is_sorted(firsts.begin(), firsts.end()));
  EXPECT_EQ(ordered->opened, 1);  // one state for the whole run
  // Sum of the even numbers below 10,000.
  EXPECT_EQ(sum_of(result, 1), 2 * (4999 * 5000 / 2));
}

TEST(Executor, OneReadFeedsSeveralAnalysesInTheSamePass) {
  CountingSource source(30, 100);
  NullContext context;
  auto a = std::make_shared<LambdaStage>("a", StageMode::kMergeable);
  auto b = std::make_shared<LambdaStage>("b", StageMode::kOrdered);
  auto filter = std::make_shared<LambdaStage>("filter", StageMode::kStateless);
  filter->transform = keep_even;
  auto c = std::make_shared<LambdaStage>("c", StageMode::kMergeable);
  const auto result = run(source, {a, b, filter, c}, context);
  ASSERT_TRUE(result.complete()) << result.failure_message;
  ASSERT_EQ(result.outcomes.size(), 4u);  // the transform reports too
  EXPECT_EQ(sum_of(result, 0), 2999 * 3000 / 2);
  EXPECT_EQ(sum_of(result, 1), 2999 * 3000 / 2);
  EXPECT_TRUE(result.outcomes.at(2).transforms);
  EXPECT_FALSE(result.outcomes.at(3).transforms);
  EXPECT_EQ(sum_of(result, 3), 2 * (1499 * 1500 / 2));
  EXPECT_EQ(result.chunks_read, 30u);  // read once for all three
}

TEST(Executor, OnlyTheLastChunkIsMarkedFinal) {
  for (int chunks : {1, 7}) {
    CountingSource source(chunks, 10);
    NullContext context;
    auto ordered = std::make_shared<LambdaStage>("ordered", StageMode::kOrdered);
    const auto result = run(source, {ordered}, context);
    ASSERT_TRUE(result.complete()) << result.failure_message;
    std::vector<bool> expected(static_cast<std::size_t>(chunks), false);
    expected.back() = true;
    EXPECT_EQ(result.outcomes.at(0).result->structured->at("finals").get<std::vector<bool>>(),
              expected);
  }
}

TEST(Executor, ChunksParsedInParallelReachOrderedStagesInSequenceAndOnce) {
  ParallelSource source(120, 40);
  NullContext context;
  auto sum = std::make_shared<LambdaStage>("sum", StageMode::kMergeable);
  auto ordered = std::make_shared<LambdaStage>("ordered", StageMode::kOrdered);
  const auto result = run(source, {sum, ordered}, context);
  ASSERT_TRUE(result.complete()) << result.failure_message;
  const std::int64_t n = 120 * 40;
  EXPECT_EQ(sum_of(result, 0), n * (n - 1) / 2);
  const auto& data = *result.outcomes.at(1).result->structured;
  const auto firsts = data.at("firsts").get<std::vector<std::int64_t>>();
  ASSERT_EQ(firsts.size(), 120u);
  EXPECT_TRUE(std::is_sorted(firsts.begin(), firsts.end()));
  const auto finals = data.at("finals").get<std::vector<bool>>();
  EXPECT_EQ(std::count(finals.begin(), finals.end(), true), 1);
  EXPECT_TRUE(finals.back());
  EXPECT_EQ(source.parsed(), 120u);
  EXPECT_EQ(result.rows, std::uint64_t(n));
}

TEST(Executor, TwoPassStageGetsItsFirstPassOverTheTransformedStream) {
  CountingSource source(30, 100);
  NullContext context;
  auto filter = std::make_shared<LambdaStage>("filter", StageMode::kStateless);
  filter->transform = keep_even;
  auto two_pass = std::make_shared<LambdaStage>("two_pass", StageMode::kOrdered);
  two_pass->first = std::make_shared<LambdaStage>("first", StageMode::kMergeable);
  const auto result = run(source, {filter, two_pass}, context);
  ASSERT_TRUE(result.complete()) << result.failure_message;
  const auto& data = *result.outcomes.back().result->structured;
  const std::int64_t evens = 2 * (1499 * 1500 / 2);  // even numbers below 3,000
  EXPECT_EQ(data.at("first_pass_sum").get<std::int64_t>(), evens);
  EXPECT_EQ(data.at("sum").get<std::int64_t>(), evens);
  EXPECT_EQ(result.chunks_read, 30u);  // the main pass
}

TEST(Executor, TwoPassStageOnAnInputThatCannotRewindFailsAsAnInputError) {
  CountingSource source(3, 10);
  source.rewindable = false;
  NullContext context;
  auto two_pass = std::make_shared<LambdaStage>("two_pass", StageMode::kOrdered);
  two_pass->first = std::make_shared<LambdaStage>("first", StageMode::kMergeable);
  const auto result = run(source, {two_pass}, context);
  EXPECT_EQ(result.failure, FailureKind::kInput);
  EXPECT_NE(result.failure_message.find("cannot be read twice"), std::string::npos);
}

// ---- replaying a recorded prefix -----------------------------------------------------

// Collects the final stream's values, in the order written.
class CollectingSink final : public ChunkSink {
 public:
  void write(const io::Chunk& chunk, const io::EncodedChunk*) override {
    for (auto v : chunk.column(0).int64_values()) values.push_back(v);
  }
  void commit() override { committed = true; }
  std::vector<std::int64_t> values;
  bool committed = false;
};

// A temporary directory for spills, removed at the end of the test.
struct SpillDirectory {
  std::filesystem::path path = std::filesystem::temp_directory_path() /
                               ("quarry_executor_spill_" + std::to_string(::getpid()));
  SpillDirectory() { std::filesystem::remove_all(path); }
  ~SpillDirectory() { std::filesystem::remove_all(path); }
};

RunResult run_with_spills(io::Source& source, std::vector<std::shared_ptr<Stage>> stages,
                          NullContext& context, const std::filesystem::path& spill_directory,
                          ChunkSink* sink = nullptr) {
  RunOptions options;
  options.memory_budget_bytes = 64ull << 20;
  options.threads = 2;
  options.progress_interval = std::chrono::milliseconds(0);
  options.spill_directory = spill_directory;
  return run_pipeline(source, stages, sink, options, context);
}

// An ordered transform keeping even values that counts the chunks it processes.
std::shared_ptr<LambdaStage> counting_ordered_filter(std::atomic<int>& chunks) {
  auto filter = std::make_shared<LambdaStage>("filter", StageMode::kOrdered);
  filter->transform = keep_even;
  filter->on_chunk = [&chunks](const io::Chunk&) { ++chunks; };
  return filter;
}

std::shared_ptr<LambdaStage> two_pass_stage(const std::string& name, bool transforms) {
  auto stage = std::make_shared<LambdaStage>(name, StageMode::kOrdered);
  stage->first = std::make_shared<LambdaStage>(name + "_first", StageMode::kMergeable);
  if (transforms) stage->transform = [](const std::shared_ptr<const io::Chunk>& c) { return c; };
  return stage;
}

std::vector<nlohmann::json> reports(const RunResult& result) {
  std::vector<nlohmann::json> out;
  for (const auto& outcome : result.outcomes) out.push_back(*outcome.result->structured);
  return out;
}

TEST(Executor, OrderedPrefixOfATwoPassStageRunsOnceAndLaterPassesReplayItsOutput) {
  const SpillDirectory spills;
  std::atomic<int> replayed_chunks{0};
  std::atomic<int> recomputed_chunks{0};
  CountingSource a(30, 100);
  CountingSource b(30, 100);
  NullContext context;
  CollectingSink replayed_sink;
  CollectingSink recomputed_sink;
  const auto replayed =
      run_with_spills(a, {counting_ordered_filter(replayed_chunks), two_pass_stage("two", true)},
                      context, spills.path, &replayed_sink);
  const auto recomputed =
      run_with_spills(b, {counting_ordered_filter(recomputed_chunks), two_pass_stage("two", true)},
                      context, "", &recomputed_sink);
  ASSERT_TRUE(replayed.complete()) << replayed.failure_message;
  ASSERT_TRUE(recomputed.complete()) << recomputed.failure_message;
  EXPECT_EQ(replayed_chunks, 30);    // the first pass only
  EXPECT_EQ(recomputed_chunks, 60);  // both passes
  EXPECT_EQ(reports(replayed), reports(recomputed));
  ASSERT_EQ(replayed.outcomes.size(), 2u);
  EXPECT_EQ(replayed.outcomes[0].stage, "filter");
  const std::int64_t evens = 2 * (1499 * 1500 / 2);  // even numbers below 3,000
  EXPECT_EQ(replayed.outcomes[1].result->structured->at("first_pass_sum"), evens);
  EXPECT_EQ(replayed.outcomes[1].result->structured->at("sum"), evens);
  EXPECT_EQ(replayed_sink.values, recomputed_sink.values);
  EXPECT_EQ(replayed_sink.values.size(), 1500u);
  EXPECT_TRUE(replayed_sink.committed);
  // The input's counts, not the recording's.
  EXPECT_EQ(replayed.rows, 3000u);
  EXPECT_EQ(replayed.chunks_read, 30u);
  EXPECT_EQ(replayed.passes, 2u);
  EXPECT_EQ(replayed.replayed_passes, 1u);
  EXPECT_EQ(recomputed.replayed_passes, 0u);
  // The recording is an anonymous file: nothing is left behind.
  EXPECT_TRUE(std::filesystem::is_empty(spills.path));
}

// A transform may emit another schema than it reads (a fill with a mean makes an int64 column
// float64): the stages after it are opened with what it emits, in the final pass and in the
// first passes, whether the stream reaching them is recorded and replayed or computed again.
TEST(Executor, StagesAfterATransformAreOpenedWithTheSchemaItEmits) {
  for (const StageMode mode : {StageMode::kOrdered, StageMode::kStateless}) {
    const SpillDirectory spills;
    auto to_float = std::make_shared<LambdaStage>("to_float", mode);
    to_float->transform = [](const std::shared_ptr<const io::Chunk>& chunk) {
      auto schema = std::make_shared<const io::Schema>(
          std::vector<io::Field>{{"n", io::ColumnType::kFloat64}});
      io::ChunkBuilder builder(schema, chunk->num_rows());
      for (auto v : chunk->column(0).int64_values())
        builder.column(0).append_float64(static_cast<double>(v) / 2);
      return builder.finish(chunk->sequence(), chunk->num_rows());
    };
    auto two = two_pass_stage("two", false);
    two->expected_type = io::ColumnType::kFloat64;
    dynamic_cast<LambdaStage&>(*two->first).expected_type = io::ColumnType::kFloat64;
    auto last = std::make_shared<LambdaStage>("last", StageMode::kMergeable);
    last->expected_type = io::ColumnType::kFloat64;
    CountingSource source(20, 10);
    NullContext context;
    const auto result = run_with_spills(source, {to_float, two, last}, context, spills.path);
    ASSERT_TRUE(result.complete()) << result.failure_message;
    EXPECT_EQ(result.outcomes.size(), 3u);
  }
}

TEST(Executor, StatelessPrefixIsComputedAgainRatherThanRecorded) {
  const SpillDirectory spills;
  std::atomic<int> chunks{0};
  auto filter = std::make_shared<LambdaStage>("filter", StageMode::kStateless);
  filter->transform = keep_even;
  filter->on_chunk = [&chunks](const io::Chunk&) { ++chunks; };
  CountingSource source(20, 10);
  NullContext context;
  const auto result =
      run_with_spills(source, {filter, two_pass_stage("two", false)}, context, spills.path);
  ASSERT_TRUE(result.complete()) << result.failure_message;
  EXPECT_EQ(chunks, 40);
}

// A source that would parse its input again on a second read (JSON Lines) is read once: the
// first pass records its chunks and the main pass replays them, with the same results.
TEST(Executor, ASourceCostlyToReadAgainIsRecordedByTheFirstPass) {
  const SpillDirectory spills;
  CountingSource costly(20, 10);
  costly.cheap_to_reread = false;
  CountingSource cheap(20, 10);
  NullContext context;
  const auto recorded =
      run_with_spills(costly, {two_pass_stage("two", false)}, context, spills.path);
  const auto reread = run_with_spills(cheap, {two_pass_stage("two", false)}, context, spills.path);
  ASSERT_TRUE(recorded.complete()) << recorded.failure_message;
  ASSERT_TRUE(reread.complete()) << reread.failure_message;
  EXPECT_EQ(costly.rewinds, 0);
  EXPECT_EQ(recorded.replayed_passes, 1u);
  EXPECT_EQ(cheap.rewinds, 1);
  EXPECT_EQ(reread.replayed_passes, 0u);
  EXPECT_EQ(reports(recorded), reports(reread));
  EXPECT_EQ(recorded.rows, 200u);
  EXPECT_TRUE(std::filesystem::is_empty(spills.path));
}

TEST(Executor, AnalysisInsideARecordedPrefixReportsOnceInPipelineOrder) {
  const SpillDirectory spills;
  std::atomic<int> filtered{0};
  std::atomic<int> analysed{0};
  auto analysis = std::make_shared<LambdaStage>("analysis", StageMode::kMergeable);
  analysis->on_chunk = [&analysed](const io::Chunk&) { ++analysed; };
  CountingSource source(25, 40);
  NullContext context;
  const auto result = run_with_spills(
      source, {counting_ordered_filter(filtered), analysis, two_pass_stage("two", false)}, context,
      spills.path);
  ASSERT_TRUE(result.complete()) << result.failure_message;
  ASSERT_EQ(result.outcomes.size(), 3u);
  EXPECT_EQ(result.outcomes[0].stage, "filter");
  EXPECT_EQ(result.outcomes[1].stage, "analysis");
  EXPECT_EQ(result.outcomes[2].stage, "two");
  EXPECT_EQ(filtered, 25);
  EXPECT_EQ(analysed, 25);
  const std::int64_t evens = 2 * (499 * 500 / 2);  // even numbers below 1,000
  EXPECT_EQ(sum_of(result, 1), evens);
  EXPECT_EQ(sum_of(result, 2), evens);
}

TEST(Executor, ChainedTwoPassStagesEachReplayTheLatestRecording) {
  const SpillDirectory spills;
  std::atomic<int> replayed_chunks{0};
  std::atomic<int> recomputed_chunks{0};
  CountingSource a(12, 50);
  CountingSource b(12, 50);
  NullContext context;
  CollectingSink replayed_sink;
  CollectingSink recomputed_sink;
  const auto replayed = run_with_spills(a,
                                        {counting_ordered_filter(replayed_chunks),
                                         two_pass_stage("one", true), two_pass_stage("two", true)},
                                        context, spills.path, &replayed_sink);
  const auto recomputed =
      run_with_spills(b,
                      {counting_ordered_filter(recomputed_chunks), two_pass_stage("one", true),
                       two_pass_stage("two", true)},
                      context, "", &recomputed_sink);
  ASSERT_TRUE(replayed.complete()) << replayed.failure_message;
  ASSERT_TRUE(recomputed.complete()) << recomputed.failure_message;
  EXPECT_EQ(replayed_chunks, 12);
  EXPECT_EQ(recomputed_chunks, 36);  // three passes
  EXPECT_EQ(reports(replayed), reports(recomputed));
  EXPECT_EQ(replayed_sink.values, recomputed_sink.values);
  EXPECT_EQ(replayed.rows, 600u);
  EXPECT_EQ(replayed.passes, 3u);
  EXPECT_EQ(replayed.replayed_passes, 2u);
}

TEST(Executor, AStageFailingWhileTheRecordingIsReplayedFailsTheRunNamingIt) {
  const SpillDirectory spills;
  std::atomic<int> chunks{0};
  auto two = two_pass_stage("two", false);
  two->on_chunk = [](const io::Chunk& chunk) {
    if (chunk.num_rows() > 0 && chunk.column(0).int64_values().front() >= 400) {
      throw std::runtime_error("bad value");
    }
  };
  CountingSource source(40, 20);
  NullContext context;
  CollectingSink sink;
  const auto result =
      run_with_spills(source, {counting_ordered_filter(chunks), two}, context, spills.path, &sink);
  EXPECT_EQ(result.failure, FailureKind::kChunk);
  EXPECT_EQ(result.failed_stage, "two");
  EXPECT_NE(result.failure_message.find("bad value"), std::string::npos);
  EXPECT_FALSE(sink.committed);
  EXPECT_EQ(chunks, 40);               // the filter ran once, in the recording pass
  EXPECT_LT(result.chunks_read, 40u);  // the replay stopped early, and says so
  EXPECT_EQ(result.chunks_read, result.chunks_retired);
  EXPECT_TRUE(std::filesystem::is_empty(spills.path));
}

TEST(Executor, SpillDirectoryThatCannotBeMadeMeansThePrefixRunsAgain) {
  const SpillDirectory spills;
  std::filesystem::create_directories(spills.path);
  std::ofstream(spills.path / "a-file") << "not a directory";
  std::atomic<int> chunks{0};
  CountingSource source(10, 10);
  NullContext context;
  const auto result =
      run_with_spills(source, {counting_ordered_filter(chunks), two_pass_stage("two", false)},
                      context, spills.path / "a-file" / "spill");
  ASSERT_TRUE(result.complete()) << result.failure_message;
  EXPECT_EQ(chunks, 20);
  EXPECT_EQ(result.outcomes.back().result->structured->at("first_pass_sum"), 2 * (49 * 50 / 2));
}

TEST(Executor, ChunksInFlightStayWithinThePlanWhateverTheInputLength) {
  for (int chunks : {10, 1000}) {
    CountingSource source(chunks, 10);
    NullContext context;
    auto slow = std::make_shared<LambdaStage>("slow", StageMode::kOrdered);
    slow->on_chunk = [](const io::Chunk&) {
      std::this_thread::sleep_for(std::chrono::microseconds(50));
    };
    const std::uint64_t budget = 16ull << 20;
    const auto result = run(source, {slow}, context, budget);
    ASSERT_TRUE(result.complete());
    // +3: the input node holds one chunk it could not yet pass to the full limiter, reads
    // one ahead to know which chunk is the last, and a retired chunk's last reference (the
    // retire task's copy of its message) goes only after that task has let the next one in.
    // What matters is that the bound does not grow with the input (10 vs 1000 chunks).
    EXPECT_LE(source.max_live(), int(plan_flow(budget, 2).max_chunks_in_flight) + 3) << chunks;
    EXPECT_EQ(source.live(), 0);
  }
}

TEST(Executor, PlanKeepsChunksWithinHalfTheBudget) {
  for (std::uint64_t mb : {8, 16, 256, 4096}) {
    const auto plan = plan_flow(mb << 20, 2);
    EXPECT_GE(plan.max_chunks_in_flight, 1u);
    EXPECT_LE(plan.max_chunks_in_flight * plan.chunk_bytes * 3,
              std::max<std::uint64_t>((mb << 20) / 2, 3 * (256u << 10)));
  }
}

TEST(Executor, StageFailureStopsTheRunAndKeepsWhatOthersComputed) {
  CountingSource source(100, 10);
  NullContext context;
  auto healthy = std::make_shared<LambdaStage>("healthy", StageMode::kOrdered);
  auto broken = std::make_shared<LambdaStage>("broken", StageMode::kOrdered);
  broken->on_chunk = [](const io::Chunk& chunk) {
    if (chunk.column(0).int64_values().front() >= 200) throw std::runtime_error("bad value");
  };
  const auto result = run(source, {healthy, broken}, context);
  EXPECT_EQ(result.failure, FailureKind::kChunk);
  EXPECT_EQ(result.failed_stage, "broken");
  EXPECT_NE(result.failure_message.find("bad value"), std::string::npos);
  ASSERT_EQ(result.outcomes.size(), 2u);
  EXPECT_TRUE(result.outcomes[0].result.has_value());  // partial, but computed
  EXPECT_FALSE(result.outcomes[1].result.has_value());
  EXPECT_FALSE(result.outcomes[1].error.empty());
  EXPECT_LT(result.chunks_read, 100u);  // reading stopped early
  EXPECT_EQ(result.chunks_read, result.chunks_retired);
}

TEST(Executor, OpenErrorsAreReportedBeforeAnyChunkIsRead) {
  CountingSource source(10, 10);
  NullContext context;
  auto stage = std::make_shared<LambdaStage>("bad_args", StageMode::kMergeable);
  stage->open_error = "column 'y' does not exist; available: x";
  const auto result = run(source, {stage}, context);
  EXPECT_EQ(result.failure, FailureKind::kInput);
  EXPECT_NE(result.failure_message.find("'y'"), std::string::npos);
  EXPECT_EQ(result.chunks_read, 0u);
}

TEST(Executor, CancellationStopsReadingPromptly) {
  CountingSource source(100000, 10);
  NullContext context;
  context.cancel_after_progress_ = true;
  auto sum = std::make_shared<LambdaStage>("sum", StageMode::kMergeable);
  const auto result = run(source, {sum}, context);
  EXPECT_EQ(result.failure, FailureKind::kCancelled);
  EXPECT_LT(result.chunks_read, 100u);
}

TEST(Executor, EmptyInputFinishesEveryStage) {
  CountingSource source(0, 10);
  NullContext context;
  auto sum = std::make_shared<LambdaStage>("sum", StageMode::kMergeable);
  const auto result = run(source, {sum}, context);
  ASSERT_TRUE(result.complete());
  EXPECT_EQ(sum_of(result, 0), 0);
}

TEST(Executor, ProgressReportsBytesAgainstTheTotal) {
  CountingSource source(20, 10);
  NullContext context;
  auto sum = std::make_shared<LambdaStage>("sum", StageMode::kMergeable);
  (void)run(source, {sum}, context);
  EXPECT_GT(context.progress_calls_.load(), 1);
  EXPECT_EQ(context.last_progress_, 2000);
}

// A stage's own progress while it finishes (a model fit after the read) fills the end of the
// bar after the read's 95%, with its message; the bar only grows and ends full.
TEST(Executor, StageProgressWhileFinishingFillsTheEndOfTheBar) {
  CountingSource source(20, 10);
  NullContext context;
  auto fit = std::make_shared<LambdaStage>("fit", StageMode::kOrdered);
  fit->on_finish = [](tools::CallContext& stage_context) {
    for (int step = 1; step <= 4; ++step)
      stage_context.progress(step, 4.0, "iteration " + std::to_string(step));
  };
  (void)run(source, {fit}, context);
  std::vector<double> values;
  for (const auto& [done, message] : context.progress_) values.push_back(done);
  EXPECT_TRUE(std::is_sorted(values.begin(), values.end()));
  const auto half = std::find_if(context.progress_.begin(), context.progress_.end(),
                                 [](const auto& report) { return report.second == "iteration 2"; });
  ASSERT_NE(half, context.progress_.end());
  EXPECT_DOUBLE_EQ(half->first, 2000 * (0.95 + 0.05 * 0.5));
  EXPECT_EQ(context.progress_.back(), (std::pair<double, std::string>(2000, "done")));
}

// ---- a schema guessed from a sample -------------------------------------------------

// ParallelSource's chunks under a guessed schema that chunk `wrong_at` contradicts (while
// `guesses_left` > 0): after infer_schema_fully() the column is named "x_full".
class GuessingSource final : public io::Source {
 public:
  GuessingSource(int chunks, int rows, int wrong_at)
      : chunks_(chunks), rows_(rows), wrong_at_(wrong_at), schema_(schema_named("x")) {}
  const io::Schema& schema() const override { return *schema_; }
  std::shared_ptr<const io::Chunk> next() override { return nullptr; }
  std::optional<std::size_t> parallel_chunks() const override { return chunks_; }
  std::shared_ptr<const io::Chunk> read_chunk(std::size_t index) const override {
    if (guessing && static_cast<int>(index) == wrong_at_) {
      failed = true;
      throw io::SchemaGuessFailed("chunk " + std::to_string(index) + " contradicts the guess");
    }
    io::ChunkBuilder builder(schema_, rows_);
    for (int i = 0; i < rows_; ++i)
      builder.column(0).append_int64(static_cast<std::int64_t>(index) * rows_ + i);
    return builder.finish(index);
  }
  std::uint64_t bytes_read() const override { return 0; }
  std::optional<std::uint64_t> total_bytes() const override { return chunks_ * 100; }
  io::ReadReport report() const override { return {}; }
  bool schema_guess_failed() const override { return failed; }
  void infer_schema_fully() override {
    ++full_scans;
    guessing = guesses_left_after_scan;
    failed = false;
    schema_ = schema_named("x_full");
  }

  mutable std::atomic<bool> failed{false};
  bool guessing = true;
  bool guesses_left_after_scan = false;  // the full scan still "guesses" (a broken source)
  int full_scans = 0;

 private:
  static std::shared_ptr<const io::Schema> schema_named(const std::string& name) {
    return std::make_shared<const io::Schema>(std::vector<io::Field>{{name, ColumnType::kInt64}});
  }
  std::size_t chunks_;
  int rows_;
  int wrong_at_;
  std::shared_ptr<const io::Schema> schema_;
};

// Collects values and the schema each restart announced.
class RestartableSink final : public ChunkSink {
 public:
  void write(const io::Chunk& chunk, const io::EncodedChunk*) override {
    names.insert(chunk.schema()[0].name);
    for (auto v : chunk.column(0).int64_values()) values.push_back(v);
  }
  void commit() override { committed = true; }
  void restart(const io::Source& input) override {
    values.clear();
    names.clear();
    restarts.push_back(input.schema()[0].name);
  }
  std::vector<std::int64_t> values;
  std::set<std::string> names;
  std::vector<std::string> restarts;
  bool committed = false;
};

TEST(Executor, ContradictedGuessRunsTheWholePipelineAgainOnTheFullySettledSchema) {
  GuessingSource source(20, 100, 7);
  NullContext context;
  RestartableSink sink;
  auto ordered = std::make_shared<LambdaStage>("ordered", StageMode::kOrdered);
  ordered->transform = [](const std::shared_ptr<const io::Chunk>& c) { return c; };
  auto sum = std::make_shared<LambdaStage>("sum", StageMode::kMergeable);
  RunOptions options;
  options.threads = 2;
  const std::vector<std::shared_ptr<Stage>> stages{ordered, sum};
  const auto result = run_pipeline(source, stages, &sink, options, context);
  ASSERT_TRUE(result.complete()) << result.failure_message;
  EXPECT_EQ(source.full_scans, 1);
  EXPECT_EQ(sum_of(result, 1), 2000 * 1999 / 2);  // every row once, none from the first try
  EXPECT_EQ(result.rows, 2000U);
  EXPECT_EQ(sink.restarts, std::vector<std::string>{"x_full"});
  EXPECT_EQ(sink.names, std::set<std::string>{"x_full"});
  std::vector<std::int64_t> expected(2000);
  std::iota(expected.begin(), expected.end(), 0);
  EXPECT_EQ(sink.values, expected);
  EXPECT_TRUE(sink.committed);
}

TEST(Executor, GuessContradictedAgainAfterTheFullScanFailsInsteadOfLooping) {
  GuessingSource source(20, 100, 3);
  source.guesses_left_after_scan = true;
  NullContext context;
  auto sum = std::make_shared<LambdaStage>("sum", StageMode::kMergeable);
  const auto result = run(source, {sum}, context);
  EXPECT_FALSE(result.complete());
  EXPECT_EQ(result.failure, FailureKind::kInput);
  EXPECT_NE(result.failure_message.find("contradicts the guess"), std::string::npos);
  EXPECT_EQ(source.full_scans, 1);
}

TEST(Executor, SinkThatCannotStartAgainFailsTheRunWithoutWritingHalfAStream) {
  GuessingSource source(20, 100, 7);
  NullContext context;
  CollectingSink sink;  // keeps ChunkSink::restart, which refuses
  auto sum = std::make_shared<LambdaStage>("sum", StageMode::kMergeable);
  const std::vector<std::shared_ptr<Stage>> stages{sum};
  const auto result = run_pipeline(source, stages, &sink, RunOptions{}, context);
  EXPECT_FALSE(result.complete());
  EXPECT_NE(result.failure_message.find("cannot start again"), std::string::npos);
  EXPECT_FALSE(sink.committed);
}

}  // namespace
}  // namespace quarry::exec
