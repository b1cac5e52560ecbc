// Tests of the header-only C++ SDK helpers (quarry/sdk.hpp). The plugin below is
// defined with the helpers and driven in-process through its C entry points,
// with a fake host and fake calls that record every callback.
#include <quarry/sdk.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <cstring>
#include <new>
#include <random>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace sdk = quarry::sdk;
using nlohmann::json;

// ---- The plugin under test (one per binary) ---------------------------------

QUARRY_PLUGIN("sdk_test", "2.3.4", "Plugin used by sdk_test")

QUARRY_TOOL(echo, "sdk_test_echo", "Echo", "Echoes text n times.",
            R"({"type":"object","properties":{"text":{"type":"string"},"n":{"type":"integer"}},
                "required":["text"]})",
            R"({"type":"object","properties":{"echo":{"type":"string"}}})")
(sdk::Call&, const sdk::Args& args)->sdk::Result {
  std::string out;
  const auto n = args.get_or<int64_t>("n", 1);
  for (int64_t i = 0; i < n; ++i) out += args.get<std::string>("text");
  return sdk::Result::structured({{"echo", out}, {"n", n}}, "echo: " + out);
}

// Fails in the way `kind` names.
QUARRY_TOOL(fail, "sdk_test_fail", nullptr, "Fails on purpose.", R"({"type":"object"})", nullptr)
(sdk::Call&, const sdk::Args& args)->sdk::Result {
  const auto kind = args.get<std::string>("kind");
  if (kind == "runtime") throw std::runtime_error("disk on fire");
  if (kind == "invalid") throw sdk::Error(QUARRY_INVALID_ARGUMENT, "column 'x' is not numeric");
  if (kind == "bad_alloc") throw std::bad_alloc();
  if (kind == "non_std") throw 42;
  if (kind == "result_error") return sdk::Result::error("no rows matched", QUARRY_IO_ERROR);
  if (kind == "missing_arg") return sdk::Result::text(args.get<std::string>("absent"));
  return sdk::Result::text("did not fail");
}

// Works in `steps` steps, reporting progress and honouring cancellation.
QUARRY_TOOL_ANNOTATED(slow, "sdk_test_slow", "Slow", "Takes a few steps.", R"({"type":"object"})",
                      nullptr, R"({"readOnlyHint":true})")
(sdk::Call& call, const sdk::Args& args)->sdk::Result {
  const auto steps = args.get_or<int>("steps", 3);
  call.log(sdk::LogLevel::warning, "starting \"slow\"");
  for (int i = 0; i < steps; ++i) {
    call.throw_if_cancelled();
    call.progress(i + 1, steps, "step " + std::to_string(i + 1));
  }
  return sdk::Result::text("finished");
}

QUARRY_TOOL(content, "sdk_test_content", "Content", "Returns every content kind.",
            R"({"type":"object"})", nullptr)
(sdk::Call&, const sdk::Args&)->sdk::Result {
  sdk::Result r = sdk::Result::text("summary");
  r.add_image(std::string("\x89PNG", 4), "image/png")
      .add_resource_link("file:///out/full.csv", "full.csv", "text/csv", "all rows")
      .add_resource_text("file:///out/note.txt", "note", "text/plain");
  return r;
}

namespace {

std::atomic<int> g_stages_alive{0};  // stage objects constructed and not yet closed

// Sums the int64 column "x" and float64 column "y", joins the utf8 column "s".
class SumStage {
 public:
  static constexpr sdk::StageMode mode = sdk::StageMode::mergeable;

  SumStage(sdk::Call&, const sdk::Args& args, const sdk::SchemaView& input)
      : separator_(args.get_or("separator", "|")) {
    (void)input.index_of("x");  // fail at open when the input lacks the column
    ++g_stages_alive;
  }
  SumStage(const SumStage&) = delete;
  SumStage& operator=(const SumStage&) = delete;
  ~SumStage() { --g_stages_alive; }

  void consume(sdk::Call& call, const sdk::ChunkView& chunk) {
    call.throw_if_cancelled();
    const auto x = chunk.column("x").int64s();
    const auto y = chunk.column("y").float64s();
    const auto s = chunk.column("s").strings();
    for (int64_t i = 0; i < chunk.rows(); ++i) {
      if (x.is_valid(i)) x_sum_ += x[i];
      if (y.is_valid(i)) y_sum_ += y[i];
      if (s.is_valid(i)) words_.emplace_back(s[i]);
    }
    nulls_ += chunk.column("x").null_count() + chunk.column("y").null_count() +
              chunk.column("s").null_count();
    rows_ += chunk.rows();
  }

  void merge(SumStage& other, sdk::Call&) {
    x_sum_ += other.x_sum_;
    y_sum_ += other.y_sum_;
    nulls_ += other.nulls_;
    rows_ += other.rows_;
    words_.insert(words_.end(), other.words_.begin(), other.words_.end());
  }

  sdk::Result finish(sdk::Call&) {
    std::string joined;
    for (const auto& w : words_) joined += (joined.empty() ? "" : separator_) + w;
    return sdk::Result::structured(
        {{"x_sum", x_sum_}, {"y_sum", y_sum_}, {"nulls", nulls_}, {"rows", rows_}, {"s", joined}});
  }

 private:
  std::string separator_;
  int64_t x_sum_ = 0;
  double y_sum_ = 0;
  int64_t nulls_ = 0;
  int64_t rows_ = 0;
  std::vector<std::string> words_;
};

// Keeps the rows whose int64 column "x" is non-null and >= `min`.
class FilterStage {
 public:
  static constexpr sdk::StageMode mode = sdk::StageMode::stateless;

  explicit FilterStage(const sdk::Args& args) : min_(args.get<int64_t>("min")) {}

  sdk::OwnedChunk transform(sdk::Call&, const sdk::ChunkView& chunk) {
    if (!builder_) builder_ = sdk::ChunkBuilder::like(chunk.schema());
    const auto x = chunk.column("x").int64s();
    for (int64_t i = 0; i < chunk.rows(); ++i) {
      if (x.is_valid(i) && x[i] >= min_) builder_->append_row(chunk, i);
    }
    return builder_->finish();
  }

 private:
  int64_t min_;
  std::optional<sdk::ChunkBuilder> builder_;
};

// Throws from consume; counts construction and destruction.
class FailingStage {
 public:
  static constexpr sdk::StageMode mode = sdk::StageMode::ordered;
  FailingStage() { ++g_stages_alive; }
  FailingStage(const FailingStage&) = delete;
  FailingStage& operator=(const FailingStage&) = delete;
  ~FailingStage() { --g_stages_alive; }
  void consume(sdk::Call&, const sdk::ChunkView&) { throw std::runtime_error("stage broke"); }
};

// First pass of CenterStage: the sum and count of "x".
class MeanOfX {
 public:
  static constexpr sdk::StageMode mode = sdk::StageMode::mergeable;
  void consume(sdk::Call&, const sdk::ChunkView& chunk) {
    const auto x = chunk.column("x").int64s();
    for (int64_t i = 0; i < chunk.rows(); ++i) {
      if (x.is_valid(i)) {
        sum_ += static_cast<double>(x[i]);
        ++count_;
      }
    }
  }
  void merge(MeanOfX& other, sdk::Call&) {
    sum_ += other.sum_;
    count_ += other.count_;
  }
  void finish(sdk::Call&) { mean_ = count_ > 0 ? sum_ / static_cast<double>(count_) : 0.0; }
  double mean() const { return mean_; }

