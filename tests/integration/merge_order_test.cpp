// Mergeable stages through the real binary: a result is the same every run, on one thread
// or two, read from the CSV or from the column cache — also where quantiles come from the
// sketch, whose summary depends on the order its partial states are merged in, and where they
// come from a second read.

#include "mcp_process.hpp"

#include <fstream>
#include <random>

#include <gtest/gtest.h>

namespace quarry::testing {
namespace {

using nlohmann::json;

const std::string kPlugins = QUARRY_TEST_BINARY_DIR "/plugins";

class MergeOrderTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    data_ = new TempDir();
    // 300,000 rows of two skewed columns: under an 8 MiB budget the values do not fit, so
    // describe's one-pass quantiles come from the sketch; the file spans dozens of chunks.
    std::ofstream out(data_->path() / "skewed.csv");
    out << "g,x,y\n";
    std::mt19937_64 random(11);
    std::lognormal_distribution<double> lognormal(0.0, 1.5);
    std::normal_distribution<double> normal;
    for (int i = 0; i < 300000; ++i) {
      out << "g" << random() % 5 << ',' << lognormal(random) << ',' << normal(random) << '\n';
    }
  }
  static void TearDownTestSuite() { delete data_; }

  // The structured result of `tool` on skewed.csv with `settings` (threads, cache).
  json call(const std::string& tool, json arguments, const std::vector<std::string>& settings) {
    std::vector<std::string> args = {"serve",
                                     "--plugin-dir",
                                     kPlugins,
                                     "--data-root",
                                     data_->path(),
                                     "--output-root",
                                     out_.path(),
                                     "--set",
                                     "memory.budget_mb=8",
                                     "--set",
                                     "plugins.cache_dir=" + (home_.path() / "cache").string(),
                                     "--log-level",
                                     "warn"};
    for (const auto& setting : settings) args.insert(args.end(), {"--set", setting});
    McpProcess server(args);
    server.initialize();
    arguments["path"] = "skewed.csv";
    const json response = server.request("tools/call", {{"name", tool}, {"arguments", arguments}},
                                         std::chrono::seconds(60));
    EXPECT_FALSE(response["result"].value("isError", false)) << response.dump();
    return response["result"]["structuredContent"];
  }

  // The same call on one thread, on two (twice: timing differs), without and with the
  // column cache; every result must equal the first.
  void expect_identical_runs(const std::string& tool, const json& arguments) {
    const json reference = call(tool, arguments, {"exec.threads=1", "cache.columns_max_mb=0"});
    ASSERT_TRUE(reference.is_object());
    for (const auto& settings : std::vector<std::vector<std::string>>{
             {"exec.threads=2", "cache.columns_max_mb=0"},
             {"exec.threads=2"},  // parses the CSV and fills the cache
             {"exec.threads=2"},  // served from the cache
             {"exec.threads=1"}}) {
      EXPECT_EQ(call(tool, arguments, settings), reference) << settings.front();
    }
  }

  static TempDir* data_;
  TempDir out_;
  TempDir home_;
};
TempDir* MergeOrderTest::data_ = nullptr;

TEST_F(MergeOrderTest, SketchedQuantilesAreTheSameEveryRun) {
  const json arguments = {{"percentiles", {0.01, 0.5, 0.99}}, {"quantiles", "one_pass"}};
  const json result = call("stats_describe", arguments, {});
  ASSERT_TRUE(result.contains("columns")) << result.dump();
  for (const json& column : result["columns"]) {
    if (column["type"] == "float64") {
      EXPECT_FALSE(column.value("quantiles_exact", true))
          << "the fixture should be too large for exact quantiles: " << column.dump();
    }
  }
  expect_identical_runs("stats_describe", arguments);
}

// By default quantiles take a second read and are exact under the same budget, on any
// thread count, and whether the second read parses the CSV again or reads the column cache.
TEST_F(MergeOrderTest, TwoPassQuantilesAreExactEveryRun) {
  const json arguments = {{"percentiles", {0.01, 0.5, 0.99}}};
  const json result = call("stats_describe", arguments, {});
  ASSERT_TRUE(result.contains("columns")) << result.dump();
  for (const json& column : result["columns"]) {
    if (column["type"] == "float64") {
      EXPECT_TRUE(column.value("quantiles_exact", false)) << column.dump();
    }
  }
  expect_identical_runs("stats_describe", arguments);
}

// Sums, means and co-moments in floating point depend on the order partial states merge.
TEST_F(MergeOrderTest, GroupStatisticsAndCorrelationsAreTheSameEveryRun) {
  expect_identical_runs(
      "stats_groupby",
      {{"by", {"g"}}, {"values", {"x", "y"}}, {"aggregations", {"sum", "mean", "std"}}});
  expect_identical_runs("stats_correlation", {{"methods", {"pearson", "covariance"}}});
}

}  // namespace
}  // namespace quarry::testing
