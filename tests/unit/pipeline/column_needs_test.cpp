//! Unit tests for quarry/pipeline/column_needs.hpp: which columns a run asks the reader for.

#include "quarry/pipeline/column_needs.hpp"

#include <gtest/gtest.h>

namespace quarry::pipeline {
namespace {

using nlohmann::json;
using Names = std::vector<std::string>;

//! A schema shaped like the bundled plugins' (stats_describe, stats_groupby, ts_rolling).
json schema_reading(const json& reads) {
  return {{"type", "object"},
          {tools::kReadsKeyword, reads},
          {"properties",
           {{"column", {{"type", "string"}}},
            {"time_column", {{"type", "string"}}},
            {"by", {{"anyOf", json::array({{{"type", "string"}}, {{"type", "array"}}})}}},
            {"columns",
             {{"anyOf", json::array({{{"type", "array"}},
                                     {{"type", "string"}, {"enum", {"all", "numeric"}}}})}}},
            {"rename", {{"type", "object"}}}}}};
}

Names needs_of(const json& schema, const json& arguments) {
  ColumnNeeds needs;
  needs.add_tool(schema, arguments);
  return needs.only_columns();
}

TEST(ColumnNeeds, NamedColumnsAreReadInTheOrderAsked) {
  EXPECT_EQ(needs_of(schema_reading({"columns"}), {{"columns", {"b", "a", "b"}}}),
            (Names{"b", "a"}));
  EXPECT_EQ(needs_of(schema_reading({"by", "columns"}), {{"by", "k"}, {"columns", {"x"}}}),
            (Names{"k", "x"}));
  EXPECT_EQ(needs_of(schema_reading({"rename"}), {{"rename", {{"old", "new"}}}}), (Names{"old"}));
}

TEST(ColumnNeeds, AnAbsentOptionalSingleColumnAddsNothing) {
  EXPECT_EQ(needs_of(schema_reading({"column", "time_column"}), {{"column", "v"}}), (Names{"v"}));
}

TEST(ColumnNeeds, AnAbsentOrEmptyListMeansEveryColumn) {
  EXPECT_TRUE(needs_of(schema_reading({"columns"}), json::object()).empty());
  EXPECT_TRUE(needs_of(schema_reading({"columns"}), {{"columns", json::array()}}).empty());
}

TEST(ColumnNeeds, AnEnumKeywordIsNotAColumnName) {
  EXPECT_TRUE(needs_of(schema_reading({"columns"}), {{"columns", "numeric"}}).empty());
}

TEST(ColumnNeeds, ToolsWithoutTheKeywordReadEveryColumn) {
  json schema = schema_reading({"column"});
  schema.erase(tools::kReadsKeyword);
  EXPECT_TRUE(needs_of(schema, {{"column", "v"}}).empty());
  EXPECT_TRUE(needs_of(schema_reading("column"), {{"column", "v"}}).empty());  // not a list
}

TEST(ColumnNeeds, OneConsumerOfEveryColumnWins) {
  ColumnNeeds needs;
  needs.add_tool(schema_reading({"column"}), {{"column", "v"}});
  EXPECT_EQ(needs.only_columns(), (Names{"v"}));
  needs.add_every_column();
  EXPECT_TRUE(needs.only_columns().empty());
}

TEST(ColumnNeeds, AFilterAddsTheColumnsItUses) {
  ColumnNeeds needs;
  needs.add_tool(schema_reading({"column"}), {{"column", "v"}});
  needs.add_filter("price > 2 and \"unit name\" == 'kg' or v is null");
  EXPECT_EQ(needs.only_columns(), (Names{"v", "price", "unit name"}));
}

TEST(ColumnNeeds, AFilterThatDoesNotParseNeedsEveryColumn) {
  ColumnNeeds needs;
  needs.add_tool(schema_reading({"column"}), {{"column", "v"}});
  needs.add_filter("price >");
  EXPECT_TRUE(needs.only_columns().empty());
}

}  // namespace
}  // namespace quarry::pipeline
