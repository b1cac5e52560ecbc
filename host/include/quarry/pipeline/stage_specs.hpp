#pragma once
//! \file
//! Stages given as data — [{"tool": name, "arguments": {...}}] — turned into executor
//! stages, and a run's stage outcomes turned back into JSON and text. Shared by
//! `pipeline_run` and `batch_run`.

#include "quarry/exec/executor.hpp"
#include "quarry/pipeline/environment.hpp"
#include "quarry/tools/catalog.hpp"

#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <vector>

namespace quarry::pipeline {

//! The JSON Schema of a `stages` array.
[[nodiscard]] nlohmann::json stage_specs_schema();

//! Builds one stage per spec, each a streaming tool of `plugins` with its arguments
//! checked against the tool's input schema, and each given its share of the
//! environment's stage budget. Throws std::invalid_argument naming the stage and the
//! fix (unknown tool, not a streaming tool, invalid arguments) before any data is read.
[[nodiscard]] std::vector<std::shared_ptr<exec::Stage>> build_stages(
    const tools::ToolProvider& plugins, const nlohmann::json& specs,
    const Environment& environment);

//! The columns a run of `specs` over `input` (the source arguments, with its `where`) reads,
//! or empty for every column: when `writes_rows`, or when a tool is not found (build_stages()
//! reports it) or reads everything. See column_needs.hpp.
[[nodiscard]] std::vector<std::string> columns_to_read(const tools::ToolProvider& plugins,
                                                       const nlohmann::json& specs,
                                                       const nlohmann::json& input,
                                                       bool writes_rows);

//! The stages' results (structured content, or the error) as a JSON array, and their
//! text renderings appended to `text` as "[tool] ..." paragraphs.
[[nodiscard]] nlohmann::json describe_outcomes(const exec::RunResult& run, std::string& text);

//! The JSON Schema of what describe_outcomes() returns. Each stage's result is its tool's own
//! structured content (that tool's outputSchema describes it), so here only an object.
[[nodiscard]] nlohmann::json stage_outcomes_schema();

}  // namespace quarry::pipeline
