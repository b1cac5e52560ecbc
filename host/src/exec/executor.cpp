#include "quarry/exec/executor.hpp"

#include "exec/detail/ordered_merge.hpp"
#include "exec/detail/run_state.hpp"
#include "quarry/io/chunk_spill.hpp"
#include "quarry/io/error.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/flow_graph.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <mutex>
#include <thread>
#include <tuple>

namespace quarry::exec {
namespace {

namespace flow = tbb::flow;

bool needs_order(StageMode mode) {
  return mode == StageMode::kOrdered || mode == StageMode::kAccumulate;
}
using detail::ChunkMessage;
using detail::RunState;

// ---- stage nodes -------------------------------------------------------------------

// The instances of one stage for a run: one for serial modes, one per chunk for mergeable
// stages (folded in chunk order, so the result does not depend on which worker took which
// chunk: a quantile sketch fed in a different order gives different quantiles, a sum in
// floating point different last bits), one per worker thread for stateless stages.
class StageRunner {
 public:
  // Opens the first instance right away, so argument and schema errors surface
  // before any chunk is processed.
  // `first_pass` (may be null) is the finished first-pass state of a two-pass stage.
  StageRunner(std::shared_ptr<Stage> stage, const io::Schema& schema, tools::CallContext& context,
              const StageInstance* first_pass)
      : stage_(std::move(stage)),
        schema_(schema),
        context_(context),
        first_pass_(first_pass),
        spare_(open()) {}

  const Stage& stage() const { return *stage_; }

  std::shared_ptr<const io::Chunk> process(const ChunkMessage& message) {
    if (needs_order(stage_->mode())) {  // the flow graph runs these one chunk at a time
      if (!serial_) serial_ = take_spare_or_open();
      return serial_->process(message.chunk, message.final_chunk);
    }
    if (stage_->mode() == StageMode::kMergeable) {
      auto instance = take_spare_or_open();
      auto out = instance->process(message.chunk, message.final_chunk);
      partials_.add(message.sequence, std::move(instance));
      return out;
    }
    auto& instance = per_thread_.local();
    if (!instance) instance = take_spare_or_open();
    return instance->process(message.chunk, message.final_chunk);
  }

  // Merges the partial states (mergeable) and finishes the stage.
  tools::ToolResult finish() { return merged()->finish(); }

  // The schema a transforming stage emits, which the stages after it read: what a throwaway
  // instance makes of an empty chunk (a stage may change types, e.g. int64 to float64 when it
  // fills with a mean, or add columns; it decides at open, from its arguments and first pass).
  io::Schema output_schema() {
    const auto empty =
        io::ChunkBuilder(std::make_shared<const io::Schema>(schema_), 0).finish(0, 0);
    const auto out = open()->process(empty, false);
    return out ? out->schema() : schema_;
  }

  // The one instance left after merging the partial states (mergeable).
  std::unique_ptr<StageInstance> merged() {
    if (serial_) return std::move(serial_);
    if (auto combined = partials_.take_combined()) return std::move(*combined);
    return take_spare_or_open();  // (a stateless stage's result comes from any instance)
  }

 private:
  std::unique_ptr<StageInstance> open() {
    return first_pass_ != nullptr ? stage_->open_second_pass(schema_, context_, *first_pass_)
                                  : stage_->open(schema_, context_);
  }

  // The instance opened for validation is used first, so a serial stage opens once.
  std::unique_ptr<StageInstance> take_spare_or_open() {
    {
      std::lock_guard lock(spare_mutex_);
      if (spare_) return std::move(spare_);
    }
    return open();
  }