 private:
  double sum_ = 0;
  int64_t count_ = 0;
  double mean_ = 0;
};

// Two passes: reports x minus the first pass's mean, summed, and whether the host
// flagged a final chunk.
class CenterStage {
 public:
  static constexpr sdk::StageMode mode = sdk::StageMode::ordered;
  using FirstPass = MeanOfX;
  CenterStage(sdk::Call&, const sdk::Args&, const sdk::SchemaView&, const MeanOfX& first)
      : mean_(first.mean()) {}
  void consume(sdk::Call& call, const sdk::ChunkView& chunk) {
    const auto x = chunk.column("x").int64s();
    for (int64_t i = 0; i < chunk.rows(); ++i) {
      if (x.is_valid(i)) centered_ += static_cast<double>(x[i]) - mean_;
    }
    saw_final_ = saw_final_ || call.final_chunk();
  }
  sdk::Result finish(sdk::Call&) {
    return sdk::Result::structured(
        {{"mean", mean_}, {"centered_sum", centered_}, {"saw_final", saw_final_}});
  }

 private:
  double mean_;
  double centered_ = 0;
  bool saw_final_ = false;
};

}  // namespace

QUARRY_STAGE_TOOL(center, "sdk_test_center", nullptr, "Centers x on its mean (two passes).",
                  R"({"type":"object"})", nullptr, CenterStage);

QUARRY_STAGE_TOOL(sum, "sdk_test_sum", "Sum", "Sums columns.",
                  R"({"type":"object","properties":{"separator":{"type":"string"}}})",
                  R"({"type":"object"})", SumStage);
QUARRY_STAGE_TOOL(filter, "sdk_test_filter", "Filter", "Keeps rows with x >= min.",
                  R"({"type":"object","properties":{"min":{"type":"integer"}},"required":["min"]})",
                  nullptr, FilterStage);
QUARRY_STAGE_TOOL(failing, "sdk_test_failing", nullptr, "Fails in consume.", R"({"type":"object"})",
                  nullptr, FailingStage);

// ---- Fakes ---------------------------------------------------------------------

namespace {

struct HostLog {
  std::vector<std::pair<quarry_log_level, std::string>> lines;
};

HostLog& host_log_sink() {
  static HostLog log;
  return log;
}

const quarry_host_v1& fake_host() {
  static const quarry_host_v1 host = {
      sizeof(quarry_host_v1), QUARRY_ABI_VERSION, &host_log_sink(),
      [](void* data, quarry_log_level level, const char* message, uint64_t size) {
        static_cast<HostLog*>(data)->lines.emplace_back(level, std::string(message, size));
      }};
  return host;
}

// One fake call: every callback records into this object.
struct FakeCall {
  struct Progress {
    double done;
    double total;
    std::string message;
  };

  quarry_call_v1 raw{};
  bool cancelled = false;
  std::vector<Progress> progress;
  std::vector<std::pair<quarry_log_level, std::string>> logs;
  std::string result;
  std::string error;
  int results_set = 0;

  FakeCall() {
    raw.struct_size = sizeof(quarry_call_v1);
    raw.call_data = this;
    raw.is_cancelled = [](void* d) -> int32_t { return self(d).cancelled ? 1 : 0; };
    raw.progress = [](void* d, double done, double total, const char* msg, uint64_t size) {
      self(d).progress.push_back({done, total, msg ? std::string(msg, size) : std::string()});
    };
    raw.log = [](void* d, quarry_log_level level, const char* data, uint64_t size) {
      self(d).logs.emplace_back(level, std::string(data, size));
    };
    raw.set_result = [](void* d, const char* data, uint64_t size) -> quarry_status {
      self(d).result.assign(data, size);
      ++self(d).results_set;
      return json::accept(self(d).result) ? QUARRY_OK : QUARRY_INVALID_ARGUMENT;
    };
    raw.set_error = [](void* d, const char* msg, uint64_t size) {
      self(d).error.assign(msg, size);
    };
  }
  FakeCall(const FakeCall&) = delete;
  FakeCall& operator=(const FakeCall&) = delete;

  [[nodiscard]] json result_json() const { return json::parse(result); }

 private:
  static FakeCall& self(void* d) { return *static_cast<FakeCall*>(d); }
};

const quarry_plugin_v1& plugin() {
  static const quarry_plugin_v1* loaded = [] {
    const quarry_plugin_v1* p = nullptr;
    char error[256] = "";
    const quarry_status status = quarry_plugin_init_v1(&fake_host(), &p, error, sizeof error);
    EXPECT_EQ(status, QUARRY_OK) << error;
    return p;
  }();
  return *loaded;
}

const quarry_tool_v1& tool(const std::string& name) {
  const quarry_plugin_v1& p = plugin();
  for (uint32_t i = 0; i < p.tool_count; ++i) {
    if (name == p.tools[i]->name) return *p.tools[i];
  }
  throw std::runtime_error("no tool " + name);
}

quarry_status call_tool(const std::string& name, const std::string& args, FakeCall& call) {
  const quarry_tool_v1& t = tool(name);
  return t.call(plugin().plugin_data, &call.raw, args.data(), args.size());
}

// A hand-built struct chunk of 4 rows (x int64, y float64, s utf8) where the
// chunk itself has offset 1 and each column has its own offset, with one null
// per column:
//   row  x     y     s
//   0    10    1.5   "a"
//   1    20    null  null
//   2    null  2.5   "ccc"
//   3    40    4.0   "dd"
struct HandChunk {
  // x: column offset 1, physical index = 2 + row.
  int64_t x_values[6] = {99, 99, 10, 20, 30, 40};
  uint8_t x_valid[1] = {0x2F};  // physical 4 (row 2) null
  // y: column offset 0, physical index = 1 + row.
  double y_values[5] = {-1.0, 1.5, -7.0, 2.5, 4.0};
  uint8_t y_valid[1] = {0x1B};  // physical 2 (row 1) null
  // s: column offset 2, physical index = 3 + row.
  int32_t s_offsets[8] = {0, 4, 7, 10, 11, 11, 14, 16};
  const char* s_chars = "zeroonetwoacccdd";
  uint8_t s_valid[1] = {0x6F};  // physical 4 (row 1) null

  const void* x_buffers[2] = {x_valid, x_values};
  const void* y_buffers[2] = {y_valid, y_values};
  const void* s_buffers[3] = {s_valid, s_offsets, s_chars};
  const void* struct_buffers[1] = {nullptr};

  ArrowArray x{5, 1, 1, 2, 0, x_buffers, nullptr, nullptr, &release_borrowed, nullptr};
  ArrowArray y{5, 1, 0, 2, 0, y_buffers, nullptr, nullptr, &release_borrowed, nullptr};
  ArrowArray s{5, 1, 2, 3, 0, s_buffers, nullptr, nullptr, &release_borrowed, nullptr};
  ArrowArray* children[3] = {&x, &y, &s};
  ArrowArray array{4, 0, 1, 1, 3, struct_buffers, children, nullptr, &release_borrowed, nullptr};

