#include "quarry/pipeline/pipeline_tool.hpp"

#include "quarry/pipeline/file_output.hpp"
#include "quarry/pipeline/plugin_stage.hpp"
#include "quarry/pipeline/source_arguments.hpp"
#include "quarry/pipeline/streaming_tools.hpp"
#include "quarry/pipeline/two_pass_progress.hpp"
#include "quarry/tools/schema_validator.hpp"
#include "quarry/tools/streaming.hpp"

#include <fmt/format.h>

namespace quarry::pipeline {
namespace {

using nlohmann::json;

json input_schema() {
  json source = {{"type", "object"}, {"properties", source_properties()}, {"required", {"path"}}};
  return {
      {"type", "object"},
      {"properties",
       {{"input", source},
        {"stages",
         {{"type", "array"},
          {"minItems", 1},
          {"maxItems", 64},
          {"description", "Stages in order; each names a streaming tool and its own arguments."},
          {"items",
           {{"type", "object"},
            {"properties", {{"tool", {{"type", "string"}}}, {"arguments", {{"type", "object"}}}}},
            {"required", {"tool"}},
            {"additionalProperties", false}}}}},
        {"output", output_property("Write the final stream (after transforming stages)")}}},
      {"required", {"input", "stages"}},
      {"additionalProperties", false}};
}

class PipelineTool final : public tools::Tool {
 public:
  PipelineTool(std::shared_ptr<const tools::ToolProvider> plugins,
               std::shared_ptr<const Environment> environment)
      : plugins_(std::move(plugins)), environment_(std::move(environment)) {
    descriptor_.name = "pipeline_run";
    descriptor_.title = "Run a pipeline";
    descriptor_.description =
        "Runs several streaming tools over ONE read of a file: transforming stages (cleaning, "
        "filtering) "
        "change the rows for the stages after them, analyses all share the same pass. Optionally "
        "writes the "
        "final rows to a file under the output root. Use it instead of separate calls on large "
        "files.";
    descriptor_.input_schema = input_schema();
    descriptor_.annotations = {{"readOnlyHint", false}, {"openWorldHint", false}};
  }

  const tools::ToolDescriptor& descriptor() const override { return descriptor_; }

  tools::ToolResult call(const json& arguments, tools::CallContext& context) override {
    std::vector<std::shared_ptr<exec::Stage>> stages;
    try {
      stages = build_stages(arguments["stages"]);
    } catch (const std::exception& e) {
      return tools::ToolResult::error(e.what());
    }
    std::unique_ptr<io::Source> source;
    std::unique_ptr<FileOutput> sink;
    try {
      source = open_input(arguments["input"], *environment_, context);
      if (arguments.contains("output")) {
        sink = std::make_unique<FileOutput>(arguments["output"], *environment_, source->schema());
      }
    } catch (const std::exception& e) {
      return tools::ToolResult::error(fmt::format("Cannot set up the pipeline: {}", e.what()));
    }
    TwoPassProgress progress(context, static_cast<double>(source->total_bytes().value_or(0)));
    const auto run = exec::run_pipeline(*source, stages, sink.get(), environment_->run, progress);
    return render(run, describe_input(arguments["input"].value("path", ""), *source, run.rows),
                  sink.get());
  }

 private:
  std::vector<std::shared_ptr<exec::Stage>> build_stages(const json& specs) const {
    const auto available = plugins_->tools();
    std::vector<std::shared_ptr<exec::Stage>> stages;
    for (std::size_t i = 0; i < specs.size(); ++i) {
      const std::string name = specs[i].value("tool", "");
      const json arguments = specs[i].value("arguments", json::object());
      const auto found =
          std::find_if(available.begin(), available.end(),
                       [&](const tools::ToolPtr& tool) { return tool->descriptor().name == name; });
      if (found == available.end()) {
        throw std::invalid_argument(
            fmt::format("stage {}: no plugin tool named '{}'; call tools/list", i + 1, name));
      }
      auto* streaming = dynamic_cast<tools::StreamingTool*>(found->get());
      if (streaming == nullptr || streaming->stage_mode().empty()) {
        throw std::invalid_argument(
            fmt::format("stage {}: '{}' cannot run in a pipeline (it is not a streaming tool); "
                        "call it on its own",
                        i + 1, name));
      }
      const auto violations =
          tools::SchemaValidator((*found)->descriptor().input_schema).validate(arguments);
      if (!violations.empty()) {
        throw std::invalid_argument(
            fmt::format("stage {} ({}): invalid arguments: {}; fix them to match the "
                        "tool's inputSchema (without the input file options)",
                        i + 1, name, tools::describe(violations)));
      }
      stages.push_back(make_plugin_stage(name, streaming->bind_stage(), arguments,
                                         environment_->stage_budget(specs.size())));
    }
    return stages;
  }

  tools::ToolResult render(const exec::RunResult& run, json input, const FileOutput* sink) const {
    tools::ToolResult result;
    json stages = json::array();
    std::string text = fmt::format("Read {} rows in one pass.", run.rows);
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
    json data = {
        {"input", std::move(input)}, {"stages", std::move(stages)}, {"complete", run.complete()}};
    if (sink != nullptr && run.complete()) {
      data["output"] = sink->describe();
      text += fmt::format("\n\nWrote {} rows to {}.", sink->rows(),
                          data["output"]["path"].get<std::string>());
    }
    if (!run.complete()) {
      data["error"] = {{"kind", exec::to_string(run.failure)},
                       {"message", run.failure_message},
                       {"stage", run.failed_stage},
                       {"rows_processed", run.rows}};
      text = fmt::format(
                 "Stopped early ({}): {} Results cover only the first {} rows; no output file was "
                 "written.\n\n",
                 exec::to_string(run.failure), run.failure_message, run.rows) +
             text;
      result.is_error = true;
    }
    result.content.push_back({{"type", "text"}, {"text", text}});
    result.structured = std::move(data);
    return apply_budget(std::move(result), environment_->budget, descriptor_.name,
                        [this](const std::string& name, const std::string& json_text) {
                          return environment_->keep_full_result(name, json_text);
                        });
  }

  std::shared_ptr<const tools::ToolProvider> plugins_;
  std::shared_ptr<const Environment> environment_;
  tools::ToolDescriptor descriptor_;
};

}  // namespace

tools::ToolPtr make_pipeline_tool(std::shared_ptr<const tools::ToolProvider> plugins,
                                  std::shared_ptr<const Environment> environment) {
  return std::make_shared<PipelineTool>(std::move(plugins), std::move(environment));
}

}  // namespace quarry::pipeline
