// stats_histogram against numpy 1.24.2 (np.histogram edges and counts for auto, fd,
// sturges, a fixed count and a fixed range), categories against pandas value_counts,
// merge correctness, the sketch bound past the budget, and the SVG picture.
// Reference values: tests/unit/plugins/stats/make_fixtures.py (section "histogram").

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "stats_test_support.hpp"

using namespace stats_test;

namespace {

struct Case {
  json bins;
  std::int64_t count;
  double edge0, edge1, edge_last;
  std::vector<std::int64_t> counts;
};

// numpy: np.histogram(df["normal"].dropna(), bins=<bins>) — make_fixtures.py, "histogram".
const Case kNormal[] = {
    {"auto", 33, 10.7806, 12.93431212121212, 81.8531, {1,   0,   0,   1,   4,   4,   5,   14,  29,
                                                       28,  40,  74,  80,  93,  106, 142, 144, 141,
                                                       178, 163, 151, 133, 112, 80,  57,  39,  31,
                                                       21,  13,  6,   6,   1,   3}},
    {"fd", 33, 10.7806, 12.93431212121212, 81.8531, {1,   0,   0,   1,   4,   4,   5,   14,  29,
                                                     28,  40,  74,  80,  93,  106, 142, 144, 141,
                                                     178, 163, 151, 133, 112, 80,  57,  39,  31,
                                                     21,  13,  6,   6,   1,   3}},
    {"sturges",
     12,
     10.7806,
     16.703308333333332,
     81.8531,
     {1, 6, 26, 93, 227, 348, 440, 390, 236, 93, 31, 9}},
    {10, 10, 10.7806, 17.88785, 81.8531, {2, 11, 72, 213, 403, 517, 442, 171, 59, 10}},
};

void check_case(const json& data, const Case& c) {
  EXPECT_EQ(data.at("bins"), c.count);
  EXPECT_TRUE(near_rel(data.at("edges").front(), c.edge0));
  EXPECT_TRUE(near_rel(data.at("edges")[1], c.edge1));
  EXPECT_TRUE(near_rel(data.at("edges").back(), c.edge_last));
  EXPECT_EQ(data.at("counts").get<std::vector<std::int64_t>>(), c.counts);
  EXPECT_EQ(data.at("null_count"), 100);
  // The bins' width is numpy's step, (last - first) / bins: for "auto" and "fd" 2.1537...,
  // not the rule's width before the count was rounded up (reported as rule_width).
  EXPECT_TRUE(
      near_rel(data.at("bin_width"), (c.edge_last - c.edge0) / static_cast<double>(c.count)));
  EXPECT_TRUE(near_rel(data.at("bin_width"), c.edge1 - c.edge0, 1e-12));
  if (c.bins.is_string()) {
    EXPECT_GE(data.at("rule_width").get<double>(), data.at("bin_width").get<double>());
  } else {
    EXPECT_TRUE(data.at("rule_width").is_null());
  }
}

}  // namespace

TEST(StatsHistogram, MatchesNumpyOnTheFixture) {
  for (const Case& c : kNormal) {
    SCOPED_TRACE(c.bins.dump());
    const Outcome out =
        run_ok("stats_histogram", {{"column", "normal"}, {"bins", c.bins}}, fixture());
    ASSERT_EQ(out.status, QUARRY_OK);
    check_case(out.data(), c);
    EXPECT_TRUE(out.data().at("counts_exact"));
  }
}

TEST(StatsHistogram, FixedRangeStreamsAndCountsOutsiders) {
  // numpy: np.histogram(df["normal"].dropna(), bins=20, range=(30, 70)); (x < 30).sum(), (x >
  // 70).sum()
  const std::vector<std::int64_t> expected = {31,  31,  57,  78,  92,  88, 104, 144, 130, 131,
                                              176, 143, 141, 128, 100, 88, 49,  43,  33,  21};
  const json args = {{"column", "normal"}, {"bins", 20}, {"range", {30, 70}}};
  for (const RunOptions& split : splits(fixture().rows)) {
    const Outcome out = run_ok("stats_histogram", args, fixture(), split);
    EXPECT_EQ(out.data().at("counts").get<std::vector<std::int64_t>>(), expected);
    EXPECT_EQ(out.data().at("below"), 52);
    EXPECT_EQ(out.data().at("above"), 40);
  }
  // With a rule, only in-range values shape the bins (numpy filters first): same counts here.
  const Outcome rule =
      run_ok("stats_histogram", {{"column", "normal"}, {"bins", "sturges"}, {"range", {30, 70}}},
             fixture());
  EXPECT_EQ(rule.data().at("below"), 52);
}

