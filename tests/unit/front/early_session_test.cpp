// The front's early phase: which opening messages it answers from a startup snapshot, how it
// answers them (byte for byte as the engine would), and what it leaves to the engine.

#include "front/early_session.hpp"
#include "front/launch.hpp"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <unistd.h>

#include <thread>

namespace quarry::front {
namespace {

using nlohmann::json;

constexpr std::string_view kInitialize2025 =
    R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}})";
constexpr std::string_view kInitialized =
    R"({"jsonrpc":"2.0","method":"notifications/initialized"})";

std::string snapshot_text() {
  startup::Snapshot snapshot;
  snapshot.key = "k";
  snapshot.initialize["2024-11-05"] = R"({"protocolVersion":"2024-11-05"})";
  snapshot.initialize["2025-11-25"] = R"({"protocolVersion":"2025-11-25"})";
  snapshot.tools_list["2024-11-05"][""] = R"({"tools":[{"name":"old"}]})";
  snapshot.tools_list["2025-11-25"][""] = R"({"nextCursor":"after:a","tools":[{"name":"a"}]})";
  snapshot.tools_list["2025-11-25"]["after:a"] = R"({"tools":[{"name":"b"}]})";
  return startup::serialize(snapshot);
}

struct EarlyRun {
  EarlyOutcome outcome;
  std::string output;
};

//! Feeds `input` (then end of input) to the early phase; returns what it wrote and left.
EarlyRun run_early(const std::string& input) {
  const std::string text = snapshot_text();
  const auto reader = startup::SnapshotReader::open(text);
  EXPECT_TRUE(reader);
  int in[2];
  int out[2];
  EXPECT_EQ(pipe(in), 0);
  EXPECT_EQ(pipe(out), 0);
  std::thread writer([&] {
    (void)!write(in[1], input.data(), input.size());
    close(in[1]);
  });
  std::string output;
  std::thread reader_thread([&] {
    char buffer[4096];
    ssize_t n = 0;
    while ((n = read(out[0], buffer, sizeof buffer)) > 0)
      output.append(buffer, static_cast<std::size_t>(n));
  });
  EarlyRun run{answer_early(*reader, in[0], out[1]), {}};
  close(out[1]);
  writer.join();
  reader_thread.join();
  close(in[0]);
  close(out[0]);
  run.output = std::move(output);
  return run;
}

std::string lines(std::initializer_list<std::string_view> messages) {
  std::string text;
  for (const auto message : messages) text.append(message).push_back('\n');
  return text;
}

TEST(FrontEarlySession, AnswersTheOpeningExchangeAsTheEngineSerialisesIt) {
  const EarlyRun run = run_early(
      lines({kInitialize2025, kInitialized, R"({"jsonrpc":"2.0","id":"two","method":"tools/list"})",
             R"({"jsonrpc":"2.0","id":3,"method":"tools/list","params":{"cursor":"after:a"}})"}));
  EXPECT_TRUE(run.outcome.finished);
  EXPECT_EQ(
      run.output,
      lines(
          {R"({"id":1,"jsonrpc":"2.0","result":{"protocolVersion":"2025-11-25"}})",
           R"({"id":"two","jsonrpc":"2.0","result":{"nextCursor":"after:a","tools":[{"name":"a"}]}})",
           R"({"id":3,"jsonrpc":"2.0","result":{"tools":[{"name":"b"}]}})"}));
  // The output is what nlohmann would print for the same response.
  const auto first = run.output.substr(0, run.output.find('\n'));
  EXPECT_EQ(json::parse(first).dump(), first);
  ASSERT_TRUE(run.outcome.handover.initialize);
  EXPECT_EQ(run.outcome.handover.initialize->at("protocolVersion"), "2025-11-25");
  EXPECT_TRUE(run.outcome.handover.served);
}

TEST(FrontEarlySession, NegotiatesAnUnknownVersionToTheNewest) {
  const EarlyRun run = run_early(lines(
      {R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"1999-01-01"}})",
       R"({"jsonrpc":"2.0","id":2,"method":"tools/list","params":null})"}));
  EXPECT_EQ(
      run.output,
      lines(
          {R"({"id":1,"jsonrpc":"2.0","result":{"protocolVersion":"2025-11-25"}})",
           R"({"id":2,"jsonrpc":"2.0","result":{"nextCursor":"after:a","tools":[{"name":"a"}]}})"}));
}

TEST(FrontEarlySession, ListsTheToolsOfTheNegotiatedVersion) {
  const EarlyRun run = run_early(lines(
      {R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2024-11-05"}})",
       R"({"jsonrpc":"2.0","id":2,"method":"tools/list"})"}));
  EXPECT_NE(run.output.find(R"({"id":2,"jsonrpc":"2.0","result":{"tools":[{"name":"old"}]}})"),
            std::string::npos);
}