  std::shared_ptr<Stage> stage_;
  io::Schema schema_;
  tools::CallContext& context_;
  const StageInstance* first_pass_;
  std::mutex spare_mutex_;
  std::unique_ptr<StageInstance> spare_;
  std::unique_ptr<StageInstance> serial_;
  tbb::enumerable_thread_specific<std::unique_ptr<StageInstance>> per_thread_;
  static void merge_into(std::unique_ptr<StageInstance>& into,
                         std::unique_ptr<StageInstance>& from) {
    into->merge(*from);
  }
  detail::OrderedMerge<std::unique_ptr<StageInstance>, decltype(&merge_into)> partials_{
      &merge_into};
};

std::size_t concurrency_of(StageMode mode) {
  return needs_order(mode) ? flow::serial : flow::unlimited;
}

// Builds the graph for one run and owns its nodes.
class PipelineGraph {
 public:
  // `first_passes[i]` is the finished first-pass state of stages[i], or null.
  PipelineGraph(io::Source& source, std::span<const std::shared_ptr<Stage>> stages,
                std::span<const StageInstance* const> first_passes, ChunkSink* sink,
                RunState& state, const FlowPlan& plan)
      : source_(source),
        stream_schema_(source.schema()),
        sink_(sink),
        state_(state),
        parallel_chunks_(source.parallel_chunks()),
        limiter_(graph_, plan.max_chunks_in_flight) {
    create_retire_node();
    flow::sender<ChunkMessage>* upstream = &limiter_;
    if (parallel_chunks_) upstream = &add_parser(*upstream);
    for (std::size_t i = 0; i < stages.size(); ++i) {
      const auto& stage = stages[i];
      runners_.push_back(std::make_unique<StageRunner>(stage, stream_schema_, state.stage_context,
                                                       first_passes[i]));
      StageRunner& runner = *runners_.back();
      if (stage->transforms()) {
        upstream = &add_transform(*upstream, runner);
        stream_schema_ = runner.output_schema();
      } else {
        add_tap(*upstream, runner);
      }
    }
    if (sink_ != nullptr || taps_ == 0) add_sink_tap(*upstream);
    state_.taps_per_chunk = taps_;
    create_source();
  }

  void run() {
    source_node_->activate();
    graph_.wait_for_all();
  }

  std::vector<std::unique_ptr<StageRunner>>& runners() { return runners_; }
  //! The schema of the stream after the transforming stages (what the sink receives).
  const io::Schema& stream_schema() const { return stream_schema_; }

 private:
  flow::sequencer_node<ChunkMessage>& sequenced(flow::sender<ChunkMessage>& upstream) {
    auto& sequencer = own(std::make_unique<flow::sequencer_node<ChunkMessage>>(
        graph_, [](const ChunkMessage& message) { return message.sequence; }));
    flow::make_edge(upstream, sequencer);
    return sequencer;
  }

  flow::sender<ChunkMessage>& add_transform(flow::sender<ChunkMessage>& upstream,
                                            StageRunner& runner) {
    auto& node = own(std::make_unique<flow::function_node<ChunkMessage, ChunkMessage>>(
        graph_, concurrency_of(runner.stage().mode()),
        [this, &runner](const ChunkMessage& message) {
          ChunkMessage out = message;
          out.chunk = state_.guard(runner.stage().name(), message, [&] {
            auto result = runner.process(message);
            if (!result) {
              throw StageError(FailureKind::kChunk,
                               "the stage emitted no chunk; a transforming stage must emit "
                               "exactly one chunk (possibly empty) per input chunk");
            }
            return result;
          });
          return out;
        }));
    connect(upstream, node, runner.stage().mode());
    return node;
  }

  // Parses chunks on every worker at once; stages that need order restore it.
  flow::sender<ChunkMessage>& add_parser(flow::sender<ChunkMessage>& upstream) {
    auto& node = own(std::make_unique<flow::function_node<ChunkMessage, ChunkMessage>>(
        graph_, flow::unlimited, [this](ChunkMessage message) {
          state_.parse(source_, message);
          return message;
        }));
    flow::make_edge(upstream, node);
    return node;
  }

  void add_tap(flow::sender<ChunkMessage>& upstream, StageRunner& runner) {
    auto& node = own(std::make_unique<flow::function_node<ChunkMessage, ChunkMessage>>(
        graph_, concurrency_of(runner.stage().mode()),
        [this, &runner](const ChunkMessage& message) {
          state_.guard(runner.stage().name(), message, [&] { return runner.process(message); });
          return message;
        }));
    connect(upstream, node, runner.stage().mode());
    flow::make_edge(node, *retire_);
    ++taps_;
  }

