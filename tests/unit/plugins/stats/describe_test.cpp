// stats_describe against pandas 1.5.3 on the fixed-seed fixture, merge correctness over
// chunkings and merge orders, the sketch's stated bound, and bad input.
// Reference values: tests/unit/plugins/stats/make_fixtures.py (each line names its call).

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "detail/quantiles.hpp"
#include "rank_check.hpp"
#include "stats_test_support.hpp"

using namespace stats_test;
namespace stats = quarry::stats;

namespace {

struct Ref {
  const char* column;
  const char* key;
  double value;
};

// Pasted from make_fixtures.py (section "describe"). The constant column's skew/kurt are
// left out: pandas reports 0, this plugin reports null with a reason (undefined for std 0).
const Ref kDescribe[] = {
    // ---- describe (pandas 1.5.3) ----
    {"normal", "count", 1900},                  // pandas: df["normal"].count()
    {"normal", "mean", 49.605704315789474},     // pandas: df["normal"].mean()
    {"normal", "std", 10.010859385225926},      // pandas: df["normal"].std()
    {"normal", "min", 10.7806},                 // pandas: df["normal"].min()
    {"normal", "max", 81.8531},                 // pandas: df["normal"].max()
    {"normal", "q0.05", 32.947185000000005},    // pandas: df["normal"].quantile(0.05)
    {"normal", "q0.25", 43.044075},             // pandas: df["normal"].quantile(0.25)
    {"normal", "q0.5", 50.143299999999996},     // pandas: df["normal"].quantile(0.5)
    {"normal", "q0.75", 56.4373},               // pandas: df["normal"].quantile(0.75)
    {"normal", "q0.95", 65.730385},             // pandas: df["normal"].quantile(0.95)
    {"normal", "q0.999", 79.95427610000002},    // pandas: df["normal"].quantile(0.999)
    {"normal", "skew", -0.07369531754538343},   // pandas: df["normal"].skew()
    {"normal", "kurt", -0.012056453790066257},  // pandas: df["normal"].kurt()
    {"skewed", "count", 1940},                  // pandas: df["skewed"].count()
    {"skewed", "mean", 32.13662695876288},      // pandas: df["skewed"].mean()
    {"skewed", "std", 40.75526893732183},       // pandas: df["skewed"].std()
    {"skewed", "min", 0.6851},                  // pandas: df["skewed"].min()
    {"skewed", "max", 551.5312},                // pandas: df["skewed"].max()
    {"skewed", "q0.05", 3.86263},               // pandas: df["skewed"].quantile(0.05)
    {"skewed", "q0.25", 10.2515},               // pandas: df["skewed"].quantile(0.25)
    {"skewed", "q0.5", 20.1321},                // pandas: df["skewed"].quantile(0.5)
    {"skewed", "q0.75", 37.635325},             // pandas: df["skewed"].quantile(0.75)
    {"skewed", "q0.95", 93.49662499999994},     // pandas: df["skewed"].quantile(0.95)
    {"skewed", "q0.999", 358.5394442000191},    // pandas: df["skewed"].quantile(0.999)
    {"skewed", "skew", 4.519263676240876},      // pandas: df["skewed"].skew()
    {"skewed", "kurt", 32.88247030141946},      // pandas: df["skewed"].kurt()
    {"ties", "count", 1960},                    // pandas: df["ties"].count()
    {"ties", "mean", 2.7341836734693876},       // pandas: df["ties"].mean()
    {"ties", "std", 1.3416997010275407},        // pandas: df["ties"].std()
    {"ties", "min", 0.0},                       // pandas: df["ties"].min()
    {"ties", "max", 7.0},                       // pandas: df["ties"].max()
    {"ties", "q0.05", 1.0},                     // pandas: df["ties"].quantile(0.05)
    {"ties", "q0.25", 2.0},                     // pandas: df["ties"].quantile(0.25)
    {"ties", "q0.5", 3.0},                      // pandas: df["ties"].quantile(0.5)
    {"ties", "q0.75", 4.0},                     // pandas: df["ties"].quantile(0.75)
    {"ties", "q0.95", 5.0},                     // pandas: df["ties"].quantile(0.95)
    {"ties", "q0.999", 7.0},                    // pandas: df["ties"].quantile(0.999)
    {"ties", "skew", 0.218339848055946},        // pandas: df["ties"].skew()
    {"ties", "kurt", -0.33216520660147886},     // pandas: df["ties"].kurt()
    {"constant", "count", 2000},                // pandas: df["constant"].count()
    {"constant", "mean", 7.0},                  // pandas: df["constant"].mean()
    {"constant", "std", 0.0},                   // pandas: df["constant"].std()
    {"constant", "min", 7},                     // pandas: df["constant"].min()
    {"constant", "max", 7},                     // pandas: df["constant"].max()
    {"constant", "q0.05", 7.0},                 // pandas: df["constant"].quantile(0.05)
    {"constant", "q0.25", 7.0},                 // pandas: df["constant"].quantile(0.25)
    {"constant", "q0.5", 7.0},                  // pandas: df["constant"].quantile(0.5)
    {"constant", "q0.75", 7.0},                 // pandas: df["constant"].quantile(0.75)
    {"constant", "q0.95", 7.0},                 // pandas: df["constant"].quantile(0.95)
    {"constant", "q0.999", 7.0},                // pandas: df["constant"].quantile(0.999)
    {"before", "count", 1960},                  // pandas: df["before"].count()
    {"before", "mean", 100.29022857142857},     // pandas: df["before"].mean()
    {"before", "std", 14.828612237737975},      // pandas: df["before"].std()
    {"before", "min", 56.433},                  // pandas: df["before"].min()
    {"before", "max", 157.158},                 // pandas: df["before"].max()
    {"before", "q0.05", 75.98195},              // pandas: df["before"].quantile(0.05)
    {"before", "q0.25", 90.60275},              // pandas: df["before"].quantile(0.25)
    {"before", "q0.5", 100.0155},               // pandas: df["before"].quantile(0.5)
    {"before", "q0.75", 110.575},               // pandas: df["before"].quantile(0.75)
    {"before", "q0.95", 124.39525},             // pandas: df["before"].quantile(0.95)
    {"before", "q0.999", 148.0039000000003},    // pandas: df["before"].quantile(0.999)
    {"before", "skew", 0.037703812838111826},   // pandas: df["before"].skew()
    {"before", "kurt", 0.09942741492503382},    // pandas: df["before"].kurt()
    {"withinf", "count", 1971},  // pandas: df["withinf"].replace([np.inf, -np.inf], np.nan).count()
    {"withinf", "nulls", 20},    // pandas: df["withinf"].isna().sum()
    {"withinf", "posinf", 6},    // pandas: (df["withinf"] == np.inf).sum()
    {"withinf", "neginf", 3},    // pandas: (df["withinf"] == -np.inf).sum()
    {"withinf", "mean",
     -0.015340700152207008},  // pandas: df["withinf"].replace([np.inf, -np.inf], np.nan).mean()
    {"withinf", "std",
     0.9964155724923695},          // pandas: df["withinf"].replace([np.inf, -np.inf], np.nan).std()
    {"withinf", "min", -4.08954},  // pandas: df["withinf"].replace([np.inf, -np.inf], np.nan).min()
    {"withinf", "max", 3.17809},   // pandas: df["withinf"].replace([np.inf, -np.inf], np.nan).max()
    {"withinf", "skew",
     0.06185852192382012},  // pandas: df["withinf"].replace([np.inf, -np.inf], np.nan).skew()
    {"withinf", "kurt",
     0.025991710372450516},  // pandas: df["withinf"].replace([np.inf, -np.inf], np.nan).kurt()
    {"withinf", "q0.5",
     -0.0338},  // pandas: df["withinf"].replace([np.inf, -np.inf], np.nan).quantile(0.5)
    {"huge", "mean",
     1000000000010187.1},  // exact rational arithmetic (fractions.Fraction) over df["huge"]
    {"huge", "std",
     10566.952157836135},  // exact rational arithmetic (fractions.Fraction) over df["huge"]
    {"huge", "skew",
     2.330166761925087},  // exact rational arithmetic (fractions.Fraction) over df["huge"]; pandas
                          // df["huge"].skew() = 2.330186512852987
    {"huge", "kurt",
     8.623155661713062},  // exact rational arithmetic (fractions.Fraction) over df["huge"]; pandas
                          // df["huge"].kurt() = 8.623217086803706
    {"huge", "min", 1000000000000005.4},    // pandas: df["huge"].min()
    {"huge", "q0.25", 1000000000002772.9},  // pandas: df["huge"].quantile(0.25)
    {"huge", "q0.5", 1000000000007093.1},   // pandas: df["huge"].quantile(0.5)
    {"category", "alpha", 758},             // pandas: df["category"].value_counts()["alpha"]
    {"category", "beta", 579},              // pandas: df["category"].value_counts()["beta"]
    {"category", "gamma", 409},             // pandas: df["category"].value_counts()["gamma"]
    {"category", "delta", 214},             // pandas: df["category"].value_counts()["delta"]
};

const json& column_of(const json& data, const std::string& name) {
  for (const auto& c : data.at("columns")) {
    if (c.at("name") == name) return c;
  }
  throw std::runtime_error("no column " + name + " in result");
}

json describe_args() {
  return {{"percentiles", {0.05, 0.25, 0.5, 0.75, 0.95, 0.999}}};
}

std::string percentile_key(const std::string& key) {  // "q0.25" -> "25%"
  const double q = std::stod(key.substr(1)) * 100;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g%%", q);
  return buf;
}

void check_reference(const json& data, const Ref& ref) {
  SCOPED_TRACE(std::string(ref.column) + " " + ref.key);
  const std::string key = ref.key;
  const json& c = column_of(data, ref.column);
  if (std::string(ref.column) == "category") {
    if (key == "nunique") {
      EXPECT_EQ(c.at("distinct"), ref.value);
    } else if (key == "nulls") {
      EXPECT_EQ(c.at("null_count"), ref.value);
    } else {
      bool found = false;
      for (const auto& item : c.at("top")) {
        if (item.at("value") == key) {
          EXPECT_EQ(item.at("count"), ref.value);
          found = true;
        }
      }
      EXPECT_TRUE(found) << key << " not among the top values";
    }
    return;
  }
  if (std::string(ref.column) == "flag") {
    EXPECT_EQ(c.at("true_count"), ref.value);
    return;
  }
  if (key == "count") {
    EXPECT_EQ(c.at("count"), ref.value);
  } else if (key == "nulls") {
    EXPECT_EQ(c.at("null_count"), ref.value);
  } else if (key == "posinf") {
    EXPECT_EQ(c.at("infinite").at("positive"), ref.value);
  } else if (key == "neginf") {
    EXPECT_EQ(c.at("infinite").at("negative"), ref.value);
  } else if (key[0] == 'q') {
    EXPECT_TRUE(near_rel(c.at("percentiles").at(percentile_key(key)), ref.value));
  } else if (key == "skew") {
    EXPECT_TRUE(near_rel(c.at("skewness"), ref.value));
  } else if (key == "kurt") {
    EXPECT_TRUE(near_rel(c.at("kurtosis"), ref.value));
  } else {
    EXPECT_TRUE(near_rel(c.at(key), ref.value));
  }
}

}  // namespace

