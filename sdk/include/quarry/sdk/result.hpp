#pragma once
//! \file
//! quarry::sdk::Result: what a tool returns, built fluently and serialised into an
//! MCP CallToolResult ({"content":[…], "structuredContent":{…}}) for the host.

#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

#include "quarry/sdk/call.hpp"
#include "quarry/sdk/detail/base64.hpp"
#include "quarry/sdk/error.hpp"

namespace quarry::sdk {

//! The outcome of a tool call or a stage's finish(). Either a success carrying
//! MCP content blocks (and optionally structured content), or a failure made by
//! Result::error(), which the SDK reports like a thrown Error.
class Result {
 public:
  //! A success with no content yet; add blocks with the add_* members.
  Result() = default;

  //! A success holding one text block.
  [[nodiscard]] static Result text(std::string text) {
    Result r;
    r.add_text(std::move(text));
    return r;
  }

  //! A success with structuredContent `data` (a JSON object, matching the tool's
  //! output schema) and a short text rendering for clients that read only text.
  //! An empty `text` uses the compact JSON of `data`.
  [[nodiscard]] static Result structured(nlohmann::json data, std::string text = {}) {
    Result r;
    if (text.empty()) text = detail::dump_json(data);
    r.set_structured(std::move(data));
    r.add_text(std::move(text));
    return r;
  }

  //! A failure: the SDK calls set_error(message) and returns `status` (never
  //! QUARRY_OK) instead of setting a result. Same as throwing Error(status, message).
  [[nodiscard]] static Result error(std::string message, quarry_status status = QUARRY_ERROR) {
    Result r;
    r.status_ = status == QUARRY_OK ? QUARRY_ERROR : status;
    r.error_ = std::move(message);
    return r;
  }

  //! Appends a text block.
  Result& add_text(std::string text) {
    content_.push_back({{"type", "text"}, {"text", std::move(text)}});
    return *this;
  }

  //! Appends an image block from raw bytes (e.g. a PNG), base64-encoded here.
  Result& add_image(std::string_view bytes, std::string mime_type) {
    return add_image_base64(detail::base64_encode(bytes), std::move(mime_type));
  }

  //! Appends an image block from data that is already base64.
  Result& add_image_base64(std::string base64, std::string mime_type) {
    content_.push_back(
        {{"type", "image"}, {"data", std::move(base64)}, {"mimeType", std::move(mime_type)}});
    return *this;
  }

  //! Appends a resource_link block pointing at a file the tool wrote (e.g. the
  //! full output under the output root). Empty optional fields are left out;
  //! hosts speaking protocols without resource_link render it as text.
  Result& add_resource_link(std::string uri, std::string name, std::string mime_type = {},
                            std::string description = {}) {
    nlohmann::json block = {
        {"type", "resource_link"}, {"uri", std::move(uri)}, {"name", std::move(name)}};
    if (!mime_type.empty()) block["mimeType"] = std::move(mime_type);
    if (!description.empty()) block["description"] = std::move(description);
    content_.push_back(std::move(block));
    return *this;
  }

  //! Appends an embedded text resource block ({"type":"resource","resource":{…}}).
  Result& add_resource_text(std::string uri, std::string text, std::string mime_type = {}) {
    nlohmann::json resource = {{"uri", std::move(uri)}, {"text", std::move(text)}};
    if (!mime_type.empty()) resource["mimeType"] = std::move(mime_type);
    content_.push_back({{"type", "resource"}, {"resource", std::move(resource)}});
    return *this;
  }

  //! Appends any MCP content block as given (e.g. audio).
  Result& add_content(nlohmann::json block) {
    content_.push_back(std::move(block));
    return *this;
  }

  //! Sets structuredContent; throws Error when `data` is not a JSON object (MCP
  //! requires an object).
  Result& set_structured(nlohmann::json data) {
    if (!data.is_object()) {
      throw Error(std::string("structuredContent must be a JSON object, got ") + data.type_name());
    }
    structured_ = std::move(data);
    return *this;
  }

  //! True for results made by Result::error().
  [[nodiscard]] bool is_error() const noexcept { return status_ != QUARRY_OK; }
  //! QUARRY_OK, or the failure status of Result::error().
  [[nodiscard]] quarry_status status() const noexcept { return status_; }
  //! The failure message of Result::error(); empty for successes.
  [[nodiscard]] const std::string& error_message() const noexcept { return error_; }
  //! The content blocks (a JSON array).
  [[nodiscard]] const nlohmann::json& content() const noexcept { return content_; }
  //! The structured content, if any.
  [[nodiscard]] const std::optional<nlohmann::json>& structured_content() const noexcept {
    return structured_;
  }

  //! The CallToolResult object handed to quarry_call_v1::set_result.
  [[nodiscard]] nlohmann::json to_json() const {
    nlohmann::json out = {{"content", content_}};
    if (structured_) out["structuredContent"] = *structured_;
    return out;
  }

  //! to_json() serialised; invalid UTF-8 in strings is replaced by U+FFFD.
  [[nodiscard]] std::string dump() const { return detail::dump_json(to_json()); }

 private:
  nlohmann::json content_ = nlohmann::json::array();
  std::optional<nlohmann::json> structured_;
  quarry_status status_ = QUARRY_OK;
  std::string error_;
};

}  // namespace quarry::sdk
