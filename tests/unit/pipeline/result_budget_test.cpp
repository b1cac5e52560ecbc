// The result budget (quarry/pipeline/result_budget.hpp): a result over results.max_bytes or
// with lists longer than results.max_rows keeps the start of its text and a cut of its
// structured content that still matches the tool's outputSchema, says what was cut and where
// the whole is, and the whole is written once, compact.

#include "quarry/pipeline/result_budget.hpp"

#include "quarry/tools/schema_validator.hpp"

#include <gtest/gtest.h>

#include <fmt/format.h>

namespace quarry::pipeline {
namespace {

using nlohmann::json;

// Collects what the budget writes instead of touching the disk.
struct Kept {
  std::vector<std::pair<std::string, std::string>> files;
  FullResultWriter writer() {
    return [this](const std::string& tool, const std::string& text) {
      files.emplace_back(tool, text);
      return std::filesystem::path("/out/results/" + tool + "-1.json");
    };
  }
};

tools::ToolDescriptor matrix_tool() {
  tools::ToolDescriptor tool;
  tool.name = "stats_correlation";
  const json matrix = {{"type", "array"},
                       {"items", {{"type", "array"}, {"items", {{"type", "number"}}}}}};
  tool.output_schema = json{{"type", "object"},
                            {"properties",
                             {{"columns", {{"type", "array"}, {"items", {{"type", "string"}}}}},
                              {"pearson", matrix},
                              {"truncated", {{"type", "boolean"}}},
                              {"totals", {{"type", "object"}}},
                              {"full_result", {{"type", "string"}}}}},
                            {"required", {"columns", "pearson"}}};
  tool.input_schema = {{"type", "object"},
                       {"properties", {{"top", {{"type", "integer"}, {"default", 5}}}}}};
  return tool;
}

// A correlation-like result over `n` columns, with a text rendering of one line per column.
tools::ToolResult matrix_result(std::size_t n) {
  json columns = json::array();
  json pearson = json::array();
  std::string text = "stats_correlation: " + std::to_string(n) + " columns\n";
  for (std::size_t i = 0; i < n; ++i) {
    columns.push_back(fmt::format("c{:04}", i));
    json row = json::array();
    for (std::size_t j = 0; j < n; ++j) row.push_back(i == j ? 1.0 : 0.0123456789 * (i + j));
    pearson.push_back(std::move(row));
    text += fmt::format("c{:04}  {}\n", i, std::string(200, '0' + static_cast<char>(i % 10)));
  }
  return tools::ToolResult::structured_with_text({{"columns", columns}, {"pearson", pearson}},
                                                 text);
}

std::size_t size_of(const tools::ToolResult& result) {
  return result.content.dump().size() + (result.structured ? result.structured->dump().size() : 0);
}

std::string all_text(const tools::ToolResult& result) {
  std::string text;
  for (const auto& block : result.content) {
    if (block.value("type", "") == "text") text += block["text"].get<std::string>() + "\n";
  }
  return text;
}

bool matches_schema(const tools::ToolDescriptor& tool, const json& value) {
  return tools::SchemaValidator(*tool.output_schema, tools::UnlistedProperties::kAllowed)
      .validate(value)
      .empty();
}

TEST(ResultBudget, AResultWithinTheBudgetIsUnchangedAndNotWritten) {
  Kept kept;
  const auto small = matrix_result(3);
  const auto out = apply_budget(small, {}, matrix_tool(), json::object(), kept.writer());
  EXPECT_EQ(out.content, small.content);
  EXPECT_EQ(out.structured, small.structured);
  EXPECT_TRUE(kept.files.empty());
}

TEST(ResultBudget, ALongTextKeepsItsFirstLinesAndSaysHowMuchWasCutAndWhereTheWholeIs) {
  Kept kept;
  const ResultBudget budget{8 * 1024, 1000};
  const auto out =
      apply_budget(matrix_result(30), budget, matrix_tool(), json::object(), kept.writer());
  EXPECT_LE(size_of(out), budget.max_bytes);
  const std::string text = out.content[0]["text"];
  EXPECT_TRUE(text.starts_with("stats_correlation: 30 columns\nc0000  000"));
  // Cut after a whole line, followed by the note.
  const auto note = text.find("\n[… ");
  ASSERT_NE(note, std::string::npos) << text;
  EXPECT_EQ(text[note - 1], '\n') << text;
  EXPECT_NE(text.find("more lines ("), std::string::npos) << text;
  EXPECT_NE(text.find("cut here to fit results.max_bytes = 8192"), std::string::npos) << text;
  EXPECT_NE(all_text(out).find("/out/results/stats_correlation-1.json, a file on the server's "
                               "disk"),
            std::string::npos)
      << all_text(out);
  EXPECT_EQ(out.content.back()["type"], "resource_link");
  EXPECT_EQ(out.content.back()["uri"], "file:///out/results/stats_correlation-1.json");
}

TEST(ResultBudget, TheWholeResultIsWrittenOnceAsCompactJsonWithItsText) {
  Kept kept;
  const auto whole = matrix_result(60);
  (void)apply_budget(whole, {}, matrix_tool(), json::object(), kept.writer());
  ASSERT_EQ(kept.files.size(), 1u);
  EXPECT_EQ(kept.files[0].first, "stats_correlation");
  EXPECT_EQ(kept.files[0].second.find('\n'), std::string::npos);  // compact: one line
  const json file = json::parse(kept.files[0].second);
  EXPECT_EQ(file["structuredContent"], *whole.structured);
  EXPECT_EQ(file["content"], whole.content);
  EXPECT_EQ(file["tool"], "stats_correlation");
}

TEST(ResultBudget, ListsLongerThanMaxRowsAreCutWithTheirTrueLengthsAndNamedInTheNote) {
  Kept kept;
  const ResultBudget budget{1'000'000, 10};
  const auto out =
      apply_budget(matrix_result(25), budget, matrix_tool(), json::object(), kept.writer());
  const json& data = *out.structured;
  EXPECT_EQ(data["truncated"], true);
  EXPECT_EQ(data["columns"].size(), 10u);
  EXPECT_EQ(data["pearson"].size(), 10u);
  EXPECT_EQ(data["pearson"][9].size(), 10u);
  EXPECT_EQ(data["totals"], json::parse(R"({"/columns": 25, "/pearson": 25, "/pearson/*": 25})"));
  EXPECT_EQ(data["full_result"], "/out/results/stats_correlation-1.json");
  EXPECT_TRUE(matches_schema(matrix_tool(), data));
  const std::string note = out.content[out.content.size() - 2]["text"];
  EXPECT_NE(note.find("Lists cut to their first 10 items (results.max_rows = 10)"),
            std::string::npos)
      << note;
  EXPECT_NE(note.find("columns (25 → 10 columns)"), std::string::npos) << note;
  EXPECT_NE(note.find("pearson (25 × 25 → 10 × 10)"), std::string::npos) << note;
  EXPECT_EQ(note.find("pearson/*"), std::string::npos) << note;
  EXPECT_EQ(note.find(" rows)"), std::string::npos) << note;  // no list here is of rows
  EXPECT_NE(note.find("raise results.max_rows"), std::string::npos) << note;
}

TEST(ResultBudget, StructuredContentOverItsShareIsCutShorterUntilItFitsAndStillMatches) {
  Kept kept;
  const ResultBudget budget{32 * 1024, 50};
  const auto out =
      apply_budget(matrix_result(300), budget, matrix_tool(), json::object(), kept.writer());
  EXPECT_LE(size_of(out), budget.max_bytes);
  const json& data = *out.structured;
  EXPECT_TRUE(matches_schema(matrix_tool(), data));
  const std::size_t kept_columns = data["columns"].size();
  EXPECT_LT(kept_columns, 50u);
  EXPECT_GT(kept_columns, 5u);
  EXPECT_EQ(data["pearson"].size(), kept_columns);
  EXPECT_EQ(data["totals"]["/columns"], 300);
  const std::string note = out.content[out.content.size() - 2]["text"];
  EXPECT_NE(note.find(fmt::format("Lists cut to their first {} items (fewer than "
                                  "results.max_rows = 50, so that the structured content fits "
                                  "results.max_bytes = 32768)",
                                  kept_columns)),
            std::string::npos)
      << note;
  // Text-only clients still get the start of the tool's own rendering.
  EXPECT_TRUE(out.content[0]["text"].get<std::string>().starts_with("stats_correlation: 300"));
}

TEST(ResultBudget, ACutThatWouldBreakTheOutputSchemaSendsTheStructuredContentWholeAndSaysSo) {
  Kept kept;
  auto tool = matrix_tool();
  (*tool.output_schema)["properties"]["columns"]["minItems"] = 20;
  const auto whole = matrix_result(25);
  const auto out = apply_budget(whole, {1'000'000, 10}, tool, json::object(), kept.writer());
  EXPECT_EQ(out.structured, whole.structured);
  EXPECT_NE(all_text(out).find("could not be cut without breaking stats_correlation's "
                               "outputSchema"),
            std::string::npos)
      << all_text(out);
}

TEST(ResultBudget, ASchemaWithoutRoomForTheCutMarksGetsTheCutWithoutThem) {
  Kept kept;
  auto tool = matrix_tool();
  auto& properties = (*tool.output_schema)["properties"];
  properties.erase("truncated");
  properties.erase("totals");
  properties.erase("full_result");
  (*tool.output_schema)["additionalProperties"] = false;
  const auto out =
      apply_budget(matrix_result(25), {1'000'000, 10}, tool, json::object(), kept.writer());
  EXPECT_EQ((*out.structured)["columns"].size(), 10u);
  EXPECT_FALSE(out.structured->contains("truncated"));
  EXPECT_TRUE(matches_schema(tool, *out.structured));
  EXPECT_NE(all_text(out).find("columns (25 → 10 columns)"), std::string::npos) << all_text(out);
}

TEST(ResultBudget, LimitsTheCallAskedForAboveTheBudgetAreNamed) {
  Kept kept;
  tools::ToolDescriptor tool;
  tool.name = "ts_resample";
  tool.input_schema = {{"type", "object"},
                       {"properties",
                        {{"max_rows", {{"type", "integer"}, {"default", 10000}}},
                         {"max_points", {{"type", "integer"}, {"default", 1000}}},
                         {"top", {{"type", "integer"}, {"default", 5}}}}}};
  json rows = json::array();
  for (int i = 0; i < 80; ++i) rows.push_back({{"time", i}});
  const auto result = tools::ToolResult::structured_with_text({{"rows", rows}}, "80 buckets");
  const auto out =
      apply_budget(result, {1'000'000, 50}, tool, {{"max_rows", 1'000'000}}, kept.writer());
  const std::string note = out.content[out.content.size() - 2]["text"];
  EXPECT_NE(note.find("rows (80 → 50 rows)"), std::string::npos) << note;
  EXPECT_NE(note.find("The call's own limits allow more: max_rows = 1000000, max_points = "
                      "1000 (its default)."),
            std::string::npos)
      << note;
  EXPECT_EQ(note.find("top ="), std::string::npos) << note;
}

TEST(ResultBudget, WithoutAWriterTheNoteSaysTheWholeResultWasNotKept) {
  const auto out = apply_budget(matrix_result(60), {}, matrix_tool(), json::object(), {});
  EXPECT_NE(all_text(out).find("it was not kept (results.keep_files = 0)"), std::string::npos)
      << all_text(out);
  EXPECT_NE(out.content.back()["type"], "resource_link");
  EXPECT_FALSE(out.structured->contains("full_result"));
}

TEST(ResultBudget, TextBlocksShareTheBudgetTheLargestCutFirst) {
  Kept kept;
  tools::ToolDescriptor tool;
  tool.name = "batch_run";
  tools::ToolResult result;
  std::string big;
  for (int i = 0; i < 400; ++i) big += fmt::format("line {} of the first file's text\n", i);
  result.content = json::array({{{"type", "text"}, {"text", "3 files: all ok"}},
                                {{"type", "text"}, {"text", big}},
                                {{"type", "text"}, {"text", big}}});
  const ResultBudget budget{6 * 1024, 50};
  const auto out = apply_budget(result, budget, tool, json::object(), kept.writer());
  EXPECT_LE(size_of(out), budget.max_bytes);
  EXPECT_EQ(out.content[0]["text"], "3 files: all ok");  // small blocks stay whole
  const std::string first = out.content[1]["text"];
  const std::string second = out.content[2]["text"];
  EXPECT_TRUE(first.starts_with("line 0 of"));
  EXPECT_TRUE(second.starts_with("line 0 of"));
  EXPECT_NE(first.find("more lines"), std::string::npos);
  // Both get an equal share.
  EXPECT_LT(std::max(first.size(), second.size()) - std::min(first.size(), second.size()), 64u);
}

TEST(ResultBudget, AnImageThatDoesNotFitIsLeftOutWithANote) {
  Kept kept;
  tools::ToolDescriptor tool;
  tool.name = "ts_decompose";
  tools::ToolResult result = tools::ToolResult::text("decomposed");
  result.content.push_back(
      {{"type", "image"}, {"data", std::string(40'000, 'A')}, {"mimeType", "image/png"}});
  const auto out = apply_budget(result, {}, tool, json::object(), kept.writer());
  EXPECT_LE(size_of(out), 32u * 1024u);
  EXPECT_EQ(out.content[0]["text"], "decomposed");
  EXPECT_NE(all_text(out).find("A block of type image (40"), std::string::npos) << all_text(out);
}

}  // namespace
}  // namespace quarry::pipeline