TEST(StatsDescribe, MatchesPandasOnTheFixture) {
  const Outcome out = run_ok("stats_describe", describe_args(), fixture());
  ASSERT_EQ(out.status, QUARRY_OK);
  EXPECT_EQ(out.data().at("rows"), 2000);
  for (const Ref& ref : kDescribe) check_reference(out.data(), ref);
  for (const auto& c : out.data().at("columns")) {
    if (c.contains("quantiles_exact")) {
      EXPECT_TRUE(c.at("quantiles_exact")) << c.at("name");
    }
  }
}

TEST(StatsDescribe, SameResultsForAnyChunkingAndMergeOrder) {
  const Outcome whole = run_ok("stats_describe", describe_args(), fixture());
  for (const RunOptions& split : splits(fixture().rows)) {
    SCOPED_TRACE("chunk_rows " + std::to_string(split.chunk_rows) + ", instances " +
                 std::to_string(split.instances));
    const Outcome parts = run_ok("stats_describe", describe_args(), fixture(), split);
    ASSERT_EQ(parts.status, QUARRY_OK);
    EXPECT_TRUE(same_json(whole.data(), parts.data(), 1e-9));
    for (const Ref& ref : kDescribe) check_reference(parts.data(), ref);
  }
}

TEST(StatsDescribe, ConstantColumnHasZeroStdAndUndefinedShape) {
  const Outcome out = run_ok("stats_describe", {{"columns", {"constant"}}}, fixture());
  const json& c = column_of(out.data(), "constant");
  EXPECT_EQ(c.at("std"), 0.0);
  EXPECT_EQ(c.at("min"), 7);  // int64 columns keep integer min/max
  EXPECT_TRUE(c.at("skewness").is_null());
  EXPECT_TRUE(c.at("kurtosis").is_null());
  EXPECT_NE(c.at("notes").dump().find("constant"), std::string::npos);
}

