#pragma once
//! \file
//! quarry::sdk::Error: the exception a plugin throws to fail a call with a
//! specific quarry_status. The SDK catches it (and every other exception) at the
//! C boundary and reports it through quarry_call_v1::set_error.

#include <stdexcept>
#include <string>
#include <string_view>

#include "quarry/sdk/detail/config.hpp"

namespace quarry::sdk {

//! The name of a status code, e.g. "QUARRY_INVALID_ARGUMENT"; "unknown status" for
//! codes this SDK version does not know.
[[nodiscard]] constexpr std::string_view status_name(quarry_status status) noexcept {
  switch (status) {
    case QUARRY_OK:
      return "QUARRY_OK";
    case QUARRY_ERROR:
      return "QUARRY_ERROR";
    case QUARRY_INVALID_ARGUMENT:
      return "QUARRY_INVALID_ARGUMENT";
    case QUARRY_CANCELLED:
      return "QUARRY_CANCELLED";
    case QUARRY_OUT_OF_MEMORY:
      return "QUARRY_OUT_OF_MEMORY";
    case QUARRY_IO_ERROR:
      return "QUARRY_IO_ERROR";
    case QUARRY_UNSUPPORTED:
      return "QUARRY_UNSUPPORTED";
    default:
      return "unknown status";
  }
}

//! A failure with a status code and a message for the user. Throw it from a tool
//! or stage; the SDK turns it into call->set_error(message) and returns status().
//! The message should say what went wrong and what the user can do about it.
class Error : public std::runtime_error {
 public:
  //! A failure with `status`; QUARRY_OK is not a failure and becomes QUARRY_ERROR.
  Error(quarry_status status, const std::string& message)
      : std::runtime_error(message), status_(status == QUARRY_OK ? QUARRY_ERROR : status) {}

  //! A generic failure (QUARRY_ERROR).
  explicit Error(const std::string& message) : Error(QUARRY_ERROR, message) {}

  //! The status the failing entry point returns.
  [[nodiscard]] quarry_status status() const noexcept { return status_; }

  //! The arguments or data do not fit the tool (QUARRY_INVALID_ARGUMENT).
  [[nodiscard]] static Error invalid_argument(const std::string& message) {
    return Error(QUARRY_INVALID_ARGUMENT, message);
  }
  //! A file or device failed (QUARRY_IO_ERROR).
  [[nodiscard]] static Error io(const std::string& message) {
    return Error(QUARRY_IO_ERROR, message);
  }
  //! The operation is not implemented by this tool (QUARRY_UNSUPPORTED).
  [[nodiscard]] static Error unsupported(const std::string& message) {
    return Error(QUARRY_UNSUPPORTED, message);
  }
  //! The call was cancelled (QUARRY_CANCELLED).
  [[nodiscard]] static Error cancelled(const std::string& message = "the call was cancelled") {
    return Error(QUARRY_CANCELLED, message);
  }
  //! The memory budget was exceeded (QUARRY_OUT_OF_MEMORY).
  [[nodiscard]] static Error out_of_memory(const std::string& message) {
    return Error(QUARRY_OUT_OF_MEMORY, message);
  }

 private:
  quarry_status status_;
};

}  // namespace quarry::sdk
