// clean_dedup against pandas 1.5 drop_duplicates (fixtures/expected.json, made by
// make_fixtures.py; each reference names its pandas call).

#include "dedup.hpp"
#include "clean_test_support.hpp"

#include <algorithm>
#include <map>

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

TEST(CleanDedup, PastTheBudgetTheErrorNamesSpillAndApproximate) {
  const std::string error = run_error<DedupStage>(fixture(), json::object(), {0, 1, 4096});
  EXPECT_NE(error.find("\"on_budget\": \"spill\""), std::string::npos) << error;
  EXPECT_NE(error.find("\"approximate\""), std::string::npos) << error;
  const std::string last = run_error<DedupStage>(fixture(), {{"keep", "last"}}, {0, 1, 4096});
  EXPECT_NE(last.find("\"on_budget\": \"spill\""), std::string::npos) << last;
}

TEST(CleanDedup, SpillPastTheBudgetStaysExactAndMatchesPandas) {
  // 40 KiB: the first pass's table stops at 1,024 slots (716 keys) and the fixture has
  // 1,100 distinct rows, so the hashes go to disk; each of the 64 partitions then fits.
  const json& ref = expected().at("dedup");
  for (RunOptions o : splits()) {
    SCOPED_TRACE(o.chunk_rows);
    o.budget = 40 << 10;
    const Output first = run_stage<DedupStage>(fixture(), {{"on_budget", "spill"}}, o);
    expect_rows(first, ref["all_first"]["rows"]);  // df.drop_duplicates(keep='first').index
    EXPECT_TRUE(first.data["exact"].get<bool>());
    EXPECT_GT(first.data.value("spilled_bytes", 0), 0) << first.data.dump();
    EXPECT_NE(first.text.find("went to disk"), std::string::npos) << first.text;
    EXPECT_EQ(output_errors("clean_dedup", first.data), "");
    const Output last =
        run_stage<DedupStage>(fixture(), {{"on_budget", "spill"}, {"keep", "last"}}, o);
    expect_rows(last, ref["all_last"]["rows"]);  // df.drop_duplicates(keep='last').index
    // df.drop_duplicates(subset=['g','b'], keep='last').index: few keys, nothing spilled.
    const Output subset = run_stage<DedupStage>(
        fixture(), {{"on_budget", "spill"}, {"keep", "last"}, {"columns", {"g", "b"}}}, o);
    expect_rows(subset, ref["g_b_last"]["rows"]);
    EXPECT_FALSE(subset.data.contains("spilled_bytes"));
  }
}

TEST(CleanDedup, SpillSplitsAPartitionThatStillOutgrowsTheBudget) {
  // 60,000 rows of 50,000 distinct values: about 780 keys a partition, more than the 716 a
  // 48 KiB budget holds next to the kept-row bits, so partitions are split again by the next
  // hash bits. The reference is the first (or last) row of each value, found here directly.
  constexpr int kRows = 60000, kDistinct = 50000;
  TextColumn x{"x", {}, sdk::ColumnType::int64};
  std::map<std::string, std::pair<int, int>> first_last;
  for (int i = 0; i < kRows; ++i) {
    const std::string value = std::to_string((i * 7919LL) % kDistinct);
    x.cells.emplace_back(value);
    auto [at, inserted] = first_last.try_emplace(value, i, i);
    at->second.second = i;
  }
  const Table table = make_table({x});
  for (const bool keep_last : {false, true}) {
    std::vector<int> want;
    for (const auto& [value, rows] : first_last)
      want.push_back(keep_last ? rows.second : rows.first);
    std::sort(want.begin(), want.end());
    const Output out = run_stage<DedupStage>(
        table, {{"on_budget", "spill"}, {"keep", keep_last ? "last" : "first"}},
        {4096, 1, 48 << 10});
    const auto got = out.column("x");
    ASSERT_EQ(got.size(), want.size());
    for (std::size_t k = 0; k < want.size(); ++k) {
      ASSERT_EQ(got[k], x.cells[static_cast<std::size_t>(want[k])]) << "output row " << k;
    }
    EXPECT_EQ(out.data["duplicates_dropped"], kRows - kDistinct);
  }
}

TEST(CleanDedup, SpillWithoutAScratchDirectoryNamesTheBudget) {
  RunOptions o{0, 1, 40 << 10};
  o.scratch_directory.clear();
  const std::string error = run_error<DedupStage>(fixture(), {{"on_budget", "spill"}}, o);
  EXPECT_NE(error.find("memory.budget_mb"), std::string::npos) << error;
  EXPECT_NE(error.find("scratch directory"), std::string::npos) << error;
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