  ArrowSchema x_field{"l",    "x",     nullptr, ARROW_FLAG_NULLABLE,
                      0,      nullptr, nullptr, &release_borrowed_schema,
                      nullptr};
  ArrowSchema y_field{"g",    "y",     nullptr, ARROW_FLAG_NULLABLE,
                      0,      nullptr, nullptr, &release_borrowed_schema,
                      nullptr};
  ArrowSchema s_field{"u",    "s",     nullptr, ARROW_FLAG_NULLABLE,
                      0,      nullptr, nullptr, &release_borrowed_schema,
                      nullptr};
  ArrowSchema* fields[3] = {&x_field, &y_field, &s_field};
  ArrowSchema schema{"+s", "", nullptr, 0, 3, fields, nullptr, &release_borrowed_schema, nullptr};

  HandChunk() = default;
  HandChunk(const HandChunk&) = delete;
  HandChunk& operator=(const HandChunk&) = delete;

  // The host owns borrowed chunks; these are never called by the plugin.
  static void release_borrowed(ArrowArray* a) { a->release = nullptr; }
  static void release_borrowed_schema(ArrowSchema* s) { s->release = nullptr; }
};

// Runs open on stage tool `name`; returns the status and sets *state.
quarry_status open_stage(const std::string& name, const std::string& args, const ArrowSchema* input,
                         FakeCall& call, void** state) {
  const quarry_stage_v1* stage = tool(name).stage;
  return stage->open(plugin().plugin_data, &call.raw, args.data(), args.size(), input, state);
}

}  // namespace

// ---- Plugin and tools ------------------------------------------------------------

TEST(SdkPlugin, AbiVersionIsTheHeaderVersion) {
  EXPECT_EQ(quarry_plugin_abi_version(), QUARRY_ABI_VERSION);
}

TEST(SdkPlugin, InitPublishesNameVersionAndEveryDeclaredTool) {
  const quarry_plugin_v1& p = plugin();
  EXPECT_EQ(p.struct_size, sizeof(quarry_plugin_v1));
  EXPECT_STREQ(p.name, "sdk_test");
  EXPECT_STREQ(p.version, "2.3.4");
  EXPECT_STREQ(p.description, "Plugin used by sdk_test");
  ASSERT_EQ(p.tool_count, 8U);
  std::vector<std::string> names;
  for (uint32_t i = 0; i < p.tool_count; ++i) names.emplace_back(p.tools[i]->name);
  EXPECT_EQ(names, (std::vector<std::string>{"sdk_test_echo", "sdk_test_fail", "sdk_test_slow",
                                             "sdk_test_content", "sdk_test_center", "sdk_test_sum",
                                             "sdk_test_filter", "sdk_test_failing"}));
}

TEST(SdkPlugin, ToolDescriptorsCarryTheirMetadata) {
  const quarry_tool_v1& echo = tool("sdk_test_echo");
  EXPECT_EQ(echo.struct_size, sizeof(quarry_tool_v1));
  EXPECT_STREQ(echo.title, "Echo");
  EXPECT_EQ(json::parse(echo.input_schema)["required"][0], "text");
  EXPECT_EQ(json::parse(echo.output_schema)["type"], "object");
  EXPECT_EQ(echo.annotations, nullptr);
  EXPECT_EQ(echo.stage, nullptr);
  EXPECT_EQ(tool("sdk_test_fail").title, nullptr);
  EXPECT_EQ(json::parse(tool("sdk_test_slow").annotations)["readOnlyHint"], true);
}

TEST(SdkPlugin, StageToolsPublishTheirModeAndEntryPoints) {
  const quarry_stage_v1* sum = tool("sdk_test_sum").stage;
  ASSERT_NE(sum, nullptr);
  EXPECT_EQ(sum->struct_size, sizeof(quarry_stage_v1));
  EXPECT_EQ(sum->mode, QUARRY_STAGE_MERGEABLE);
  EXPECT_NE(sum->merge, nullptr);
  EXPECT_EQ(sum->transform, nullptr);
  const quarry_stage_v1* filter = tool("sdk_test_filter").stage;
  EXPECT_EQ(filter->mode, QUARRY_STAGE_STATELESS);
  EXPECT_NE(filter->transform, nullptr);
  EXPECT_EQ(filter->merge, nullptr);
  EXPECT_EQ(tool("sdk_test_failing").stage->mode, QUARRY_STAGE_ORDERED);
}

TEST(SdkPlugin, InitRefusesANullPluginPointerWithAMessage) {
  char error[128] = "";
  EXPECT_EQ(quarry_plugin_init_v1(&fake_host(), nullptr, error, sizeof error),
            QUARRY_INVALID_ARGUMENT);
  EXPECT_NE(std::string(error).find("NULL"), std::string::npos);
}

TEST(SdkPlugin, InitRefusesAMissingHostAndTruncatesTheMessageToCapacity) {
  const quarry_plugin_v1* p = &plugin();
  char error[8];
  std::memset(error, 'x', sizeof error);
  EXPECT_EQ(quarry_plugin_init_v1(nullptr, &p, error, sizeof error), QUARRY_INVALID_ARGUMENT);
  EXPECT_EQ(p, nullptr);
  EXPECT_EQ(std::strlen(error), 7U);
}

TEST(SdkPlugin, HostLogReachesTheHostAfterInit) {
  (void)plugin();
  host_log_sink().lines.clear();
  sdk::host_log(sdk::LogLevel::notice, "plugin says hi");
  ASSERT_EQ(host_log_sink().lines.size(), 1U);
  EXPECT_EQ(host_log_sink().lines[0].first, QUARRY_LOG_NOTICE);
  EXPECT_EQ(host_log_sink().lines[0].second, "plugin says hi");
}

TEST(SdkTool, ReturnsStructuredContentWithATextRendering) {
  FakeCall call;
  ASSERT_EQ(call_tool("sdk_test_echo", R"({"text":"ab","n":2})", call), QUARRY_OK) << call.error;
  EXPECT_EQ(call.results_set, 1);
  EXPECT_EQ(call.result_json(), json::parse(R"({
      "content":[{"type":"text","text":"echo: abab"}],
      "structuredContent":{"echo":"abab","n":2}})"));
}

TEST(SdkTool, OptionalArgumentsFallBackToTheirDefault) {
  FakeCall call;
  ASSERT_EQ(call_tool("sdk_test_echo", R"({"text":"ab"})", call), QUARRY_OK) << call.error;
  EXPECT_EQ(call.result_json()["structuredContent"]["n"], 1);
}

TEST(SdkTool, MalformedArgumentsJsonIsAnInvalidArgument) {
  FakeCall call;
  EXPECT_EQ(call_tool("sdk_test_echo", R"({"text":)", call), QUARRY_INVALID_ARGUMENT);
  EXPECT_EQ(call.error, "arguments are not valid JSON");
  EXPECT_TRUE(call.result.empty());
}

TEST(SdkTool, WrongArgumentTypeNamesTheArgument) {
  FakeCall call;
  EXPECT_EQ(call_tool("sdk_test_echo", R"({"text":5})", call), QUARRY_INVALID_ARGUMENT);
  EXPECT_EQ(call.error, "argument 'text' must be a string, got number");
}