// pandas gives std 0 for values near 1e-300 too (their squared deviations underflow) and NaN
// past 1e154; the notes say so rather than calling the columns constant.
TEST(StatsDescribe, SpreadsBeyondADoubleAreNamedNotCalledConstant) {
  const Table t =
      make_table({float_column("tiny", {1e-300, 2e-300, 3e-300}),
                  float_column("huge", {1e300, -1e308, 5e300}), float_column("flat", {2, 2, 2})});
  const Outcome out = run_ok("stats_describe", json::object(), t);
  const auto notes = [&](const char* name) {
    return column_of(out.data(), name).at("notes").dump();
  };
  EXPECT_NE(notes("tiny").find("underflow to 0"), std::string::npos) << notes("tiny");
  EXPECT_NE(notes("huge").find("overflow"), std::string::npos) << notes("huge");
  EXPECT_NE(notes("flat").find("is constant"), std::string::npos) << notes("flat");
  EXPECT_EQ(notes("tiny").find("constant"), std::string::npos);
}

TEST(StatsDescribe, InfinitiesAreLeftOutAndSaidSo) {
  const Outcome out = run_ok("stats_describe", {{"columns", {"withinf"}}}, fixture());
  const json& c = column_of(out.data(), "withinf");
  EXPECT_EQ(c.at("nan_count"), 10);  // "nan" texts; the other 10 missing are empty fields
  EXPECT_NE(c.at("notes").dump().find("9 infinite values (+inf 6, -inf 3) left out"),
            std::string::npos)
      << c.at("notes").dump();
  EXPECT_NE(out.text().find("infinite"), std::string::npos);
}

