#pragma once
//! \file
//! Makes plugin streaming tools callable on files: each is offered with the source
//! arguments added to its schema and runs as a one-stage pipeline over the input.

#include "quarry/pipeline/environment.hpp"
#include "quarry/tools/catalog.hpp"

#include <map>
#include <memory>
#include <mutex>

namespace quarry::pipeline {

//! Wraps a provider (the plugin registry): streaming tools become file-reading
//! tools; other tools pass through unchanged. Thread-safe.
class StreamingToolProvider final : public tools::ToolProvider {
 public:
  StreamingToolProvider(std::shared_ptr<const tools::ToolProvider> base,
                        std::shared_ptr<const Environment> environment);
  [[nodiscard]] std::vector<tools::ToolPtr> tools() const override;

 private:
  std::shared_ptr<const tools::ToolProvider> base_;
  std::shared_ptr<const Environment> environment_;
  mutable std::mutex mutex_;
  // Wrappers by wrapped tool, so descriptors stay stable between tools/list calls.
  mutable std::map<const tools::Tool*, std::pair<std::weak_ptr<tools::Tool>, tools::ToolPtr>>
      wrappers_;
};

class FileOutput;

//! The run's outcome as a tool result of `tool` called with `arguments`: the stage's result
//! with the input description under "input" and, when `output` (may be null) was written, the
//! file under "output"; on failure, what was computed plus the error (isError,
//! `complete: false`). The result budget is applied.
[[nodiscard]] tools::ToolResult compose_run_result(const tools::ToolDescriptor& tool,
                                                   const nlohmann::json& arguments,
                                                   const exec::RunResult& run, nlohmann::json input,
                                                   const Environment& environment,
                                                   const FileOutput* output = nullptr);

//! The output schema published for a streaming tool: the plugin's, plus the
//! properties the host adds (input, complete, error, truncated, totals, full_result).
[[nodiscard]] std::optional<nlohmann::json> extend_output_schema(
    const std::optional<nlohmann::json>& schema);

}  // namespace quarry::pipeline