TEST(SdkTool, MissingRequiredArgumentNamesTheArgument) {
  FakeCall call;
  EXPECT_EQ(call_tool("sdk_test_fail", R"({"kind":"missing_arg"})", call), QUARRY_INVALID_ARGUMENT);
  EXPECT_EQ(call.error, "missing required argument 'absent'");
}

TEST(SdkTool, StdExceptionBecomesErrorStatusWithItsMessage) {
  FakeCall call;
  EXPECT_EQ(call_tool("sdk_test_fail", R"({"kind":"runtime"})", call), QUARRY_ERROR);
  EXPECT_EQ(call.error, "disk on fire");
  EXPECT_EQ(call.results_set, 0);
}

TEST(SdkTool, SdkErrorKeepsItsStatus) {
  FakeCall call;
  EXPECT_EQ(call_tool("sdk_test_fail", R"({"kind":"invalid"})", call), QUARRY_INVALID_ARGUMENT);
  EXPECT_EQ(call.error, "column 'x' is not numeric");
}

TEST(SdkTool, BadAllocBecomesOutOfMemory) {
  FakeCall call;
  EXPECT_EQ(call_tool("sdk_test_fail", R"({"kind":"bad_alloc"})", call), QUARRY_OUT_OF_MEMORY);
  EXPECT_EQ(call.error, "the plugin ran out of memory");
}

TEST(SdkTool, NonStdExceptionBecomesAGenericError) {
  FakeCall call;
  EXPECT_EQ(call_tool("sdk_test_fail", R"({"kind":"non_std"})", call), QUARRY_ERROR);
  EXPECT_NE(call.error.find("unknown exception"), std::string::npos);
}

TEST(SdkTool, ResultErrorReportsTheMessageAndStatusWithoutAResult) {
  FakeCall call;
  EXPECT_EQ(call_tool("sdk_test_fail", R"({"kind":"result_error"})", call), QUARRY_IO_ERROR);
  EXPECT_EQ(call.error, "no rows matched");
  EXPECT_EQ(call.results_set, 0);
}

TEST(SdkTool, ProgressAndLogsAreForwardedToTheCall) {
  FakeCall call;
  ASSERT_EQ(call_tool("sdk_test_slow", R"({"steps":2})", call), QUARRY_OK) << call.error;
  ASSERT_EQ(call.progress.size(), 2U);
  EXPECT_EQ(call.progress[1].done, 2.0);
  EXPECT_EQ(call.progress[1].total, 2.0);
  EXPECT_EQ(call.progress[1].message, "step 2");
  ASSERT_EQ(call.logs.size(), 1U);
  EXPECT_EQ(call.logs[0].first, QUARRY_LOG_WARNING);
  EXPECT_EQ(json::parse(call.logs[0].second), "starting \"slow\"");  // JSON-quoted
}

TEST(SdkTool, CancelledCallStopsWithCancelledStatus) {
  FakeCall call;
  call.cancelled = true;
  EXPECT_EQ(call_tool("sdk_test_slow", R"({"steps":5})", call), QUARRY_CANCELLED);
  EXPECT_TRUE(call.progress.empty());
  EXPECT_EQ(call.error, "the call was cancelled");
  EXPECT_EQ(call.results_set, 0);
}

TEST(SdkTool, ContentBlocksHaveTheMcpShapes) {
  FakeCall call;
  ASSERT_EQ(call_tool("sdk_test_content", "{}", call), QUARRY_OK) << call.error;
  EXPECT_EQ(call.result_json(), json::parse(R"({"content":[
      {"type":"text","text":"summary"},
      {"type":"image","data":"iVBORw==","mimeType":"image/png"},
      {"type":"resource_link","uri":"file:///out/full.csv","name":"full.csv",
       "mimeType":"text/csv","description":"all rows"},
      {"type":"resource","resource":{"uri":"file:///out/note.txt","text":"note",
                                     "mimeType":"text/plain"}}]})"));
}

TEST(SdkTool, StageToolCalledDirectlyIsUnsupported) {
  FakeCall call;
  EXPECT_EQ(call_tool("sdk_test_sum", "{}", call), QUARRY_UNSUPPORTED);
  EXPECT_NE(call.error.find("pipeline"), std::string::npos);
}

TEST(SdkCall, MemoryBudgetIsReadOnlyWhenTheHostStructHasIt) {
  FakeCall call;
  call.raw.memory_budget_bytes = 1 << 20;
  EXPECT_EQ(sdk::Call(&call.raw).memory_budget_bytes(), 1U << 20);
  call.raw.struct_size = offsetof(quarry_call_v1, memory_budget_bytes);  // an older host
  EXPECT_EQ(sdk::Call(&call.raw).memory_budget_bytes(), 0U);
  EXPECT_EQ(sdk::Call(nullptr).memory_budget_bytes(), 0U);
}

TEST(SdkCall, ScratchDirectoryIsReadOnlyWhenTheHostStructHasIt) {
  FakeCall call;
  EXPECT_EQ(sdk::Call(&call.raw).scratch_directory(), "");  // offered none
  call.raw.scratch_directory = "/var/tmp/quarry";
  EXPECT_EQ(sdk::Call(&call.raw).scratch_directory(), "/var/tmp/quarry");
  call.raw.struct_size = offsetof(quarry_call_v1, scratch_directory);  // a 1.1 host
  EXPECT_EQ(sdk::Call(&call.raw).scratch_directory(), "");
  EXPECT_EQ(sdk::Call(nullptr).scratch_directory(), "");
}

TEST(SdkCall, OlderHostStructsHideCallbacksPastTheirSize) {
  FakeCall call;
  call.raw.struct_size = offsetof(quarry_call_v1, progress);  // no progress/log/set_*
  sdk::Call wrapped(&call.raw);
  wrapped.progress(1, 2, "ignored");
  wrapped.log(sdk::LogLevel::info, "ignored");
  wrapped.set_error("ignored");
  EXPECT_TRUE(call.progress.empty());
  EXPECT_TRUE(call.logs.empty());
  EXPECT_TRUE(call.error.empty());
  EXPECT_EQ(wrapped.set_result_json("{}"), QUARRY_ERROR);
}

TEST(SdkTool, NullCallbacksInTheCallAreTolerated) {
  FakeCall call;
  call.raw.progress = nullptr;
  call.raw.log = nullptr;
  call.raw.is_cancelled = nullptr;
  EXPECT_EQ(call_tool("sdk_test_slow", R"({"steps":2})", call), QUARRY_OK) << call.error;
  EXPECT_EQ(call.result_json()["content"][0]["text"], "finished");
}

// ---- Args ------------------------------------------------------------------------

namespace {
sdk::Args parse_args(const std::string& text) {
  return sdk::Args::parse(text.data(), text.size());
}
}  // namespace

