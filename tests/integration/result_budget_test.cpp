// The result budget through the real binary over MCP: a result over results.max_bytes keeps
// the start of the tool's own text and a cut of its structured content that still matches the
// outputSchema tools/list publishes (pipeline_run's and batch_run's included), the whole result
// goes to a compact file under the output root, and old such files are removed.

#include "mcp_process.hpp"
#include "quarry/tools/schema_validator.hpp"

#include <fstream>
#include <iterator>

#include <gtest/gtest.h>

namespace quarry::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

const std::string kPlugins = QUARRY_TEST_BINARY_DIR "/plugins";
constexpr std::size_t kMaxBytes = 8192;

// A file of `columns` numeric columns and 200 rows of made-up, deterministic values.
void write_wide(const fs::path& path, int columns) {
  std::ofstream out(path);
  for (int c = 0; c < columns; ++c) out << (c > 0 ? "," : "") << "c" << c;
  out << "\n";
  for (int r = 0; r < 200; ++r) {
    for (int c = 0; c < columns; ++c) out << (c > 0 ? "," : "") << ((r * 7 + c * 13) % 101);
    out << "\n";
  }
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), {}};
}

class ResultBudgetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    write_wide(data_.path() / "wide.csv", 60);
    for (int i = 0; i < 3; ++i) {
      std::ofstream(data_.path() / ("f" + std::to_string(i) + ".csv")) << "x\n"
                                                                       << i << "\n"
                                                                       << i + 2 << "\n";
    }
  }

  std::unique_ptr<McpProcess> serve(std::vector<std::string> settings = {}) {
    settings.insert(settings.begin(), "results.max_bytes=" + std::to_string(kMaxBytes));
    auto server = serve_with_plugins(kPlugins, data_.path(), out_.path(), home_.path(), settings);
    const json listed = server->request("tools/list");
    for (const auto& tool : listed["result"]["tools"]) {
      if (tool.contains("outputSchema")) schemas_[tool["name"]] = tool["outputSchema"];
    }
    return server;
  }

  static json call(McpProcess& server, const std::string& tool, const json& arguments) {
    const json response =
        server.request("tools/call", {{"name", tool}, {"arguments", arguments}}, 60s);
    EXPECT_TRUE(response.contains("result")) << response.dump();
    return response["result"];
  }

  // Violations of the outputSchema `tool` published, as text; empty when it matches.
  std::string violations(const std::string& tool, const json& result) const {
    const auto schema = schemas_.find(tool);
    if (schema == schemas_.end()) return tool + " publishes no outputSchema";
    return tools::describe(
        tools::SchemaValidator(schema->second, tools::UnlistedProperties::kAllowed)
            .validate(result["structuredContent"]));
  }

  static std::size_t size_of(const json& result) {
    return result["content"].dump().size() +
           result.value("structuredContent", json()).dump().size();
  }

  static std::string text_of(const json& result) {
    std::string text;
    for (const auto& block : result["content"]) {
      if (block["type"] == "text") text += block["text"].get<std::string>() + "\n";
    }
    return text;
  }

  std::vector<fs::path> kept_files() const {
    std::vector<fs::path> files;
    std::error_code ignored;
    for (const auto& entry : fs::directory_iterator(out_.path() / "results", ignored))
      files.push_back(entry.path());
    return files;
  }

  TempDir data_;
  TempDir out_;
  TempDir home_;
  std::map<std::string, json> schemas_;
};

TEST_F(ResultBudgetTest, ACutResultKeepsItsTextAndAStructuredCutThatMatchesTheOutputSchema) {
  auto server = serve();
  const json result = call(*server, "stats_correlation", {{"path", "wide.csv"}});
  ASSERT_FALSE(result.value("isError", false)) << result.dump();
  EXPECT_LE(size_of(result), kMaxBytes);
  const std::string text = result["content"][0]["text"];
  EXPECT_TRUE(text.starts_with("stats_correlation: 60 columns")) << text;
  EXPECT_NE(text.find("cut here to fit results.max_bytes = 8192"), std::string::npos) << text;
  const json& data = result["structuredContent"];
  EXPECT_EQ(violations("stats_correlation", result), "");
  EXPECT_EQ(data["truncated"], true);
  EXPECT_EQ(data["totals"]["/columns"], 60);
  EXPECT_LT(data["columns"].size(), 60u);
  EXPECT_EQ(data["pearson"].size(), data["columns"].size());
  EXPECT_NE(text_of(result).find("a file on the server's disk"), std::string::npos);

  // The whole result: one compact line with every column, the text included.
  const std::string whole_text = read_file(data["full_result"].get<std::string>());
  EXPECT_EQ(std::count(whole_text.begin(), whole_text.end(), '\n'), 0);
  const json whole = json::parse(whole_text);
  EXPECT_EQ(whole["structuredContent"]["columns"].size(), 60u);
  EXPECT_TRUE(whole["content"][0]["text"].get<std::string>().starts_with("stats_correlation"));
}

