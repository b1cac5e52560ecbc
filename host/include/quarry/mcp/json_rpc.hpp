#pragma once
//! \file
//! JSON-RPC 2.0 message shapes and error codes as MCP uses them.

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <variant>

namespace quarry::mcp {

//! Standard JSON-RPC error codes.
enum class ErrorCode : int {
  kParseError = -32700,
  kInvalidRequest = -32600,
  kMethodNotFound = -32601,
  kInvalidParams = -32602,
  kInternalError = -32603,
};

//! An error to send back: code, message, optional data.
struct RpcError {
  ErrorCode code;
  std::string message;
  nlohmann::json data;  //!< null when absent
};

//! A request: has an id and expects exactly one response.
struct Request {
  nlohmann::json id;  //!< string or integer
  std::string method;
  nlohmann::json params;  //!< object, or null when absent
};

//! A notification: no id, no response.
struct Notification {
  std::string method;
  nlohmann::json params;
};

//! A response from the client (we send no requests yet, so these are ignored).
struct ClientResponse {
  nlohmann::json id;
};

//! One decoded message, or the error to answer it with (`id` null when unknown).
struct Invalid {
  nlohmann::json id;
  RpcError error;
};

using Message = std::variant<Request, Notification, ClientResponse, Invalid>;

//! Classifies one JSON value as a JSON-RPC 2.0 message.
[[nodiscard]] Message classify(const nlohmann::json& value);

//! `{"jsonrpc":"2.0","id":…,"result":…}`
[[nodiscard]] nlohmann::json make_result(const nlohmann::json& id, nlohmann::json result);
//! `{"jsonrpc":"2.0","id":…,"error":{code,message[,data]}}`
[[nodiscard]] nlohmann::json make_error(const nlohmann::json& id, const RpcError& error);
//! `{"jsonrpc":"2.0","method":…,"params":…}`
[[nodiscard]] nlohmann::json make_notification(std::string_view method, nlohmann::json params);

//! Serializes a message as one line of UTF-8 JSON (no embedded newline); invalid
//! UTF-8 in strings is replaced rather than aborting the stream.
[[nodiscard]] std::string to_line(const nlohmann::json& message);

}  // namespace quarry::mcp
