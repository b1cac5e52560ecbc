#pragma once
//! \file
//! What pipeline runs need from the host: the sandbox, limits, budgets.

#include "quarry/config/config.hpp"
#include "quarry/exec/executor.hpp"
#include "quarry/io/csv_reader.hpp"
#include "quarry/io/read_options.hpp"
#include "quarry/pipeline/full_results.hpp"
#include "quarry/pipeline/plugin_stage.hpp"
#include "quarry/pipeline/result_budget.hpp"
#include "quarry/sandbox/sandbox.hpp"

#include <algorithm>
#include <memory>

namespace quarry::pipeline {

//! Shared, immutable settings of every pipeline run in a host.
struct Environment {
  sandbox::Sandbox sandbox;
  io::ReadLimits limits;
  exec::RunOptions run;
  ResultBudget budget;
  //! How many full results to keep under the output root.
  FullResultLimits full_results;
  //! The column cache CSV reads use.
  io::ColumnCacheOptions column_cache;
  //! CSV files with at least this many bytes of rows are typed from a sample (0: never).
  std::uint64_t sample_typing_min_bytes = 8ULL << 20;

  //! From the effective configuration.
  [[nodiscard]] static std::shared_ptr<const Environment> from_settings(
      const config::Settings& settings);

  //! What each of `stages` stages may keep: half the budget (the other half is
  //! for chunks in flight), shared equally.
  [[nodiscard]] std::uint64_t stage_budget(std::size_t stages) const {
    return run.memory_budget_bytes / 2 / std::max<std::size_t>(1, stages);
  }

  //! What each of `stages` plugin stages gets: stage_budget() and the spill directory for
  //! temporary files.
  [[nodiscard]] StageResources stage_resources(std::size_t stages) const {
    return {stage_budget(stages), run.spill_directory};
  }

  //! Writes a full (un-truncated) result atomically under the output root
  //! (results/<tool>-<timestamp>-<n>.json), removes the oldest ones past `full_results`, and
  //! returns its path.
  [[nodiscard]] std::filesystem::path keep_full_result(const std::string& tool,
                                                       const std::string& json) const;

  //! `result` of a call of `tool` with `arguments` cut to the result budget (apply_budget),
  //! the full result kept with keep_full_result() when it had to be cut (unless
  //! full_results.max_files is 0).
  [[nodiscard]] tools::ToolResult fit_to_budget(tools::ToolResult result,
                                                const tools::ToolDescriptor& tool,
                                                const nlohmann::json& arguments) const;
};

}  // namespace quarry::pipeline
