#include "app/startup_snapshot.hpp"

#include "quarry/mcp/json_rpc.hpp"
#include "quarry/mcp/protocol.hpp"
#include "quarry/registry/atomic_file.hpp"
#include "quarry/tools/call_stats.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace quarry::app {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// Snapshots of launches not seen for a while are pruned beyond this many.
constexpr std::size_t kSnapshotsKept = 16;
// How long a recording waits for the session's opening exchange to pass.
constexpr auto kSettle = std::chrono::milliseconds(250);
// A catalog paging forever would be a bug; stop recording rather than loop.
constexpr std::size_t kMaxPages = 100'000;

//! Keeps the messages a private session sends.
class CapturingSink final : public mcp::MessageSink {
 public:
  void send(const json& message) override {
    std::lock_guard lock(mutex_);
    messages_.push_back(message);
  }
  //! The result of the last response; throws when there is none.
  json take_result() {
    std::lock_guard lock(mutex_);
    if (messages_.empty() || !messages_.back().contains("result"))
      throw std::runtime_error("the session gave no result");
    json result = std::move(messages_.back()["result"]);
    messages_.clear();
    return result;
  }

 private:
  std::mutex mutex_;
  std::vector<json> messages_;
};

json request(int id, std::string_view method, json params) {
  return {{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}};
}

std::optional<std::string> read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return std::move(text).str();
}

//! Removes the least recently written snapshots beyond kSnapshotsKept.
void prune(const fs::path& directory) {
  std::vector<std::pair<fs::file_time_type, fs::path>> snapshots;
  std::error_code ec;
  for (fs::directory_iterator it(directory, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() != ".snap") continue;
    std::error_code time_ec;
    const auto time = it->last_write_time(time_ec);
    if (!time_ec) snapshots.emplace_back(time, it->path());
  }
  if (snapshots.size() <= kSnapshotsKept) return;
  std::sort(snapshots.begin(), snapshots.end());
  for (std::size_t i = 0; i + kSnapshotsKept < snapshots.size(); ++i)
    fs::remove(snapshots[i].second, ec);
}

}  // namespace

std::optional<SnapshotTarget> SnapshotTarget::take_from_environment() {
  const char* file = std::getenv(startup::kSnapshotFileVariable);
  const char* key = std::getenv(startup::kSnapshotKeyVariable);
  std::optional<SnapshotTarget> target;
  if (file != nullptr && key != nullptr && *file != 0 && *key != 0)
    target = SnapshotTarget{file, key};
  unsetenv(startup::kSnapshotFileVariable);  // not for plugin probes and other children
  unsetenv(startup::kSnapshotKeyVariable);
  return target;
}

startup::Snapshot record_answers(const mcp::SessionOptions& options,
                                 std::shared_ptr<const tools::ToolCatalog> catalog) {
  mcp::SessionOptions quiet = options;
  quiet.log_handshake = false;
  startup::Snapshot snapshot;
  for (const auto version : mcp::kAllVersions) {
    if (mcp::is_stateless(version)) continue;
    const std::string name(mcp::to_string(version));
    CapturingSink sink;
    mcp::Session session(quiet, catalog, std::make_shared<tools::CallStats>(), sink);
    session.handle_line(mcp::to_line(
        request(1, "initialize",
                {{"protocolVersion", name},
                 {"capabilities", json::object()},
                 {"clientInfo", {{"name", "quarry startup snapshot"}, {"version", "1"}}}})));
    snapshot.initialize[name] = mcp::to_line(sink.take_result());
    auto& pages = snapshot.tools_list[name];
    std::string cursor;
    for (std::size_t page = 0; page < kMaxPages; ++page) {
      json params = json::object();
      if (!cursor.empty()) params["cursor"] = cursor;
      session.handle_line(mcp::to_line(request(2, "tools/list", std::move(params))));
      const json result = sink.take_result();
      pages[cursor] = mcp::to_line(result);
      const auto next = result.find("nextCursor");
      if (next == result.end() || !next->is_string()) break;
      cursor = next->get<std::string>();
    }
  }
  return snapshot;
}

std::vector<startup::PathState> record_inputs(const SnapshotInputs& inputs) {
  std::vector<startup::PathState> states;
  for (const auto& file : inputs.files) states.push_back(startup::PathState::of(file));
  for (const auto& directory : inputs.directories) {
    states.push_back(startup::PathState::of(directory));
    std::vector<std::string> entries;
    std::error_code ec;
    for (fs::directory_iterator it(directory, ec), end; !ec && it != end; it.increment(ec))
      entries.push_back(it->path().string());
    std::sort(entries.begin(), entries.end());
    for (const auto& entry : entries) states.push_back(startup::PathState::of(entry));
  }
  return states;
}

StartupSnapshotKeeper::StartupSnapshotKeeper(SnapshotTarget target, SnapshotInputs inputs,
                                             mcp::SessionOptions options,
                                             std::shared_ptr<const tools::ToolCatalog> catalog,
                                             std::optional<std::uint64_t> served,
                                             std::function<void()> on_stale)
    : target_(std::move(target)),
      inputs_(std::move(inputs)),
      options_(std::move(options)),
      catalog_(std::move(catalog)),
      served_(served),
      on_stale_(std::move(on_stale)) {
  options_.before_first_call = nullptr;  // the recording sessions make no calls
  worker_ = std::thread([this] { run(); });
}

StartupSnapshotKeeper::~StartupSnapshotKeeper() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  worker_.join();
}

void StartupSnapshotKeeper::refresh() {
  {
    std::lock_guard lock(mutex_);
    requested_ = true;
  }
  wake_.notify_one();
}

void StartupSnapshotKeeper::run() {
  while (true) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return requested_ || stopping_; });
      // Let the session's opening exchange have the cores; a recording still due when the
      // session ends is made before the engine exits.
      wake_.wait_for(lock, kSettle, [this] { return stopping_; });
      if (!requested_) return;
      requested_ = false;
    }
    try {
      record();
    } catch (const std::exception& e) {
      // Only the next start is slower; the session itself is unaffected.
      spdlog::debug("startup snapshot {} not recorded: {}", target_.file, e.what());
    }
  }
}

void StartupSnapshotKeeper::record() {
  const auto before = record_inputs(inputs_);
  startup::Snapshot snapshot = record_answers(options_, catalog_);
  snapshot.key = target_.key;
  snapshot.inputs = record_inputs(inputs_);
  if (served_ && *served_ != snapshot.answers_digest() && on_stale_) {
    spdlog::info("the tools changed since this session's tools/list was answered at startup");
    on_stale_();
  }
  served_.reset();
  // Inputs that moved while answers were recorded may not match them: record next time.
  if (snapshot.inputs != before) return;
  const std::string text = startup::serialize(snapshot);
  if (read_text(target_.file) == text) return;
  const fs::path file(target_.file);
  fs::create_directories(file.parent_path());
  registry::write_file_atomically(file, text);
  prune(file.parent_path());
  spdlog::debug("startup snapshot recorded in {}", target_.file);
}

}  // namespace quarry::app