TEST_F(ResultBudgetTest, PipelineRunPublishesAnOutputSchemaItsResultsMatchWholeOrCut) {
  auto server = serve();
  ASSERT_TRUE(schemas_.contains("pipeline_run"));
  const json small = call(*server, "pipeline_run",
                          {{"input", {{"path", "f1.csv"}}},
                           {"stages", {{{"tool", "stats_describe"}}}},
                           {"output", {{"path", "copy.csv"}}}});
  ASSERT_FALSE(small.value("isError", false)) << small.dump();
  EXPECT_EQ(violations("pipeline_run", small), "");
  EXPECT_EQ(small["structuredContent"]["stages"][0]["tool"], "stats_describe");
  EXPECT_EQ(small["structuredContent"]["output"]["rows"], 2);

  const json cut =
      call(*server, "pipeline_run",
           {{"input", {{"path", "wide.csv"}}}, {"stages", {{{"tool", "stats_correlation"}}}}});
  ASSERT_FALSE(cut.value("isError", false)) << cut.dump();
  EXPECT_LE(size_of(cut), kMaxBytes);
  EXPECT_EQ(cut["structuredContent"]["truncated"], true);
  EXPECT_EQ(violations("pipeline_run", cut), "");
}

TEST_F(ResultBudgetTest, BatchRunTextCarriesEachFilesOwnRendering) {
  auto server = serve();
  const json result =
      call(*server, "batch_run",
           {{"files", "f*.csv"}, {"tool", "stats_describe"}, {"arguments", {{"columns", {"x"}}}}});
  ASSERT_FALSE(result.value("isError", false)) << result.dump();
  EXPECT_EQ(violations("batch_run", result), "");
  const std::string text = text_of(result);
  EXPECT_NE(text.find("- f1.csv: ok, 2 rows"), std::string::npos) << text;
  for (const char* file :
       {"f0.csv:\n[stats_describe] ", "f1.csv:\n[stats_describe] ", "f2.csv:\n[stats_describe] "}) {
    EXPECT_NE(text.find(file), std::string::npos) << text;
  }
  EXPECT_NE(text.find("column  count"), std::string::npos) << text;  // the tool's own table

  // Over the budget every file keeps the start of its text.
  const json wide = call(*server, "batch_run", {{"files", "wide.csv"}, {"tool", "stats_describe"}});
  EXPECT_LE(size_of(wide), kMaxBytes);
  EXPECT_EQ(violations("batch_run", wide), "");
  EXPECT_NE(text_of(wide).find("wide.csv:\n[stats_describe] stats_describe: 200 rows, 60 columns"),
            std::string::npos)
      << text_of(wide);
}

TEST_F(ResultBudgetTest, OldFullResultsAreRemovedPastKeepFiles) {
  auto server = serve({"results.keep_files=2"});
  std::string last;
  for (int i = 0; i < 3; ++i) {
    const json result = call(*server, "stats_correlation", {{"path", "wide.csv"}});
    last = result["structuredContent"]["full_result"];
  }
  const auto files = kept_files();
  EXPECT_EQ(files.size(), 2u);
  EXPECT_NE(std::find(files.begin(), files.end(), fs::path(last)), files.end());
}

TEST_F(ResultBudgetTest, KeepFilesZeroWritesNoFullResultAndSaysSo) {
  auto server = serve({"results.keep_files=0"});
  const json result = call(*server, "stats_correlation", {{"path", "wide.csv"}});
  EXPECT_LE(size_of(result), kMaxBytes);
  EXPECT_TRUE(kept_files().empty());
  EXPECT_NE(text_of(result).find("not kept (results.keep_files = 0)"), std::string::npos)
      << text_of(result);
}

}  // namespace
}  // namespace quarry::testing
