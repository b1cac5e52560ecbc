#include "registry/detail/call_adapter.hpp"

#include "registry/detail/status.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace quarry::registry::detail {
namespace {

CallAdapter& self(void* data) {
  return *static_cast<CallAdapter*>(data);
}

std::string_view view(const char* text, std::uint64_t size) {
  return text ? std::string_view(text, size) : std::string_view();
}

tools::MessageLevel to_message_level(quarry_log_level level) {
  const auto clamped = std::clamp<quarry_log_level>(level, QUARRY_LOG_DEBUG, QUARRY_LOG_ERROR);
  // QUARRY_LOG_DEBUG..ERROR are numbered like MessageLevel::kDebug..kError.
  return static_cast<tools::MessageLevel>(clamped);
}

std::optional<tools::ToolResult> reject(std::string& why, const char* reason) {
  why = reason;
  return std::nullopt;
}

}  // namespace

std::optional<tools::ToolResult> parse_tool_result(std::string_view text, std::string& why) {
  nlohmann::json json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) return reject(why, "not valid JSON");
  if (!json.is_object()) return reject(why, "not a JSON object");
  const auto content = json.find("content");
  if (content == json.end() || !content->is_array())
    return reject(why, "it has no \"content\" array");
  const auto structured = json.find("structuredContent");
  if (structured != json.end() && !structured->is_object())
    return reject(why, "\"structuredContent\" is not an object");
  const auto is_error = json.find("isError");
  if (is_error != json.end() && !is_error->is_boolean())
    return reject(why, "\"isError\" is not a boolean");
  tools::ToolResult result;
  result.content = std::move(*content);
  if (structured != json.end()) result.structured = std::move(*structured);
  result.is_error = is_error != json.end() && is_error->get<bool>();
  return result;
}

CallAdapter::CallAdapter(tools::CallContext& context, std::string logger,
                         std::uint64_t memory_budget_bytes, const char* scratch_directory)
    : context_(context), logger_(std::move(logger)) {
  call_.memory_budget_bytes = memory_budget_bytes;
  call_.scratch_directory = scratch_directory;
  call_.struct_size = sizeof(quarry_call_v1);
  call_.call_data = this;
  call_.is_cancelled = &CallAdapter::is_cancelled;
  call_.progress = &CallAdapter::progress;
  call_.log = &CallAdapter::log;
  call_.set_result = &CallAdapter::set_result;
  call_.set_error = &CallAdapter::set_error;
}

std::int32_t CallAdapter::is_cancelled(void* data) {
  try {
    return self(data).context_.cancelled() ? 1 : 0;
  } catch (...) {
    return 1;
  }
}

void CallAdapter::progress(void* data, double done, double total, const char* message,
                           std::uint64_t size) {
  try {
    const std::optional<double> known_total =
        total < 0 ? std::nullopt : std::optional<double>(total);
    self(data).context_.progress(done, known_total, view(message, size));
  } catch (...) {  // nothing may cross the C boundary
  }
}

void CallAdapter::log(void* data, quarry_log_level level, const char* json, std::uint64_t size) {
  try {
    const std::string_view text = view(json, size);
    nlohmann::json value = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (value.is_discarded()) value = std::string(text);  // be lenient: send it as a string
    self(data).context_.log(to_message_level(level), value, self(data).logger_);
  } catch (...) {
  }
}

quarry_status CallAdapter::set_result(void* data, const char* json, std::uint64_t size) {
  try {
    CallAdapter& adapter = self(data);
    std::string why;
    auto result = parse_tool_result(view(json, size), why);
    std::lock_guard lock(adapter.mutex_);
    adapter.result_ = std::move(result);
    adapter.invalid_result_ = adapter.result_ ? std::string() : why;
    return adapter.result_ ? QUARRY_OK : QUARRY_INVALID_ARGUMENT;
  } catch (...) {
    return QUARRY_OUT_OF_MEMORY;
  }
}

void CallAdapter::set_error(void* data, const char* message, std::uint64_t size) {
  try {
    CallAdapter& adapter = self(data);
    std::string text(view(message, size));
    std::lock_guard lock(adapter.mutex_);
    adapter.error_ = std::move(text);
  } catch (...) {
  }
}

bool CallAdapter::has_result() {
  std::lock_guard lock(mutex_);
  return result_.has_value() || !invalid_result_.empty();
}

tools::ToolResult CallAdapter::finish(quarry_status status, const std::string& what) {
  std::lock_guard lock(mutex_);
  if (status != QUARRY_OK) {
    if (error_ && !error_->empty()) return tools::ToolResult::error(*error_);
    return tools::ToolResult::error(
        fmt::format("{} failed with {} and gave no message", what, status_name(status)));
  }
  if (!invalid_result_.empty())
    return tools::ToolResult::error(fmt::format(
        "{} returned an invalid result ({}); this is a bug in the plugin", what, invalid_result_));
  if (!result_)
    return tools::ToolResult::error(
        fmt::format("{} reported success but set no result; this is a bug in the plugin", what));
  return std::move(*result_);
}

}  // namespace quarry::registry::detail
