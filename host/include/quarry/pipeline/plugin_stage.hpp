#pragma once
//! \file
//! A plugin's streaming tool as an executor stage: Arrow chunks go in and out
//! through the C ABI (quarry_stage_v1), zero-copy.

#include "quarry/exec/stage.hpp"
#include "quarry/tools/streaming.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>

namespace quarry::pipeline {

//! What the host lends a plugin stage for a run.
struct StageResources {
  //! Bytes of state the plugin may keep (quarry_call_v1::memory_budget_bytes; 0: none stated).
  std::uint64_t memory_budget = 0;
  //! Where it may put temporary files (quarry_call_v1::scratch_directory), created when the
  //! stage is built; empty, or a directory that cannot be created: none is offered.
  std::filesystem::path scratch_directory;
};

//! Builds a stage running `tool` with `arguments` (the tool's own arguments,
//! already validated against its schema) and `resources`.
[[nodiscard]] std::shared_ptr<exec::Stage> make_plugin_stage(std::string tool,
                                                             tools::StageBinding binding,
                                                             nlohmann::json arguments,
                                                             StageResources resources);

//! The executor's mode for a quarry_stage_mode value; throws std::invalid_argument for unknown
//! ones.
[[nodiscard]] exec::StageMode to_stage_mode(quarry_stage_mode mode);

}  // namespace quarry::pipeline