TEST(SdkArgs, TypedGettersConvertAndCheck) {
  const auto args =
      parse_args(R"({"s":"x","i":7,"f":2.5,"b":true,"whole":10.0,"list":[1,2],"nul":null})");
  EXPECT_EQ(args.get<std::string>("s"), "x");
  EXPECT_EQ(args.get<std::string_view>("s"), "x");
  EXPECT_EQ(args.get<int64_t>("i"), 7);
  EXPECT_EQ(args.get<double>("i"), 7.0);
  EXPECT_EQ(args.get<double>("f"), 2.5);
  EXPECT_TRUE(args.get<bool>("b"));
  EXPECT_EQ(args.get<int>("whole"), 10);  // 10.0 is an integer in JSON Schema terms
  EXPECT_EQ(args.get<std::vector<int>>("list"), (std::vector<int>{1, 2}));
  EXPECT_EQ(args.get<json>("list"), json::parse("[1,2]"));
  EXPECT_FALSE(args.has("nul"));
  EXPECT_TRUE(args.has("s"));
  EXPECT_EQ(args.get_or<int64_t>("nul", 3), 3);
  EXPECT_EQ(args.get_or("missing", "dflt"), "dflt");
  EXPECT_EQ(args.find<int>("missing"), std::nullopt);
  EXPECT_EQ(args.find<int>("i"), 7);
  EXPECT_EQ(args.json()["s"], "x");
}

TEST(SdkArgs, MismatchesThrowInvalidArgumentNamingTheKey) {
  const auto args = parse_args(R"({"f":2.5,"big":300,"neg":-1,"list":[1,"a"]})");
  auto status_of = [](auto&& fn) -> std::pair<quarry_status, std::string> {
    try {
      fn();
    } catch (const sdk::Error& e) {
      return {e.status(), e.what()};
    }
    return {QUARRY_OK, ""};
  };
  EXPECT_EQ(status_of([&] { (void)args.get<int>("f"); }),
            std::make_pair(QUARRY_INVALID_ARGUMENT,
                           std::string("argument 'f' must be an integer, got number")));
  EXPECT_EQ(status_of([&] { (void)args.get<uint8_t>("big"); }).second,
            "argument 'big' is out of range (300)");
  EXPECT_EQ(status_of([&] { (void)args.get<uint32_t>("neg"); }).second,
            "argument 'neg' is out of range (-1)");
  EXPECT_EQ(status_of([&] { (void)args.get<std::vector<int>>("list"); }).second,
            "argument 'list[1]' must be an integer, got string");
  EXPECT_EQ(status_of([&] { (void)args.get_or<bool>("f", false); }).second,
            "argument 'f' must be a boolean, got number");
}

TEST(SdkArgs, NonObjectArgumentsAreRejectedAndEmptyTextIsAnEmptyObject) {
  EXPECT_THROW((void)parse_args("[1]"), sdk::Error);
  EXPECT_TRUE(sdk::Args::parse(nullptr, 0).json().empty());
  EXPECT_TRUE(parse_args("null").json().is_object());
}

// ---- Result ----------------------------------------------------------------------

TEST(SdkResult, StructuredWithoutTextRendersTheJson) {
  const auto r = sdk::Result::structured({{"a", 1}});
  EXPECT_EQ(r.to_json(), json::parse(R"({"content":[{"type":"text","text":"{\"a\":1}"}],
                                         "structuredContent":{"a":1}})"));
}

TEST(SdkResult, StructuredContentMustBeAnObject) {
  EXPECT_THROW((void)sdk::Result::structured(json::array()), sdk::Error);
}

TEST(SdkResult, InvalidUtf8IsReplacedNotThrown) {
  const auto r = sdk::Result::text(std::string("bad \xff byte"));
  EXPECT_EQ(json::parse(r.dump())["content"][0]["text"], "bad \xEF\xBF\xBD byte");
}

TEST(SdkResult, ErrorResultsNeverCarryStatusOk) {
  const auto r = sdk::Result::error("nope", QUARRY_OK);
  EXPECT_TRUE(r.is_error());
  EXPECT_EQ(r.status(), QUARRY_ERROR);
  EXPECT_EQ(sdk::Error(QUARRY_OK, "x").status(), QUARRY_ERROR);
}

TEST(SdkResult, ImagesAreBase64Encoded) {
  EXPECT_EQ(sdk::detail::base64_encode("Man"), "TWFu");
  EXPECT_EQ(sdk::detail::base64_encode("Ma"), "TWE=");
  EXPECT_EQ(sdk::detail::base64_encode("M"), "TQ==");
  EXPECT_EQ(sdk::detail::base64_encode(""), "");
}

// ---- ChunkView -------------------------------------------------------------------

TEST(SdkChunkView, ReadsValuesThroughChunkAndColumnOffsets) {
  HandChunk h;
  const sdk::ChunkView chunk(&h.array, &h.schema);
  EXPECT_EQ(chunk.rows(), 4);
  EXPECT_EQ(chunk.columns(), 3);
  const auto x = chunk.column("x").int64s();
  EXPECT_EQ(x.get(0), 10);
  EXPECT_EQ(x.get(1), 20);
  EXPECT_EQ(x.get(2), std::nullopt);
  EXPECT_EQ(x.get(3), 40);
  const auto y = chunk.column(1).float64s();
  EXPECT_EQ(y.get(0), 1.5);
  EXPECT_TRUE(y.is_null(1));
  EXPECT_EQ(y[3], 4.0);
  const auto s = chunk.column("s").strings();
  EXPECT_EQ(s.get(0), "a");
  EXPECT_EQ(s.get(1), std::nullopt);
  EXPECT_EQ(s.get(2), "ccc");
  EXPECT_EQ(s.get(3), "dd");
}

TEST(SdkChunkView, NullCountsCoverOnlyTheVisibleRows) {
  HandChunk h;
  h.x_valid[0] = 0x0F;  // physical 4 and 5 null: rows 2 and 3; physical 0 is outside
  const sdk::ChunkView chunk(&h.array, &h.schema);
  EXPECT_EQ(chunk.column("x").null_count(), 2);
  EXPECT_EQ(chunk.column("y").null_count(), 1);
  h.array.offset = 0;  // now the producer's count can be trusted for y (length 5 != 4 rows)
  h.array.length = 5;
  h.y.null_count = 1;
  EXPECT_EQ(sdk::ChunkView(&h.array, &h.schema).column("y").null_count(), 1);
}

TEST(SdkChunkView, StructLevelNullsMakeEveryColumnNull) {
  HandChunk h;
  uint8_t struct_valid[1] = {0x1D};  // physical 1 (row 0) null, with chunk offset 1
  h.struct_buffers[0] = struct_valid;
  h.array.null_count = 1;
  const sdk::ChunkView chunk(&h.array, &h.schema);
  EXPECT_TRUE(chunk.column("x").is_null(0));
  EXPECT_TRUE(chunk.column("s").is_null(0));
  EXPECT_FALSE(chunk.column("x").is_null(1));
  EXPECT_EQ(chunk.column("x").null_count(), 2);
}

TEST(SdkChunkView, ZeroNullCountIgnoresTheBitmap) {
  HandChunk h;
  h.x.null_count = 0;
  h.x_valid[0] = 0x00;  // garbage the producer says to ignore
  EXPECT_TRUE(sdk::ChunkView(&h.array, &h.schema).column("x").int64s().all_valid());
}

