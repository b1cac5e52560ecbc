#include "quarry/mcp/protocol.hpp"

namespace quarry::mcp {
namespace {
constexpr std::array<std::string_view, 5> kNames = {"2024-11-05", "2025-03-26", "2025-06-18",
                                                    "2025-11-25", "2026-07-28"};
}

std::optional<ProtocolVersion> parse_protocol_version(std::string_view text) {
  for (std::size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == text) return static_cast<ProtocolVersion>(i);
  }
  return std::nullopt;
}

std::string_view to_string(ProtocolVersion version) {
  return kNames[static_cast<std::size_t>(version)];
}

ProtocolVersion negotiate_handshake(std::string_view requested) {
  const auto parsed = parse_protocol_version(requested);
  if (parsed && !is_stateless(*parsed)) return *parsed;
  return kNewestHandshakeVersion;
}

}  // namespace quarry::mcp
