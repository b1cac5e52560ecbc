// The clean plugin as the host sees it: its tools, their stage tables, and that every input
// schema is a JSON Schema that accepts the documented arguments and rejects bad ones.

#include <set>

#include "clean_test_support.hpp"

using namespace clean_test;

TEST(CleanPlugin, PublishesItsStageTools) {
  const quarry_plugin_v1& p = plugin();
  EXPECT_STREQ(p.name, "clean");
  std::set<std::string> names;
  for (uint32_t i = 0; i < p.tool_count; ++i) {
    const quarry_tool_v1& t = *p.tools[i];
    names.insert(t.name);
    ASSERT_NE(t.stage, nullptr) << t.name;
    EXPECT_NE(t.output_schema, nullptr) << t.name;
  }
  EXPECT_EQ(names, (std::set<std::string>{"clean_profile", "clean_fill_missing", "clean_dedup",
                                          "clean_outliers", "clean_validate", "clean_normalize",
                                          "clean_convert"}));
  EXPECT_EQ(tool("clean_profile").stage->mode, QUARRY_STAGE_MERGEABLE);
  EXPECT_EQ(tool("clean_profile").stage->transform, nullptr);
  EXPECT_NE(tool("clean_dedup").stage->transform, nullptr);
  EXPECT_EQ(tool("clean_outliers").stage->mode, QUARRY_STAGE_MERGEABLE);
  EXPECT_EQ(tool("clean_fill_missing").stage->mode, QUARRY_STAGE_ORDERED);
}

TEST(CleanPlugin, InputSchemasAcceptDocumentedArgumentsAndRejectBadOnes) {
  struct Case {
    const char* tool;
    json args;
    bool valid;
  };
  const Case cases[] = {
      {"clean_profile", json::object(), true},
      {"clean_profile", {{"columns", {"a"}}}, true},
      {"clean_profile", {{"columns", json::array()}}, false},
      {"clean_fill_missing",
       {{"fill", {{"a", "mean"}, {"b", {{"method", "constant"}, {"value", 0}}}}}},
       true},
      {"clean_fill_missing", {{"drop", {{"how", "all"}, {"columns", {"a"}}}}}, true},
      {"clean_fill_missing", {{"fill", {{"a", "average"}}}}, false},
      {"clean_fill_missing", {{"drop", {{"how", "some"}}}}, false},
      {"clean_dedup", {{"columns", {"a", "b"}}, {"keep", "last"}}, true},
      {"clean_dedup", {{"keep", "middle"}}, false},
      {"clean_dedup", {{"on_budget", "approximate"}}, true},
      {"clean_outliers", {{"method", "iqr"}, {"threshold", 3}, {"action", "clip"}}, true},
      {"clean_outliers", {{"method", "grubbs"}}, false},
      {"clean_outliers", {{"threshold", 0}}, false},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(schema_errors(tool(c.tool).input_schema, c.args).empty(), c.valid)
        << c.tool << " " << c.args.dump();
  }
}
