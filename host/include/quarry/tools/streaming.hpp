#pragma once
//! \file
//! Tools that can also run as pipeline stages over Arrow chunks (plugin tools
//! whose quarry_tool_v1 has a `stage`).

#include <quarry/plugin.h>

#include <string>

namespace quarry::tools {

//! The C entry points of a loaded streaming tool. Valid for the life of the
//! process (plugins are never unloaded).
struct StageBinding {
  const quarry_stage_v1* stage = nullptr;
  void* plugin_data = nullptr;
  std::string plugin_name;  //!< for messages and client log entries
};

//! Implemented by tools that can run as stages; found with dynamic_cast on a Tool.
class StreamingTool {
 public:
  virtual ~StreamingTool() = default;
  //! "stateless", "mergeable", "ordered" or "accumulate", known without loading.
  [[nodiscard]] virtual std::string stage_mode() const = 0;
  //! True when the stage passes a changed stream on (rows written by a sink), known
  //! without loading.
  [[nodiscard]] virtual bool transforms() const = 0;
  //! Loads the plugin if needed; throws std::runtime_error with a message for the
  //! user when it cannot be loaded.
  [[nodiscard]] virtual StageBinding bind_stage() = 0;
};

}  // namespace quarry::tools
