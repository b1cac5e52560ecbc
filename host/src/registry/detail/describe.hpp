#pragma once
// Private to the registry: validating an initialised plugin and describing it.

#include "quarry/registry/plugin_info.hpp"

#include <quarry/plugin.h>

#include <cstdint>

namespace quarry::registry::detail {

//! Validates `plugin` (struct sizes, names ^[a-zA-Z0-9_-]{1,64}$, non-empty
//! descriptions, schemas that parse as JSON objects, stage entry points, no duplicate
//! tool names) and describes it. Throws PluginError naming the first problem.
[[nodiscard]] PluginDescription describe_plugin(const quarry_plugin_v1& plugin,
                                                std::uint32_t abi_version);

}  // namespace quarry::registry::detail
