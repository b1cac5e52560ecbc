// The stats plugin as the host sees it: its tools, their stage tables, and that every input
// and output schema is a JSON Schema that accepts the documented arguments and rejects bad
// ones (the host validates arguments against input_schema before the plugin sees them).

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "stats_test_support.hpp"

using namespace stats_test;

namespace {

bool accepts(const char* schema_text, const json& value) {
  const json schema_json = json::parse(schema_text);
  valijson::Schema schema;
  valijson::SchemaParser parser;
  valijson::adapters::NlohmannJsonAdapter schema_adapter(schema_json);
  parser.populateSchema(schema_adapter, schema);
  valijson::Validator validator;
  valijson::adapters::NlohmannJsonAdapter target(value);
  return validator.validate(schema, target, nullptr);
}

}  // namespace

TEST(StatsPlugin, PublishesEightMergeableStageTools) {
  const quarry_plugin_v1& p = plugin();
  EXPECT_STREQ(p.name, "stats");
  std::set<std::string> names;
  for (uint32_t i = 0; i < p.tool_count; ++i) {
    const quarry_tool_v1& t = *p.tools[i];
    names.insert(t.name);
    ASSERT_NE(t.stage, nullptr) << t.name;
    EXPECT_EQ(t.stage->mode, QUARRY_STAGE_MERGEABLE) << t.name;
    EXPECT_NE(t.stage->merge, nullptr) << t.name;
    EXPECT_EQ(t.stage->transform, nullptr) << t.name;  // terminal analyses
    EXPECT_NE(t.output_schema, nullptr) << t.name;
    EXPECT_TRUE(json::parse(t.annotations).at("readOnlyHint").get<bool>());
  }
  EXPECT_EQ(names, (std::set<std::string>{"stats_describe", "stats_correlation", "stats_groupby",
                                          "stats_histogram", "stats_ttest", "stats_chi2",
                                          "stats_anova", "stats_normality"}));
}

TEST(StatsPlugin, InputSchemasAcceptDocumentedArgumentsAndRejectBadOnes) {
  struct Case {
    const char* tool;
    json args;
    bool valid;
  };
  const Case cases[] = {
      {"stats_describe", json::object(), true},
      {"stats_describe", {{"columns", "numeric"}, {"percentiles", {0.1, 0.9}}, {"top", 3}}, true},
      {"stats_describe", {{"columns", {"a", "b"}}, {"quantiles", "sketch"}}, true},
      {"stats_describe", {{"columns", "x"}}, true},  // one column by name
      {"stats_describe", {{"columns", ""}}, false},
      {"stats_describe", {{"percentiles", {1.5}}}, false},
      {"stats_correlation", {{"methods", {"pearson", "spearman"}}}, true},
      {"stats_correlation", {{"methods", {"kendall"}}}, true},
      {"stats_correlation", {{"methods", {"tau"}}}, false},
      {"stats_groupby", {{"by", "g"}, {"aggregations", {"count", "median", "p99.9", "p5"}}}, true},
      {"stats_groupby", {{"by", {"g", "h"}}, {"sort", "rows"}, {"limit", 10}}, true},
      {"stats_groupby",
       {{"by", "g"}, {"values", "string"}, {"aggregations", {"nunique", "first", "last"}}},
       true},
      {"stats_groupby", {{"by", "g"}, {"aggregations", {"mode"}}}, false},
      {"stats_groupby", {{"aggregations", {"mean"}}}, false},
      {"stats_groupby", {{"by", "g"}, {"aggregations", {"p101"}}}, false},
      {"stats_histogram",
       {{"column", "x"}, {"bins", "fd"}, {"range", {0, 1}}, {"picture", "svg"}},
       true},
      {"stats_histogram", {{"column", "x"}, {"bins", 0}}, false},
      {"stats_histogram", {{"column", "x"}, {"bins", "scott"}}, false},
      {"stats_ttest",
       {{"test", "welch"}, {"column", "x"}, {"by", "g"}, {"groups", {"a", "b"}}},
       true},
      {"stats_ttest",
       {{"test", "one_sample"}, {"column", "x"}, {"mu", 3}, {"alternative", "less"}},
       true},
      {"stats_ttest", {{"test", "z"}, {"column", "x"}}, false},
      {"stats_chi2", {{"column", "a"}, {"by", "b"}, {"correction", false}}, true},
      {"stats_chi2", {{"column", "a"}}, false},
      {"stats_anova", {{"column", "x"}, {"by", "g"}}, true},
      {"stats_normality", {{"columns", {"x"}}}, true},
      {"stats_normality", {{"tests", {"shapiro_wilk", "dagostino_k2"}}}, true},
      {"stats_normality", {{"tests", {"lilliefors"}}}, false},
      {"stats_normality", {{"tests", json::array()}}, false},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(accepts(tool(c.tool).input_schema, c.args), c.valid)
        << c.tool << " " << c.args.dump();
  }
}
