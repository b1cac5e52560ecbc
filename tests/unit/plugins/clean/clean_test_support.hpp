#pragma once
// Drives the clean plugin's stage classes in-process as the host does, including two-pass
// stages (ABI 1.1: the FirstPass class runs over the whole input first — several worker
// states merged when it is mergeable — then finish(), then the main stage opens with it).
// Chunks are windows of one table, so offsets are exercised; mergeable main stages get the
// chunks spread over several workers and their outputs are put back in sequence order, as
// the host's sequencer does. Tables come from CSV fixtures (../plugin_test_table.hpp).

#include <dlfcn.h>
#include <gtest/gtest.h>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include <nlohmann/json.hpp>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validator.hpp>

#include "detail/parse.hpp"
#include "quarry/plugin.h"
#include "quarry/sdk.hpp"

#include "../plugin_test_table.hpp"

namespace clean_test {

using json = nlohmann::json;
namespace sdk = quarry::sdk;

// ---- Tables -------------------------------------------------------------------------------

using namespace plugin_test;  // Table, TextColumn, load_csv, make_table, …

inline std::string fixture_dir() {
  return std::string(QUARRY_TEST_SOURCE_DIR) + "/unit/plugins/clean/fixtures";
}

//! The main fixture, loaded once.
inline const Table& fixture() {
  static const Table table = load_csv(fixture_dir() + "/clean_fixture.csv");
  return table;
}

//! The pandas references (fixtures/expected.json, made by make_fixtures.py).
inline const json& expected() {
  static const json value = [] {
    std::ifstream in(fixture_dir() + "/expected.json");
    return json::parse(in);
  }();
  return value;
}

// ---- Calls --------------------------------------------------------------------------------

//! A fake quarry_call_v1 carrying a memory budget and a scratch directory (empty: none);
//! records results and errors.
struct FakeCall {
  quarry_call_v1 raw{};
  std::string result;
  std::string error;
  std::string scratch;
  explicit FakeCall(std::uint64_t budget = 0, std::string scratch_directory = {})
      : scratch(std::move(scratch_directory)) {
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
    raw.scratch_directory = scratch.empty() ? nullptr : scratch.c_str();
  }
  FakeCall(const FakeCall&) = delete;
  FakeCall& operator=(const FakeCall&) = delete;
};

//! How a run splits the work.
struct RunOptions {
  std::int64_t chunk_rows = 0;  //!< rows per chunk; 0 = one chunk
  int workers = 1;              //!< states of mergeable stages (chunks dealt round-robin)
  std::uint64_t budget = 0;     //!< memory_budget_bytes
  //! scratch_directory (empty: none offered)
  std::string scratch_directory = ::testing::TempDir();
};

//! The output of a run: the rows as text cells (null = nullopt), the column names and
//! types, and the finish() result.
struct Output {
  std::vector<std::string> names;
  std::vector<sdk::ColumnType> types;
  std::vector<std::vector<std::optional<std::string>>> rows;
  json data;         //!< structuredContent
  std::string text;  //!< the text rendering
  //! Column `name`'s cells.
  [[nodiscard]] std::vector<std::optional<std::string>> column(const std::string& name) const {
    std::size_t c = 0;
    while (c < names.size() && names[c] != name) ++c;
    if (c == names.size()) throw std::runtime_error("no output column " + name);
    std::vector<std::optional<std::string>> out;
    for (const auto& r : rows) out.push_back(r[c]);
    return out;
  }
  //! The whole output as CSV-like text (for byte comparisons).
  [[nodiscard]] std::string csv() const {
    std::string out;
    for (std::size_t c = 0; c < names.size(); ++c) out += (c ? "," : "") + names[c];
    out += "\n";
    for (const auto& r : rows) {
      for (std::size_t c = 0; c < r.size(); ++c) out += (c ? "," : "") + r[c].value_or("");
      out += "\n";
    }
    return out;
  }
};

//! A borrowed window [start, start + rows) of a struct chunk.
inline ArrowArray window(const ArrowArray& whole, std::int64_t start, std::int64_t rows) {
  ArrowArray w = whole;
  w.offset = whole.offset + start;
  w.length = rows;
  w.null_count = 0;
  w.release = [](ArrowArray* a) { a->release = nullptr; };
  w.private_data = nullptr;
  return w;
}

//! Appends the rows of `chunk` to `out` as text (numbers in shortest round-trip form).
inline void collect(const sdk::ChunkView& chunk, Output& out) {
  if (out.names.empty()) {
    for (std::int64_t c = 0; c < chunk.columns(); ++c) {
      out.names.emplace_back(chunk.schema().field(c).name());
      out.types.push_back(chunk.schema().field(c).type());
    }
  }
  for (std::int64_t i = 0; i < chunk.rows(); ++i) {
    std::vector<std::optional<std::string>> row;
    for (std::int64_t c = 0; c < chunk.columns(); ++c) {
      const sdk::ColumnView col = chunk.column(c);
      if (!col.is_valid(i)) {
        row.emplace_back(std::nullopt);
        continue;
      }
      switch (col.type()) {
        case sdk::ColumnType::int64:
          row.emplace_back(std::to_string(col.int64s()[i]));
          break;
        case sdk::ColumnType::timestamp:
          row.emplace_back(std::to_string(col.timestamps()[i]));
          break;
        case sdk::ColumnType::float64:
          row.emplace_back(std::isnan(col.float64s()[i])
                               ? std::optional<std::string>()
                               : quarry::clean::exact_text(col.float64s()[i]));
          break;
        case sdk::ColumnType::boolean:
          row.emplace_back(col.bools()[i] ? "true" : "false");
          break;
        default:
          row.emplace_back(std::string(col.strings()[i]));
      }
    }
    out.rows.push_back(std::move(row));
  }
}

template <class T>
concept HasFirstPass = requires {
  typename T::FirstPass;
};

//! S::FirstPass, or a placeholder for one-pass stages.
template <class S>
struct FirstPassOf {
  struct None {};
  using type = None;
};
template <HasFirstPass S>
struct FirstPassOf<S> {
  using type = typename S::FirstPass;
};
template <class T>
concept HasTransform = requires(T& t, sdk::Call& c, const sdk::ChunkView& v) {
  t.transform(c, v);
};
template <class T>
concept HasConsume = requires(T& t, sdk::Call& c, const sdk::ChunkView& v) {
  t.consume(c, v);
};
template <class T>
concept HasMerge = requires(T& t, sdk::Call& c) {
  t.merge(t, c);
};
template <class T>
concept HasVoidFinish = requires(T& t, sdk::Call& c) {
  { t.finish(c) } -> std::same_as<void>;
};

//! The windows of a run.
inline std::vector<std::pair<std::int64_t, std::int64_t>> windows(const Table& table,
                                                                  const RunOptions& o) {
  const std::int64_t step = o.chunk_rows > 0 ? o.chunk_rows : std::max<std::int64_t>(table.rows, 1);
  std::vector<std::pair<std::int64_t, std::int64_t>> out;
  for (std::int64_t s = 0; s < table.rows; s += step)
    out.emplace_back(s, std::min(step, table.rows - s));
  if (out.empty()) out.emplace_back(0, 0);
  return out;
}

//! Runs consume-only stage class P (a first pass or an analysis) over `table`: one state
//! per worker when mergeable (chunks dealt round-robin, merged left), one otherwise.
template <class P>
std::unique_ptr<P> run_pass(const Table& table, const sdk::Args& args, const RunOptions& o,
                            FakeCall& fake) {
  sdk::Call call(&fake.raw);
  const sdk::SchemaView schema(&table.chunk.schema());
  const int n = P::mode == sdk::StageMode::mergeable ? o.workers : 1;
  std::vector<std::unique_ptr<P>> states;
  for (int i = 0; i < n; ++i) states.push_back(std::make_unique<P>(call, args, schema));
  const auto ws = windows(table, o);
  for (std::size_t k = 0; k < ws.size(); ++k) {
    const ArrowArray w = window(table.chunk.array(), ws[k].first, ws[k].second);
    states[k % states.size()]->consume(call, sdk::ChunkView(&w, &table.chunk.schema()));
  }
  if constexpr (HasMerge<P>) {
    for (std::size_t i = 1; i < states.size(); ++i) states[0]->merge(*states[i], call);
  }
  if constexpr (HasVoidFinish<P>) states[0]->finish(call);
  return std::move(states[0]);
}

//! Runs stage class S over `table` as the host would (first pass included) and returns its
//! output rows and finish() result. Throws sdk::Error on failure.
template <class S>
Output run_stage(const Table& table, const json& arguments, const RunOptions& o = {}) {
  FakeCall fake(o.budget, o.scratch_directory);
  sdk::Call call(&fake.raw);
  const sdk::Args args(arguments);
  const sdk::SchemaView schema(&table.chunk.schema());
  Output out;
  if constexpr (!HasTransform<S>) {
    auto stage = run_pass<S>(table, args, o, fake);
    const sdk::Result r = stage->finish(call);
    out.data = *r.structured_content();
    out.text = r.content().at(0).at("text");
    return out;
  } else {
    std::unique_ptr<typename FirstPassOf<S>::type> first;
    if constexpr (HasFirstPass<S>) first = run_pass<typename S::FirstPass>(table, args, o, fake);
    const int n = S::mode == sdk::StageMode::mergeable ? o.workers : 1;
    std::vector<std::unique_ptr<S>> states;
    for (int i = 0; i < n; ++i) {
      if constexpr (HasFirstPass<S>) {
        states.push_back(std::make_unique<S>(call, args, schema, *first));
      } else {
        states.push_back(std::make_unique<S>(call, args, schema));
      }
    }
    std::size_t next = 0;
    for (const auto& [start, rows] : windows(table, o)) {
      const ArrowArray w = window(table.chunk.array(), start, rows);
      sdk::OwnedChunk chunk = states[next++ % states.size()]->transform(
          call, sdk::ChunkView(&w, &table.chunk.schema()));
      collect(chunk.view(), out);
    }
    if constexpr (HasMerge<S>) {
      for (std::size_t i = 1; i < states.size(); ++i) states[0]->merge(*states[i], call);
    }
    const sdk::Result r = states[0]->finish(call);
    out.data = *r.structured_content();
    out.text = r.content().at(0).at("text");
    return out;
  }
}

//! The message of the sdk::Error that running S throws, or "" when it succeeds.
template <class S>
std::string run_error(const Table& table, const json& arguments, const RunOptions& o = {}) {
  try {
    run_stage<S>(table, arguments, o);
  } catch (const sdk::Error& e) {
    return e.what();
  }
  return "";
}

//! |actual - expected| <= rel * |expected|.
inline ::testing::AssertionResult near_rel(double actual, double expected, double rel = 1e-9) {
  if (std::fabs(actual - expected) <= rel * std::max(std::fabs(expected), 1e-300) ||
      actual == expected) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure() << "got " << actual << ", expected " << expected;
}

//! A column of cells against pandas values (null = missing), numbers within `rel`.
inline ::testing::AssertionResult same_numbers(const std::vector<std::optional<std::string>>& cells,
                                               const json& values, double rel = 1e-12) {
  if (cells.size() != values.size()) {
    return ::testing::AssertionFailure() << cells.size() << " cells, expected " << values.size();
  }
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (values[i].is_null() != !cells[i].has_value()) {
      return ::testing::AssertionFailure() << "row " << i << ": got " << cells[i].value_or("null")
                                           << ", expected " << values[i].dump();
    }
    if (values[i].is_null()) continue;
    double got = 0;
    parse_double(*cells[i], got);
    auto r = near_rel(got, values[i].get<double>(), rel);
    if (!r) return r << " (row " << i << ")";
  }
  return ::testing::AssertionSuccess();
}