  // The sink formats chunks on every worker (encode) and writes them in order, so the
  // formatting is not confined to one thread.
  void add_sink_tap(flow::sender<ChunkMessage>& upstream) {
    auto& encode = own(std::make_unique<flow::function_node<ChunkMessage, ChunkMessage>>(
        graph_, flow::unlimited, [this](ChunkMessage message) {
          if (sink_ != nullptr && !state_.stopping()) {
            state_.guard("output", message, [&] {
              message.encoded = sink_->encode(*message.chunk);
              return std::shared_ptr<const io::Chunk>();
            });
          }
          return message;
        }));
    flow::make_edge(upstream, encode);
    auto& node = own(std::make_unique<flow::function_node<ChunkMessage, ChunkMessage>>(
        graph_, flow::serial, [this](ChunkMessage message) {
          if (sink_ != nullptr && !state_.stopping()) {
            state_.guard("output", message, [&] {
              sink_->write(*message.chunk, message.encoded.get());
              return std::shared_ptr<const io::Chunk>();
            });
          }
          message.encoded.reset();
          return message;
        }));
    flow::make_edge(sequenced(encode), node);
    flow::make_edge(node, *retire_);
    ++taps_;
  }

  void connect(flow::sender<ChunkMessage>& upstream, flow::receiver<ChunkMessage>& node,
               StageMode mode) {
    if (needs_order(mode)) {
      flow::make_edge(sequenced(upstream), node);
    } else {
      flow::make_edge(upstream, node);
    }
  }

  void create_retire_node() {
    using Retire = flow::multifunction_node<ChunkMessage, std::tuple<flow::continue_msg>>;
    auto retire = std::make_unique<Retire>(
        graph_, flow::unlimited,
        [this](const ChunkMessage& message, Retire::output_ports_type& ports) {
          if (message.taps_left->fetch_sub(1) == 1) {
            state_.chunks_retired.fetch_add(1);
            std::get<0>(ports).try_put(flow::continue_msg());
          }
        });
    flow::make_edge(flow::output_port<0>(*retire), limiter_.decrementer());
    retire_ = retire.get();
    nodes_.push_back(std::move(retire));
  }

  void create_source() {
    source_node_ = std::make_unique<flow::input_node<ChunkMessage>>(
        graph_, [this](tbb::flow_control& control) -> ChunkMessage {
          auto message = parallel_chunks_ ? state_.next_index(source_, *parallel_chunks_)
                                          : state_.next_message(source_);
          if (!message) {
            control.stop();
            return {};
          }
          return std::move(*message);
        });
    flow::make_edge(*source_node_, limiter_);
  }

  template <typename Node>
  Node& own(std::unique_ptr<Node> node) {
    Node& ref = *node;
    nodes_.push_back(std::move(node));
    return ref;
  }

  io::Source& source_;
  // The schema of the stream where the graph is being built; after construction, after the
  // last transforming stage.
  io::Schema stream_schema_;
  ChunkSink* sink_;
  RunState& state_;
  std::optional<std::size_t> parallel_chunks_;  // chunks parsed in parallel, when known
  flow::graph graph_;
  flow::limiter_node<ChunkMessage> limiter_;
  std::unique_ptr<flow::input_node<ChunkMessage>> source_node_;
  flow::receiver<ChunkMessage>* retire_ = nullptr;
  std::vector<std::unique_ptr<flow::graph_node>> nodes_;  // every node but the source
  std::vector<std::unique_ptr<StageRunner>> runners_;
  int taps_ = 0;
};

// Finishes `runners` in order, adding their outcomes to `outcomes`.
void finish_stages(std::span<const std::unique_ptr<StageRunner>> runners,
                   std::vector<StageOutcome>& outcomes, RunState& state) {
  for (const auto& runner : runners) {
    const bool transforms = runner->stage().transforms();
    StageOutcome outcome{runner->stage().name(), std::nullopt, {}, transforms};
    if (state.stage_failed(runner->stage().name())) {
      outcome.error = "this stage failed; see the run's error";
      outcomes.push_back(std::move(outcome));
      continue;
    }
    try {
      outcome.result = runner->finish();
      // A transforming stage without a report of its own adds nothing to the result.
      if (transforms && outcome.result->content.empty() && !outcome.result->structured) continue;
    } catch (const StageError& e) {
      outcome.error = e.what();
      state.fail(e.kind(), runner->stage().name(), e.what());
    } catch (const std::exception& e) {
      outcome.error = e.what();
      state.fail(FailureKind::kAggregation, runner->stage().name(), e.what());
    }
    outcomes.push_back(std::move(outcome));
  }
}

// Records the stream reaching it into a spill, for later passes to replay. A spill that
// is given up (disk full) only means the later passes compute the stream again.
class SpillRecorder final : public ChunkSink {
 public:
  explicit SpillRecorder(io::ChunkSpill& spill) : spill_(spill) {}
  void write(const io::Chunk& chunk, const io::EncodedChunk* /*encoded*/) override {
    (void)spill_.append(chunk);
  }
  void commit() override {}

