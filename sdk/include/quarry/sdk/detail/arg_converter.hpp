#pragma once
//! \file
//! Conversion of one JSON argument to a C++ type with messages naming the key.
//! Private: used by quarry::sdk::Args.

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <type_traits>
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
      throw Error::invalid_argument("argument '" + std::string(key) +
                                    "' has the wrong shape: " + e.what());
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
        fits = static_cast<std::int64_t>(v) >=
               static_cast<std::int64_t>(std::numeric_limits<T>::min());
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
      out.push_back(
          ArgConverter<T>::from(value[i], std::string(key) + "[" + std::to_string(i) + "]"));
    }
    return out;
  }
};

}  // namespace detail

}  // namespace quarry::sdk
