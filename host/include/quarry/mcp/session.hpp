#pragma once
//! \file
//! One MCP conversation over a message stream: version negotiation, dispatch,
//! concurrent tool calls, cancellation, progress and client logging.

#include "quarry/mcp/json_rpc.hpp"
#include "quarry/mcp/protocol.hpp"
#include "quarry/tools/call_stats.hpp"
#include "quarry/tools/catalog.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace quarry::mcp {

//! Where the session writes outgoing messages. Must be thread-safe: responses
//! and notifications come from many threads.
class MessageSink {
 public:
  virtual ~MessageSink() = default;
  virtual void send(const nlohmann::json& message) = 0;
};

//! Who the server says it is.
struct ServerIdentity {
  std::string name = "quarry";
  std::string title = "Quarry data analysis";
  std::string version;
  std::string instructions;
};

//! Tunables of a session.
struct SessionOptions {
  ServerIdentity identity;
  //! Tools per `tools/list` page.
  std::size_t page_size = 100;
  //! Tool calls running at once; more wait in the arena's queue.
  unsigned max_concurrent_calls = 8;
  //! A call still running after this is cancelled and answered with a timeout error; 0 = none.
  std::chrono::seconds call_timeout{0};
  //! `ttlMs` advertised on stateless `tools/list` and `server/discover` results.
  std::chrono::milliseconds list_ttl{30'000};
  //! Called once, before the first tool call starts (may be empty): sets up what only calls
  //! need, such as the thread pool's limits, so that a client listing tools does not wait
  //! for it.
  std::function<void()> before_first_call;
  //! Log each handshake (client name, versions) at info level.
  bool log_handshake = true;
};

//! Serves MCP messages. Feed it lines with `handle_line`; it answers through the sink.
//! Requests run concurrently: cheap methods inline, `tools/call` on a task arena.
class Session {
 public:
  Session(SessionOptions options, std::shared_ptr<const tools::ToolCatalog> catalog,
          std::shared_ptr<tools::CallStats> stats, MessageSink& sink);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  //! Handles one line of input (one JSON-RPC message or, for 2025-03-26, a batch).
  void handle_line(std::string_view line);
  //! Continues a session whose `initialize` (with these params) was already answered by
  //! another process, the `quarry` front: negotiates as initialize does, sends nothing.
  //! False when the params name no protocol version.
  bool resume(const nlohmann::json& initialize_params);
  //! Announces `notifications/tools/list_changed` to clients that can receive it.
  void tools_changed();
  //! Cancels every running call; their responses are suppressed.
  void cancel_all();
  //! Waits until no call runs, at most `timeout`; true when idle.
  bool wait_idle(std::chrono::milliseconds timeout);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace quarry::mcp