 private:
  io::ChunkSpill& spill_;
};

}  // namespace

std::string_view to_string(StageMode mode) {
  switch (mode) {
    case StageMode::kStateless:
      return "stateless";
    case StageMode::kMergeable:
      return "mergeable";
    case StageMode::kOrdered:
      return "ordered";
    case StageMode::kAccumulate:
      return "accumulate";
  }
  return "?";
}

std::string_view to_string(FailureKind kind) {
  switch (kind) {
    case FailureKind::kNone:
      return "none";
    case FailureKind::kInput:
      return "input";
    case FailureKind::kChunk:
      return "chunk";
    case FailureKind::kMemory:
      return "memory";
    case FailureKind::kAggregation:
      return "aggregation";
    case FailureKind::kTimeout:
      return "timeout";
    case FailureKind::kCancelled:
      return "cancelled";
  }
  return "?";
}

FlowPlan plan_flow(std::uint64_t memory_budget_bytes, unsigned threads, std::uint64_t chunk_bytes) {
  // A chunk costs its input bytes about three times over (raw text, decoded
  // columns, one transformed copy; the output's encoded text is about one more, covered
  // by the slack); keep K chunks of that within half the budget and leave the other half
  // to stage state.
  // Chunks of a couple of megabytes keep a chunk's columns in cache between stages and
  // keep ordered stages busy while later chunks parse (8 MiB chunks made a 1M-row rolling
  // + ACF run 40% slower); larger ones gained nothing on 10M-row files.
  // The chunk size does not depend on the thread count: chunk boundaries decide how partial
  // states merge (a sketch's quantiles, the last bits of a sum), and a result must not change
  // with the machine. It is sized for three chunks in flight (two workers and one parsing).
  constexpr std::uint64_t kMinChunk = 256u << 10;
  constexpr std::uint64_t kMaxChunk = 2u << 20;
  constexpr std::uint64_t kSizedForInFlight = 3;
  FlowPlan plan;
  const std::uint64_t wanted_in_flight = std::max<unsigned>(2, threads + 1);
  const std::uint64_t per_chunk_budget = memory_budget_bytes / 2 / (3 * kSizedForInFlight);
  plan.chunk_bytes =
      chunk_bytes != 0 ? chunk_bytes : std::clamp(per_chunk_budget, kMinChunk, kMaxChunk);
  plan.max_chunks_in_flight = static_cast<std::size_t>(std::clamp<std::uint64_t>(
      memory_budget_bytes / 2 / (3 * plan.chunk_bytes), 1, wanted_in_flight));
  return plan;
}

namespace {

// Maps one pass's progress into its share of the whole run, so the client sees one bar that
// only grows across passes. Reading takes the first kReadShare of the bar; the rest is for the
// stages' own progress (for_stages()), which plugins report as a fraction of their finishing
// work — an ARIMA fit after the read — and which would otherwise be dropped for not
// increasing past the bytes read.
class PassProgress final : public tools::CallContext {
 public:
  static constexpr double kReadShare = 0.95;

  PassProgress(tools::CallContext& inner, std::size_t pass, std::size_t passes)
      : inner_(inner), pass_(pass), passes_(passes), stages_(*this) {}
  bool cancelled() const override { return inner_.cancelled(); }
  void progress(double done, std::optional<double> total, std::string_view message) override {
    if (!total || *total <= 0) {
      inner_.progress(done, total, label(message));
      return;
    }
    total_ = *total;
    const double share = *total / static_cast<double>(passes_);
    inner_.progress(
        kReadShare * (share * static_cast<double>(pass_) + done / static_cast<double>(passes_)),
        total, label(message));
  }
  void log(tools::MessageLevel level, const nlohmann::json& data,
           std::string_view logger) override {
    inner_.log(level, data, logger);
  }