TEST(SdkChunkView, ValidMasksEqualTheRowByRowValidityAtAnyOffset) {
  std::mt19937_64 random(7);  // any bitmaps; the expectation is is_valid() row by row
  std::vector<std::uint8_t> bits(48), outer(48);
  for (auto& b : bits) b = static_cast<std::uint8_t>(random());
  for (auto& b : outer) b = static_cast<std::uint8_t>(random() | random());  // mostly set
  const std::vector<double> values(300, 1.0);
  for (std::int64_t offset : {0, 1, 7, 8, 13}) {
    for (bool with_outer : {false, true}) {
      sdk::detail::Validity validity;
      validity.bits = bits.data();
      validity.offset = offset;
      validity.outer_bits = with_outer ? outer.data() : nullptr;
      validity.outer_offset = 3;
      const sdk::PrimitiveColumn<double> column(values.data(), 300, validity);
      for (int count : {1, 7, 8, 9, 63, 64}) {
        for (std::int64_t first = 0; first + count <= 300; first += 5) {
          std::uint64_t expected = 0;
          for (int j = 0; j < count; ++j) {
            expected |= std::uint64_t{column.is_valid(first + j)} << j;
          }
          ASSERT_EQ(column.valid_mask(first, count), expected)
              << "offset " << offset << ", outer " << with_outer << ", rows " << first << "+"
              << count;
        }
      }
    }
  }
  const sdk::PrimitiveColumn<double> all_valid(values.data(), 300, {});
  EXPECT_EQ(all_valid.valid_mask(10, 64), ~std::uint64_t{0});
  EXPECT_EQ(all_valid.valid_mask(10, 3), 0b111U);
}

TEST(SdkChunkView, WrongTypeOrUnknownColumnThrowsInvalidArgument) {
  HandChunk h;
  const sdk::ChunkView chunk(&h.array, &h.schema);
  try {
    (void)chunk.column("y").int64s();
    FAIL() << "no throw";
  } catch (const sdk::Error& e) {
    EXPECT_EQ(e.status(), QUARRY_INVALID_ARGUMENT);
    EXPECT_STREQ(e.what(), "column 'y' has type float64 (\"g\"), expected int64");
  }
  try {
    (void)chunk.column("nope");
    FAIL() << "no throw";
  } catch (const sdk::Error& e) {
    EXPECT_STREQ(e.what(), "no column named 'nope' (columns: x, y, s)");
  }
  EXPECT_FALSE(chunk.find("nope").has_value());
  EXPECT_THROW((void)chunk.column(3), sdk::Error);
  EXPECT_THROW((void)chunk.column("s").number(0), sdk::Error);
  EXPECT_EQ(chunk.column("x").number(0), 10.0);
  EXPECT_EQ(chunk.column("y").number(1), std::nullopt);
}

TEST(SdkChunkView, RejectsChunksShorterThanTheirSchemaSays) {
  HandChunk h;
  h.s.length = 4;  // needs chunk offset 1 + 4 rows = 5
  EXPECT_THROW(sdk::ChunkView(&h.array, &h.schema), sdk::Error);
  HandChunk other;
  other.array.n_children = 2;
  EXPECT_THROW(sdk::ChunkView(&other.array, &other.schema), sdk::Error);
}

TEST(SdkChunkView, ReadsBooleansTimestampsAndLargeStrings) {
  // b: bool column with offset 3; t: timestamp[ms, UTC]; u: large utf8.
  const uint8_t b_bits[2] = {0xA8, 0x01};   // physical 3 = 1, 4 = 0, 5 = 1, 6 = 0, 7 = 1, 8 = 1
  const uint8_t b_valid[2] = {0xF8, 0x00};  // physical 3..7 valid, 8 null
  const void* b_buffers[2] = {b_valid, b_bits};
  const int64_t t_values[3] = {1000, 2000, 3000};
  const void* t_buffers[2] = {nullptr, t_values};
  const int64_t u_offsets[4] = {0, 2, 2, 5};
  const void* u_buffers[3] = {nullptr, u_offsets, "hiyou"};
  ArrowArray b{3, -1, 3, 2, 0, b_buffers, nullptr, nullptr, nullptr, nullptr};
  ArrowArray t{3, 0, 0, 2, 0, t_buffers, nullptr, nullptr, nullptr, nullptr};
  ArrowArray u{3, 0, 0, 3, 0, u_buffers, nullptr, nullptr, nullptr, nullptr};
  ArrowArray* children[3] = {&b, &t, &u};
  const void* struct_buffers[1] = {nullptr};
  const ArrowArray array{3, 0, 0, 1, 3, struct_buffers, children, nullptr, nullptr, nullptr};
  ArrowSchema bf{"b", "b", nullptr, 0, 0, nullptr, nullptr, nullptr, nullptr};
  ArrowSchema tf{"tsm:UTC", "t", nullptr, 0, 0, nullptr, nullptr, nullptr, nullptr};
  ArrowSchema uf{"U", "u", nullptr, 0, 0, nullptr, nullptr, nullptr, nullptr};
  ArrowSchema* fields[3] = {&bf, &tf, &uf};
  const ArrowSchema schema{"+s", nullptr, nullptr, 0, 3, fields, nullptr, nullptr, nullptr};

  const sdk::ChunkView chunk(&array, &schema);
  const auto bools = chunk.column("b").bools();
  EXPECT_EQ(bools.get(0), true);
  EXPECT_EQ(bools.get(1), false);
  EXPECT_EQ(bools.get(2), true);
  EXPECT_EQ(chunk.column("b").null_count(), 0);
  EXPECT_EQ(chunk.column("b").number(1), 0.0);
  const auto t_col = chunk.column("t");
  EXPECT_EQ(t_col.type(), sdk::ColumnType::timestamp);
  EXPECT_EQ(t_col.field().time_unit(), sdk::TimeUnit::milli);
  EXPECT_EQ(t_col.field().timezone(), "UTC");
  EXPECT_EQ(t_col.timestamps()[2], 3000);
  const auto strings = chunk.column("u").strings();
  EXPECT_EQ(strings[0], "hi");
  EXPECT_EQ(strings[1], "");
  EXPECT_EQ(strings[2], "you");
}

// ---- ChunkBuilder ----------------------------------------------------------------

TEST(SdkChunkBuilder, BuildsEveryTypeWithNullsAndReleasesItself) {
  sdk::ChunkBuilder builder;
  auto& i = builder.add_int64("i");
  auto& f = builder.add_float64("f");
  auto& b = builder.add_bool("b");
  auto& s = builder.add_utf8("s");
  auto& t = builder.add_timestamp("t", sdk::TimeUnit::nano, "Europe/Paris");
  for (int r = 0; r < 10; ++r) {
    r == 8 ? i.append_null() : i.append(r);
    r == 1 ? f.append_null() : f.append(r * 0.5);
    r % 3 == 0 ? b.append_null() : b.append(r % 2 == 0);
    r == 9 ? s.append_null() : s.append(std::string(static_cast<size_t>(r), 'z'));
    t.append(r * 1000);
  }
  sdk::OwnedChunk chunk = builder.finish();
  EXPECT_EQ(builder.rows(), 0);  // reusable
  const sdk::ChunkView view = chunk.view();
  ASSERT_EQ(view.rows(), 10);
  EXPECT_EQ(view.column("i").int64s().get(7), 7);
  EXPECT_EQ(view.column("i").int64s().get(8), std::nullopt);
  EXPECT_EQ(view.column("i").null_count(), 1);
  EXPECT_EQ(view.column("f").float64s().get(1), std::nullopt);
  EXPECT_EQ(view.column("f").float64s().get(4), 2.0);
  EXPECT_EQ(view.column("b").bools().get(0), std::nullopt);
  EXPECT_EQ(view.column("b").bools().get(2), true);
  EXPECT_EQ(view.column("b").bools().get(5), false);
  EXPECT_EQ(view.column("s").strings().get(3), "zzz");
  EXPECT_EQ(view.column("s").strings().get(9), std::nullopt);
  EXPECT_EQ(view.column("t").field().format(), "tsn:Europe/Paris");
  EXPECT_EQ(view.column("t").null_count(), 0);
  EXPECT_EQ(view.column("t").raw()->buffers[0], nullptr);  // no bitmap without nulls
  chunk.reset();
  EXPECT_TRUE(chunk.empty());
}

