// clean_dedup against pandas 1.5 drop_duplicates (fixtures/expected.json, made by
// make_fixtures.py; each reference names its pandas call).

#include "dedup.hpp"
#include "clean_test_support.hpp"

using namespace clean_test;
using quarry::clean::DedupStage;

namespace {

// The fixture's ids of the kept rows, against the pandas index list (rows of the file).
void expect_rows(const Output& out, const json& pandas_rows) {
  const auto ids = out.column("id");
  ASSERT_EQ(ids.size(), pandas_rows.size());
  // Every output row is the file row pandas kept: compare whole rows through the fixture.
  const Table& t = fixture();
  for (std::size_t k = 0; k < ids.size(); ++k) {
    const auto row = pandas_rows[k].get<std::size_t>();
    for (std::size_t c = 0; c < t.columns.size(); ++c) {
      const auto& want = t.columns[c].cells[row];
      const auto& got = out.rows[k][c];
      ASSERT_EQ(got.has_value(), want.has_value()) << "output row " << k << " column " << c;
      if (!want) continue;
      if (t.columns[c].type == sdk::ColumnType::float64) {
        double a = 0, b = 0;
        parse_double(*got, a);
        parse_double(*want, b);
        ASSERT_EQ(a, b) << "output row " << k;
      } else {
        ASSERT_EQ(*got, *want) << "output row " << k << " column " << c;
      }
    }
  }
}

}  // namespace

TEST(CleanDedup, KeepFirstAndLastOnAllColumnsMatchPandas) {
  const json& ref = expected().at("dedup");
  for (const RunOptions& o : splits()) {
    SCOPED_TRACE(o.chunk_rows);
    const Output first = run_stage<DedupStage>(fixture(), json::object(), o);
    expect_rows(first, ref["all_first"]["rows"]);  // df.drop_duplicates(keep='first').index
    const Output last = run_stage<DedupStage>(fixture(), {{"keep", "last"}}, o);
    expect_rows(last, ref["all_last"]["rows"]);  // df.drop_duplicates(keep='last').index
    EXPECT_EQ(first.data["duplicates_dropped"].get<std::size_t>(),
              fixture().columns[0].cells.size() - ref["all_first"]["rows"].size());
    EXPECT_TRUE(first.data["exact"].get<bool>());
    EXPECT_EQ(output_errors("clean_dedup", first.data), "");
  }
}

TEST(CleanDedup, KeySubsetMatchesPandasAndNullsAreEqual) {
  const json& ref = expected().at("dedup");
  for (const RunOptions& o : splits()) {
    // df.drop_duplicates(subset=['g','b'], keep=...).index; null g / b compare equal.
    expect_rows(run_stage<DedupStage>(fixture(), {{"columns", {"g", "b"}}}, o),
                ref["g_b_first"]["rows"]);
    expect_rows(run_stage<DedupStage>(fixture(), {{"columns", {"g", "b"}}, {"keep", "last"}}, o),
                ref["g_b_last"]["rows"]);
  }
}

TEST(CleanDedup, ReportsTheCollisionBound) {
  const Output out = run_stage<DedupStage>(fixture(), json::object());
  const double n = out.data["distinct_keys"].get<double>();
  EXPECT_EQ(out.data["distinct_keys"], out.data["rows_out"]);
  EXPECT_DOUBLE_EQ(out.data["hash_collision_bound"].get<double>(), n * n / std::ldexp(1.0, 129));
}

TEST(CleanDedup, PastTheBudgetFailsOrGoesApproximate) {
  // 4 KiB budget: the ordered stage cannot hold even the first 1024-slot table (16 KiB).
  const std::string error = run_error<DedupStage>(fixture(), json::object(), {0, 1, 4096});
  EXPECT_NE(error.find("memory.budget_mb"), std::string::npos) << error;
  EXPECT_NE(error.find("on_budget"), std::string::npos) << error;
  const Output approx =
      run_stage<DedupStage>(fixture(), {{"on_budget", "approximate"}}, {0, 1, 16 << 10});
  EXPECT_FALSE(approx.data["exact"].get<bool>());
  const json& a = approx.data["approximate"];
  // A 16 KiB filter holds ~1,100 keys with a tiny false-positive rate: every duplicate is
  // still found, and the expected number of wrongly dropped rows is reported.
  EXPECT_EQ(approx.data["rows_out"].get<std::size_t>(),
            expected()["dedup"]["all_first"]["rows"].size());
  EXPECT_LT(a["expected_unique_rows_dropped"].get<double>(), 1e-3);
  EXPECT_EQ(output_errors("clean_dedup", approx.data), "");
}

TEST(CleanDedup, BadArguments) {
  EXPECT_NE(run_error<DedupStage>(fixture(), {{"columns", {"zz"}}}).find("available columns"),
            std::string::npos);
  EXPECT_NE(run_error<DedupStage>(fixture(), {{"keep", "last"}, {"on_budget", "approximate"}})
                .find("keep \"first\" only"),
            std::string::npos);
}

TEST(CleanDedup, EmptyInput) {
  const Table empty = make_table({{"x", {}, sdk::ColumnType::int64}});
  const Output out = run_stage<DedupStage>(empty, json::object());
  EXPECT_EQ(out.data["rows_out"], 0);
  EXPECT_TRUE(out.rows.empty());
}
