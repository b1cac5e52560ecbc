#pragma once
//! \file
//! The per-plugin tool table filled by QUARRY_TOOL registrars during static
//! initialisation and published by quarry_plugin_init_v1. Private.
//!
//! The table is constant-initialised (zeroed before any constructor runs), so
//! registrars in any translation unit may add to it in any order; the dynamic
//! loader runs every static initialiser of the library before the host can call
//! quarry_plugin_init_v1.

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "quarry/sdk/call.hpp"
#include "quarry/sdk/detail/config.hpp"

//! The most tools one plugin may declare; define it before including the SDK
//! (in every translation unit) to raise it.
#ifndef QUARRY_SDK_MAX_TOOLS
#define QUARRY_SDK_MAX_TOOLS 256
#endif

namespace quarry::sdk::detail {

//! The tools declared in this plugin.
struct ToolTable {
  const quarry_tool_v1* tools[QUARRY_SDK_MAX_TOOLS];
  std::uint32_t count;
  std::uint32_t dropped;  // registrations past capacity, reported by init
};

QUARRY_SDK_HIDDEN inline ToolTable g_tool_table{};
QUARRY_SDK_HIDDEN inline quarry_plugin_v1 g_plugin{};

//! Adds a tool to the table at static-initialisation time.
struct ToolRegistrar {
  explicit ToolRegistrar(const quarry_tool_v1* tool) noexcept {
    ToolTable& table = g_tool_table;
    if (table.count < QUARRY_SDK_MAX_TOOLS) {
      table.tools[table.count++] = tool;
    } else {
      ++table.dropped;
    }
  }
};

//! Copies `message` into the host's error buffer (NUL-terminated, truncated).
inline quarry_status init_failure(char* error, std::uint64_t capacity, quarry_status status,
                                  std::string_view message) noexcept {
  if (error != nullptr && capacity > 0) {
    const std::size_t n =
        message.size() < capacity - 1 ? message.size() : static_cast<std::size_t>(capacity - 1);
    std::memcpy(error, message.data(), n);
    error[n] = '\0';
  }
  return status;
}

//! True for ^[a-zA-Z0-9_-]{1,64}$.
inline bool valid_tool_name(const char* name) noexcept {
  if (name == nullptr) return false;
  const std::size_t n = std::strlen(name);
  if (n == 0 || n > 64) return false;
  for (std::size_t i = 0; i < n; ++i) {
    const char c = name[i];
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

//! Empty when `text` is NULL (and allowed to be) or a JSON object; else a problem.
inline std::string check_json_object(const char* text, bool required) {
  if (text == nullptr) return required ? "is missing" : "";
  const nlohmann::json value = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) return "is not valid JSON";
  if (!value.is_object()) return "is not a JSON object";
  return "";
}

//! A problem with the declared tools (bad name, duplicate, bad schema), or "".
inline std::string check_tools(const ToolTable& table) {
  if (table.dropped > 0) {
    return "the plugin declares more than " + std::to_string(QUARRY_SDK_MAX_TOOLS) +
           " tools; define QUARRY_SDK_MAX_TOOLS higher";
  }
  for (std::uint32_t i = 0; i < table.count; ++i) {
    const quarry_tool_v1& tool = *table.tools[i];
    const std::string name = tool.name == nullptr ? "" : tool.name;
    if (!valid_tool_name(tool.name)) {
      return "tool name '" + name + "' does not match ^[a-zA-Z0-9_-]{1,64}$";
    }
    for (std::uint32_t j = 0; j < i; ++j) {
      if (std::strcmp(table.tools[j]->name, tool.name) == 0) {
        return "tool '" + name + "' is declared twice";
      }
    }
    if (tool.description == nullptr || *tool.description == '\0') {
      return "tool '" + name + "' has no description";
    }
    const struct {
      const char* what;
      const char* text;
      bool required;
    } schemas[] = {{"input_schema", tool.input_schema, true},
                   {"output_schema", tool.output_schema, false},
                   {"annotations", tool.annotations, false}};
    for (const auto& s : schemas) {
      const std::string problem = check_json_object(s.text, s.required);
      if (!problem.empty()) return "tool '" + name + "': " + s.what + " " + problem;
    }
  }
  return "";
}

//! The body of quarry_plugin_init_v1 as defined by QUARRY_PLUGIN.
inline quarry_status init_plugin(const char* name, const char* version, const char* description,
                                 const quarry_host_v1* host, const quarry_plugin_v1** plugin,
                                 char* error, std::uint64_t error_capacity) noexcept {
  if (plugin == nullptr) {
    return init_failure(error, error_capacity, QUARRY_INVALID_ARGUMENT,
                        "quarry_plugin_init_v1: `plugin` is NULL");
  }
  *plugin = nullptr;
  if (host == nullptr || host->struct_size < offsetof(quarry_host_v1, log) + sizeof(host->log)) {
    return init_failure(error, error_capacity, QUARRY_INVALID_ARGUMENT,
                        "quarry_plugin_init_v1: `host` is NULL or smaller than quarry_host_v1 1.0");
  }
  try {
    const std::string problem = check_tools(g_tool_table);
    if (!problem.empty()) {
      return init_failure(error, error_capacity, QUARRY_INVALID_ARGUMENT,
                          "plugin '" + std::string(name) + "': " + problem);
    }
  } catch (...) {
    return init_failure(error, error_capacity, QUARRY_OUT_OF_MEMORY,
                        "plugin initialisation ran out of memory");
  }
  g_host.store(host, std::memory_order_release);
  g_plugin.struct_size = static_cast<std::uint32_t>(sizeof(quarry_plugin_v1));
  g_plugin.name = name;
  g_plugin.version = version;
  g_plugin.description = description;
  g_plugin.tool_count = g_tool_table.count;
  g_plugin.tools = g_tool_table.tools;
  g_plugin.plugin_data = nullptr;
  *plugin = &g_plugin;
  return QUARRY_OK;
}

}  // namespace quarry::sdk::detail
