#pragma once
// Private to the MCP session: the state of one running tools/call and the
// CallContext a tool sees.

#include "quarry/mcp/json_rpc.hpp"
#include "quarry/mcp/protocol.hpp"
#include "quarry/mcp/session.hpp"
#include "quarry/tools/tool.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>

namespace quarry::mcp::detail {

//! How one request is to be served: its protocol revision and client preferences.
struct RequestScope {
  ProtocolVersion version = kNewestHandshakeVersion;
  bool stateless = false;  //!< 2026-07-28 request carrying its version in _meta
  //! Stateless: the level asked for in _meta (none → no log notifications).
  std::optional<tools::MessageLevel> log_threshold;
  nlohmann::json progress_token;  //!< null when the client asked for no progress
};

//! A tools/call between acceptance and its response.
struct InFlightCall {
  nlohmann::json id;
  std::atomic<bool> cancelled{false};
  //! Set by whoever sends the single response (the call, or the timeout watchdog).
  std::atomic<bool> answered{false};
  std::chrono::steady_clock::time_point deadline;
  //! When the last progress notification went out (steady clock, ns; 0 = never).
  std::atomic<std::int64_t> last_progress_ns{0};
  std::function<void(std::optional<nlohmann::json>)> reply;
};

//! The CallContext handed to tools: forwards progress and log messages while the
//! call is unanswered and not cancelled.
class CallContextImpl final : public tools::CallContext {
 public:
  CallContextImpl(InFlightCall& call, const RequestScope& scope, MessageSink& sink,
                  std::function<tools::MessageLevel()> session_level)
      : call_(call), scope_(scope), sink_(sink), session_level_(std::move(session_level)) {}

  bool cancelled() const override { return call_.cancelled.load(); }

  void progress(double done, std::optional<double> total, std::string_view message) override {
    if (scope_.progress_token.is_null() || call_.answered || call_.cancelled) return;
    std::lock_guard lock(mutex_);
    if (last_progress_ && done <= *last_progress_) return;  // must strictly increase
    last_progress_ = done;
    nlohmann::json params = {{"progressToken", scope_.progress_token}, {"progress", done}};
    if (total) params["total"] = *total;
    if (!message.empty() && has_annotations(scope_.version)) params["message"] = message;
    sink_.send(make_notification("notifications/progress", std::move(params)));
    call_.last_progress_ns = std::chrono::steady_clock::now().time_since_epoch().count();
  }

  void log(tools::MessageLevel level, const nlohmann::json& data,
           std::string_view logger) override {
    if (call_.answered || call_.cancelled) return;
    const auto threshold = scope_.stateless ? scope_.log_threshold : session_level_();
    if (!threshold || level < *threshold) return;
    nlohmann::json params = {{"level", tools::to_string(level)}, {"data", data}};
    if (!logger.empty()) params["logger"] = logger;
    sink_.send(make_notification("notifications/message", std::move(params)));
  }

 private:
  InFlightCall& call_;
  const RequestScope& scope_;
  MessageSink& sink_;
  std::function<tools::MessageLevel()> session_level_;
  std::mutex mutex_;
  std::optional<double> last_progress_;
};

}  // namespace quarry::mcp::detail
