#pragma once
//! \file
//! The exception firewall every C entry point of an SDK plugin goes through.
//! Private: plugin authors never call these directly.

#include <cstring>
#include <exception>
#include <new>
#include <string_view>

#include "quarry/sdk/call.hpp"
#include "quarry/sdk/error.hpp"
#include "quarry/sdk/result.hpp"

namespace quarry::sdk::detail {

//! The message reported for exceptions that do not derive from std::exception.
QUARRY_SDK_HIDDEN inline constexpr std::string_view kUnknownExceptionMessage =
    "the plugin failed with an unknown exception (not derived from std::exception)";
//! The message reported for std::bad_alloc.
QUARRY_SDK_HIDDEN inline constexpr std::string_view kOutOfMemoryMessage =
    "the plugin ran out of memory";

//! Reports a failure message through `raw` (which may be NULL). Never throws.
inline void report_error(const quarry_call_v1* raw, const char* what) noexcept {
  const std::string_view message = what != nullptr && *what != '\0'
                                       ? std::string_view(what, std::strlen(what))
                                       : std::string_view("the plugin failed without a message");
  Call(raw).set_error(message);
}

//! Runs `body` (returning quarry_status) and turns every exception it throws
//! into set_error + a status: Error keeps its status, std::bad_alloc becomes
//! QUARRY_OUT_OF_MEMORY, other std::exception QUARRY_ERROR with what(), and
//! anything else QUARRY_ERROR with a generic message.
template <class Body>
quarry_status guard(const quarry_call_v1* raw, Body&& body) noexcept {
  try {
    return body();
  } catch (const Error& e) {
    report_error(raw, e.what());
    return e.status();
  } catch (const std::bad_alloc&) {
    Call(raw).set_error(kOutOfMemoryMessage);
    return QUARRY_OUT_OF_MEMORY;
  } catch (const std::exception& e) {
    report_error(raw, e.what());
    return QUARRY_ERROR;
  } catch (...) {
    Call(raw).set_error(kUnknownExceptionMessage);
    return QUARRY_ERROR;
  }
}

//! Hands a Result to the host: set_result for successes, set_error + status for
//! Result::error(). May throw (serialisation allocates); call inside guard().
inline quarry_status deliver(const quarry_call_v1* raw, const Result& result) {
  const Call call(raw);
  if (result.is_error()) {
    call.set_error(result.error_message());
    return result.status();
  }
  const std::string json = result.dump();
  const quarry_status status = call.set_result_json(json);
  if (status != QUARRY_OK) call.set_error("the host rejected the plugin's result JSON");
  return status;
}

}  // namespace quarry::sdk::detail
