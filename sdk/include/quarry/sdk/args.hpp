#pragma once
//! \file
//! quarry::sdk::Args: typed, checked access to a call's JSON arguments. A wrong
//! or missing argument throws Error(QUARRY_INVALID_ARGUMENT) naming the key, so
//! a tool never has to write that message itself.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

#include "quarry/sdk/detail/arg_converter.hpp"
#include "quarry/sdk/error.hpp"

namespace quarry::sdk {

//! The arguments of one call: a JSON object already validated against the tool's
//! input schema by the host. Typed getters still check, so a schema that is
//! looser than the code fails with a clear message instead of undefined
//! behaviour. A key whose value is JSON null counts as absent.
class Args {
 public:
  //! Empty arguments ({}).
  Args() : json_(nlohmann::json::object()) {}

  //! Wraps an already parsed value; throws Error(QUARRY_INVALID_ARGUMENT) when it
  //! is not a JSON object.
  explicit Args(nlohmann::json value) : json_(std::move(value)) {
    if (json_.is_null()) json_ = nlohmann::json::object();
    if (!json_.is_object()) {
      throw Error::invalid_argument(std::string("arguments must be a JSON object, got ") +
                                    json_.type_name());
    }
  }

  //! Parses `size` bytes of JSON text (borrowed). NULL or empty text gives {}.
  //! Throws Error(QUARRY_INVALID_ARGUMENT) on malformed JSON or a non-object.
  [[nodiscard]] static Args parse(const char* data, std::uint64_t size) {
    if (data == nullptr || size == 0) return Args();
    nlohmann::json value =
        nlohmann::json::parse(data, data + size, nullptr, /*allow_exceptions=*/false);
    if (value.is_discarded()) throw Error::invalid_argument("arguments are not valid JSON");
    return Args(std::move(value));
  }

  //! True when `key` is present and not null.
  [[nodiscard]] bool has(std::string_view key) const { return lookup(key) != nullptr; }

  //! The value of a required argument converted to T (bool, integers with range
  //! check, floating point, std::string, std::string_view into this object,
  //! std::vector<T>, nlohmann::json, or any type nlohmann::json converts to).
  //! Throws Error(QUARRY_INVALID_ARGUMENT) when missing or of the wrong type.
  template <class T>
  [[nodiscard]] T get(std::string_view key) const {
    const nlohmann::json* value = lookup(key);
    if (value == nullptr) {
      throw Error::invalid_argument("missing required argument '" + std::string(key) + "'");
    }
    return detail::ArgConverter<T>::from(*value, key);
  }

  //! The value of an optional argument, or `fallback` when absent. A present value
  //! of the wrong type still throws.
  template <class T>
  [[nodiscard]] T get_or(std::string_view key, T fallback) const {
    const nlohmann::json* value = lookup(key);
    return value == nullptr ? std::move(fallback) : detail::ArgConverter<T>::from(*value, key);
  }

  //! get_or for string literals: args.get_or("mode", "fast") yields a std::string.
  [[nodiscard]] std::string get_or(std::string_view key, const char* fallback) const {
    return get_or<std::string>(key, std::string(fallback));
  }

  //! The value of an optional argument, or std::nullopt when absent.
  template <class T>
  [[nodiscard]] std::optional<T> find(std::string_view key) const {
    const nlohmann::json* value = lookup(key);
    if (value == nullptr) return std::nullopt;
    return detail::ArgConverter<T>::from(*value, key);
  }

  //! The raw arguments object.
  [[nodiscard]] const nlohmann::json& json() const noexcept { return json_; }

 private:
  [[nodiscard]] const nlohmann::json* lookup(std::string_view key) const {
    auto it = json_.find(std::string(key));
    if (it == json_.end() || it->is_null()) return nullptr;
    return &*it;
  }

  nlohmann::json json_;
};

}  // namespace quarry::sdk
