#pragma once
//! \file
//! `batch_run`: one streaming tool, or a pipeline of them, over every file matching a
//! glob under the data roots, several files at a time, retrying transient I/O
//! failures with exponential backoff, with one aggregated result: per file its
//! outcome, and the list of files that failed and why.

#include "quarry/pipeline/environment.hpp"
#include "quarry/tools/catalog.hpp"

namespace quarry::pipeline {

//! The `batch_run` tool, finding stage tools in `plugins` (the plugin registry).
[[nodiscard]] tools::ToolPtr make_batch_tool(std::shared_ptr<const tools::ToolProvider> plugins,
                                             std::shared_ptr<const Environment> environment);

}  // namespace quarry::pipeline