TEST(StatsHistogram, IntegersAndConstantsFollowNumpy) {
  // numpy: np.histogram(df["ties"].dropna().astype(np.int64), bins="auto")
  const Outcome ties = run_ok("stats_histogram", {{"column", "ties"}}, fixture());
  EXPECT_EQ(ties.data().at("bins"), 22);
  EXPECT_TRUE(near_rel(ties.data().at("edges")[1], 0.3181818181818182));
  EXPECT_EQ(ties.data().at("counts").get<std::vector<std::int64_t>>(),
            (std::vector<std::int64_t>{63, 0,   0, 305, 0,   0, 512, 0,  0, 529, 0,
                                       0,  357, 0, 0,   153, 0, 0,   37, 0, 0,   4}));
  // numpy: np.histogram(df["constant"], bins="auto") -> 1 bin over [6.5, 7.5]
  const Outcome constant = run_ok("stats_histogram", {{"column", "constant"}}, fixture());
  EXPECT_EQ(constant.data().at("bins"), 1);
  EXPECT_EQ(constant.data().at("edges"), json({6.5, 7.5}));
  EXPECT_EQ(constant.data().at("counts"), json({2000}));
}

TEST(StatsHistogram, SameResultsForAnyChunkingAndMergeOrder) {
  for (const Case& c : kNormal) {
    const json args = {{"column", "normal"}, {"bins", c.bins}};
    const Outcome whole = run_ok("stats_histogram", args, fixture());
    for (const RunOptions& split : splits(fixture().rows)) {
      const Outcome parts = run_ok("stats_histogram", args, fixture(), split);
      EXPECT_TRUE(same_json(whole.data(), parts.data(), 1e-12));
      check_case(parts.data(), c);
    }
  }
}

TEST(StatsHistogram, CategoriesMatchValueCounts) {
  // pandas: df["category"].value_counts() -> alpha 758, beta 579, gamma 409, delta 214
  const Outcome out = run_ok("stats_histogram", {{"column", "category"}, {"top", 3}}, fixture(),
                             {7, 3, MergeOrder::tree, 0, 0});
  const json& cats = out.data().at("categories");
  EXPECT_EQ(out.data().at("kind"), "category");
  EXPECT_EQ(
      cats,
      json::parse(
          R"([{"value":"alpha","count":758},{"value":"beta","count":579},{"value":"gamma","count":409}])"));
  EXPECT_EQ(out.data().at("other_count"), 214);
  EXPECT_EQ(out.data().at("distinct"), 4);
  EXPECT_EQ(out.data().at("null_count"), 40);
  // pandas: df["flag"].sum() == 827 of 2000
  const Outcome flag = run_ok("stats_histogram", {{"column", "flag"}}, fixture());
  EXPECT_EQ(flag.data().at("categories"),
            json::parse(R"([{"value":"false","count":1173},{"value":"true","count":827}])"));
}

// -0.0 is the category of 0.0: pandas pd.Series([0.0, -0.0, 0.0, -0.0, 1.5]).value_counts()
// -> 0.0: 4, 1.5: 1 (rounding a small negative gives -0.0 in real data).
TEST(StatsHistogram, NegativeZeroCountsAsZero) {
  const Table table = make_table({float_column("k", {0.0, -0.0, 0.0, -0.0, 1.5})});
  const Outcome out = run_ok("stats_histogram", {{"column", "k"}, {"kind", "category"}}, table);
  EXPECT_EQ(out.data().at("categories"),
            json::parse(R"([{"value":"0","count":4},{"value":"1.5","count":1}])"));
}

TEST(StatsHistogram, SketchCountsStayWithinTheirBound) {
  std::mt19937_64 rng(11);
  std::normal_distribution<double> dist(0.0, 1.0);
  std::vector<double> values(200000);
  for (double& v : values) v = dist(rng);
  const Table table = make_table({float_column("x", values)});
  const json args = {{"column", "x"}, {"bins", 40}};
  const Outcome exact = run_ok("stats_histogram", args, table);
  ASSERT_TRUE(exact.data().at("counts_exact"));
  const Outcome sketch =
      run_ok("stats_histogram", args, table, {5000, 3, MergeOrder::right, 0, 1 << 20});
  ASSERT_FALSE(sketch.data().at("counts_exact"));
  EXPECT_EQ(sketch.data().at("edges"), exact.data().at("edges"));  // min/max stay exact
  const auto bound = sketch.data().at("count_error_bound").get<std::int64_t>();
  EXPECT_GT(bound, 0);
  EXPECT_LT(bound, 2000);
  for (std::size_t i = 0; i < 40; ++i) {
    const auto a = sketch.data().at("counts")[i].get<std::int64_t>();
    const auto e = exact.data().at("counts")[i].get<std::int64_t>();
    EXPECT_LE(std::abs(a - e), bound) << "bin " << i;
  }
}

