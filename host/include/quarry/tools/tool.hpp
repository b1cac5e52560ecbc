#pragma once
//! \file
//! What the MCP layer sees of a tool, wherever it comes from (the host itself or a
//! plugin): a descriptor for `tools/list` and a blocking `call`.

#include <nlohmann/json.hpp>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace quarry::tools {

//! MCP `notifications/message` severities, in increasing order (RFC 5424 names).
enum class MessageLevel { kDebug, kInfo, kNotice, kWarning, kError, kCritical, kAlert, kEmergency };

//! Parses an MCP level name ("debug" … "emergency"); nullopt when unknown.
[[nodiscard]] std::optional<MessageLevel> parse_message_level(std::string_view name);
//! The MCP name of a level.
[[nodiscard]] std::string_view to_string(MessageLevel level);

//! Everything `tools/list` says about a tool.
struct ToolDescriptor {
  std::string name;   //!< Matches ^[a-zA-Z0-9_-]{1,64}$.
  std::string title;  //!< Human-readable name; may be empty.
  std::string description;
  nlohmann::json input_schema = nlohmann::json::object();  //!< JSON Schema of `arguments`.
  std::optional<nlohmann::json> output_schema;  //!< Schema of `structuredContent`, if any.
  nlohmann::json annotations = nlohmann::json::object();  //!< MCP ToolAnnotations hints.
};

//! The input-schema keyword with which a streaming tool names the arguments that name the
//! columns it reads (see quarry/pipeline/column_needs.hpp). Host-internal: tools/list never
//! shows it.
inline constexpr const char* kReadsKeyword = "x-quarry-reads";

//! True when `name` is a valid tool name (1–64 of [a-zA-Z0-9_-]).
[[nodiscard]] bool is_valid_tool_name(std::string_view name);

//! The running call as the tool sees it: cancellation, progress and client logging.
//! Implementations are thread-safe; a tool may report from worker threads.
class CallContext {
 public:
  virtual ~CallContext() = default;
  //! True once the client cancelled the call or the host is shutting down.
  [[nodiscard]] virtual bool cancelled() const = 0;
  //! Reports progress; ignored when the client asked for none or when `done` does
  //! not increase. `total` is optional; `message` may be empty.
  virtual void progress(double done, std::optional<double> total, std::string_view message) = 0;
  //! Sends a `notifications/message` to the client if `level` passes its log level.
  virtual void log(MessageLevel level, const nlohmann::json& data, std::string_view logger) = 0;
};

//! The outcome of a call, in MCP `CallToolResult` terms.
struct ToolResult {
  nlohmann::json content = nlohmann::json::array();  //!< MCP content blocks.
  std::optional<nlohmann::json> structured;          //!< `structuredContent`.
  bool is_error = false;

  //! A result holding one text block.
  static ToolResult text(std::string text);
  //! A failed call: one text block that says what went wrong and what to do.
  static ToolResult error(std::string message);
  //! Structured data plus a short text rendering for text-only clients.
  static ToolResult structured_with_text(nlohmann::json data, std::string text);
};

//! A callable tool. `call` blocks until done and may be invoked concurrently.
class Tool {
 public:
  virtual ~Tool() = default;
  [[nodiscard]] virtual const ToolDescriptor& descriptor() const = 0;
  //! Runs the tool on arguments already validated against the input schema.
  //! Exceptions are turned into `isError` results by the caller.
  virtual ToolResult call(const nlohmann::json& arguments, CallContext& context) = 0;
};

using ToolPtr = std::shared_ptr<Tool>;

}  // namespace quarry::tools
