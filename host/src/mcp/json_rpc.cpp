#include "quarry/mcp/json_rpc.hpp"

namespace quarry::mcp {
namespace {

bool is_valid_id(const nlohmann::json& id) {
  return id.is_string() || id.is_number_integer();
}

Invalid invalid(nlohmann::json id, std::string message) {
  return {std::move(id), {ErrorCode::kInvalidRequest, std::move(message), nullptr}};
}

}  // namespace

Message classify(const nlohmann::json& value) {
  if (!value.is_object()) {
    return invalid(nullptr, "Invalid Request: a JSON-RPC message must be a JSON object");
  }
  const nlohmann::json id = value.contains("id") ? value["id"] : nlohmann::json();
  const auto version = value.find("jsonrpc");
  if (version == value.end() || *version != "2.0") {
    return invalid(is_valid_id(id) ? id : nullptr,
                   "Invalid Request: \"jsonrpc\" must be the string \"2.0\"");
  }
  const auto method = value.find("method");
  if (method == value.end()) {
    if (value.contains("result") || value.contains("error")) return ClientResponse{id};
    return invalid(is_valid_id(id) ? id : nullptr, "Invalid Request: \"method\" is missing");
  }
  if (!method->is_string()) {
    return invalid(is_valid_id(id) ? id : nullptr, "Invalid Request: \"method\" must be a string");
  }
  nlohmann::json params = value.contains("params") ? value["params"] : nlohmann::json();
  if (!params.is_null() && !params.is_object()) {
    return invalid(is_valid_id(id) ? id : nullptr,
                   "Invalid Request: \"params\" must be an object in MCP");
  }
  if (!value.contains("id")) return Notification{method->get<std::string>(), std::move(params)};
  if (!is_valid_id(id)) {
    return invalid(nullptr, "Invalid Request: \"id\" must be a string or an integer");
  }
  return Request{id, method->get<std::string>(), std::move(params)};
}

nlohmann::json make_result(const nlohmann::json& id, nlohmann::json result) {
  return {{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}};
}

nlohmann::json make_error(const nlohmann::json& id, const RpcError& error) {
  nlohmann::json body = {{"code", static_cast<int>(error.code)}, {"message", error.message}};
  if (!error.data.is_null()) body["data"] = error.data;
  return {{"jsonrpc", "2.0"}, {"id", id}, {"error", std::move(body)}};
}

nlohmann::json make_notification(std::string_view method, nlohmann::json params) {
  return {{"jsonrpc", "2.0"}, {"method", method}, {"params", std::move(params)}};
}

std::string to_line(const nlohmann::json& message) {
  // dump() escapes control characters, so the line never contains a raw newline.
  return message.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace quarry::mcp
