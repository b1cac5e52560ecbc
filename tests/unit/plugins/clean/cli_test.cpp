// The clean tools through the real host binary (quarry call … with `output`): the written
// files are byte-identical whatever the chunk size (memory.chunk_kb) and thread count
// (exec.threads), two-pass stages included, and the reports arrive with the output.

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

struct Sandbox {
  fs::path root = fs::temp_directory_path() / ("quarry_clean_cli_" + std::to_string(::getpid()));
  Sandbox() {
    fs::remove_all(root);
    fs::create_directories(root / "data");
    fs::create_directories(root / "out");
    fs::copy_file(
        fs::path(QUARRY_TEST_SOURCE_DIR) / "unit/plugins/clean/fixtures/clean_fixture.csv",
        root / "data" / "clean_fixture.csv");
  }
  ~Sandbox() { fs::remove_all(root); }

  // Runs `quarry call tool` and returns the parsed CallToolResult.
  json call(const std::string& tool, const json& args, int chunk_kb, int threads) const {
    const fs::path plugins = fs::path(QUARRY_CLEAN_PLUGIN).parent_path();
    const fs::path result = root / "result.json";
    const std::string command = std::string(QUARRY_BINARY) + " --log-level error --plugin-dir '" +
                                plugins.string() + "' --data-root '" + (root / "data").string() +
                                "' --output-root '" + (root / "out").string() +
                                "' --set plugins.cache_dir='" + (root / "cache").string() +
                                "' --set memory.chunk_kb=" + std::to_string(chunk_kb) +
                                " --set exec.threads=" + std::to_string(threads) + " call " + tool +
                                " --json --args '" + args.dump() + "' > '" + result.string() + "'";
    if (std::system(command.c_str()) != 0) ADD_FAILURE() << command;
    std::ifstream in(result);
    return json::parse(in);
  }

  std::string read(const std::string& name) const {
    std::ifstream in(root / "out" / name, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
};

// Runs `tool` with `args` + an output file at several chunk sizes and thread counts and
// expects the same bytes each time; returns the first run's result.
json expect_same_bytes(const Sandbox& box, const std::string& tool, json args) {
  json first;
  std::string reference;
  int run = 0;
  for (const auto& [kb, threads] :
       {std::pair{0, 0}, std::pair{4, 1}, std::pair{16, 2}, std::pair{4, 4}}) {
    const std::string name = tool + "_" + std::to_string(run++) + ".csv";
    args["output"] = {{"path", name}};
    const json result = box.call(tool, args, kb, threads);
    EXPECT_FALSE(result.value("isError", false)) << result.dump();
    const std::string bytes = box.read(name);
    EXPECT_GT(bytes.size(), 100u);
    if (reference.empty()) {
      reference = bytes;
      first = result;
    } else {
      EXPECT_EQ(bytes, reference) << tool << " chunk_kb=" << kb << " threads=" << threads;
    }
  }
  return first;
}

}  // namespace

TEST(CleanCli, FillDedupOutliersNormalizeWriteTheSameBytesWhateverTheChunkingAndThreads) {
  const Sandbox box;
  const json fill = expect_same_bytes(
      box, "clean_fill_missing",
      {{"path", "clean_fixture.csv"},
       {"fill", {{"a", "interpolate"}, {"b", "median"}, {"c", "mean"}, {"g", "bfill"}}}});
  EXPECT_EQ(fill["structuredContent"]["rows_in"], 1200) << fill.dump();
  const json dedup =
      expect_same_bytes(box, "clean_dedup", {{"path", "clean_fixture.csv"}, {"keep", "last"}});
  EXPECT_EQ(dedup["structuredContent"]["rows_out"], 1100) << dedup.dump();
  expect_same_bytes(box, "clean_outliers",
                    {{"path", "clean_fixture.csv"}, {"method", "iqr"}, {"action", "clip"}});
  expect_same_bytes(
      box, "clean_normalize",
      {{"path", "clean_fixture.csv"}, {"columns", {{"amount", {{"parse", "number"}}}}}});
  expect_same_bytes(box, "clean_convert", {{"path", "clean_fixture.csv"}, {"min_share", 0.99}});
}

// pipeline_run with three two-pass stages in a row: each later pass replays the stream the
// pass before it recorded (disk space permitting, under plugins.cache_dir/spill) instead
// of running the earlier stages again. The file must be the one the tools write when run
// one after the other on each other's output, whatever the chunking and threads.
TEST(CleanCli, APipelineOfTwoPassStagesWritesWhatTheToolsWriteOneAfterTheOther) {
  const Sandbox box;
  const json dedup = {{"tool", "clean_dedup"}, {"arguments", {{"keep", "last"}}}};
  const json fill = {
      {"tool", "clean_fill_missing"},
      {"arguments", {{"fill", {{"a", "interpolate"}, {"c", "mean"}, {"g", "bfill"}}}}}};
  const json outliers = {{"tool", "clean_outliers"},
                         {"arguments", {{"method", "iqr"}, {"action", "clip"}}}};
  const json piped = expect_same_bytes(
      box, "pipeline_run",
      {{"input", {{"path", "clean_fixture.csv"}}}, {"stages", {dedup, fill, outliers}}});
  const json& stages = piped["structuredContent"]["stages"];
  ASSERT_EQ(stages.size(), 3u) << piped.dump();
  EXPECT_EQ(stages[0]["result"]["rows_out"], 1100) << piped.dump();
  const std::string text = piped["content"][0]["text"];
  EXPECT_NE(text.find("in 4 passes (two-pass stages; 2 of them replayed"), std::string::npos)
      << text;
  EXPECT_EQ(piped["structuredContent"]["passes"], json({{"total", 4}, {"replayed", 2}}));
  EXPECT_TRUE(fs::is_empty(box.root / "cache" / "spill"));  // the recordings had no names

  std::string input = "clean_fixture.csv";
  int step = 0;
  for (const json& stage : {dedup, fill, outliers}) {
    json args = stage["arguments"];
    args["path"] = input;
    input = "step" + std::to_string(step++) + ".csv";
    args["output"] = {{"path", input}};
    const json result = box.call(stage["tool"], args, 0, 0);
    EXPECT_FALSE(result.value("isError", false)) << result.dump();
    fs::copy_file(box.root / "out" / input, box.root / "data" / input);
  }
  EXPECT_EQ(box.read(input), box.read("pipeline_run_0.csv"));
}