TEST(StatsDescribe, SelectsColumnsByType) {
  const Outcome out = run_ok("stats_describe", {{"columns", "numeric"}}, fixture());
  std::vector<std::string> names;
  for (const auto& c : out.data().at("columns")) names.push_back(c.at("name"));
  EXPECT_EQ(names, (std::vector<std::string>{"id", "normal", "skewed", "ties", "huge", "constant",
                                             "before", "after", "withinf"}));
  const Outcome text = run_ok("stats_describe", {{"columns", "string"}}, fixture());
  EXPECT_EQ(text.data().at("columns").size(), 3U);  // category, group2, text_num
}

TEST(StatsDescribe, OneColumnMayBeNamedWithoutAList) {
  const Outcome out = run_ok("stats_describe", {{"columns", "skewed"}}, fixture());
  ASSERT_EQ(out.data().at("columns").size(), 1U);
  EXPECT_EQ(out.data().at("columns")[0].at("name"), "skewed");
  const Outcome missing = run("stats_describe", {{"columns", "skewd"}}, fixture());
  EXPECT_EQ(missing.status, QUARRY_INVALID_ARGUMENT);
  EXPECT_NE(missing.error.find("no column named 'skewd'"), std::string::npos) << missing.error;
}

TEST(StatsDescribe, TextColumnsReportLengthsAndTopValues) {
  const Outcome out = run_ok("stats_describe", {{"columns", {"category"}}, {"top", 2}}, fixture());
  const json& c = column_of(out.data(), "category");
  EXPECT_EQ(c.at("min_length"), 4);  // beta
  EXPECT_EQ(c.at("max_length"), 5);
  EXPECT_EQ(c.at("top").size(), 2U);
  EXPECT_EQ(c.at("top")[0].at("value"), "alpha");
  EXPECT_TRUE(c.at("distinct_exact"));
}

