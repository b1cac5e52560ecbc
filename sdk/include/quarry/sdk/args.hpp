#pragma once
//! \file
//! quarry::sdk::Args: typed, checked access to a call's JSON arguments. A wrong
//! or missing argument throws Error(QUARRY_INVALID_ARGUMENT) naming the key, so
//! a tool never has to write that message itself.

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "quarry/sdk/error.hpp"

namespace quarry::sdk {

namespace detail {

inline Error bad_argument(std::string_view key, std::string_view expected,
                          const nlohmann::json& value) {
  return Error::invalid_argument("argument '" + std::string(key) + "' must be " +
                                 std::string(expected) + ", got " + value.type_name());
}

//! Converts one JSON value to T with a message naming `key` on mismatch.
template <class T, class Enable = void>
struct ArgConverter {
  static T from(const nlohmann::json& value, std::string_view key) {
    try {
      return value.get<T>();
    } catch (const nlohmann::json::exception& e) {
      throw Error::invalid_argument("argument '" + std::string(key) + "' has the wrong shape: " +
                                    e.what());
    }
  }
};

template <>
struct ArgConverter<nlohmann::json> {
  static nlohmann::json from(const nlohmann::json& value, std::string_view) { return value; }
};

template <>
struct ArgConverter<bool> {
  static bool from(const nlohmann::json& value, std::string_view key) {
    if (!value.is_boolean()) throw bad_argument(key, "a boolean", value);
    return value.get<bool>();
  }
};

template <>
struct ArgConverter<std::string> {
  static std::string from(const nlohmann::json& value, std::string_view key) {
    if (!value.is_string()) throw bad_argument(key, "a string", value);
    return value.get_ref<const std::string&>();
  }
};

//! A view into the Args' storage: valid as long as the Args object.
template <>
struct ArgConverter<std::string_view> {
  static std::string_view from(const nlohmann::json& value, std::string_view key) {
    if (!value.is_string()) throw bad_argument(key, "a string", value);
    return value.get_ref<const std::string&>();
  }
};

template <class T>
struct ArgConverter<T, std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool>>> {
  static T from(const nlohmann::json& value, std::string_view key) {
    if (value.is_number_unsigned()) return checked(value.get<std::uint64_t>(), key);
    if (value.is_number_integer()) return checked(value.get<std::int64_t>(), key);
    if (value.is_number_float()) {  // 10.0 is an integer in JSON Schema terms
      const double d = value.get<double>();
      if (std::isfinite(d) && std::trunc(d) == d && std::fabs(d) < 9.007199254740992e15) {
        return checked(static_cast<std::int64_t>(d), key);
      }
    }
    throw bad_argument(key, "an integer", value);
  }

 private:
  template <class V>
  static T checked(V v, std::string_view key) {
    constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<T>::max());
    bool fits = false;
    if constexpr (std::is_signed_v<V>) {
      if (v >= 0) {
        fits = static_cast<std::uint64_t>(v) <= kMax;
      } else if constexpr (std::is_signed_v<T>) {
        fits = static_cast<std::int64_t>(v) >= static_cast<std::int64_t>(std::numeric_limits<T>::min());
      }
    } else {
      fits = static_cast<std::uint64_t>(v) <= kMax;
    }
    if (!fits) {
      throw Error::invalid_argument("argument '" + std::string(key) + "' is out of range (" +
                                    std::to_string(v) + ")");
    }
    return static_cast<T>(v);
  }
};

template <class T>
struct ArgConverter<T, std::enable_if_t<std::is_floating_point_v<T>>> {
  static T from(const nlohmann::json& value, std::string_view key) {
    if (!value.is_number()) throw bad_argument(key, "a number", value);
    return static_cast<T>(value.get<double>());
  }
};

template <class T>
struct ArgConverter<std::vector<T>> {
  static std::vector<T> from(const nlohmann::json& value, std::string_view key) {
    if (!value.is_array()) throw bad_argument(key, "an array", value);
    std::vector<T> out;
    out.reserve(value.size());
    for (std::size_t i = 0; i < value.size(); ++i) {
      out.push_back(ArgConverter<T>::from(value[i], std::string(key) + "[" + std::to_string(i) + "]"));
    }
    return out;
  }
};

}  // namespace detail

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
