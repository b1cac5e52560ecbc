#pragma once
// Drives the timeseries plugin in-process, as the host does: the stats plugin's test support
// (dlopen, fake host and call, CSV fixtures, Arrow windows, schema validation) pointed at
// libquarry_timeseries.so, plus what ordered transforming stages need: feeding windows of a
// table through transform() in sequence and collecting the output columns. Reference values
// come from fixtures/ts_reference.json, written by make_fixtures.py; each names the call that
// produced it, and the checks print that call when a value differs.

#define QUARRY_STATS_PLUGIN QUARRY_TIMESERIES_PLUGIN
#include "../stats/stats_test_support.hpp"

#include <fstream>
#include <map>

namespace ts_test {

using namespace stats_test;

//! A fixture table of tests/unit/plugins/timeseries/fixtures, loaded once per name.
inline const Table& ts_fixture(const std::string& name = "ts_fixture.csv") {
  static std::map<std::string, Table> cache;
  auto it = cache.find(name);
  if (it == cache.end()) {
    it = cache
             .emplace(name, load_csv(std::string(QUARRY_TEST_SOURCE_DIR) +
                                     "/unit/plugins/timeseries/fixtures/" + name))
             .first;
  }
  return it->second;
}

//! The reference entry `name` ({"call": ..., "values": ...}).
inline const json& reference(const std::string& name) {
  static const json all = [] {
    std::ifstream in(std::string(QUARRY_TEST_SOURCE_DIR) +
                     "/unit/plugins/timeseries/fixtures/ts_reference.json");
    return json::parse(in);
  }();
  return all.at(name);
}

//! A column of a transform's output, concatenated over chunks (nullopt = null).
using Values = std::vector<std::optional<double>>;

//! What a transforming run produced.
struct TransformOutcome {
  Outcome outcome;                              //!< the finish() result or the error
  std::map<std::string, Values> float_columns;  //!< float64 output columns by name
  std::vector<std::string> names;               //!< output column names (of the first chunk)
  std::int64_t rows = 0;                        //!< output rows
};

//! Runs transforming stage tool `name` over `table` in chunks of `chunk_rows` (0 = one).
inline TransformOutcome run_transform(const std::string& name, const json& args, const Table& table,
                                      std::int64_t chunk_rows = 0, std::uint64_t budget = 0) {
  const quarry_stage_v1& stage = *tool(name).stage;
  FakeCall call(budget);
  TransformOutcome out;
  const std::string text = args.dump();
  const ArrowSchema* schema = &table.chunk.schema();
  void* state = nullptr;
  auto fail = [&](quarry_status status) {
    out.outcome.status = status;
    out.outcome.error = call.error;
    if (state != nullptr) stage.close(state);
    return out;
  };
  quarry_status st =
      stage.open(plugin().plugin_data, &call.raw, text.data(), text.size(), schema, &state);
  if (st != QUARRY_OK) return fail(st);
  const std::int64_t step = chunk_rows > 0 ? chunk_rows : std::max<std::int64_t>(table.rows, 1);
  std::int64_t start = 0;
  do {
    const std::int64_t rows = std::min(step, table.rows - start);
    const ArrowArray chunk = window(table.chunk.array(), start, rows);
    ArrowArray out_array{};
    ArrowSchema out_schema{};
    st = stage.transform(state, &call.raw, &chunk, schema, &out_array, &out_schema);
    if (st != QUARRY_OK) return fail(st);
    sdk::OwnedChunk owned(&out_array, &out_schema);
    const sdk::ChunkView view = owned.view();
    EXPECT_EQ(view.rows(), rows) << "one output row per input row";
    if (out.names.empty()) {
      for (std::int64_t c = 0; c < view.columns(); ++c) {
        out.names.emplace_back(view.schema().field(c).name());
      }
    }
    for (std::int64_t c = 0; c < view.columns(); ++c) {
      const sdk::ColumnView col = view.column(c);
      if (col.type() != sdk::ColumnType::float64) continue;
      Values& values = out.float_columns[std::string(col.name())];
      const auto v = col.float64s();
      for (std::int64_t r = 0; r < view.rows(); ++r) values.push_back(v.get(r));
    }
    out.rows += view.rows();
    start += rows;
  } while (start < table.rows);
  st = stage.finish(state, &call.raw);
  if (st != QUARRY_OK) return fail(st);
  out.outcome.status = QUARRY_OK;
  out.outcome.result = json::parse(call.result);
  EXPECT_EQ(schema_errors(name, out.outcome.data()), "");
  stage.close(state);
  return out;
}

//! Every value of `actual` agrees with reference `name` (nulls where it has null) to `rel`
//! relative (with an absolute floor of `abs` for values that should be 0).
inline ::testing::AssertionResult matches(const Values& actual, const json& expected,
                                          const std::string& call, double rel = 1e-9,
                                          double abs = 1e-12) {
  if (actual.size() != expected.size()) {
    return ::testing::AssertionFailure()
           << call << ": " << actual.size() << " values, expected " << expected.size();
  }
  for (std::size_t i = 0; i < actual.size(); ++i) {
    const json& e = expected[i];
    if (e.is_null() != !actual[i].has_value()) {
      return ::testing::AssertionFailure()
             << call << " [" << i << "]: got " << (actual[i] ? std::to_string(*actual[i]) : "null")
             << ", expected " << e.dump();
    }
    if (e.is_null()) continue;
    const double a = *actual[i], x = e.get<double>();
    if (std::fabs(a - x) > rel * std::fabs(x) + abs) {
      return ::testing::AssertionFailure()
             << std::setprecision(17) << call << " [" << i << "]: got " << a << ", expected " << x
             << " (relative error " << std::fabs(a - x) / std::fabs(x) << ")";
    }
  }
  return ::testing::AssertionSuccess();
}

//! A JSON array of numbers/nulls as Values.
inline Values values_of(const json& array) {
  Values out;
  for (const auto& v : array) {
    out.push_back(v.is_null() ? std::nullopt : std::optional<double>(v.get<double>()));
  }
  return out;
}

//! Checks reference `name` against `actual` (a JSON array), citing the reference's call.
inline ::testing::AssertionResult matches_ref(const json& actual, const std::string& name,
                                              const std::string& key = "", double rel = 1e-9,
                                              double abs = 1e-12) {
  const json& r = reference(name);
  const json& expected = key.empty() ? r.at("values") : r.at("values").at(key);
  return matches(values_of(actual), expected, r.at("call").get<std::string>() + " " + key, rel,
                 abs);
}

}  // namespace ts_test
