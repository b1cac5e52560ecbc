#pragma once
//! \file
//! MCP protocol revisions this host speaks and what each one allows.

#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace quarry::mcp {

//! Revisions, oldest first. 2026-07-28 is stateless: no `initialize`, the version
//! travels in every request's `_meta`.
enum class ProtocolVersion { k2024_11_05, k2025_03_26, k2025_06_18, k2025_11_25, k2026_07_28 };

inline constexpr std::array<ProtocolVersion, 5> kAllVersions = {
    ProtocolVersion::k2024_11_05, ProtocolVersion::k2025_03_26, ProtocolVersion::k2025_06_18,
    ProtocolVersion::k2025_11_25, ProtocolVersion::k2026_07_28};

//! Newest revision reachable through `initialize`.
inline constexpr ProtocolVersion kNewestHandshakeVersion = ProtocolVersion::k2025_11_25;
//! Newest revision overall.
inline constexpr ProtocolVersion kNewestVersion = ProtocolVersion::k2026_07_28;

//! "2025-06-18" → k2025_06_18; nullopt for revisions this host does not speak.
[[nodiscard]] std::optional<ProtocolVersion> parse_protocol_version(std::string_view text);
[[nodiscard]] std::string_view to_string(ProtocolVersion version);

//! The version `initialize` answers with: the client's when supported by the
//! handshake, else the newest handshake revision.
[[nodiscard]] ProtocolVersion negotiate_handshake(std::string_view requested);

//! Revisions without `initialize`, where each request names its version in `_meta`.
[[nodiscard]] constexpr bool is_stateless(ProtocolVersion v) {
  return v >= ProtocolVersion::k2026_07_28;
}
//! JSON-RPC batch arrays exist only in 2025-03-26.
[[nodiscard]] constexpr bool allows_batches(ProtocolVersion v) {
  return v == ProtocolVersion::k2025_03_26;
}
//! `structuredContent`, `outputSchema`, `title`, `resource_link` arrived in 2025-06-18.
[[nodiscard]] constexpr bool has_structured_content(ProtocolVersion v) {
  return v >= ProtocolVersion::k2025_06_18;
}
//! Tool annotations, audio content and progress messages arrived in 2025-03-26.
[[nodiscard]] constexpr bool has_annotations(ProtocolVersion v) {
  return v >= ProtocolVersion::k2025_03_26;
}
//! From 2025-11-25 on, arguments failing the input schema are tool execution
//! errors (`isError`), so the model can correct itself; before, they are -32602.
[[nodiscard]] constexpr bool input_errors_are_tool_errors(ProtocolVersion v) {
  return v >= ProtocolVersion::k2025_11_25;
}

//! `_meta` keys of the stateless revision.
namespace meta_key {
inline constexpr std::string_view kProtocolVersion = "io.modelcontextprotocol/protocolVersion";
inline constexpr std::string_view kClientCapabilities =
    "io.modelcontextprotocol/clientCapabilities";
inline constexpr std::string_view kClientInfo = "io.modelcontextprotocol/clientInfo";
inline constexpr std::string_view kLogLevel = "io.modelcontextprotocol/logLevel";
inline constexpr std::string_view kServerInfo = "io.modelcontextprotocol/serverInfo";
}  // namespace meta_key

//! Error code of the stateless revision for an unsupported `_meta` protocol version.
inline constexpr int kUnsupportedProtocolVersion = -32022;

}  // namespace quarry::mcp
