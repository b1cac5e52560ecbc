// The MCP surface of `quarry serve`, exercised over real pipes against the real
// binary: version negotiation, the stateless 2026-07-28 revision, pagination,
// batches, and every JSON-RPC error code.

#include "mcp_process.hpp"

#include <gtest/gtest.h>

#include <set>
#include <thread>

namespace quarry::testing {
namespace {

using nlohmann::json;

const std::string kFixtures = QUARRY_TEST_BINARY_DIR "/test-plugins/fixtures";

std::vector<std::string> serve_args() {
  return {"serve", "--plugin-dir", kFixtures};
}

json stateless_meta(const std::string& version = "2026-07-28") {
  return {{"io.modelcontextprotocol/protocolVersion", version},
          {"io.modelcontextprotocol/clientCapabilities", json::object()},
          {"io.modelcontextprotocol/clientInfo", {{"name", "tests"}, {"version", "1"}}}};
}

class ProtocolTest : public ::testing::Test {
 protected:
  TempDir home_;
  McpProcess server_{serve_args(), {"HOME=" + home_.path().string()}};
};

TEST_F(ProtocolTest, InitializeEchoesEverySupportedVersion) {
  for (const std::string version : {"2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25"}) {
    McpProcess server(serve_args(), {"HOME=" + home_.path().string()});
    const auto response = server.initialize(version);
    ASSERT_TRUE(response.contains("result")) << response;
    EXPECT_EQ(response["result"]["protocolVersion"], version);
    EXPECT_EQ(response["result"]["serverInfo"]["name"], "quarry");
    EXPECT_TRUE(response["result"]["capabilities"]["tools"]["listChanged"].get<bool>());
    EXPECT_TRUE(response["result"]["capabilities"].contains("logging"));
  }
}

TEST_F(ProtocolTest, InitializeWithUnknownVersionAnswersNewestHandshakeVersion) {
  const auto response = server_.initialize("1999-01-01");
  EXPECT_EQ(response["result"]["protocolVersion"], "2025-11-25");
}

TEST_F(ProtocolTest, ToolDescriptorsFollowTheNegotiatedVersion) {
  server_.initialize("2024-11-05");
  const auto tools = server_.request("tools/list")["result"]["tools"];
  ASSERT_FALSE(tools.empty());
  for (const auto& tool : tools) {
    EXPECT_FALSE(tool.contains("outputSchema")) << tool["name"];
    EXPECT_FALSE(tool.contains("annotations")) << tool["name"];
  }
  // Structured results reach a 2024-11-05 client as JSON text instead.
  const auto call = server_.request("tools/call", {{"name", "quarry_health"}});
  EXPECT_FALSE(call["result"].contains("structuredContent"));
  EXPECT_EQ(call["result"]["content"].back()["type"], "text");
  EXPECT_TRUE(json::accept(call["result"]["content"].back()["text"].get<std::string>()));
}

TEST_F(ProtocolTest, ServerDiscoverServesTheStatelessRevision) {
  const auto response = server_.request("server/discover", {{"_meta", stateless_meta()}});
  ASSERT_TRUE(response.contains("result")) << response;
  const auto& result = response["result"];
  EXPECT_EQ(result["resultType"], "complete");
  EXPECT_EQ(result["supportedVersions"], json::array({"2026-07-28"}));
  EXPECT_TRUE(result["capabilities"].contains("tools"));
  EXPECT_GE(result["ttlMs"].get<int>(), 0);
  EXPECT_EQ(result["cacheScope"], "public");
  EXPECT_EQ(result["_meta"]["io.modelcontextprotocol/serverInfo"]["name"], "quarry");
}

TEST_F(ProtocolTest, StatelessRequestsNeedNoInitialize) {
  const auto list = server_.request("tools/list", {{"_meta", stateless_meta()}});
  ASSERT_TRUE(list.contains("result")) << list;
  EXPECT_EQ(list["result"]["resultType"], "complete");
  EXPECT_TRUE(list["result"].contains("ttlMs"));
  EXPECT_EQ(list["result"]["cacheScope"], "public");
  const auto call =
      server_.request("tools/call", {{"name", "quarry_health"}, {"_meta", stateless_meta()}});
  EXPECT_EQ(call["result"]["resultType"], "complete");
  EXPECT_TRUE(call["result"].contains("structuredContent"));
}

TEST_F(ProtocolTest, StatelessUnsupportedVersionGetsMinus32022WithSupportedList) {
  const auto response = server_.request("tools/list", {{"_meta", stateless_meta("2030-01-01")}});
  EXPECT_EQ(response["error"]["code"], -32022);
  EXPECT_EQ(response["error"]["data"]["requested"], "2030-01-01");
  EXPECT_EQ(response["error"]["data"]["supported"], json::array({"2026-07-28"}));
}

TEST_F(ProtocolTest, StatelessRequestWithoutCapabilitiesIsInvalidParams) {
  json meta = stateless_meta();
  meta.erase("io.modelcontextprotocol/clientCapabilities");
  const auto response = server_.request("tools/list", {{"_meta", meta}});
  EXPECT_EQ(response["error"]["code"], -32602);
}

TEST_F(ProtocolTest, DiscoverWithoutMetaFailsSoLegacyClientsFallBackToInitialize) {
  const auto discover = server_.request("server/discover");
  EXPECT_TRUE(discover.contains("error"));
  EXPECT_NE(discover["error"]["code"], -32022);
  EXPECT_EQ(server_.initialize("2025-06-18")["result"]["protocolVersion"], "2025-06-18");
}

TEST_F(ProtocolTest, ParseErrorIsAnsweredAndTheServerKeepsRunning) {
  server_.send_line("{this is not json");
  const auto error = server_.read_message(5s);
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ((*error)["error"]["code"], -32700);
  EXPECT_TRUE((*error)["id"].is_null());
  EXPECT_TRUE(server_.request("ping").contains("result"));
}

TEST_F(ProtocolTest, InvalidRequestGetsMinus32600) {
  server_.send(json{{"jsonrpc", "1.0"}, {"id", 7}, {"method", "ping"}});
  EXPECT_EQ(server_.wait_response(7)["error"]["code"], -32600);
  server_.send(json{{"jsonrpc", "2.0"}, {"id", 8}, {"method", 42}});
  EXPECT_EQ(server_.wait_response(8)["error"]["code"], -32600);
}

TEST_F(ProtocolTest, RequestBeforeInitializeGetsAClearError) {
  const auto response = server_.request("tools/list");
  EXPECT_EQ(response["error"]["code"], -32600);
  EXPECT_NE(response["error"]["message"].get<std::string>().find("initialize"), std::string::npos);
}

TEST_F(ProtocolTest, PingWorksBeforeInitialize) {
  EXPECT_EQ(server_.request("ping")["result"], json::object());
}

TEST_F(ProtocolTest, UnknownMethodGetsMinus32601) {
  server_.initialize();
  EXPECT_EQ(server_.request("resources/list")["error"]["code"], -32601);
}

TEST_F(ProtocolTest, UnknownToolGetsMinus32602NamingTheAvailableTools) {
  server_.initialize();
  const auto response = server_.request("tools/call", {{"name", "no_such_tool"}});
  EXPECT_EQ(response["error"]["code"], -32602);
  EXPECT_NE(response["error"]["message"].get<std::string>().find("quarry_health"),
            std::string::npos);
}

TEST_F(ProtocolTest, ArgumentsFailingTheSchemaAreMinus32602BeforeTheToolRuns) {
  server_.initialize("2025-06-18");
  const auto response =
      server_.request("tools/call", {{"name", "test_echo"}, {"arguments", {{"times", "x"}}}});
  ASSERT_TRUE(response.contains("error")) << response;
  EXPECT_EQ(response["error"]["code"], -32602);
  EXPECT_FALSE(response["error"]["data"]["violations"].empty());
}

TEST_F(ProtocolTest, AnArgumentTheSchemaDoesNotNameIsReportedWithTheNearestName) {
  // A misspelt argument would otherwise be ignored and the tool run on its defaults.
  server_.initialize("2025-06-18");
  const auto response = server_.request(
      "tools/call", {{"name", "test_echo"}, {"arguments", {{"text", "hi"}, {"tims", 2}}}});
  ASSERT_TRUE(response.contains("error")) << response;
  EXPECT_EQ(response["error"]["code"], -32602);
  const std::string message = response["error"]["message"];
  EXPECT_NE(message.find("unknown argument 'tims' (did you mean 'times'?)"), std::string::npos)
      << message;
  EXPECT_EQ(response["error"]["data"]["violations"][0]["path"], "/tims");
}

TEST_F(ProtocolTest, ArgumentsFailingTheSchemaAreToolErrorsFrom2025_11_25) {
  server_.initialize("2025-11-25");
  const auto response =
      server_.request("tools/call", {{"name", "test_echo"}, {"arguments", json::object()}});
  ASSERT_TRUE(response.contains("result")) << response;
  EXPECT_TRUE(response["result"]["isError"].get<bool>());
  EXPECT_NE(response["result"]["content"][0]["text"].get<std::string>().find("text"),
            std::string::npos);
}

TEST_F(ProtocolTest, NonObjectArgumentsAreMinus32602) {
  server_.initialize("2025-11-25");
  const auto response =
      server_.request("tools/call", {{"name", "test_echo"}, {"arguments", json::array()}});
  EXPECT_EQ(response["error"]["code"], -32602);
}

TEST_F(ProtocolTest, FailingToolReturnsIsErrorResult) {
  server_.initialize();
  const auto response = server_.request("tools/call", {{"name", "test_fail_status"}});
  ASSERT_TRUE(response.contains("result")) << response;
  EXPECT_TRUE(response["result"]["isError"].get<bool>());
  EXPECT_NE(response["result"]["content"][0]["text"].get<std::string>().find("deliberate"),
            std::string::npos);
}

TEST_F(ProtocolTest, BatchesAreHandledIn2025_03_26) {
  server_.initialize("2025-03-26");
  server_.send_line(
      R"([{"jsonrpc":"2.0","id":"a","method":"ping"},)"
      R"({"jsonrpc":"2.0","method":"notifications/initialized"},)"
      R"({"jsonrpc":"2.0","id":"b","method":"tools/call","params":{"name":"quarry_health"}}])");
  const auto batch = server_.read_message(10s);
  ASSERT_TRUE(batch && batch->is_array()) << (batch ? batch->dump() : "timeout");
  ASSERT_EQ(batch->size(), 2u);
  std::set<std::string> ids;
  for (const auto& response : *batch) ids.insert(response["id"].get<std::string>());
  EXPECT_EQ(ids, (std::set<std::string>{"a", "b"}));
}

TEST_F(ProtocolTest, BatchesAreRefusedWhereTheVersionRemovedThem) {
  server_.initialize("2025-06-18");
  server_.send_line(R"([{"jsonrpc":"2.0","id":1,"method":"ping"}])");
  const auto error = server_.read_message(5s);
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ((*error)["error"]["code"], -32600);
  EXPECT_NE((*error)["error"]["message"].get<std::string>().find("2025-06-18"), std::string::npos);
}

TEST_F(ProtocolTest, ToolsListPaginatesWithOpaqueCursors) {
  McpProcess server({"serve", "--plugin-dir", kFixtures, "--set", "mcp.page_size=3"},
                    {"HOME=" + home_.path().string()});
  server.initialize();
  std::vector<std::string> names;
  json params = json::object();
  int pages = 0;
  while (true) {
    const auto result = server.request("tools/list", params)["result"];
    EXPECT_LE(result["tools"].size(), 3u);
    for (const auto& tool : result["tools"]) names.push_back(tool["name"]);
    ++pages;
    if (!result.contains("nextCursor")) break;
    params = {{"cursor", result["nextCursor"]}};
  }
  EXPECT_GT(pages, 2);
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
  EXPECT_EQ(std::set<std::string>(names.begin(), names.end()).size(), names.size());
  EXPECT_EQ(server.request("tools/list", {{"cursor", "bogus"}})["error"]["code"], -32602);
}

TEST_F(ProtocolTest, SetLevelFiltersClientLogMessages) {
  server_.initialize();
  EXPECT_EQ(server_.request("logging/setLevel", {{"level", "error"}})["result"], json::object());
  server_.request("tools/call", {{"name", "test_tool_with_logging"}});
  EXPECT_TRUE(server_.take_notifications("notifications/message").empty());
  server_.request("logging/setLevel", {{"level", "debug"}});
  server_.request("tools/call", {{"name", "test_tool_with_logging"}});
  EXPECT_EQ(server_.take_notifications("notifications/message").size(), 3u);
  EXPECT_EQ(server_.request("logging/setLevel", {{"level", "loud"}})["error"]["code"], -32602);
}

}  // namespace
}  // namespace quarry::testing
