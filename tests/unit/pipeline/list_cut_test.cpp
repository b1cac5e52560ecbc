// Cutting the lists of a structured result (pipeline/detail/list_cut.hpp): every list past the
// limit keeps its first items, the true lengths are recorded by JSON pointer and grouped for
// reading, and a further cut keeps the first cut's true lengths.

#include "pipeline/detail/list_cut.hpp"

#include <gtest/gtest.h>

namespace quarry::pipeline::detail {
namespace {

using nlohmann::json;

json matrix(std::size_t n) {
  json rows = json::array();
  for (std::size_t i = 0; i < n; ++i) rows.push_back(json(std::vector<double>(n, 0.5)));
  return rows;
}

TEST(ListCut, ListsPastTheLimitKeepTheirFirstItemsNestedOnesToo) {
  const json value = {{"columns", {"a", "b", "c", "d"}}, {"pearson", matrix(4)}, {"n", 7}};
  const auto cut = cut_lists(value, 2);
  EXPECT_EQ(cut.value["columns"], json({"a", "b"}));
  EXPECT_EQ(cut.value["pearson"], json({{0.5, 0.5}, {0.5, 0.5}}));
  EXPECT_EQ(cut.value["n"], 7);
  EXPECT_EQ(cut.lists.size(), 4u);  // columns, pearson, pearson/0, pearson/1
  EXPECT_EQ(cut.lists.at("/pearson/1").true_length, 4u);
  EXPECT_EQ(cut.lists.at("/pearson/1").pattern, "/pearson/*");
}

TEST(ListCut, TotalsGroupListsOfOnePatternAndOneLength) {
  json value = {{"columns", json::array()}};
  value["columns"].push_back({{"name", "x"}, {"top", json(std::vector<int>(9, 1))}});
  value["columns"].push_back({{"name", "y"}, {"top", json(std::vector<int>(5, 1))}});
  value["columns"].push_back({{"name", "z"}, {"top", json(std::vector<int>(1, 1))}});
  const auto totals = grouped_totals(cut_lists(value, 2).lists);
  EXPECT_EQ(totals, json::parse(R"({"/columns": 3, "/columns/0/top": 9, "/columns/1/top": 5})"));
  EXPECT_EQ(grouped_totals(cut_lists({{"m", matrix(5)}}, 3).lists),
            json::parse(R"({"/m": 5, "/m/*": 5})"));
}

TEST(ListCut, KeysWithSlashesAreEscapedInPointers) {
  const auto cut = cut_lists({{"a/b", {1, 2, 3}}}, 1);
  EXPECT_EQ(cut.lists.count("/a~1b"), 1u);
}

TEST(ListCut, ACutFurtherKeepsTheFirstCutsTrueLengthsAndForgetsListsThatFellAway) {
  const auto first = cut_lists({{"m", matrix(100)}, {"short", {1, 2, 3, 4}}}, 10);
  const auto second = cut_further(first, 3);
  EXPECT_EQ(second.limit, 3u);
  EXPECT_EQ(second.value["m"].size(), 3u);
  EXPECT_EQ(second.lists.at("/m").true_length, 100u);
  EXPECT_EQ(second.lists.at("/m/2").true_length, 100u);
  EXPECT_EQ(second.lists.count("/m/5"), 0u);
  EXPECT_EQ(second.lists.at("/short").true_length, 4u);
}

}  // namespace
}  // namespace quarry::pipeline::detail