//! Every type, with nulls in some columns (including rows before a builder's first null).
sdk::OwnedChunk mixed_chunk(int rows) {
  sdk::ChunkBuilder builder;
  auto& i = builder.add_int64("i");
  auto& f = builder.add_float64("f");
  auto& b = builder.add_bool("b");
  auto& s = builder.add_utf8("s");
  auto& t = builder.add_timestamp("t", sdk::TimeUnit::micro, "");
  for (int r = 0; r < rows; ++r) {
    r % 7 == 3 ? i.append_null() : i.append(r * 11);
    r > 20 && r % 5 == 0 ? f.append_null() : f.append(r * 0.25);
    r % 3 == 0 ? b.append_null() : b.append(r % 2 == 0);
    r % 4 == 1 ? s.append_null() : s.append(std::string(static_cast<size_t>(r % 9), 'q'));
    t.append(r * 1000);
  }
  return builder.finish();
}

//! Every cell of `view` as text ("null" for nulls), row by row.
std::vector<std::string> cells(const sdk::ChunkView& view) {
  std::vector<std::string> out;
  for (std::int64_t r = 0; r < view.rows(); ++r) {
    for (std::int64_t c = 0; c < view.columns(); ++c) {
      const sdk::ColumnView column = view.column(c);
      if (column.type() == sdk::ColumnType::utf8) {
        const auto value = column.strings().get(r);
        out.push_back(value ? "'" + std::string(*value) + "'" : "null");
      } else {
        const auto value = column.number(r);
        out.push_back(value ? std::to_string(*value) : "null");
      }
    }
  }
  return out;
}

TEST(SdkChunkBuilder, AppendRowsEqualsAppendingEachRow) {
  const sdk::OwnedChunk source = mixed_chunk(64);
  const sdk::ChunkView in = source.view();
  // Ranges that start before, at and after the first nulls, and a null-free column (t).
  const std::vector<std::pair<std::int64_t, std::int64_t>> ranges = {
      {0, 3}, {10, 1}, {4, 30}, {0, 0}, {40, 24}};
  sdk::ChunkBuilder by_range = sdk::ChunkBuilder::like(in.schema());
  sdk::ChunkBuilder by_row = sdk::ChunkBuilder::like(in.schema());
  for (const auto& [begin, count] : ranges) {
    by_range.append_rows(in, begin, count);
    for (std::int64_t r = begin; r < begin + count; ++r) by_row.append_row(in, r);
  }
  const sdk::OwnedChunk a = by_range.finish();
  const sdk::OwnedChunk b = by_row.finish();
  EXPECT_EQ(a.view().rows(), 58);
  EXPECT_EQ(cells(a.view()), cells(b.view()));
  for (std::int64_t c = 0; c < a.view().columns(); ++c) {
    EXPECT_EQ(a.view().column(c).null_count(), b.view().column(c).null_count()) << c;
  }
  EXPECT_EQ(a.view().column("t").raw()->buffers[0], nullptr);  // still no bitmap
}

TEST(SdkChunkBuilder, AppendRowsOfAnotherTypeIsAnInvalidArgument) {
  const sdk::OwnedChunk source = mixed_chunk(4);
  sdk::ChunkBuilder builder;
  builder.add_float64("i");
  try {
    builder.column(0).append_rows(source.view().column("i"), 0, 4);
    FAIL() << "expected an error";
  } catch (const sdk::Error& error) {
    EXPECT_EQ(error.status(), QUARRY_INVALID_ARGUMENT);
  }
}

TEST(SdkChunkBuilder, MismatchedColumnLengthsAreRefused) {
  sdk::ChunkBuilder builder;
  builder.add_int64("a").append(1);
  builder.add_int64("b");
  EXPECT_THROW((void)builder.finish(), sdk::Error);
}

TEST(SdkChunkBuilder, ExportedChildrenMayBeMovedOutBeforeTheParentIsReleased) {
  sdk::ChunkBuilder builder;
  builder.add_utf8("s").append("kept");
  sdk::OwnedChunk chunk = builder.finish();
  ArrowArray array;
  ArrowSchema schema;
  chunk.export_to(&array, &schema);
  EXPECT_TRUE(chunk.empty());
  ArrowArray child = *array.children[0];  // Arrow move: copy, then mark the source released
  array.children[0]->release = nullptr;
  array.release(&array);
  schema.release(&schema);
  EXPECT_EQ(array.release, nullptr);
  const auto* offsets = static_cast<const int32_t*>(child.buffers[1]);
  EXPECT_EQ(
      std::string(static_cast<const char*>(child.buffers[2]), static_cast<size_t>(offsets[1])),
      "kept");
  child.release(&child);
  EXPECT_EQ(child.release, nullptr);
}

// ---- Stage adapter ---------------------------------------------------------------

TEST(SdkStage, MergeableStageRoundTripsThroughTheCAbi) {
  HandChunk h;
  const int alive_before = g_stages_alive;
  FakeCall call;
  void* a = nullptr;
  void* b = nullptr;
  const std::string args = R"({"separator":"+"})";
  ASSERT_EQ(open_stage("sdk_test_sum", args, &h.schema, call, &a), QUARRY_OK) << call.error;
  ASSERT_EQ(open_stage("sdk_test_sum", args, &h.schema, call, &b), QUARRY_OK) << call.error;
  EXPECT_EQ(g_stages_alive, alive_before + 2);
  const quarry_stage_v1& stage = *tool("sdk_test_sum").stage;
  ASSERT_EQ(stage.consume(a, &call.raw, &h.array, &h.schema), QUARRY_OK) << call.error;
  ASSERT_EQ(stage.consume(b, &call.raw, &h.array, &h.schema), QUARRY_OK) << call.error;
  ASSERT_EQ(stage.merge(a, b, &call.raw), QUARRY_OK) << call.error;
  stage.close(b);
  ASSERT_EQ(stage.finish(a, &call.raw), QUARRY_OK) << call.error;
  stage.close(a);
  EXPECT_EQ(g_stages_alive, alive_before);
  EXPECT_EQ(call.result_json()["structuredContent"],
            json::parse(R"({"x_sum":140,"y_sum":16.0,"nulls":6,"rows":8,
                            "s":"a+ccc+dd+a+ccc+dd"})"));
}

