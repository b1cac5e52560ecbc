#pragma once
// Drives the stats plugin in-process, as the host does: dlopens the built
// libquarry_stats.so, calls quarry_plugin_init_v1, opens one stage state per worker,
// feeds Arrow chunks (windows of one table, so chunk offsets are exercised), merges the
// states in a chosen order and finishes. Tables come from the CSV fixtures
// (../plugin_test_table.hpp) or are built by hand.

#include <dlfcn.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <functional>
#include <iomanip>
#include <limits>
#include <memory>
#include <numeric>
#include <optional>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validator.hpp>

#include "quarry/plugin.h"
#include "quarry/sdk.hpp"

#include "../plugin_test_table.hpp"

namespace stats_test {

using json = nlohmann::json;
namespace sdk = quarry::sdk;

//! Marks a reference value that pandas/SciPy report as NaN (we report null).
inline constexpr double kNull = std::numeric_limits<double>::quiet_NaN();

// ---- Tables -------------------------------------------------------------------------------

using namespace plugin_test;  // Table, TextColumn, load_csv, make_table, …

//! The main fixture, loaded once.
inline const Table& fixture() {
  static const Table table = load_csv(std::string(QUARRY_TEST_SOURCE_DIR) +
                                      "/unit/plugins/stats/fixtures/stats_fixture.csv");
  return table;
}

//! A float64 column from numbers (NaN → null).
inline TextColumn float_column(std::string name, const std::vector<double>& values) {
  TextColumn c{std::move(name), {}, sdk::ColumnType::float64};
  for (double v : values) {
    if (std::isnan(v)) {
      c.cells.emplace_back(std::nullopt);
    } else {
      char buf[32];
      const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
      c.cells.emplace_back(std::string(buf, end));
    }
  }
  return c;
}

//! A text column (nullopt → null).
inline TextColumn text_column(std::string name, std::vector<std::optional<std::string>> cells) {
  return {std::move(name), std::move(cells), sdk::ColumnType::utf8};
}

// ---- The plugin -------------------------------------------------------------------------

//! A host for the plugin's whole life (logs dropped).
inline const quarry_host_v1& fake_host() {
  static const quarry_host_v1 host = {sizeof(quarry_host_v1), QUARRY_ABI_VERSION, nullptr,
                                      [](void*, quarry_log_level, const char*, uint64_t) {}};
  return host;
}

//! The loaded plugin (dlopen of the built library, once).
inline const quarry_plugin_v1& plugin() {
  static const quarry_plugin_v1* loaded = [] {
    void* lib = dlopen(QUARRY_STATS_PLUGIN, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
    if (lib == nullptr) throw std::runtime_error(std::string("dlopen: ") + dlerror());
    using Init =
        quarry_status (*)(const quarry_host_v1*, const quarry_plugin_v1**, char*, uint64_t);
    auto init = reinterpret_cast<Init>(dlsym(lib, "quarry_plugin_init_v1"));
    if (init == nullptr) throw std::runtime_error("no quarry_plugin_init_v1");
    const quarry_plugin_v1* p = nullptr;
    char error[512] = "";
    if (init(&fake_host(), &p, error, sizeof error) != QUARRY_OK) {
      throw std::runtime_error(std::string("init failed: ") + error);
    }
    return p;
  }();
  return *loaded;
}

//! Tool `name` of the plugin.
inline const quarry_tool_v1& tool(const std::string& name) {
  const quarry_plugin_v1& p = plugin();
  for (uint32_t i = 0; i < p.tool_count; ++i) {
    if (name == p.tools[i]->name) return *p.tools[i];
  }
  throw std::runtime_error("no tool " + name);
}

//! One fake call: records the result or error; carries the memory budget.
struct FakeCall {
  quarry_call_v1 raw{};
  std::string result;
  std::string error;

  explicit FakeCall(std::uint64_t budget = 0) {
    raw.struct_size = sizeof(quarry_call_v1);
    raw.call_data = this;
    raw.is_cancelled = [](void*) -> int32_t { return 0; };
    raw.progress = [](void*, double, double, const char*, uint64_t) {};
    raw.log = [](void*, quarry_log_level, const char*, uint64_t) {};
    raw.set_result = [](void* d, const char* data, uint64_t size) -> quarry_status {
      static_cast<FakeCall*>(d)->result.assign(data, size);
      return QUARRY_OK;
    };
    raw.set_error = [](void* d, const char* msg, uint64_t size) {
      static_cast<FakeCall*>(d)->error.assign(msg, size);
    };
    raw.memory_budget_bytes = budget;
  }
  FakeCall(const FakeCall&) = delete;
  FakeCall& operator=(const FakeCall&) = delete;
};

//! How states are merged at the end.
enum class MergeOrder { left, right, tree };

//! How a run splits the work.
struct RunOptions {
  std::int64_t chunk_rows = 0;  //!< rows per chunk; 0 = one chunk
  int instances = 1;            //!< worker states
  MergeOrder order = MergeOrder::left;
  std::uint32_t shuffle_seed = 0;  //!< 0: chunk i goes to state i % instances; else random
  std::uint64_t budget = 0;        //!< memory_budget_bytes
};

//! What a run produced.
struct Outcome {
  quarry_status status = QUARRY_ERROR;
  json result;        //!< the CallToolResult (when OK)
  std::string error;  //!< the error message (otherwise)
  //! structuredContent.
  [[nodiscard]] const json& data() const { return result.at("structuredContent"); }
  //! The text block.
  [[nodiscard]] std::string text() const { return result.at("content").at(0).at("text"); }
};

//! A borrowed window [start, start + rows) of a struct chunk (offset applied).
inline ArrowArray window(const ArrowArray& whole, std::int64_t start, std::int64_t rows) {
  ArrowArray w = whole;
  w.offset = whole.offset + start;
  w.length = rows;
  w.null_count = 0;
  w.release = [](ArrowArray* a) { a->release = nullptr; };
  w.private_data = nullptr;
  return w;
}

//! One pass of `stage` over `table` as the executor runs it: states opened by `open`, chunks
//! dealt to them, merged in `options.order`, finished; returns the one state left (open, the
//! caller closes it) or null after a failure (recorded in `out`).
template <class Open>
void* run_pass(const quarry_stage_v1& stage, Open&& open, const Table& table,
               const RunOptions& options, FakeCall& call, Outcome& out) {
  const ArrowSchema* schema = &table.chunk.schema();
  std::vector<void*> states(static_cast<std::size_t>(options.instances), nullptr);
  auto fail = [&](quarry_status status) -> void* {
    out.status = status;
    out.error = call.error;
    for (void* s : states) {
      if (s != nullptr) stage.close(s);
    }
    return nullptr;
  };
  for (auto& s : states) {
    const quarry_status st = open(&s);
    if (st != QUARRY_OK) return fail(st);
  }
  const std::int64_t step =
      options.chunk_rows > 0 ? options.chunk_rows : std::max<std::int64_t>(table.rows, 1);
  std::vector<std::pair<std::int64_t, std::int64_t>> windows;  // start, rows
  for (std::int64_t start = 0; start < table.rows; start += step) {
    windows.emplace_back(start, std::min(step, table.rows - start));
  }
  if (windows.empty()) windows.emplace_back(0, 0);
  std::mt19937 rng(options.shuffle_seed);
  for (std::size_t index = 0; index < windows.size(); ++index) {
    const ArrowArray chunk =
        window(table.chunk.array(), windows[index].first, windows[index].second);
    const std::size_t target =
        options.shuffle_seed != 0 ? rng() % states.size() : index % states.size();
    const quarry_status st = stage.consume(states[target], &call.raw, &chunk, schema);
    if (st != QUARRY_OK) return fail(st);
  }
  // Merge.
  std::vector<void*> live = states;
  auto merge_into = [&](void* into, void* from) {
    const quarry_status st = stage.merge(into, from, &call.raw);
    stage.close(from);
    for (auto& s : states) {
      if (s == from) s = nullptr;
    }
    return st;
  };
  while (live.size() > 1) {
    std::vector<void*> next;
    quarry_status st = QUARRY_OK;
    if (options.order == MergeOrder::left) {
      st = merge_into(live[0], live[1]);
      next = live;
      next.erase(next.begin() + 1);
    } else if (options.order == MergeOrder::right) {
      st = merge_into(live[live.size() - 2], live.back());
      next = live;
      next.pop_back();
    } else {
      for (std::size_t i = 0; i + 1 < live.size(); i += 2) {
        if (st == QUARRY_OK) st = merge_into(live[i], live[i + 1]);
        next.push_back(live[i]);
      }
      if (live.size() % 2 == 1) next.push_back(live.back());
    }
    if (st != QUARRY_OK) return fail(st);
    live = next;
  }
  const quarry_status st = stage.finish(live[0], &call.raw);
  if (st != QUARRY_OK) return fail(st);
  return live[0];
}

//! Runs stage tool `name` on `table` with `args` as the host does: its first pass over the
//! whole input first when it has one and the arguments need it (ABI 1.1), then the stage.
inline Outcome run(const std::string& name, const json& args, const Table& table,
                   const RunOptions& options = {}) {
  const quarry_stage_v1& stage = *tool(name).stage;
  FakeCall call(options.budget);
  Outcome out;
  const std::string text = args.dump();
  const ArrowSchema* schema = &table.chunk.schema();
  void* const data = plugin().plugin_data;
  const bool two_pass =
      stage.first_pass != nullptr &&
      (stage.needs_first_pass == nullptr || stage.needs_first_pass(data, text.data(), text.size()));
  void* first = nullptr;
  if (two_pass) {
    const quarry_stage_v1& pass = *stage.first_pass;
    first = run_pass(
        pass,
        [&](void** s) { return pass.open(data, &call.raw, text.data(), text.size(), schema, s); },
        table, options, call, out);
    if (first == nullptr) return out;
  }
  void* last = run_pass(
      stage,
      [&](void** s) {
        return two_pass ? stage.open_second_pass(data, &call.raw, text.data(), text.size(), schema,
                                                 first, s)
                        : stage.open(data, &call.raw, text.data(), text.size(), schema, s);
      },
      table, options, call, out);
  if (last != nullptr) {
    out.status = QUARRY_OK;
    out.result = json::parse(call.result);
    stage.close(last);
  }
  if (first != nullptr) stage.first_pass->close(first);
  return out;
}

//! Checks `value` against the tool's output schema; returns the errors ("" when valid).
inline std::string schema_errors(const std::string& name, const json& value) {
  const json schema_json = json::parse(tool(name).output_schema);
  valijson::Schema schema;
  valijson::SchemaParser parser;
  valijson::adapters::NlohmannJsonAdapter schema_adapter(schema_json);
  parser.populateSchema(schema_adapter, schema);
  valijson::Validator validator;
  valijson::ValidationResults results;
  valijson::adapters::NlohmannJsonAdapter target(value);
  if (validator.validate(schema, target, &results)) return {};
  std::string errors;
  valijson::ValidationResults::Error error;
  while (results.popError(error)) {
    std::string where;
    for (const auto& part : error.context) where += part;
    errors += where + ": " + error.description + "\n";
  }
  return errors;
}

//! Runs and expects success with structuredContent matching the output schema.
inline Outcome run_ok(const std::string& name, const json& args, const Table& table,
                      const RunOptions& options = {}) {
  Outcome out = run(name, args, table, options);
  EXPECT_EQ(out.status, QUARRY_OK) << out.error;
  if (out.status == QUARRY_OK) {
    EXPECT_EQ(schema_errors(name, out.data()), "");
  }
  return out;
}

//! |actual - expected| <= rel * |expected| (or both null/NaN).
inline ::testing::AssertionResult near_rel(const json& actual, double expected, double rel = 1e-9) {
  if (std::isnan(expected)) {
    if (actual.is_null()) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "expected null, got " << actual.dump();
  }
  if (!actual.is_number()) {
    return ::testing::AssertionFailure() << "expected " << expected << ", got " << actual.dump();
  }
  const double a = actual.get<double>();
  const double tol = rel * std::max(std::fabs(expected), 1e-300);
  if (std::fabs(a - expected) <= tol || a == expected) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << std::setprecision(17) << "got " << a << ", expected " << expected << " (relative error "
         << std::fabs(a - expected) / std::fabs(expected) << ")";
}

//! Every number in two JSON values agrees to `rel` (structure and other values equal).
inline ::testing::AssertionResult same_json(const json& a, const json& b, double rel = 1e-9,
                                            const std::string& path = "") {
  if (a.is_number() && b.is_number()) {
    // Relative, with an absolute floor of 1e-12 for values that should be 0 (e.g. the
    // skewness of a symmetric column) and come out as rounding noise.
    const double x = a.get<double>(), y = b.get<double>();
    if (x == y || std::fabs(x - y) <= rel * std::max(std::fabs(x), std::fabs(y)) + 1e-12) {
      return ::testing::AssertionSuccess();
    }
    return ::testing::AssertionFailure() << path << ": " << x << " vs " << y;
  }
  if (a.type() != b.type()) {
    return ::testing::AssertionFailure() << path << ": " << a.dump() << " vs " << b.dump();
  }
  if (a.is_object()) {
    if (a.size() != b.size()) return ::testing::AssertionFailure() << path << ": keys differ";
    for (auto it = a.begin(); it != a.end(); ++it) {
      if (!b.contains(it.key()))
        return ::testing::AssertionFailure() << path << "." << it.key() << " missing";
      auto r = same_json(it.value(), b.at(it.key()), rel, path + "." + it.key());
      if (!r) return r;
    }
    return ::testing::AssertionSuccess();
  }
  if (a.is_array()) {
    if (a.size() != b.size()) return ::testing::AssertionFailure() << path << ": sizes differ";
    for (std::size_t i = 0; i < a.size(); ++i) {
      auto r = same_json(a[i], b[i], rel, path + "[" + std::to_string(i) + "]");
      if (!r) return r;
    }
    return ::testing::AssertionSuccess();
  }
  if (a == b) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << path << ": " << a.dump() << " vs " << b.dump();
}

//! The splits every merge-correctness test runs: 1 chunk; 1,000 chunks on 1 state; and
//! 1,000 / 7-row / uneven chunks over 2–5 states merged left, right and as a tree.
inline std::vector<RunOptions> splits(std::int64_t rows) {
  const std::int64_t thousand = std::max<std::int64_t>(1, (rows + 999) / 1000);
  return {
      {0, 1, MergeOrder::left, 0, 0},        {thousand, 1, MergeOrder::left, 0, 0},
      {thousand, 2, MergeOrder::left, 0, 0}, {thousand, 2, MergeOrder::right, 0, 0},
      {7, 3, MergeOrder::tree, 0, 0},        {113, 5, MergeOrder::right, 17, 0},
      {501, 4, MergeOrder::tree, 99, 0},
  };
}

}  // namespace stats_test
