#include "quarry/pipeline/environment.hpp"

#include "quarry/registry/atomic_file.hpp"

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
  FullResultLimits full_results{settings.results.keep_files, settings.results.keep_mb << 20};
  io::ColumnCacheOptions column_cache{config::column_cache_dir(settings),
                                      settings.cache.columns_max_mb << 20};
  return std::make_shared<const Environment>(
      Environment{sandbox::Sandbox(settings.data.roots, settings.output.root), limits, run, budget,
                  full_results, std::move(column_cache), settings.exec.sample_types_min_mb << 20});
}

std::filesystem::path Environment::keep_full_result(const std::string& tool,
                                                    const std::string& json) const {
  const auto target =
      sandbox.resolve_output(std::string(kFullResultDirectory) + "/" + full_result_name(tool));
  // A failed write leaves nothing behind: no half file under results/.
  registry::write_file_atomically(target, json);
  prune_full_results(target.parent_path(), full_results, target);
  return target;
}

tools::ToolResult Environment::fit_to_budget(tools::ToolResult result,
                                             const tools::ToolDescriptor& tool,
                                             const nlohmann::json& arguments) const {
  FullResultWriter writer;
  if (full_results.max_files > 0) {
    writer = [this](const std::string& name, const std::string& json_text) {
      return keep_full_result(name, json_text);
    };
  }
  return apply_budget(std::move(result), budget, tool, arguments, writer);
}

}  // namespace quarry::pipeline
