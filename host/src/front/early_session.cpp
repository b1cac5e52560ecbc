#include "front/early_session.hpp"

#include "quarry/mcp/json_rpc.hpp"
#include "quarry/mcp/protocol.hpp"

#include <poll.h>
#include <sys/uio.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <span>
#include <variant>

namespace quarry::front {
namespace {

using nlohmann::json;

// Clients send initialize as soon as they have started the server; if nothing comes, let
// the engine start rather than sit idle.
constexpr int kFirstMessageWaitMs = 100;
// After an answer, a pause means the client is busy elsewhere: the engine starts meanwhile,
// so that a tool call does not wait for it.
constexpr int kPauseMs = 10;

//! Writes every byte of `parts`, in order; false when the client is gone.
bool write_all(int fd, std::span<iovec> parts) {
  while (!parts.empty()) {
    const ssize_t n = writev(fd, parts.data(), static_cast<int>(parts.size()));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    auto done = static_cast<std::size_t>(n);
    while (!parts.empty() && done >= parts.front().iov_len) {
      done -= parts.front().iov_len;
      parts = parts.subspan(1);
    }
    if (!parts.empty()) {
      parts.front().iov_base = static_cast<char*>(parts.front().iov_base) + done;
      parts.front().iov_len -= done;
    }
  }
  return true;
}

class EarlySession {
 public:
  EarlySession(const startup::SnapshotReader& snapshot, int in_fd, int out_fd)
      : snapshot_(snapshot), in_fd_(in_fd), out_fd_(out_fd) {}

  EarlyOutcome run() {
    int wait_ms = kFirstMessageWaitMs;
    while (true) {
      pollfd input{in_fd_, POLLIN, 0};
      const int ready = poll(&input, 1, wait_ms);
      if (ready < 0 && errno == EINTR) continue;
      if (ready <= 0) return hand_over();  // a pause (or a poll failure): let the engine go on
      char chunk[64 * 1024];
      const ssize_t n = read(in_fd_, chunk, sizeof chunk);
      if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (n <= 0) return end_of_input();
      pending_.append(chunk, static_cast<std::size_t>(n));
      if (!answer_complete_lines()) return hand_over();
      if (client_gone_) return finish();
      wait_ms = kPauseMs;
    }
  }

 private:
  //! Handles every complete line in `pending_`; false at the first the engine must see.
  bool answer_complete_lines() {
    std::size_t newline = 0;
    while ((newline = pending_.find('\n')) != std::string::npos) {
      std::string_view line(pending_.data(), newline);
      if (line.ends_with('\r')) line.remove_suffix(1);
      if (!answer(line)) return false;
      pending_.erase(0, newline + 1);
      if (client_gone_) return true;
    }
    return true;
  }

  //! Answers or keeps one message; false when the engine must handle it.
  bool answer(std::string_view line) {
    if (line.find_first_not_of(" \t") == std::string_view::npos) return true;  // blank: ignored
    const json value = json::parse(line, nullptr, false);
    if (value.is_discarded()) return false;
    const mcp::Message message = mcp::classify(value);
    if (const auto* notification = std::get_if<mcp::Notification>(&message)) {
      if (notification->method != "notifications/initialized") return false;
      handover_.unread.append(line).push_back('\n');  // the engine logs it; nothing to answer
      return true;
    }
    const auto* request = std::get_if<mcp::Request>(&message);
    if (request == nullptr) return false;
    // Read as the engine reads them: absent params are an empty object.
    const json params = request->params.is_object() ? request->params : json::object();
    if (request->method == "initialize") return initialize(request->id, params);
    if (request->method == "tools/list") return list_tools(request->id, params);
    return false;
  }

  bool initialize(const json& id, const json& params) {
    if (version_) return false;
    const auto requested = params.find("protocolVersion");
    if (requested == params.end() || !requested->is_string()) return false;
    std::string version(mcp::to_string(mcp::negotiate_handshake(requested->get<std::string>())));
    const auto answer = snapshot_.initialize(version);
    if (!answer) return false;
    reply(id, *answer);
    version_ = std::move(version);
    handover_.initialize = params;
    return true;
  }

  bool list_tools(const json& id, const json& params) {
    if (!version_) return false;
    std::string cursor;
    for (const auto& [key, value] : params.items()) {
      if (key != "cursor") return false;  // _meta and the like: the engine's business
      if (value.is_string()) {
        cursor = value.get<std::string>();
      } else if (!value.is_null()) {
        return false;
      }
    }
    const auto page = snapshot_.tools_list(*version_, cursor);
    if (!page) return false;
    reply(id, *page);
    return true;
  }

  //! Sends `{"id":…,"jsonrpc":"2.0","result":…}`, as the engine serialises a response.
  void reply(const json& id, std::string_view result) {
    std::string head = "{\"id\":";
    head += id.dump(-1, ' ', false, json::error_handler_t::replace);
    head += ",\"jsonrpc\":\"2.0\",\"result\":";
    static constexpr char kTail[] = "}\n";
    std::array<iovec, 3> parts = {iovec{head.data(), head.size()},
                                  iovec{const_cast<char*>(result.data()), result.size()},
                                  iovec{const_cast<char*>(kTail), 2}};
    if (!write_all(out_fd_, parts)) client_gone_ = true;
    handover_.served = snapshot_.digest();
  }

  EarlyOutcome end_of_input() {
    // A last message without a newline still counts, as it does for the engine.
    if (!pending_.empty() && !answer(pending_)) return hand_over();
    return finish();
  }

  EarlyOutcome finish() { return {std::move(handover_), true}; }

  EarlyOutcome hand_over() {
    handover_.unread += pending_;
    return {std::move(handover_), false};
  }

  const startup::SnapshotReader& snapshot_;
  int in_fd_;
  int out_fd_;
  std::string pending_;
  std::optional<std::string> version_;
  bool client_gone_ = false;
  startup::Handover handover_;
};

}  // namespace

EarlyOutcome answer_early(const startup::SnapshotReader& snapshot, int in_fd, int out_fd) {
  return EarlySession(snapshot, in_fd, out_fd).run();
}

}  // namespace quarry::front
