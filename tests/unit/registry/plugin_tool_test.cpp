//! Unit tests for plugin tools (host/src/registry/plugin_tool.cpp, call_adapter.cpp):
//! how a plugin's callbacks reach the CallContext and how every outcome of a call
//! becomes a ToolResult.

#include "quarry/registry/registry.hpp"

#include "test_support.hpp"

namespace quarry::registry::test {
namespace {

class PluginTool : public RegistryFixture {
 protected:
  void SetUp() override {
    RegistryFixture::SetUp();
    install(Plugins::good(), "good.so");
    install(Plugins::misbehaving(), "misbehaving.so");
    install(Plugins::noisy(), "noisy.so");
    registry_.emplace(options());
  }

  tools::ToolResult call(const std::string& tool, nlohmann::json args = nlohmann::json::object(),
                         std::optional<std::size_t> cancel_after = std::nullopt) {
    RecordingContext context(cancel_after);
    return call_with(tool, std::move(args), context);
  }

  tools::ToolResult call_with(const std::string& tool, nlohmann::json args,
                              RecordingContext& context) {
    const auto found = find_tool(*registry_, tool);
    if (!found) {
      ADD_FAILURE() << "no tool " << tool;
      return {};
    }
    return found->call(args, context);
  }

  static std::string text(const tools::ToolResult& result) {
    return result.content.at(0).at("text").get<std::string>();
  }

  std::optional<PluginRegistry> registry_;
};

TEST_F(PluginTool, ReportsProgressAndLogsThroughTheContext) {
  RecordingContext context;
  const tools::ToolResult result = call_with("count", {{"steps", 4}}, context);
  ASSERT_FALSE(result.is_error) << result.content.dump();
  EXPECT_EQ(text(result), "4");
  const auto progress = context.progress_reports();
  ASSERT_EQ(progress.size(), 4u);
  EXPECT_EQ(progress[0].done, 1.0);
  EXPECT_FALSE(progress[0].total);  // a negative total means unknown
  EXPECT_EQ(progress[3].total, 4.0);
  EXPECT_EQ(progress[3].message, "step");
  const auto logs = context.logs();
  ASSERT_EQ(logs.size(), 1u);
  EXPECT_EQ(logs[0].level, tools::MessageLevel::kWarning);
  EXPECT_EQ(logs[0].data, "counting");
  EXPECT_EQ(logs[0].logger, "good");
}

TEST_F(PluginTool, StopsWhenTheCallIsCancelled) {
  const tools::ToolResult result = call("count", {{"steps", 1000}}, 2);
  EXPECT_TRUE(result.is_error);
  EXPECT_EQ(text(result), "count was cancelled");
}

TEST_F(PluginTool, PassesArgumentsAndStructuredContentThrough) {
  const tools::ToolResult result = call("echo", {{"text", "héllo"}, {"n", 3}});
  ASSERT_FALSE(result.is_error);
  EXPECT_EQ(text(result), "variant 1");
  ASSERT_TRUE(result.structured);
  EXPECT_EQ((*result.structured)["args"], nlohmann::json({{"text", "héllo"}, {"n", 3}}));
}

TEST_F(PluginTool, InvalidResultJsonBecomesAnError) {
  const tools::ToolResult result = call("invalid_result");
  EXPECT_TRUE(result.is_error);
  EXPECT_TRUE(contains(text(result),
                       "tool 'invalid_result' of plugin 'misbehaving' returned an "
                       "invalid result (not valid JSON)"));
}

TEST_F(PluginTool, FailureWithoutAMessageNamesTheStatusAndPlugin) {
  const tools::ToolResult result = call("no_message");
  EXPECT_TRUE(result.is_error);
  EXPECT_EQ(text(result),
            "tool 'no_message' of plugin 'misbehaving' failed with QUARRY_IO_ERROR and gave no "
            "message");
}

TEST_F(PluginTool, FailureMessageIsPassedThrough) {
  const tools::ToolResult result = call("with_message");
  EXPECT_TRUE(result.is_error);
  EXPECT_EQ(text(result), "column 'x' is missing; pass one of: a, b");
}

TEST_F(PluginTool, SuccessWithoutAResultIsAnError) {
  const tools::ToolResult result = call("no_result");
  EXPECT_TRUE(result.is_error);
  EXPECT_TRUE(contains(text(result), "set no result"));
}

TEST_F(PluginTool, KeepsTheIsErrorFlagOfAResult) {
  const tools::ToolResult result = call("flagged_error");
  EXPECT_TRUE(result.is_error);
  EXPECT_EQ(text(result), "nope");
}

TEST_F(PluginTool, NoisyPluginStillAnswers) {
  const tools::ToolResult result = call("shout");
  ASSERT_FALSE(result.is_error) << result.content.dump();
  EXPECT_EQ(text(result), "shouted");
}

TEST_F(PluginTool, ToolOfARemovedPluginFailsCleanly) {
  fs::remove(plugin_dir() / "good.so");
  const tools::ToolResult result = call("echo");
  EXPECT_TRUE(result.is_error);
  EXPECT_TRUE(contains(text(result), "could not be loaded"));
}

TEST_F(PluginTool, RefusesToLoadAFileReplacedSinceTheScan) {
  fs::copy_file(Plugins::good_v2(), plugin_dir() / "good.so", fs::copy_options::overwrite_existing);
  const tools::ToolResult result = call("echo");
  EXPECT_TRUE(result.is_error);
  EXPECT_TRUE(contains(text(result), "changed on disk since it was scanned"));
  registry_->rescan();
  const tools::ToolResult after = call("echo");
  ASSERT_FALSE(after.is_error) << after.content.dump();
  EXPECT_EQ(text(after), "variant 2");
}

}  // namespace
}  // namespace quarry::registry::test
