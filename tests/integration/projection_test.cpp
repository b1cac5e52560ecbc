// Column projection through the real binary over MCP: a tool that declares which arguments
// name the columns it reads gets only those (plus the `where` filter's), with the same
// results; writing rows, or a tool that declares nothing, reads every column; clients never
// see the declaration. Expected numbers are computed here from the rows the test writes.

#include "mcp_process.hpp"

#include <fstream>

#include <gtest/gtest.h>

namespace quarry::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

const std::string kPlugins = QUARRY_TEST_BINARY_DIR "/plugins";

class ProjectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // `junk` is forced to int64 below: were it read, its text would be counted as coerced.
    std::ofstream out(data_.path() / "t.csv");
    out << "id,x,junk,cat\n";
    for (int i = 1; i <= 20; ++i)
      out << i << "," << i * 0.5 << ",text" << i << ",c" << i % 3 << "\n";
  }

  std::unique_ptr<McpProcess> serve() {
    return serve_with_plugins(kPlugins, data_.path(), out_.path(), home_.path());
  }

  static json call(McpProcess& server, const std::string& tool, json arguments) {
    arguments["path"] = "t.csv";
    arguments["column_types"] = {{"junk", "int64"}};
    const json response =
        server.request("tools/call", {{"name", tool}, {"arguments", std::move(arguments)}});
    EXPECT_FALSE(response["result"].value("isError", false)) << response.dump();
    return response["result"]["structuredContent"];
  }

  static std::vector<std::string> input_columns(const json& result) {
    std::vector<std::string> names;
    for (const auto& column : result["input"]["columns"]) names.push_back(column["name"]);
    return names;
  }

  TempDir data_;
  TempDir out_;
  TempDir home_;
};

using Names = std::vector<std::string>;

TEST_F(ProjectionTest, AToolReadsOnlyTheColumnsItNames) {
  auto server = serve();
  const json result = call(*server, "stats_describe", {{"columns", {"x"}}});
  EXPECT_EQ(input_columns(result), (Names{"x"}));
  EXPECT_FALSE(result["input"].contains("coerced")) << result["input"].dump();
  EXPECT_FALSE(result["input"].contains("notes")) << result["input"].dump();
  EXPECT_EQ(result["input"]["projection"],
            "read 1 of the 4 columns (those the tools use); the others were not typed or parsed");
  ASSERT_EQ(result["columns"].size(), 1u);
  EXPECT_DOUBLE_EQ(result["columns"][0]["mean"].get<double>(), 5.25);  // mean of 0.5 .. 10
}

TEST_F(ProjectionTest, ResultsDoNotDependOnTheColumnsLeftOut) {
  auto server = serve();
  const json alone = call(*server, "stats_describe", {{"columns", {"x"}}});
  const json all = call(*server, "stats_describe", json::object());
  EXPECT_EQ(input_columns(all), (Names{"id", "x", "junk", "cat"}));
  EXPECT_TRUE(all["input"].contains("coerced"));  // every column was read
  json x_in_all;
  for (const auto& column : all["columns"]) {
    if (column["name"] == "x") x_in_all = column;
  }
  EXPECT_EQ(alone["columns"][0], x_in_all);
}

TEST_F(ProjectionTest, TheWhereFilterAndEveryStageAddTheirColumns) {
  auto server = serve();
  const json input = {{"path", "t.csv"}, {"where", "id > 10"}};
  const json stages = {
      {{"tool", "stats_describe"}, {"arguments", {{"columns", {"x"}}}}},
      {{"tool", "stats_groupby"}, {"arguments", {{"by", "cat"}, {"values", {"x"}}}}}};
  const json response = server->request(
      "tools/call",
      {{"name", "pipeline_run"}, {"arguments", {{"input", input}, {"stages", stages}}}});
  const json result = response["result"]["structuredContent"];
  EXPECT_EQ(input_columns(result), (Names{"id", "x", "cat"}));
  // x = id / 2 over id 11..20
  EXPECT_DOUBLE_EQ(result["stages"][0]["result"]["columns"][0]["mean"].get<double>(), 7.75);
  EXPECT_EQ(result["stages"][1]["result"]["groups"], 3);
}

TEST_F(ProjectionTest, WritingRowsReadsEveryColumn) {
  auto server = serve();
  const json result = call(*server, "ts_rolling",
                           {{"column", "x"}, {"window", 2}, {"output", {{"path", "rolled.csv"}}}});
  EXPECT_EQ(input_columns(result), (Names{"id", "x", "junk", "cat"}));
  std::ifstream written(out_.path() / "rolled.csv");
  std::string header;
  std::getline(written, header);
  EXPECT_EQ(header, "id,x,junk,cat,x_rolling_mean_2");
}

TEST_F(ProjectionTest, ClientsNeverSeeTheDeclaration) {
  auto server = serve();
  const json tools = server->request("tools/list")["result"]["tools"];
  ASSERT_GT(tools.size(), 10u);
  for (const auto& tool : tools) {
    EXPECT_FALSE(tool["inputSchema"].contains("x-quarry-reads")) << tool["name"];
  }
}

}  // namespace
}  // namespace quarry::testing
