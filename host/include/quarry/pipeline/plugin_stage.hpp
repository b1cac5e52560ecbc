#pragma once
//! \file
//! A plugin's streaming tool as an executor stage: Arrow chunks go in and out
//! through the C ABI (quarry_stage_v1), zero-copy.

#include "quarry/exec/stage.hpp"
#include "quarry/tools/streaming.hpp"

#include <nlohmann/json.hpp>

namespace quarry::pipeline {

//! Builds a stage running `tool` with `arguments` (the tool's own arguments,
//! already validated against its schema); the plugin is told it may keep
//! `memory_budget` bytes of state.
[[nodiscard]] std::shared_ptr<exec::Stage> make_plugin_stage(std::string tool,
                                                             tools::StageBinding binding,
                                                             nlohmann::json arguments,
                                                             std::uint64_t memory_budget);

//! The executor's mode for a quarry_stage_mode value; throws std::invalid_argument for unknown
//! ones.
[[nodiscard]] exec::StageMode to_stage_mode(quarry_stage_mode mode);

}  // namespace quarry::pipeline