TEST(StatsHistogram, SvgPictureIsSmallAndWellFormed) {
  const Outcome out = run_ok("stats_histogram",
                             {{"column", "normal"}, {"bins", 500}, {"picture", "svg"}}, fixture());
  const json& content = out.result.at("content");
  ASSERT_EQ(content.size(), 2U);
  EXPECT_EQ(content[1].at("type"), "resource");
  EXPECT_EQ(content[1].at("resource").at("mimeType"), "image/svg+xml");
  const std::string svg = content[1].at("resource").at("text");
  EXPECT_EQ(svg.rfind("<svg", 0), 0U);
  EXPECT_NE(svg.find("</svg>"), std::string::npos);
  EXPECT_LT(svg.size(), 20000U);
  const Outcome image =
      run_ok("stats_histogram", {{"column", "category"}, {"picture", "svg_image"}}, fixture());
  EXPECT_EQ(image.result.at("content")[1].at("type"), "image");
  EXPECT_EQ(image.result.at("content")[1].at("mimeType"), "image/svg+xml");
}

// From -1e308 to 1e308 the range itself is beyond the largest double: numpy.histogram
// overflows to inf and fails (IndexError), and bins computed from inf put values anywhere.
// The bins are computed in halved units instead; the expected counts follow from the edges
// -1e308, -5e307, 0, 5e307, 1e308 by hand (each edge exact in binary64 to the digits shown).
TEST(StatsHistogram, ARangeWiderThanTheLargestDoubleStillCountsEveryValueInItsBin) {
  const Table table = make_table({float_column("v", {1e308, -1e308, 0, 1, 6e307, -6e307})});
  const Outcome fixed = run_ok("stats_histogram", {{"column", "v"}, {"bins", 4}}, table);
  EXPECT_EQ(fixed.data().at("counts"), json({2, 0, 2, 2}));
  const std::vector<double> edges = fixed.data().at("edges").get<std::vector<double>>();
  ASSERT_EQ(edges.size(), 5u);
  EXPECT_EQ(edges.front(), -1e308);
  EXPECT_EQ(edges[2], 0.0);
  EXPECT_EQ(edges.back(), 1e308);
  EXPECT_TRUE(near_rel(edges[1], -5e307, 1e-15));
  // The automatic rules, and a given range, count every value too.
  for (const json& args : {json{{"column", "v"}}, json{{"column", "v"}, {"bins", "sturges"}},
                           json{{"column", "v"}, {"bins", 3}, {"range", {-1e308, 1e308}}}}) {
    const Outcome out = run_ok("stats_histogram", args, table);
    std::int64_t total = 0;
    for (const json& c : out.data().at("counts")) total += c.get<std::int64_t>();
    EXPECT_EQ(total, 6) << args.dump();
    EXPECT_EQ(out.data().at("below"), 0) << args.dump();
    EXPECT_EQ(out.data().at("above"), 0) << args.dump();
  }
}

TEST(StatsHistogram, InfinitiesEmptyAndBadInput) {
  const Outcome inf = run_ok("stats_histogram", {{"column", "withinf"}, {"bins", 5}}, fixture());
  EXPECT_EQ(inf.data().at("count"), 1971);
  EXPECT_EQ(inf.data().at("infinite").at("positive"), 6);
  EXPECT_NE(inf.data().at("notes").dump().find("left out"), std::string::npos);
  const Table empty = make_table({float_column("x", {})});
  const Outcome none = run_ok("stats_histogram", {{"column", "x"}}, empty);
  EXPECT_EQ(none.data().at("counts"), json({0}));
  const Outcome missing = run("stats_histogram", {{"column", "nope"}}, fixture());
  EXPECT_EQ(missing.status, QUARRY_INVALID_ARGUMENT);
  EXPECT_NE(missing.error.find("available columns"), std::string::npos);
  const Outcome bad_range =
      run("stats_histogram", {{"column", "normal"}, {"range", {5, 1}}}, fixture());
  EXPECT_EQ(bad_range.status, QUARRY_INVALID_ARGUMENT);
}