  //! The context the stages of this pass report through.
  tools::CallContext& for_stages() { return stages_; }

  //! Fills the bar: the run is complete.
  void completed() {
    if (total_) inner_.progress(*total_, total_, "done");
  }

 private:
  // A stage's progress as a fraction of its own work, shown in the part of the bar after the
  // read; only in the last pass (earlier passes are followed by more reading) and once the
  // read has said how much it reads.
  class StageProgress final : public tools::CallContext {
   public:
    explicit StageProgress(PassProgress& pass) : pass_(pass) {}
    bool cancelled() const override { return pass_.cancelled(); }
    void progress(double done, std::optional<double> total, std::string_view message) override {
      if (!total || *total <= 0 || !pass_.total_ || pass_.pass_ + 1 != pass_.passes_) return;
      const double fraction = std::clamp(done / *total, 0.0, 1.0);
      pass_.inner_.progress(*pass_.total_ * (kReadShare + (1 - kReadShare) * fraction),
                            pass_.total_, message);
    }
    void log(tools::MessageLevel level, const nlohmann::json& data,
             std::string_view logger) override {
      pass_.log(level, data, logger);
    }

   private:
    PassProgress& pass_;
  };

  std::string label(std::string_view message) const {
    return passes_ > 1 ? fmt::format("pass {} of {}: {}", pass_ + 1, passes_, message)
                       : std::string(message);
  }

  tools::CallContext& inner_;
  std::size_t pass_;
  std::size_t passes_;
  std::optional<double> total_;  // the read's total, once known
  StageProgress stages_;
};

// The stream a pass reads: the input, or a recording of the stream after stages [0, from).
struct PassInput {
  io::Source* source = nullptr;
  std::size_t from = 0;
  std::shared_ptr<const io::ChunkSpill> recording;  // the stream after stages [0, from)
  io::Schema recorded_schema;                       // its schema
  std::unique_ptr<io::Source> replay;               // reads `recording`