TEST(StatsDescribe, MissingColumnNamesTheAvailableOnes) {
  const Outcome out = run("stats_describe", {{"columns", {"normal", "nope"}}}, fixture());
  EXPECT_EQ(out.status, QUARRY_INVALID_ARGUMENT);
  EXPECT_NE(out.error.find("no column named 'nope'"), std::string::npos) << out.error;
  EXPECT_NE(out.error.find("normal (float64)"), std::string::npos) << out.error;
  EXPECT_NE(out.error.find("category (utf8)"), std::string::npos) << out.error;
}

TEST(StatsDescribe, ZeroRowsOneRowAndAllNull) {
  const Table empty = make_table({float_column("x", {})});
  const Outcome none = run_ok("stats_describe", json::object(), empty);
  const json& x = column_of(none.data(), "x");
  EXPECT_EQ(x.at("count"), 0);
  EXPECT_TRUE(x.at("mean").is_null());
  EXPECT_TRUE(x.at("percentiles").at("50%").is_null());
  EXPECT_NE(x.at("notes").dump().find("no values"), std::string::npos);

  const Table one = make_table({float_column("x", {4.5})});
  const Outcome one_out = run_ok("stats_describe", json::object(), one);
  const json& y = column_of(one_out.data(), "x");
  EXPECT_EQ(y.at("mean"), 4.5);
  EXPECT_EQ(y.at("percentiles").at("25%"), 4.5);
  EXPECT_TRUE(y.at("std").is_null());
  EXPECT_EQ(y.at("notes").at(0),
            "column 'x' has 1 value: std (needs 2), skewness (needs 3) and kurtosis (needs 4) "
            "are null");

  // The note names only the moments that are null.
  const Table three = make_table({float_column("x", {1.0, 2.0, 4.0})});
  const Outcome three_out = run_ok("stats_describe", json::object(), three);
  const json& t = column_of(three_out.data(), "x");
  EXPECT_FALSE(t.at("skewness").is_null());
  EXPECT_TRUE(t.at("kurtosis").is_null());
  EXPECT_EQ(t.at("notes").at(0), "column 'x' has 3 values: kurtosis (needs 4) is null");

  const Table nulls = make_table({float_column("x", {kNull, kNull, kNull})});
  const Outcome null_out = run_ok("stats_describe", json::object(), nulls);
  const json& z = column_of(null_out.data(), "x");
  EXPECT_EQ(z.at("count"), 0);
  EXPECT_EQ(z.at("null_count"), 3);
  EXPECT_TRUE(z.at("min").is_null());
}

TEST(StatsDescribe, TimestampsGiveMinMaxAndSpan) {
  TextColumn t{
      "t", {"1704067200000000", std::nullopt, "1704162845500000"}, sdk::ColumnType::timestamp};
  const Table table = make_table({t});
  const Outcome out = run_ok("stats_describe", json::object(), table);
  const json& c = column_of(out.data(), "t");
  EXPECT_EQ(c.at("min"), "2024-01-01T00:00:00Z");
  EXPECT_EQ(c.at("max"), "2024-01-02T02:34:05.500000Z");
  EXPECT_EQ(c.at("span_seconds"), 95645.5);
  EXPECT_EQ(c.at("span"), "1 day 02:34:05.5");
  EXPECT_EQ(c.at("null_count"), 1);
}