TEST(SdkStage, FirstPassStateReachesTheSecondPassThroughTheCAbi) {
  HandChunk h;  // x: 10, 20, null, 40 (see HandChunk)
  const quarry_stage_v1& stage = *tool("sdk_test_center").stage;
  ASSERT_NE(stage.first_pass, nullptr);
  ASSERT_NE(stage.open_second_pass, nullptr);
  EXPECT_EQ(stage.first_pass->mode, QUARRY_STAGE_MERGEABLE);
  EXPECT_EQ(stage.first_pass->first_pass, nullptr);
  EXPECT_EQ(tool("sdk_test_sum").stage->first_pass, nullptr);
  EXPECT_EQ(stage.needs_first_pass, nullptr);  // CenterStage always needs it

  FakeCall call;
  void* first = nullptr;
  ASSERT_EQ(stage.first_pass->open(nullptr, &call.raw, "{}", 2, &h.schema, &first), QUARRY_OK)
      << call.error;
  ASSERT_EQ(stage.first_pass->consume(first, &call.raw, &h.array, &h.schema), QUARRY_OK);
  ASSERT_EQ(stage.first_pass->finish(first, &call.raw), QUARRY_OK);
  EXPECT_EQ(call.results_set, 0);  // a void finish reports nothing

  void* second = nullptr;
  ASSERT_EQ(stage.open_second_pass(nullptr, &call.raw, "{}", 2, &h.schema, first, &second),
            QUARRY_OK)
      << call.error;
  ASSERT_EQ(stage.consume(second, &call.raw, &h.array, &h.schema), QUARRY_OK);
  call.raw.flags = QUARRY_CALL_FINAL_CHUNK;
  ASSERT_EQ(stage.consume(second, &call.raw, &h.array, &h.schema), QUARRY_OK);
  ASSERT_EQ(stage.finish(second, &call.raw), QUARRY_OK) << call.error;
  stage.close(second);
  stage.first_pass->close(first);
  const auto data = call.result_json()["structuredContent"];
  const double mean = (10.0 + 20.0 + 40.0) / 3.0;  // the non-null x of HandChunk
  EXPECT_DOUBLE_EQ(data["mean"].get<double>(), mean);
  EXPECT_NEAR(data["centered_sum"].get<double>(), 0.0, 1e-12);
  EXPECT_TRUE(data["saw_final"].get<bool>());
}

TEST(SdkStage, OpenFailsCleanlyWhenTheInputLacksAColumn) {
  HandChunk h;
  h.x_field.name = "renamed";
  FakeCall call;
  void* state = reinterpret_cast<void*>(1);
  EXPECT_EQ(open_stage("sdk_test_sum", "{}", &h.schema, call, &state), QUARRY_INVALID_ARGUMENT);
  EXPECT_EQ(state, nullptr);
  EXPECT_EQ(call.error, "no column named 'x' (columns: renamed, y, s)");
}

TEST(SdkStage, OpenReportsArgumentErrors) {
  HandChunk h;
  FakeCall call;
  void* state = nullptr;
  EXPECT_EQ(open_stage("sdk_test_filter", "{}", &h.schema, call, &state), QUARRY_INVALID_ARGUMENT);
  EXPECT_EQ(call.error, "missing required argument 'min'");
  EXPECT_EQ(state, nullptr);
}

TEST(SdkStage, TransformEmitsOneOwnedChunkPerInputEvenWhenEmpty) {
  HandChunk h;
  FakeCall call;
  void* state = nullptr;
  ASSERT_EQ(open_stage("sdk_test_filter", R"({"min":20})", &h.schema, call, &state), QUARRY_OK)
      << call.error;
  const quarry_stage_v1& stage = *tool("sdk_test_filter").stage;

  ArrowArray out{};
  ArrowSchema out_schema{};
  ASSERT_EQ(stage.transform(state, &call.raw, &h.array, &h.schema, &out, &out_schema), QUARRY_OK)
      << call.error;
  {
    const sdk::ChunkView view(&out, &out_schema);
    ASSERT_EQ(view.rows(), 2);  // rows 1 (x=20) and 3 (x=40)
    EXPECT_EQ(view.column("x").int64s()[0], 20);
    EXPECT_EQ(view.column("x").int64s()[1], 40);
    EXPECT_EQ(view.column("y").float64s().get(0), std::nullopt);
    EXPECT_EQ(view.column("y").float64s().get(1), 4.0);
    EXPECT_EQ(view.column("s").strings().get(0), std::nullopt);
    EXPECT_EQ(view.column("s").strings().get(1), "dd");
    EXPECT_EQ(view.column("s").field().name(), "s");
  }
  out.release(&out);
  out_schema.release(&out_schema);

  // Second chunk, nothing passes: still exactly one (empty) output.
  h.x_values[3] = 1;
  h.x_values[5] = 2;
  ASSERT_EQ(stage.transform(state, &call.raw, &h.array, &h.schema, &out, &out_schema), QUARRY_OK);
  EXPECT_EQ(out.length, 0);
  EXPECT_EQ(out.n_children, 3);
  out.release(&out);
  out_schema.release(&out_schema);
  EXPECT_EQ(stage.finish(state, &call.raw), QUARRY_OK);
  EXPECT_EQ(call.results_set, 0);  // no finish() in FilterStage: nothing reported
  stage.close(state);
}

TEST(SdkStage, ExceptionsInConsumeBecomeStatusAndCloseStillFreesTheState) {
  HandChunk h;
  const int alive_before = g_stages_alive;
  FakeCall call;
  void* state = nullptr;
  ASSERT_EQ(open_stage("sdk_test_failing", "{}", &h.schema, call, &state), QUARRY_OK);
  EXPECT_EQ(g_stages_alive, alive_before + 1);
  const quarry_stage_v1& stage = *tool("sdk_test_failing").stage;
  EXPECT_EQ(stage.consume(state, &call.raw, &h.array, &h.schema), QUARRY_ERROR);
  EXPECT_EQ(call.error, "stage broke");
  stage.close(state);
  EXPECT_EQ(g_stages_alive, alive_before);
}

TEST(SdkStage, CancelledConsumeReturnsCancelled) {
  HandChunk h;
  FakeCall call;
  void* state = nullptr;
  ASSERT_EQ(open_stage("sdk_test_sum", "{}", &h.schema, call, &state), QUARRY_OK);
  call.cancelled = true;
  const quarry_stage_v1& stage = *tool("sdk_test_sum").stage;
  EXPECT_EQ(stage.consume(state, &call.raw, &h.array, &h.schema), QUARRY_CANCELLED);
  stage.close(state);
}

TEST(SdkStage, MalformedChunkIsAnInvalidArgumentNotACrash) {
  HandChunk h;
  FakeCall call;
  void* state = nullptr;
  ASSERT_EQ(open_stage("sdk_test_sum", "{}", &h.schema, call, &state), QUARRY_OK);
  const quarry_stage_v1& stage = *tool("sdk_test_sum").stage;
  h.array.n_children = 1;
  EXPECT_EQ(stage.consume(state, &call.raw, &h.array, &h.schema), QUARRY_INVALID_ARGUMENT);
  EXPECT_EQ(call.error, "chunk has 1 columns but its schema has 3");
  EXPECT_EQ(stage.consume(state, &call.raw, nullptr, &h.schema), QUARRY_INVALID_ARGUMENT);
  stage.close(state);
}
