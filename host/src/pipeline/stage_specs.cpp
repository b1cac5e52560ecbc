#include "quarry/pipeline/stage_specs.hpp"

#include "quarry/pipeline/column_needs.hpp"

#include "quarry/pipeline/plugin_stage.hpp"
#include "quarry/tools/schema_validator.hpp"
#include "quarry/tools/streaming.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

namespace quarry::pipeline {

using nlohmann::json;

json stage_specs_schema() {
  return {{"type", "array"},
          {"minItems", 1},
          {"maxItems", 64},
          {"description", "Stages in order; each names a streaming tool and its own arguments."},
          {"items",
           {{"type", "object"},
            {"properties", {{"tool", {{"type", "string"}}}, {"arguments", {{"type", "object"}}}}},
            {"required", {"tool"}},
            {"additionalProperties", false}}}};
}

namespace {

tools::ToolPtr find_tool(const std::vector<tools::ToolPtr>& available, const std::string& name) {
  const auto found =
      std::find_if(available.begin(), available.end(),
                   [&](const tools::ToolPtr& tool) { return tool->descriptor().name == name; });
  return found == available.end() ? nullptr : *found;
}

}  // namespace

std::vector<std::string> columns_to_read(const tools::ToolProvider& plugins, const json& specs,
                                         const json& input, bool writes_rows) {
  if (writes_rows) return {};  // the file gets every column
  const auto available = plugins.tools();
  ColumnNeeds needs;
  if (input.contains("where")) needs.add_filter(input.value("where", ""));
  for (const json& spec : specs) {
    const auto tool = find_tool(available, spec.value("tool", ""));
    if (tool == nullptr) {
      needs.add_every_column();
      continue;
    }
    needs.add_tool(tool->descriptor().input_schema, spec.value("arguments", json::object()));
  }
  return needs.only_columns();
}

std::vector<std::shared_ptr<exec::Stage>> build_stages(const tools::ToolProvider& plugins,
                                                       const json& specs,
                                                       const Environment& environment) {
  const auto available = plugins.tools();
  std::vector<std::shared_ptr<exec::Stage>> stages;
  for (std::size_t i = 0; i < specs.size(); ++i) {
    const std::string name = specs[i].value("tool", "");
    const json arguments = specs[i].value("arguments", json::object());
    const auto found = find_tool(available, name);
    if (found == nullptr) {
      throw std::invalid_argument(
          fmt::format("stage {}: no plugin tool named '{}'; call tools/list", i + 1, name));
    }
    auto* streaming = dynamic_cast<tools::StreamingTool*>(found.get());
    if (streaming == nullptr || streaming->stage_mode().empty()) {
      throw std::invalid_argument(
          fmt::format("stage {}: '{}' cannot run in a pipeline (it is not a streaming tool); "
                      "call it on its own",
                      i + 1, name));
    }
    const auto violations =
        tools::SchemaValidator(found->descriptor().input_schema).validate(arguments);
    if (!violations.empty()) {
      throw std::invalid_argument(
          fmt::format("stage {} ({}): invalid arguments: {}; fix them to match the "
                      "tool's inputSchema (without the input file options)",
                      i + 1, name, tools::describe(violations)));
    }
    stages.push_back(make_plugin_stage(name, streaming->bind_stage(), arguments,
                                       environment.stage_resources(specs.size())));
  }
  return stages;
}

json stage_outcomes_schema() {
  const json outcome = {
      {"type", "object"},
      {"properties",
       {{"tool", {{"type", "string"}, {"description", "the stage's tool"}}},
        {"transforms", {{"type", "boolean"}, {"description", "the stage changed the rows"}}},
        {"result",
         {{"type", {"object", "null"}},
          {"description", "the tool's own structuredContent, as its outputSchema describes it"}}},
        {"error", {{"type", "string"}, {"description", "why the stage failed"}}}}},
      {"required", {"tool"}}};
  return {{"type", "array"}, {"items", outcome}};
}

json describe_outcomes(const exec::RunResult& run, std::string& text) {
  json stages = json::array();
  for (const auto& outcome : run.outcomes) {
    json entry = {{"tool", outcome.stage}};
    if (outcome.transforms) entry["transforms"] = true;
    if (outcome.result) {
      entry["result"] = outcome.result->structured.value_or(json(nullptr));
      for (const auto& block : outcome.result->content) {
        if (block.value("type", "") == "text")
          text += "\n\n[" + outcome.stage + "] " + block.value("text", "");
      }
    } else {
      entry["error"] = outcome.error;
    }
    stages.push_back(std::move(entry));
  }
  return stages;
}

}  // namespace quarry::pipeline
