// CSV files typed from a sample (exec.sample_types_min_mb), through the real binary over MCP:
// a file whose late rows contradict the guess gives exactly what a server that scans every
// row first gives (the run starts again on the full scan's types), its output file holds every
// row and no temporary is left beside it; a regular file gives the same counts and types.
// Expected values come from the same calls on a server with exec.sample_types_min_mb=0.

#include "mcp_process.hpp"

#include <cmath>
#include <fstream>
#include <random>

#include <gtest/gtest.h>

namespace quarry::testing {
namespace {

using nlohmann::json;

const std::string kPlugins = QUARRY_TEST_BINARY_DIR "/plugins";

class SampledTypesTest : public ::testing::Test {
 protected:
  // `rows` rows of id (int), x (float, some empty), tag (string), ~30 bytes each; row
  // `late_row` gets id "0.5" when given.
  void write(const std::string& name, int rows, int late_row = -1) {
    std::ofstream out(data_.path() / name);
    std::mt19937 random(11);
    std::normal_distribution<double> x(50, 10);
    out << "id,x,tag\n";
    for (int r = 0; r < rows; ++r) {
      out << (r == late_row ? std::string("0.5") : std::to_string(r)) << ',';
      if (r % 17 != 3) out << x(random);
      out << ",tag" << (random() % 7) << '\n';
    }
  }

  std::unique_ptr<McpProcess> serve(int sample_types_min_mb, const TempDir& out) {
    auto server = std::make_unique<McpProcess>(std::vector<std::string>{
        "serve", "--plugin-dir", kPlugins, "--data-root", data_.path().string(), "--output-root",
        out.path().string(), "--set", "plugins.cache_dir=" + (home_.path() / "cache").string(),
        "--set", "cache.columns_max_mb=0", "--set", "memory.chunk_kb=64", "--set",
        "exec.sample_types_min_mb=" + std::to_string(sample_types_min_mb), "--log-level", "warn"});
    server->initialize();
    return server;
  }

  static json call(McpProcess& server, const std::string& tool, const json& arguments) {
    return server.request("tools/call", {{"name", tool}, {"arguments", arguments}})["result"];
  }

  // Same types, counts, extremes and quantiles; moments to 1e-12 relative (partial sums of
  // chunks merge in whatever order the threads finish, in any run, so the last bits differ).
  static void expect_same_description(const json& guessed, const json& full) {
    const json& a = guessed["structuredContent"]["columns"];
    const json& b = full["structuredContent"]["columns"];
    ASSERT_EQ(a.size(), 3U);
    ASSERT_EQ(b.size(), 3U);
    for (std::size_t c = 0; c < a.size(); ++c) {
      for (const char* exact : {"type", "count", "null_count", "min", "max", "percentiles"}) {
        EXPECT_EQ(a[c].value(exact, json()), b[c].value(exact, json())) << exact;
      }
      for (const char* moment : {"mean", "std", "skewness", "kurtosis"}) {
        if (!a[c].contains(moment)) continue;
        const double value = a[c][moment].get<double>();
        EXPECT_NEAR(value, b[c][moment].get<double>(), 1e-12 * std::max(1.0, std::abs(value)))
            << moment;
      }
    }
  }

  static std::string file_text(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }

  TempDir data_;
  TempDir home_;
  TempDir sampled_out_;
  TempDir scanned_out_;
};

TEST_F(SampledTypesTest, LateContradictionGivesTheFullScansResultAndOutput) {
  write("late.csv", 80000, 79990);  // ~2.5 MB; the probes do not reach the last rows
  auto sampled = serve(1, sampled_out_);
  auto scanned = serve(0, scanned_out_);
  const json arguments = {{"path", "late.csv"}};
  const json guessed = call(*sampled, "stats_describe", arguments);
  const json full = call(*scanned, "stats_describe", arguments);
  ASSERT_FALSE(guessed.value("isError", false)) << guessed.dump();
  expect_same_description(guessed, full);
  EXPECT_EQ(guessed["structuredContent"]["columns"][0]["type"], "float64");

  const json fill = {{"path", "late.csv"},
                     {"fill", {{"x", {{"method", "constant"}, {"value", 0}}}}},
                     {"output", {{"path", "filled.csv"}}}};
  const json written = call(*sampled, "clean_fill_missing", fill);
  ASSERT_FALSE(written.value("isError", false)) << written.dump();
  ASSERT_FALSE(call(*scanned, "clean_fill_missing", fill).value("isError", false));
  const std::string text = file_text(sampled_out_.path() / "filled.csv");
  EXPECT_EQ(text, file_text(scanned_out_.path() / "filled.csv"));
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 80001);
  EXPECT_NE(text.find("\n0.5,"), std::string::npos);
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(sampled_out_.path())) {
    EXPECT_EQ(entry.path().filename(), "filled.csv");
    ++files;
  }
  EXPECT_EQ(files, 1U);
}

TEST_F(SampledTypesTest, RegularFileGivesTheSameCountsTypesAndMeans) {
  write("regular.csv", 80000);
  auto sampled = serve(1, sampled_out_);
  auto scanned = serve(0, scanned_out_);
  const json guessed = call(*sampled, "stats_describe", {{"path", "regular.csv"}});
  const json full = call(*scanned, "stats_describe", {{"path", "regular.csv"}});
  ASSERT_FALSE(guessed.value("isError", false)) << guessed.dump();
  expect_same_description(guessed, full);
  EXPECT_EQ(guessed["structuredContent"]["columns"][0]["type"], "int64");
}

}  // namespace
}  // namespace quarry::testing