// Read once ("one_pass"), past the budget the quantiles come from the sketch; each must lie
// within the stated rank-error bound of the exact one, for every chunking and merge order.
TEST(StatsDescribe, OnePassSketchQuantilesStayWithinTheirStatedBound) {
  std::mt19937_64 rng(7);
  std::lognormal_distribution<double> dist(0.0, 1.5);
  std::vector<double> values(300000);
  for (double& v : values) v = dist(rng);
  const Table table = make_table({float_column("x", values)});
  std::vector<double> sorted = values;
  std::sort(sorted.begin(), sorted.end());
  const std::vector<double> qs = {0.001, 0.01, 0.25, 0.5, 0.75, 0.99, 0.999};
  const json args = {{"percentiles", qs}, {"quantiles", "one_pass"}};
  std::vector<RunOptions> runs = {{0, 1, MergeOrder::left, 0, 1 << 20},
                                  {4096, 2, MergeOrder::left, 0, 1 << 20},
                                  {1000, 3, MergeOrder::tree, 5, 1 << 20},
                                  {0, 1, MergeOrder::left, 0, 0}};
  for (const RunOptions& options : runs) {
    const Outcome out = run_ok("stats_describe", args, table, options);
    const json& c = column_of(out.data(), "x");
    const bool sketched = options.budget != 0;
    EXPECT_EQ(c.at("quantiles_exact"), !sketched);
    const double bound = c.at("rank_error_bound").get<double>();
    if (sketched) {
      EXPECT_GT(bound, 0.0);
      EXPECT_LT(bound, 0.01);
      EXPECT_NE(out.data().at("notes").dump().find("sketch"), std::string::npos);
    }
    const double n = static_cast<double>(sorted.size());
    for (double q : qs) {
      const double v =
          c.at("percentiles").at(percentile_key("q" + std::to_string(q))).get<double>();
      // (+1: an interpolated quantile lies between two neighbouring ranks)
      EXPECT_TRUE(stats::testing::within_ranks(sorted, v, q * (n - 1), bound * n + 1)) << "q " << q;
    }
    EXPECT_TRUE(near_rel(c.at("min"), sorted.front(), 0));
    EXPECT_TRUE(near_rel(c.at("max"), sorted.back(), 0));
  }
}

// By default quantiles take two reads and stay exact whatever the budget: a 1 MiB budget
// that sends the one-pass method to its sketch still gives the values of a full sort, on
// every chunking and merge order, with a column of heavy ties alongside.
TEST(StatsDescribe, TwoPassQuantilesAreExactPastTheBudget) {
  std::mt19937_64 rng(7);
  std::lognormal_distribution<double> dist(0.0, 1.5);
  std::vector<double> values(300000), ties(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    values[i] = dist(rng);
    ties[i] = rng() % 4 == 0 ? dist(rng) : 0.0;  // three quarters zeros
  }
  const Table table = make_table({float_column("x", values), float_column("ties", ties)});
  const std::vector<double> qs = {0.001, 0.01, 0.25, 0.5, 0.75, 0.99, 0.999};
  const std::vector<RunOptions> runs = {{0, 1, MergeOrder::left, 0, 4 << 20},
                                        {4096, 2, MergeOrder::left, 0, 4 << 20},
                                        {1000, 3, MergeOrder::tree, 5, 4 << 20}};
  for (const RunOptions& options : runs) {
    const Outcome out = run_ok("stats_describe", {{"percentiles", qs}}, table, options);
    for (const auto& [name, column] : {std::pair{"x", values}, std::pair{"ties", ties}}) {
      SCOPED_TRACE(std::string(name) + ", chunk_rows " + std::to_string(options.chunk_rows));
      std::vector<double> sorted = column;
      std::sort(sorted.begin(), sorted.end());
      const json& c = column_of(out.data(), name);
      EXPECT_TRUE(c.at("quantiles_exact"));
      EXPECT_EQ(c.at("rank_error_bound"), 0.0);
      for (double q : qs) {
        const double got =
            c.at("percentiles").at(percentile_key("q" + std::to_string(q))).get<double>();
        EXPECT_EQ(got, stats::sorted_quantile(sorted, q)) << "q " << q;  // numpy "linear"
      }
    }
  }
}

