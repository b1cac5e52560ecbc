#include "quarry/pipeline/environment.hpp"

#include "quarry/registry/atomic_file.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <chrono>
#include <random>

namespace quarry::pipeline {

std::shared_ptr<const Environment> Environment::from_settings(const config::Settings& settings) {
  io::ReadLimits limits;
  limits.max_columns = settings.limits.max_columns;
  limits.max_cell_bytes = settings.limits.max_cell_bytes;
  limits.max_rows = settings.limits.max_rows;
  limits.max_file_bytes = settings.limits.max_file_mb << 20;
  exec::RunOptions run;
  run.memory_budget_bytes = settings.memory.budget_mb << 20;
  run.chunk_bytes = settings.memory.chunk_kb << 10;
  run.threads = settings.exec.threads;
  run.timeout = std::chrono::seconds(settings.limits.call_timeout_s);
  run.spill_directory = settings.plugins.cache_dir / "spill";
  ResultBudget budget{settings.results.max_bytes, settings.results.max_rows};
  io::ColumnCacheOptions column_cache{config::column_cache_dir(settings),
                                      settings.cache.columns_max_mb << 20};
  return std::make_shared<const Environment>(
      Environment{sandbox::Sandbox(settings.data.roots, settings.output.root), limits, run, budget,
                  std::move(column_cache), settings.exec.sample_types_min_mb << 20});
}

std::filesystem::path Environment::keep_full_result(const std::string& tool,
                                                    const std::string& json) const {
  const auto now = std::chrono::system_clock::now();
  const auto name = fmt::format("results/{}-{:%Y%m%dT%H%M%S}-{:04x}.json", tool, now,
                                std::random_device{}() & 0xffffu);
  const auto target = sandbox.resolve_output(name);
  // A failed write leaves nothing behind: no half file under results/.
  registry::write_file_atomically(target, json);
  return target;
}

tools::ToolResult Environment::fit_to_budget(tools::ToolResult result,
                                             const std::string& tool) const {
  return apply_budget(std::move(result), budget, tool,
                      [this](const std::string& name, const std::string& json_text) {
                        return keep_full_result(name, json_text);
                      });
}

}  // namespace quarry::pipeline
