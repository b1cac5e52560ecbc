#include "quarry/pipeline/pipeline_tool.hpp"

#include "quarry/pipeline/file_output.hpp"
#include "quarry/pipeline/source_arguments.hpp"
#include "quarry/pipeline/stage_specs.hpp"
#include "quarry/pipeline/streaming_tools.hpp"
#include "quarry/pipeline/two_pass_progress.hpp"
#include "quarry/tools/streaming.hpp"

#include <fmt/format.h>

namespace quarry::pipeline {
namespace {

using nlohmann::json;

json input_schema() {
  json source = {{"type", "object"}, {"properties", source_properties()}, {"required", {"path"}}};
  return {{"type", "object"},
          {"properties",
           {{"input", source},
            {"stages", stage_specs_schema()},
            {"output", output_property("Write the final stream (after transforming stages)")}}},
          {"required", {"input", "stages"}},
          {"additionalProperties", false}};
}

json output_schema() {
  const json count = {{"type", "integer"}, {"minimum", 0}};
  return {
      {"type", "object"},
      {"properties",
       {{"input",
         {{"type", "object"}, {"description", "the input read: path, rows, columns, coercions"}}},
        {"stages", stage_outcomes_schema()},
        {"complete", {{"type", "boolean"}}},
        {"passes",
         {{"type", "object"},
          {"description", "reads of the input: one, plus one per two-pass stage"},
          {"properties", {{"total", count}, {"replayed", count}}},
          {"required", {"total", "replayed"}}}},
        {"output",
         {{"type", "object"},
          {"description", "the file written: path and rows"},
          {"properties", {{"path", {{"type", "string"}}}, {"rows", count}}}}},
        {"error",
         {{"type", "object"},
          {"description", "why the run stopped early"},
          {"properties",
           {{"kind", {{"type", "string"}}},
            {"message", {{"type", "string"}}},
            {"stage", {{"type", "string"}}},
            {"rows_processed", count}}}}},
        {"truncated", {{"type", "boolean"}}},
        {"totals", {{"type", "object"}}},
        {"full_result", {{"type", "string"}}}}},
      {"required", {"input", "stages", "complete", "passes"}}};
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
    descriptor_.output_schema = output_schema();
    descriptor_.annotations = {{"readOnlyHint", false}, {"openWorldHint", false}};
  }

  const tools::ToolDescriptor& descriptor() const override { return descriptor_; }

  tools::ToolResult call(const json& arguments, tools::CallContext& context) override {
    std::vector<std::shared_ptr<exec::Stage>> stages;
    try {
      stages = source_stages(arguments["input"]);
      auto tools = build_stages(*plugins_, arguments["stages"], *environment_);
      stages.insert(stages.end(), tools.begin(), tools.end());
    } catch (const std::exception& e) {
      return tools::ToolResult::error(e.what());
    }
    std::unique_ptr<io::Source> source;
    std::unique_ptr<FileOutput> sink;
    try {
      source = open_input(arguments["input"], *environment_, context,
                          columns_to_read(*plugins_, arguments["stages"], arguments["input"],
                                          arguments.contains("output")));
      if (arguments.contains("output")) {
        sink = std::make_unique<FileOutput>(arguments["output"], *environment_, *source);
      }
    } catch (const std::exception& e) {
      return tools::ToolResult::error(fmt::format("Cannot set up the pipeline: {}", e.what()));
    }
    TwoPassProgress progress(context, *source);
    const auto run = exec::run_pipeline(*source, stages, sink.get(), environment_->run, progress);
    return render(arguments, run,
                  describe_input(arguments["input"].value("path", ""), *source, run.rows),
                  sink.get());
  }

 private:
  tools::ToolResult render(const json& arguments, const exec::RunResult& run, json input,
                           const FileOutput* sink) const {
    tools::ToolResult result;
    std::string text =
        run.passes == 1 ? fmt::format("Read {} rows in one pass.", run.rows)
                        : fmt::format(
                              "Read {} rows in {} passes (two-pass stages; {} of them replayed the "
                              "stream recorded by the pass before).",
                              run.rows, run.passes, run.replayed_passes);
    json stages = describe_outcomes(run, text);
    if (const std::string notes = input_notes_text(input); !notes.empty()) text += "\n\n" + notes;
    json data = {{"input", std::move(input)},
                 {"stages", std::move(stages)},
                 {"complete", run.complete()},
                 {"passes", {{"total", run.passes}, {"replayed", run.replayed_passes}}}};
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
                 "Stopped early ({}): {} It stopped after {} rows had been read; no output file "
                 "was written.\n\n",
                 exec::to_string(run.failure), run.failure_message, run.rows) +
             text;
      result.is_error = true;
    }
    result.content.push_back({{"type", "text"}, {"text", text}});
    result.structured = std::move(data);
    return environment_->fit_to_budget(std::move(result), descriptor_, arguments);
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
