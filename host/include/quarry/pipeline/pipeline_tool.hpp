#pragma once
//! \file
//! `pipeline_run`: several plugin stages over one read of a file, given as data.
//!
//! Arguments: {"input": {path, …source options}, "stages": [{"tool", "arguments"}],
//! "output"?: {"path", "overwrite"?}}. Transforming stages (e.g. cleaning) change the
//! stream for the stages after them; analyses all see the same pass (fan-out).
//! Every stage's arguments are checked against its schema, and every tool must be a
//! streaming tool, before any data is read.

#include "quarry/pipeline/environment.hpp"
#include "quarry/tools/catalog.hpp"

namespace quarry::pipeline {

//! The `pipeline_run` tool, finding stage tools in `plugins` (the plugin registry).
[[nodiscard]] tools::ToolPtr make_pipeline_tool(std::shared_ptr<const tools::ToolProvider> plugins,
                                                std::shared_ptr<const Environment> environment);

}  // namespace quarry::pipeline
