#pragma once
//! \file
//! The session state the `quarry` front hands to the engine when it execs it: the
//! `initialize` it answered, what the client has seen, and the input it read but left
//! unanswered. It travels in an in-memory file whose descriptor the engine inherits.

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace quarry::startup {

//! What the engine needs to continue a session the front began.
struct Handover {
  //! The params of the `initialize` the front answered, if any (the engine adopts them).
  std::optional<nlohmann::json> initialize;
  //! `Snapshot::answers_digest()` of the answers the client has seen, if it saw any.
  std::optional<std::uint64_t> served;
  //! Input read but not answered, in order: the engine reads it before the rest of stdin.
  std::string unread;

  //! One JSON header line, then `unread` verbatim.
  [[nodiscard]] std::string encode() const;
  //! The inverse of `encode`; throws std::runtime_error on anything else.
  [[nodiscard]] static Handover decode(std::string_view text);
};

}  // namespace quarry::startup
