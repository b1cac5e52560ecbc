// batch_run through the real binary over MCP: a glob over several files (one of them
// broken) with bounded concurrency, per-file results and errors, per-file outputs.
// Expected numbers are computed here from the rows the test writes.

#include "mcp_process.hpp"

#include <fstream>
#include <iterator>

#include <gtest/gtest.h>

namespace quarry::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

const std::string kPlugins = QUARRY_TEST_BINARY_DIR "/plugins";

void write(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

class BatchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    write(data_.path() / "2024-01.csv", "x,y\n1,10\n2,20\n3,30\n");
    write(data_.path() / "2024-02.csv", "x,y\n4,40\n5,50\n");
    write(data_.path() / "nested/2024-03.csv", "x,y\n6,60\n");
    write(data_.path() / "2024-bad.csv", "x,y\n1,\"open\n");
    write(data_.path() / "0-bad.csv", "");  // empty: sorts first among *.csv
    write(data_.path() / "notes.txt", "not matched\n");
  }

  std::unique_ptr<McpProcess> serve() {
    return serve_with_plugins(kPlugins, data_.path(), out_.path(), home_.path());
  }

  json call(const std::unique_ptr<McpProcess>& server, const json& arguments) {
    const json response =
        server->request("tools/call", {{"name", "batch_run"}, {"arguments", arguments}});
    EXPECT_TRUE(response.contains("result")) << response.dump();
    return response["result"];
  }

  TempDir data_;
  TempDir out_;
  TempDir home_;
};

// The "mean" of column x in a stats_describe result entry.
double mean_of_x(const json& entry) {
  return entry["stages"][0]["result"]["columns"][0]["mean"].get<double>();
}

TEST_F(BatchTest, RunsAToolOnEveryMatchingFileAndListsTheFailures) {
  auto server = serve();
  const json result = call(server, {{"files", "**/2024-*.csv"},
                                    {"tool", "stats_describe"},
                                    {"arguments", {{"columns", {"x"}}}},
                                    {"max_concurrency", 2}});
  EXPECT_FALSE(result.value("isError", false));
  const json& data = result["structuredContent"];
  EXPECT_EQ(data["matched"], 4);
  EXPECT_EQ(data["succeeded"], 3);
  EXPECT_EQ(data["failed"], 1);
  EXPECT_FALSE(data["complete"].get<bool>());
  ASSERT_EQ(data["errors"].size(), 1u);
  EXPECT_EQ(data["errors"][0]["path"], "2024-bad.csv");
  EXPECT_NE(data["errors"][0]["message"].get<std::string>().find("never closed"),
            std::string::npos);
  // Sorted by path; means of x computed from the rows written above.
  const json& results = data["results"];
  ASSERT_EQ(results.size(), 4u);
  EXPECT_EQ(results[0]["path"], "2024-01.csv");
  EXPECT_DOUBLE_EQ(mean_of_x(results[0]), 2.0);
  EXPECT_EQ(results[1]["path"], "2024-02.csv");
  EXPECT_DOUBLE_EQ(mean_of_x(results[1]), 4.5);
  EXPECT_EQ(results[2]["status"], "failed");
  EXPECT_EQ(results[2]["error"]["transient"], false);
  EXPECT_EQ(results[2]["attempts"], 1);  // bad data is not retried
  EXPECT_EQ(results[3]["path"], "nested/2024-03.csv");
  EXPECT_DOUBLE_EQ(mean_of_x(results[3]), 6.0);
}

TEST_F(BatchTest, WritesEachFilesRowsUnderTheOutputDirectory) {
  auto server = serve();
  const json result = call(server, {{"files", "2024-0*.csv"},
                                    {"stages", {{{"tool", "stats_describe"}}}},
                                    {"output_dir", "copies"},
                                    {"output_format", "jsonl"}});
  ASSERT_EQ(result["structuredContent"]["succeeded"], 2) << result.dump();
  EXPECT_TRUE(fs::exists(out_.path() / "copies/2024-01.jsonl"));
  EXPECT_TRUE(fs::exists(out_.path() / "copies/2024-02.jsonl"));
  std::ifstream in(out_.path() / "copies/2024-02.jsonl");
  std::string first;
  std::getline(in, first);
  EXPECT_EQ(json::parse(first), json::parse(R"({"x":4,"y":40})"));
}

