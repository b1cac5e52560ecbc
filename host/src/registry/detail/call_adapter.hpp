#pragma once
// Private to the registry: the quarry_call_v1 a plugin tool sees, mapped onto the
// host's tools::CallContext.

#include "quarry/tools/tool.hpp"

#include <quarry/plugin.h>

#include <mutex>
#include <optional>
#include <string>

namespace quarry::registry::detail {

//! One call's callbacks. Lives on the caller's stack for the duration of the plugin
//! entry point; every callback is thread-safe and lets no exception escape.
class CallAdapter {
 public:
  //! `logger` names the plugin in log messages sent to the client.
  //! `memory_budget_bytes` is what the plugin may use (0: no budget stated);
  //! `scratch_directory` (borrowed, may be null) where it may put temporary files.
  CallAdapter(tools::CallContext& context, std::string logger,
              std::uint64_t memory_budget_bytes = 0, const char* scratch_directory = nullptr);
  CallAdapter(const CallAdapter&) = delete;
  CallAdapter& operator=(const CallAdapter&) = delete;

  [[nodiscard]] const quarry_call_v1* abi() const { return &call_; }

  //! Sets QUARRY_CALL_* bits for the entry point about to be called.
  void set_flags(std::uint32_t flags) { call_.flags = flags; }

  //! True once the plugin set a result (valid or not).
  [[nodiscard]] bool has_result();

  //! The result of the call once the entry point returned `status`. `what` names the
  //! tool and plugin in error messages, e.g. "tool 'x' of plugin 'p'".
  [[nodiscard]] tools::ToolResult finish(quarry_status status, const std::string& what);

 private:
  static std::int32_t is_cancelled(void* data);
  static void progress(void* data, double done, double total, const char* message,
                       std::uint64_t size);
  static void log(void* data, quarry_log_level level, const char* json, std::uint64_t size);
  static quarry_status set_result(void* data, const char* json, std::uint64_t size);
  static void set_error(void* data, const char* message, std::uint64_t size);

  tools::CallContext& context_;
  std::string logger_;
  quarry_call_v1 call_{};
  std::mutex mutex_;
  std::optional<tools::ToolResult> result_;  // guarded by mutex_
  std::string invalid_result_;               // guarded; why the last result was rejected
  std::optional<std::string> error_;         // guarded by mutex_
};

//! Parses an MCP CallToolResult ({"content":[…], "structuredContent":{…}?,
//! "isError":bool?}); nullopt with `why` set when it does not parse or fit.
[[nodiscard]] std::optional<tools::ToolResult> parse_tool_result(std::string_view json,
                                                                 std::string& why);

}  // namespace quarry::registry::detail