// ---- The plugin (for the tool table and schemas) -------------------------------------------

//! The loaded plugin.
inline const quarry_plugin_v1& plugin() {
  static const quarry_plugin_v1* loaded = [] {
    static const quarry_host_v1 host = {sizeof(quarry_host_v1), QUARRY_ABI_VERSION, nullptr,
                                        [](void*, quarry_log_level, const char*, uint64_t) {}};
    void* lib = dlopen(QUARRY_CLEAN_PLUGIN, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
    if (lib == nullptr) throw std::runtime_error(std::string("dlopen: ") + dlerror());
    using Init =
        quarry_status (*)(const quarry_host_v1*, const quarry_plugin_v1**, char*, uint64_t);
    auto init = reinterpret_cast<Init>(dlsym(lib, "quarry_plugin_init_v1"));
    const quarry_plugin_v1* p = nullptr;
    char error[512] = "";
    if (init == nullptr || init(&host, &p, error, sizeof error) != QUARRY_OK) {
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

//! Errors of `value` against JSON Schema text `schema_text` ("" when valid).
inline std::string schema_errors(const char* schema_text, const json& value) {
  const json schema_json = json::parse(schema_text);
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

//! Errors of `data` against tool `name`'s output schema.
inline std::string output_errors(const std::string& name, const json& data) {
  return schema_errors(tool(name).output_schema, data);
}

//! The splits every determinism test runs: one chunk; 7-row chunks; 64-row chunks over 3
//! workers; 250-row chunks over 2 workers.
inline std::vector<RunOptions> splits() {
  return {{0, 1, 0}, {7, 1, 0}, {64, 3, 0}, {250, 2, 0}};
}

}  // namespace clean_test