  // Reads `spill`, of chunks of `schema`, from now on: the stream after stages [0, index).
  void replay_from(std::shared_ptr<const io::ChunkSpill> spill, std::size_t index,
                   const io::Schema& schema) {
    recording = std::move(spill);
    recorded_schema = schema;
    replay = io::ChunkSpill::read_back(recording, schema);
    source = replay.get();
    from = index;
  }
  // The final pass reads the recording once, giving its disk space (and page cache) back as
  // it goes, for the output to reuse.
  void replay_once() {
    replay = io::ChunkSpill::read_back(std::move(recording), recorded_schema,
                                       io::ChunkSpill::ReadBack::kOnce);
    source = replay.get();
  }
};

// True when the stages in [from, index) include one worth not running twice: one that
// transforms in order or over whole columns (a serial stage on the critical path), or that
// has two passes of its own.
bool worth_recording(std::span<const std::shared_ptr<Stage>> stages,
                     std::span<const StageInstance* const> first_passes, std::size_t from,
                     std::size_t index) {
  for (std::size_t i = from; i < index; ++i) {
    if (!stages[i]->transforms()) continue;
    if (stages[i]->mode() != StageMode::kStateless || first_passes[i] != nullptr) return true;
  }
  return false;
}

// One first pass: the stages [input.from, index) (transforms only, unless the pass records
// its stream, when it is their last run) and stage `index`'s first pass as the only
// analysis. With `spill`, the stream reaching the first pass is recorded in it, and when the
// recording is complete the earlier stages are finished here, into `outcomes`.
struct FirstPass {
  std::unique_ptr<StageInstance> finished;  // null after a failure
  bool recorded = false;                    // `spill` holds the whole stream
  io::Schema stream_schema;                 // the schema of the stream reaching the first pass
};

FirstPass run_first_pass(const PassInput& input, std::span<const std::shared_ptr<Stage>> stages,
                         std::size_t index, std::shared_ptr<Stage> first_pass,
                         std::span<const StageInstance* const> first_passes, io::ChunkSpill* spill,
                         const RunOptions& options, const FlowPlan& plan, tbb::task_arena& arena,
                         PassProgress& context, RunResult& result) {
  std::vector<std::shared_ptr<Stage>> pass_stages;
  std::vector<const StageInstance*> pass_firsts;
  for (std::size_t i = input.from; i < index; ++i) {
    if (!stages[i]->transforms() && spill == nullptr) continue;
    pass_stages.push_back(stages[i]);
    pass_firsts.push_back(first_passes[i]);
  }
  pass_stages.push_back(std::move(first_pass));
  pass_firsts.push_back(nullptr);
  std::optional<SpillRecorder> recorder;
  if (spill != nullptr) recorder.emplace(*spill);
  RunState state(context, context.for_stages(), options);
  FirstPass pass;
  std::vector<StageOutcome> outcomes;
  arena.execute([&] {
    try {
      PipelineGraph graph(*input.source, pass_stages, pass_firsts, recorder ? &*recorder : nullptr,
                          state, plan);
      graph.run();
      if (state.failure() != FailureKind::kNone) return;
      pass.finished = graph.runners().back()->merged();
      pass.stream_schema = graph.stream_schema();
      (void)pass.finished->finish();  // lets the plugin finalise; its report is not shown
      pass.recorded = spill != nullptr && spill->intact();
      if (pass.recorded) {
        finish_stages(std::span(graph.runners()).first(graph.runners().size() - 1), outcomes,
                      state);
      }
    } catch (const StageError& e) {
      state.fail(e.kind(), stages[index]->name(), e.what());
    } catch (const std::exception& e) {
      state.fail(FailureKind::kAggregation, stages[index]->name(), e.what());
    }
  });
  state.check_balance();
  if (state.failure() == FailureKind::kNone) {
    if (!input.replay) state.fill(result);  // the input's counts
    result.outcomes.insert(result.outcomes.end(), std::make_move_iterator(outcomes.begin()),
                           std::make_move_iterator(outcomes.end()));
    if (spill != nullptr && !pass.recorded) {
      spdlog::debug("pipeline: the stream before {} is computed again in the next pass: {}",
                    stages[index]->name(), spill->failure());
    }
    return pass;
  }
  state.fill(result);
  result.failure_message =
      fmt::format("first pass of {}: {}", stages[index]->name(), result.failure_message);
  pass.finished.reset();
  return pass;
}

// Starts `source` again for another pass; false after filling `result` with why it cannot.
bool rewind(io::Source& source, RunResult& result) {
  try {
    source.rewind();
    return true;
  } catch (const std::exception& e) {
    result.failure = FailureKind::kInput;
    result.failure_message = e.what();
    return false;
  }
}

// One run of the pipeline over `source` as it is typed now (see run_pipeline).
RunResult run_once(io::Source& source, std::span<const std::shared_ptr<Stage>> stages,
                   ChunkSink* sink, const RunOptions& options, tools::CallContext& context) {
  const unsigned threads =
      options.threads != 0 ? options.threads : std::max(1u, std::thread::hardware_concurrency());
  const FlowPlan plan = plan_flow(options.memory_budget_bytes, threads, options.chunk_bytes);
  tbb::task_arena arena(static_cast<int>(threads));

  // Asked once per stage: a plugin decides from the call's arguments.
  std::vector<std::shared_ptr<Stage>> wanted(stages.size());
  for (std::size_t i = 0; i < stages.size(); ++i) wanted[i] = stages[i]->first_pass();
  const std::size_t passes =
      1 + static_cast<std::size_t>(std::count_if(
              wanted.begin(), wanted.end(), [](const auto& first) { return first != nullptr; }));
  std::vector<std::unique_ptr<PassProgress>> pass_contexts;  // outlive every stage instance
  for (std::size_t pass = 0; pass < passes; ++pass)
    pass_contexts.push_back(std::make_unique<PassProgress>(context, pass, passes));
  std::vector<std::unique_ptr<StageInstance>> first_states(stages.size());
  std::vector<const StageInstance*> first_passes(stages.size(), nullptr);

  std::size_t pass = 0;
  RunResult result;
  result.passes = passes;
  PassInput input;
  input.source = &source;
  for (std::size_t i = 0; i < stages.size(); ++i) {
    if (wanted[i] == nullptr) continue;
    if (pass > 0 && !rewind(*input.source, result)) return result;
    std::shared_ptr<io::ChunkSpill> spill;
    // Recorded when the stages before this first pass are worth not running again, or when
    // reading the source again would parse it again (JSON Lines, a CSV file kept out of the
    // column cache): replaying decoded chunks costs a fraction of that.
    if (!options.spill_directory.empty() && (worth_recording(stages, first_passes, input.from, i) ||
                                             !input.source->rereads_cheaply())) {
      std::string why_not;
      spill = io::ChunkSpill::create(options.spill_directory, UINT64_MAX, &why_not);
      if (!spill)
        spdlog::debug("pipeline: no spill for the stream before {}: {}", stages[i]->name(),
                      why_not);
    }
    FirstPass done =
        run_first_pass(input, stages, i, std::move(wanted[i]), first_passes, spill.get(), options,
                       plan, arena, *pass_contexts[pass], result);
    if (input.replay) ++result.replayed_passes;
    if (!done.finished) return result;
    first_states[i] = std::move(done.finished);
    first_passes[i] = first_states[i].get();
    if (done.recorded) input.replay_from(std::move(spill), i, done.stream_schema);
    ++pass;
  }
  if (input.replay) {
    input.replay_once();
  } else if (pass > 0 && !rewind(source, result)) {
    return result;
  }
  if (input.replay) ++result.replayed_passes;

  // A replayed final pass counts the recording; the run reports the input's counts.
  const auto [input_chunks, input_retired, input_rows, input_bytes] =
      std::tuple(result.chunks_read, result.chunks_retired, result.rows, result.bytes);
  const auto final_stages = stages.subspan(input.from);
  const auto final_firsts = std::span<const StageInstance* const>(first_passes).subspan(input.from);
  RunState state(*pass_contexts[pass], pass_contexts[pass]->for_stages(), options);
  arena.execute([&] {
    std::unique_ptr<PipelineGraph> graph;
    try {
      graph = std::make_unique<PipelineGraph>(*input.source, final_stages, final_firsts, sink,
                                              state, plan);
    } catch (const StageError& e) {
      state.fail(e.kind(), "", e.what());
      return;
    }
    spdlog::debug("pipeline: {} stage(s), {} chunk(s) in flight of ~{} KiB", final_stages.size(),
                  plan.max_chunks_in_flight, plan.chunk_bytes >> 10);
    graph->run();
    finish_stages(graph->runners(), result.outcomes, state);
  });
  state.check_balance();
  if (state.failure() == FailureKind::kNone) pass_contexts[pass]->completed();
  if (sink != nullptr && state.failure() == FailureKind::kNone) {
    try {
      sink->commit();
    } catch (const std::exception& e) {
      state.fail(FailureKind::kChunk, "output", e.what());
    }
  }
  state.fill(result);
  // A complete run read the whole input in its first pass; a failed one reports how far the
  // failing pass got.
  if (input.replay && result.complete()) {
    result.chunks_read = input_chunks;
    result.chunks_retired = input_retired;
    result.rows = input_rows;
    result.bytes = input_bytes;
  }
  return result;
}

}  // namespace

void ChunkSink::restart(const io::Source&) {
  throw std::logic_error("this output cannot start again");
}

RunResult run_pipeline(io::Source& source, std::span<const std::shared_ptr<Stage>> stages,
                       ChunkSink* sink, const RunOptions& options, tools::CallContext& context) {
  RunResult result = run_once(source, stages, sink, options, context);
  if (result.complete() || !source.schema_guess_failed()) return result;
  spdlog::info("pipeline: {}; reading the input again with types inferred from every row",
               result.failure_message);
  try {
    source.infer_schema_fully();
    if (sink != nullptr) sink->restart(source);
  } catch (const std::exception& e) {
    RunResult failed;
    failed.failure =
        dynamic_cast<const io::Cancelled*>(&e) ? FailureKind::kCancelled : FailureKind::kInput;
    failed.failure_message = e.what();
    if (const auto* input = dynamic_cast<const io::InputError*>(&e)) {
      failed.transient = input->transient();
    }
    return failed;
  }
  return run_once(source, stages, sink, options, context);
}

}  // namespace quarry::exec