TEST_F(BatchTest, DecimalCommaOutputsWriteEuropeanCsvAndRefuseWhatCannotHoldIt) {
  write(data_.path() / "eu/2024-04.csv", "x,y\n1.5,2\n-0.25,3\n");
  auto server = serve();
  const json batch = call(server, {{"files", "eu/*.csv"},
                                   {"stages", {{{"tool", "stats_describe"}}}},
                                   {"output_dir", "eu-out"},
                                   {"output_decimal", ","}});
  ASSERT_EQ(batch["structuredContent"]["succeeded"], 1) << batch.dump();
  std::ifstream batch_file(out_.path() / "eu-out/eu/2024-04.csv");
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(batch_file), {}), "x;y\n1,5;2\n-0,25;3\n");

  const json refused = call(server, {{"files", "eu/*.csv"},
                                     {"stages", {{{"tool", "stats_describe"}}}},
                                     {"output_dir", "eu-jsonl"},
                                     {"output_format", "jsonl"},
                                     {"output_decimal", ","}});
  EXPECT_TRUE(refused.value("isError", false)) << refused.dump();
  EXPECT_NE(refused.dump().find("applies to csv and tsv outputs"), std::string::npos)
      << refused.dump();

  const auto pipeline = [&](const json& output) {
    return server->request("tools/call", {{"name", "pipeline_run"},
                                          {"arguments",
                                           {{"input", {{"path", "eu/2024-04.csv"}}},
                                            {"stages", {{{"tool", "stats_describe"}}}},
                                            {"output", output}}}})["result"];
  };
  const json piped = pipeline({{"path", "piped.csv"}, {"decimal", ","}, {"delimiter", "|"}});
  EXPECT_FALSE(piped.value("isError", false)) << piped.dump();
  std::ifstream piped_file(out_.path() / "piped.csv");
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(piped_file), {}), "x|y\n1,5|2\n-0,25|3\n");
  const json clash = pipeline({{"path", "clash.csv"}, {"decimal", ","}, {"delimiter", ","}});
  EXPECT_TRUE(clash.value("isError", false)) << clash.dump();
  EXPECT_NE(clash.dump().find("are both ','"), std::string::npos) << clash.dump();
  EXPECT_FALSE(fs::exists(out_.path() / "clash.csv"));
}

TEST_F(BatchTest, StopOnErrorSkipsTheFilesAfterTheFirstFailure) {
  auto server = serve();
  const json result = call(server, {{"files", "*.csv"},
                                    {"tool", "stats_describe"},
                                    {"max_concurrency", 1},
                                    {"stop_on_error", true}});
  const json& data = result["structuredContent"];
  // Sorted, one at a time: 0-bad.csv (empty) fails first; the other three are skipped.
  EXPECT_TRUE(result.value("isError", false));  // nothing succeeded
  EXPECT_EQ(data["failed"], 1);
  EXPECT_EQ(data["succeeded"], 0);
  EXPECT_EQ(data["skipped"], 3);
  EXPECT_EQ(data["results"][0]["path"], "0-bad.csv");
  EXPECT_NE(data["results"][0]["error"]["message"].get<std::string>().find("empty"),
            std::string::npos);
  EXPECT_EQ(data["results"][1]["status"], "skipped");
}

TEST_F(BatchTest, PatternsOutsideTheDataRootsAndEmptyMatchesAreClearErrors) {
  auto server = serve();
  json result = call(server, {{"files", "../*.csv"}, {"tool", "stats_describe"}});
  EXPECT_TRUE(result.value("isError", false));
  EXPECT_NE(result.dump().find("outside the data roots"), std::string::npos) << result.dump();
  result = call(server, {{"files", "*.parquet"}, {"tool", "stats_describe"}});
  EXPECT_TRUE(result.value("isError", false));
  EXPECT_NE(result.dump().find("No file matches"), std::string::npos) << result.dump();
  result = call(server, {{"files", "*.csv"}});
  EXPECT_TRUE(result.value("isError", false));
  EXPECT_NE(result.dump().find("give the tool to run"), std::string::npos) << result.dump();
  result = call(server, {{"files", "*.csv"}, {"tool", "no_such_tool"}});
  EXPECT_TRUE(result.value("isError", false));
  EXPECT_NE(result.dump().find("no plugin tool named 'no_such_tool'"), std::string::npos);
}

TEST_F(BatchTest, SymlinkedFilesKeepTheirOwnNamesAndEachGetsItsOwnOutput) {
  write(data_.path() / "big.csv", "d,v\n1,10\n1,10\n2,20\n");
  fs::create_directories(data_.path() / "links");
  for (const char* name : {"b1.csv", "b2.csv", "b3.csv"})
    fs::create_symlink("../big.csv", data_.path() / "links" / name);
  auto server = serve();
  const json arguments = {{"files", "links/*.csv"},
                          {"tool", "clean_dedup"},
                          {"arguments", {{"columns", {"d"}}}},
                          {"output_dir", "dedup"},
                          {"overwrite", true}};
  for (int run = 0; run < 2; ++run) {  // the second run overwrites each file, none collide
    const json result = call(server, arguments);
    const json& data = result["structuredContent"];
    ASSERT_EQ(data["succeeded"], 3) << result.dump();
    for (int i = 0; i < 3; ++i) {
      const std::string name = "links/b" + std::to_string(i + 1) + ".csv";
      EXPECT_EQ(data["results"][i]["path"], name);
      EXPECT_EQ(data["results"][i]["output"]["rows"], 2);
      std::ifstream written(out_.path() / "dedup" / name);
      EXPECT_EQ(std::string(std::istreambuf_iterator<char>(written), {}), "d,v\n1,10\n2,20\n");
    }
  }
  EXPECT_FALSE(fs::exists(out_.path() / "dedup" / "big.csv"));
}

}  // namespace
}  // namespace quarry::testing