TEST(FrontEarlySession, HandsOverTheFirstMessageItCannotAnswerWithEverythingAfterIt) {
  const std::string call =
      R"({"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"x"}})";
  const std::string after = R"({"jsonrpc":"2.0","id":3,"method":"tools/list"})";
  const EarlyRun run = run_early(lines({kInitialize2025, kInitialized, call, after}));
  EXPECT_FALSE(run.outcome.finished);
  // initialize answered; the rest, in order, for the engine: the kept notification first.
  EXPECT_TRUE(run.output.starts_with(R"({"id":1,)"));
  EXPECT_EQ(run.output.find("\"id\":3"), std::string::npos);
  EXPECT_EQ(run.outcome.handover.unread, lines({kInitialized, call, after}));
}

TEST(FrontEarlySession, LeavesAnythingUnusualToTheEngine) {
  const std::vector<std::string> unusual = {
      "not json",
      R"([{"jsonrpc":"2.0","id":1,"method":"ping"}])",                                // a batch
      R"({"id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25"}})",  // no jsonrpc
      R"({"jsonrpc":"2.0","id":1.5,"method":"initialize","params":{"protocolVersion":"2025-11-25"}})",
      R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{}})",  // no version
      R"({"jsonrpc":"2.0","id":1,"method":"tools/list"})",              // before initialize
      R"({"jsonrpc":"2.0","id":1,"method":"ping"})",
      R"({"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":1}})",
  };
  for (const auto& message : unusual) {
    const EarlyRun run = run_early(message + "\n");
    EXPECT_FALSE(run.outcome.finished) << message;
    EXPECT_EQ(run.output, "") << message;
    EXPECT_EQ(run.outcome.handover.unread, message + "\n") << message;
  }
  const std::vector<std::string> unusual_after_initialize = {
      R"({"jsonrpc":"2.0","id":2,"method":"tools/list","params":{"cursor":"after:zzz"}})",
      R"({"jsonrpc":"2.0","id":2,"method":"tools/list","params":{"_meta":{"progressToken":1}}})",
      R"({"jsonrpc":"2.0","id":2,"method":"initialize","params":{"protocolVersion":"2025-11-25"}})",
  };
  for (const auto& message : unusual_after_initialize) {
    const EarlyRun run = run_early(lines({kInitialize2025}) + message + "\n");
    EXPECT_FALSE(run.outcome.finished) << message;
    EXPECT_EQ(run.outcome.handover.unread, message + "\n") << message;
  }
}

TEST(FrontEarlySession, AnswersALastMessageWithoutANewline) {
  const EarlyRun run = run_early(std::string(kInitialize2025));
  EXPECT_TRUE(run.outcome.finished);
  EXPECT_EQ(run.output,
            lines({R"({"id":1,"jsonrpc":"2.0","result":{"protocolVersion":"2025-11-25"}})"}));
}

TEST(FrontEarlySession, IgnoresBlankLinesAsTheEngineDoes) {
  const EarlyRun run = run_early("\n  \r\n" + lines({kInitialize2025}));
  EXPECT_TRUE(run.outcome.finished);
  EXPECT_NE(run.output.find("\"id\":1"), std::string::npos);
}

TEST(FrontEarlySession, FinishesWithoutTheEngineWhenTheClientLeavesAtOnce) {
  const EarlyRun run = run_early("");
  EXPECT_TRUE(run.outcome.finished);
  EXPECT_EQ(run.output, "");
}

TEST(FrontEarlySession, HandsOverWhenTheClientPauses) {
  int in[2];
  int out[2];
  ASSERT_EQ(pipe(in), 0);
  ASSERT_EQ(pipe(out), 0);
  const std::string text = snapshot_text();
  const auto reader = startup::SnapshotReader::open(text);
  const std::string first = lines({kInitialize2025});
  ASSERT_EQ(write(in[1], first.data(), first.size()), static_cast<ssize_t>(first.size()));
  // stdin stays open and silent: the engine should start rather than wait for the client.
  const EarlyOutcome outcome = answer_early(*reader, in[0], out[1]);
  EXPECT_FALSE(outcome.finished);
  EXPECT_TRUE(outcome.handover.initialize);
  EXPECT_EQ(outcome.handover.unread, "");
  for (const int fd : {in[0], in[1], out[0], out[1]}) close(fd);
}

TEST(FrontLaunch, ServesOnlyTheServeCommand) {
  EXPECT_TRUE(asks_to_serve({"quarry", "serve"}));
  EXPECT_TRUE(asks_to_serve({"quarry", "--log-level", "warn", "serve", "--plugin-dir", "/p"}));
  EXPECT_TRUE(asks_to_serve({"quarry", "--set=log.level=debug", "serve"}));
  EXPECT_TRUE(asks_to_serve({"quarry", "--data-root", "serve", "serve"}));  // a value named serve
  EXPECT_FALSE(asks_to_serve({"quarry"}));
  EXPECT_FALSE(asks_to_serve({"quarry", "tools"}));
  EXPECT_FALSE(asks_to_serve({"quarry", "call", "serve"}));
  EXPECT_FALSE(asks_to_serve({"quarry", "serve", "--help"}));
  EXPECT_FALSE(asks_to_serve({"quarry", "--version"}));
  EXPECT_FALSE(asks_to_serve({"quarry", "serve", "--no-such-option"}));
  EXPECT_FALSE(asks_to_serve({"quarry", "serve", "serve"}));
}

}  // namespace
}  // namespace quarry::front
