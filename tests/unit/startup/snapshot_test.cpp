// The startup snapshot's file format, the input states that decide whether it still holds,
// and the launch key that names it.

#include "quarry/startup/snapshot.hpp"
#include "quarry/startup/handover.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

namespace quarry::startup {
namespace {

namespace fs = std::filesystem;

class ScratchDir {
 public:
  ScratchDir() {
    std::random_device random;
    path_ = fs::temp_directory_path() / ("quarry-snapshot-test-" + std::to_string(random()));
    fs::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  [[nodiscard]] const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

void write(const fs::path& path, const std::string& text) {
  std::ofstream(path) << text;
}

Snapshot sample() {
  Snapshot snapshot;
  snapshot.key = "0123456789abcdef";
  snapshot.inputs = {PathState{"/nowhere/quarry.toml"},
                     PathState{"/usr/lib/quarry/plugins", PathState::Kind::kDirectory, 0, 42, 7},
                     PathState{"/x/libfoo.so", PathState::Kind::kFile, 1234, 99, 8}};
  snapshot.initialize["2024-11-05"] = R"({"protocolVersion":"2024-11-05"})";
  snapshot.initialize["2025-11-25"] = R"({"protocolVersion":"2025-11-25"})";
  snapshot.tools_list["2024-11-05"][""] = R"({"tools":[]})";
  snapshot.tools_list["2025-11-25"][""] = R"({"nextCursor":"after:b","tools":[{"name":"b"}]})";
  snapshot.tools_list["2025-11-25"]["after:b"] = R"({"tools":[]})";  // same as another answer
  return snapshot;
}

void expect_same(const Snapshot& a, const Snapshot& b) {
  EXPECT_EQ(a.key, b.key);
  EXPECT_EQ(a.inputs, b.inputs);
  EXPECT_EQ(a.initialize, b.initialize);
  EXPECT_EQ(a.tools_list, b.tools_list);
}

TEST(StartupSnapshot, ReadsBackWhatWasWritten) {
  const Snapshot original = sample();
  const std::string text = serialize(original);
  const auto reader = SnapshotReader::open(text);
  ASSERT_TRUE(reader);
  expect_same(reader->copy(), original);
  EXPECT_EQ(reader->digest(), original.answers_digest());
  EXPECT_EQ(reader->tools_list("2025-11-25", "after:b"), R"({"tools":[]})");
  EXPECT_FALSE(reader->tools_list("2025-11-25", "after:zzz"));
  EXPECT_FALSE(reader->initialize("2025-06-18"));
}

TEST(StartupSnapshot, StoresEqualAnswersOnce) {
  const std::string text = serialize(sample());
  const std::string empty_list = R"({"tools":[]})";
  std::size_t count = 0;
  for (auto at = text.find(empty_list); at != std::string::npos; at = text.find(empty_list, at + 1))
    ++count;
  EXPECT_EQ(count, 1u);
}

TEST(StartupSnapshot, RefusesTextThatIsNotACompleteSnapshot) {
  const std::string text = serialize(sample());
  EXPECT_FALSE(SnapshotReader::open(""));
  EXPECT_FALSE(SnapshotReader::open("quarry-startup-snapshot 0\n{}\n"));
  EXPECT_FALSE(SnapshotReader::open(text.substr(0, text.size() - 3)));       // answers cut short
  EXPECT_FALSE(SnapshotReader::open(text.substr(0, text.find('\n') + 10)));  // header cut
  EXPECT_FALSE(SnapshotReader::open("quarry-startup-snapshot 1\n{\"key\":1}\n"));
}

TEST(StartupSnapshot, DigestCoversEveryAnswerButNotTheInputs) {
  const Snapshot original = sample();
  Snapshot other_inputs = original;
  other_inputs.inputs.clear();
  EXPECT_EQ(other_inputs.answers_digest(), original.answers_digest());
  Snapshot other_page = original;
  other_page.tools_list["2025-11-25"]["after:b"] = R"({"tools":[{"name":"c"}]})";
  EXPECT_NE(other_page.answers_digest(), original.answers_digest());
  Snapshot other_handshake = original;
  other_handshake.initialize["2024-11-05"] = R"({"protocolVersion":"2024-11-05","x":1})";
  EXPECT_NE(other_handshake.answers_digest(), original.answers_digest());
}

TEST(StartupSnapshotInputs, HoldWhileNothingChanges) {
  ScratchDir dir;
  write(dir.path() / "libfoo.so", "plugin");
  Snapshot snapshot;
  snapshot.inputs = {PathState::of(dir.path().string()),
                     PathState::of((dir.path() / "libfoo.so").string()),
                     PathState::of((dir.path() / "quarry.toml").string())};
  EXPECT_EQ(snapshot.inputs[0].kind, PathState::Kind::kDirectory);
  EXPECT_EQ(snapshot.inputs[1].kind, PathState::Kind::kFile);
  EXPECT_EQ(snapshot.inputs[1].size, 6u);
  EXPECT_EQ(snapshot.inputs[2].kind, PathState::Kind::kMissing);
  EXPECT_TRUE(snapshot.inputs_unchanged());
}

TEST(StartupSnapshotInputs, BreakWhenAFileIsRewrittenAddedOrRemoved) {
  ScratchDir dir;
  const fs::path plugin = dir.path() / "libfoo.so";
  write(plugin, "plugin");
  const auto record = [&] {
    Snapshot snapshot;
    snapshot.inputs = {PathState::of(dir.path().string()), PathState::of(plugin.string()),
                       PathState::of((dir.path() / "quarry.toml").string())};
    return snapshot;
  };
  Snapshot snapshot = record();
  write(plugin, "plugin v2");  // same name, new contents
  EXPECT_FALSE(snapshot.inputs_unchanged());

  snapshot = record();
  write(dir.path() / "quarry.toml", "[log]\n");  // a config file appears
  EXPECT_FALSE(snapshot.inputs_unchanged());

  snapshot = record();
  fs::remove(plugin);
  EXPECT_FALSE(snapshot.inputs_unchanged());
}

TEST(StartupSnapshotInputs, BreakWhenAFileIsReplacedByRename) {
  ScratchDir dir;
  const fs::path plugin = dir.path() / "libfoo.so";
  write(plugin, "plugin");
  Snapshot snapshot;
  snapshot.inputs = {PathState::of(plugin.string())};
  write(dir.path() / "new.tmp", "plugin");  // same size
  fs::rename(dir.path() / "new.tmp", plugin);
  EXPECT_FALSE(snapshot.inputs_unchanged());
}

TEST(LaunchKey, DependsOnArgumentsDirectoryAndConfigurationVariablesOnly) {
  const std::vector<std::string> arguments = {"quarry", "serve", "--plugin-dir", "/p"};
  const std::vector<std::string> environment = {"HOME=/home/a", "PATH=/bin", "TERM=xterm",
                                                "QUARRY_LOG_LEVEL=debug"};
  const std::string key = launch_key("front:1", arguments, "/work", environment);
  EXPECT_EQ(key.size(), 16u);
  EXPECT_EQ(key, launch_key("front:1", arguments, "/work", environment));
  EXPECT_NE(key, launch_key("front:2", arguments, "/work", environment));
  EXPECT_NE(key, launch_key("front:1", {"quarry", "serve"}, "/work", environment));
  EXPECT_NE(key, launch_key("front:1", arguments, "/elsewhere", environment));
  EXPECT_NE(key, launch_key("front:1", arguments, "/work",
                            {"HOME=/home/b", "PATH=/bin", "TERM=xterm", "QUARRY_LOG_LEVEL=debug"}));
  EXPECT_NE(key, launch_key("front:1", arguments, "/work",
                            {"HOME=/home/a", "PATH=/bin", "TERM=xterm", "QUARRY_LOG_LEVEL=info"}));
  // Unrelated variables, their order, and the front's own hand-over variables do not count.
  EXPECT_EQ(key, launch_key("front:1", arguments, "/work",
                            {"QUARRY_LOG_LEVEL=debug", "PATH=/usr/bin", "HOME=/home/a",
                             "QUARRY_HANDOVER_FD=5", "LANG=C"}));
  // Arguments are hashed one by one: moving a boundary changes the key.
  EXPECT_NE(launch_key("f", {"ab", "c"}, "/", {}), launch_key("f", {"a", "bc"}, "/", {}));
}

TEST(SnapshotDirectory, FollowsTheXdgCacheConvention) {
  EXPECT_EQ(snapshot_directory({"HOME=/home/a", "XDG_CACHE_HOME=/cache"}), "/cache/quarry/startup");
  EXPECT_EQ(snapshot_directory({"HOME=/home/a", "XDG_CACHE_HOME=relative"}),
            "/home/a/.cache/quarry/startup");
  EXPECT_EQ(snapshot_directory({"HOME=/home/a"}), "/home/a/.cache/quarry/startup");
  EXPECT_EQ(snapshot_directory({"PATH=/bin"}), "");
}

TEST(Handover, CarriesTheSessionStateAndTheUnreadInput) {
  Handover handover;
  handover.initialize =
      nlohmann::json{{"protocolVersion", "2025-06-18"}, {"clientInfo", {{"name", "c"}}}};
  handover.served = 0xfedcba9876543210ULL;
  handover.unread = "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n{\"partial";
  const Handover back = Handover::decode(handover.encode());
  EXPECT_EQ(back.initialize, handover.initialize);
  EXPECT_EQ(back.served, handover.served);
  EXPECT_EQ(back.unread, handover.unread);

  const Handover empty = Handover::decode(Handover{}.encode());
  EXPECT_FALSE(empty.initialize);
  EXPECT_FALSE(empty.served);
  EXPECT_EQ(empty.unread, "");
}

TEST(Handover, RefusesTextWithoutAHeader) {
  EXPECT_THROW((void)Handover::decode(""), std::runtime_error);
  EXPECT_THROW((void)Handover::decode("not json\n"), std::runtime_error);
  EXPECT_THROW((void)Handover::decode("{\"initialize\":null}"), std::runtime_error);
}

}  // namespace
}  // namespace quarry::startup