// When the values near the quantiles outgrow the budget too (a 64 KiB budget), they are
// dropped: each quantile is then a value whose rank is known exactly, within the stated
// rank-error bound of the requested one, and a note says why.
TEST(StatsDescribe, TwoPassQuantilesPastEvenTheirWindowsStateTheirBound) {
  std::mt19937_64 rng(8);
  std::normal_distribution<double> dist(0.0, 1.0);
  std::vector<double> values(300000);
  for (double& v : values) v = dist(rng);
  std::vector<double> sorted = values;
  std::sort(sorted.begin(), sorted.end());
  const Table table = make_table({float_column("x", values)});
  const Outcome out =
      run_ok("stats_describe", json::object(), table, {4096, 2, MergeOrder::left, 0, 64 << 10});
  const json& c = column_of(out.data(), "x");
  EXPECT_FALSE(c.at("quantiles_exact"));
  const double bound = c.at("rank_error_bound").get<double>();
  EXPECT_GT(bound, 0.0);
  // A bound is at most a window's half-width away: 5 sigma of the sample's rank error plus 3
  // positions, for the smallest sample (2,048 to 4,096 values, RankSample thins by halves)
  // (5 sqrt(2048 / 4) + 3) / 2048 = 5.7% of the count at most.
  EXPECT_LT(bound, 0.057);
  EXPECT_NE(out.data().at("notes").dump().find("outgrew the memory budget"), std::string::npos);
  const double n = static_cast<double>(sorted.size());
  for (double q : {0.25, 0.5, 0.75}) {
    const double v = c.at("percentiles").at(percentile_key("q" + std::to_string(q))).get<double>();
    EXPECT_TRUE(stats::testing::within_ranks(sorted, v, q * (n - 1), bound * n + 1)) << "q " << q;
  }
}

// Over budget the numeric values (the bulk) go to sketches; a text column of a few labels
// keeps exact counts, and asking for the sketch concerns quantiles only.
TEST(StatsDescribe, NumericValuesGoToTheSketchBeforeSmallLabelTablesDo) {
  std::mt19937_64 rng(11);
  std::normal_distribution<double> dist(0.0, 1.0);
  std::vector<double> values(200000);
  std::vector<std::optional<std::string>> labels(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    values[i] = dist(rng);
    labels[i] = "level_" + std::to_string(i % 3);
  }
  const Table table = make_table({float_column("x", values), text_column("kind", labels)});
  const std::vector<std::pair<json, RunOptions>> runs = {
      {{{"quantiles", "one_pass"}}, {4096, 2, MergeOrder::left, 0, 1 << 20}},  // over 1 MiB
      {{{"quantiles", "sketch"}}, {0, 1, MergeOrder::left, 0, 0}}};
  for (const auto& [args, options] : runs) {
    const Outcome out = run_ok("stats_describe", args, table, options);
    EXPECT_FALSE(column_of(out.data(), "x").at("quantiles_exact"));
    const json& kind = column_of(out.data(), "kind");
    EXPECT_TRUE(kind.at("distinct_exact"));
    EXPECT_EQ(kind.at("distinct"), 3);
    EXPECT_EQ(kind.at("top")[0].at("count"), 66667);  // level_0: rows 0, 3, ..., 199998
    EXPECT_EQ(out.data().at("notes").dump().find("too many distinct"), std::string::npos);
  }
}

// A text column of distinct values past the budget is what gets summarised: the distinct
// count becomes an estimate (HyperLogLog, ~0.8% standard error) and a note says so.
TEST(StatsDescribe, ManyDistinctLabelsPastTheBudgetAreSummarised) {
  std::vector<std::optional<std::string>> labels(100000);
  for (std::size_t i = 0; i < labels.size(); ++i) labels[i] = "user_" + std::to_string(i);
  const Table table = make_table({text_column("user", labels)});
  const Outcome out =
      run_ok("stats_describe", json::object(), table, {4096, 2, MergeOrder::left, 0, 1 << 20});
  const json& user = column_of(out.data(), "user");
  EXPECT_FALSE(user.at("distinct_exact"));
  EXPECT_NEAR(user.at("distinct").get<double>(), 100000.0, 100000.0 * 0.05);
  EXPECT_NE(out.data().at("notes").dump().find("too many distinct"), std::string::npos);
}

TEST(StatsDescribe, TextRenderingIsCompact) {
  const Outcome out = run_ok("stats_describe", describe_args(), fixture());
  const std::string text = out.text();
  EXPECT_NE(text.find("stats_describe: 2000 rows"), std::string::npos);
  EXPECT_NE(text.find("normal"), std::string::npos);
  EXPECT_LT(text.size(), 4000U);
}
