#pragma once
//! \file
//! quarry::sdk::Call wraps the quarry_call_v1 a tool or stage receives:
//! cancellation, progress and client logging. Also host_log() for the plugin-wide
//! host log.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "quarry/sdk/detail/config.hpp"
#include "quarry/sdk/error.hpp"

namespace quarry::sdk {

//! Log severities of quarry_host_v1::log and quarry_call_v1::log (MCP levels).
enum class LogLevel : quarry_log_level {
  debug = QUARRY_LOG_DEBUG,      //!< Detail for plugin developers.
  info = QUARRY_LOG_INFO,        //!< Normal progress worth telling.
  notice = QUARRY_LOG_NOTICE,    //!< Normal but significant.
  warning = QUARRY_LOG_WARNING,  //!< Something looks wrong; the call goes on.
  error = QUARRY_LOG_ERROR,      //!< Something failed.
};

namespace detail {

//! True when a struct of `struct_size` bytes holds the member ending at `end`.
constexpr bool has_member(uint32_t struct_size, std::size_t end) noexcept {
  return struct_size >= end;
}

//! Serialises JSON for the host; invalid UTF-8 is replaced, never thrown about.
inline std::string dump_json(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

//! The host passed to quarry_plugin_init_v1 (NULL before init).
QUARRY_SDK_HIDDEN inline std::atomic<const quarry_host_v1*> g_host{nullptr};

}  // namespace detail

//! The running call a tool or stage entry point receives. Cheap to copy; valid
//! only while that entry point runs. All members are thread-safe, so worker
//! threads may report through it as long as they finish before the entry point
//! returns.
class Call {
 public:
  //! Wraps `raw` (borrowed; may be NULL, which makes every member a no-op).
  explicit Call(const quarry_call_v1* raw) noexcept : raw_(raw) {}

  //! True once the client cancelled the call or its deadline passed. Long work
  //! should check it every few milliseconds.
  [[nodiscard]] bool cancelled() const noexcept {
    return raw_ != nullptr && present(offsetof(quarry_call_v1, is_cancelled), raw_->is_cancelled) &&
           raw_->is_cancelled(raw_->call_data) != 0;
  }

  //! Throws Error(QUARRY_CANCELLED) when cancelled(); call it in loops.
  void throw_if_cancelled() const {
    if (cancelled()) throw Error::cancelled();
  }

  //! Reports `done` of `total` units (total < 0 when unknown), with an optional
  //! message shown to the user.
  void progress(double done, double total = -1.0, std::string_view message = {}) const noexcept {
    if (raw_ == nullptr || !present(offsetof(quarry_call_v1, progress), raw_->progress)) return;
    raw_->progress(raw_->call_data, done, total, message.empty() ? nullptr : message.data(),
                   message.size());
  }

  //! Sends a text message to the client's log (JSON-quoted for the host).
  void log(LogLevel level, std::string_view message) const noexcept {
    try {
      log_json(level, nlohmann::json(std::string(message)));
    } catch (...) {  // out of memory while logging: drop the message
    }
  }

  //! Sends any JSON value to the client's log.
  void log_json(LogLevel level, const nlohmann::json& data) const noexcept {
    if (raw_ == nullptr || !present(offsetof(quarry_call_v1, log), raw_->log)) return;
    try {
      const std::string text = detail::dump_json(data);
      raw_->log(raw_->call_data, static_cast<quarry_log_level>(level), text.data(), text.size());
    } catch (...) {  // out of memory while logging: drop the message
    }
  }

  //! Hands a serialised CallToolResult to the host (which copies it). Normally
  //! the SDK does this with the Result a tool returns.
  quarry_status set_result_json(std::string_view json) const noexcept {
    if (raw_ == nullptr || !present(offsetof(quarry_call_v1, set_result), raw_->set_result)) {
      return QUARRY_ERROR;
    }
    return raw_->set_result(raw_->call_data, json.data(), json.size());
  }

  //! Sets the message accompanying a non-OK status. Normally the SDK does this
  //! with the message of a caught exception.
  void set_error(std::string_view message) const noexcept {
    if (raw_ == nullptr || !present(offsetof(quarry_call_v1, set_error), raw_->set_error)) return;
    raw_->set_error(raw_->call_data, message.data(), message.size());
  }

  //! Memory this call may use for its own buffers, in bytes; 0 when no budget
  //! applies (or the host predates the field). Stages that keep rows must stay
  //! within it or fail with Error::out_of_memory naming the budget.
  [[nodiscard]] std::uint64_t memory_budget_bytes() const noexcept {
    if (raw_ == nullptr ||
        !detail::has_member(raw_->struct_size, offsetof(quarry_call_v1, memory_budget_bytes) +
                                                   sizeof(raw_->memory_budget_bytes))) {
      return 0;
    }
    return raw_->memory_budget_bytes;
  }

  //! A directory where this call may put temporary files (without a name, or unlinked at
  //! once: nobody removes them), or empty when the host offers none (hosts before ABI 1.2).
  [[nodiscard]] std::string_view scratch_directory() const noexcept {
    if (raw_ == nullptr ||
        !present(offsetof(quarry_call_v1, scratch_directory), raw_->scratch_directory)) {
      return {};
    }
    return raw_->scratch_directory;
  }

  //! True on the consume/transform call of the input's last chunk (hosts before
  //! ABI 1.1 never say so). Ordered and accumulate stages see it on their last
  //! call: a transforming stage that holds rows back emits them then.
  [[nodiscard]] bool final_chunk() const noexcept {
    return raw_ != nullptr &&
           detail::has_member(raw_->struct_size,
                              offsetof(quarry_call_v1, flags) + sizeof(raw_->flags)) &&
           (raw_->flags & QUARRY_CALL_FINAL_CHUNK) != 0;
  }

  //! The C struct, for code that needs it directly.
  [[nodiscard]] const quarry_call_v1* raw() const noexcept { return raw_; }

 private:
  template <class Fn>
  bool present(std::size_t offset, Fn fn) const noexcept {
    return detail::has_member(raw_->struct_size, offset + sizeof(fn)) && fn != nullptr;
  }

  const quarry_call_v1* raw_;
};

//! Writes a line to the host log (stderr of the host, never the MCP stream).
//! Usable from any thread once the plugin is initialised; a no-op before.
inline void host_log(LogLevel level, std::string_view message) noexcept {
  const quarry_host_v1* host = detail::g_host.load(std::memory_order_acquire);
  if (host == nullptr || host->log == nullptr ||
      !detail::has_member(host->struct_size, offsetof(quarry_host_v1, log) + sizeof(host->log))) {
    return;
  }
  host->log(host->host_data, static_cast<quarry_log_level>(level), message.data(), message.size());
}

}  // namespace quarry::sdk
