#include "quarry/pipeline/streaming_tools.hpp"

#include "quarry/pipeline/column_needs.hpp"
#include "quarry/pipeline/file_output.hpp"
#include "quarry/pipeline/plugin_stage.hpp"
#include "quarry/pipeline/source_arguments.hpp"
#include "quarry/pipeline/two_pass_progress.hpp"
#include "quarry/tools/streaming.hpp"

#include <fmt/format.h>

namespace quarry::pipeline {
namespace {

using nlohmann::json;

json extend_input_schema(const json& schema) {
  json extended = schema;
  auto& properties = extended["properties"];
  if (!properties.is_object()) properties = json::object();
  for (const auto& [key, value] : source_properties().items()) {
    if (!properties.contains(key)) properties[key] = value;
  }
  auto& required = extended["required"];
  if (!required.is_array()) required = json::array();
  if (std::find(required.begin(), required.end(), "path") == required.end())
    required.push_back("path");
  extended["type"] = "object";
  return extended;
}

// A transforming tool called on its own may write its rows: the host adds `output`
// (unless the plugin uses that name itself); without it the call is a dry run that
// returns only the tool's report.
bool offers_output(const tools::Tool& tool) {
  const auto* streaming = dynamic_cast<const tools::StreamingTool*>(&tool);
  const auto& properties = tool.descriptor().input_schema.value("properties", json::object());
  return streaming != nullptr && streaming->transforms() && !properties.contains("output");
}

class FileTool final : public tools::Tool {
 public:
  FileTool(tools::ToolPtr inner, std::shared_ptr<const Environment> environment)
      : inner_(std::move(inner)),
        environment_(std::move(environment)),
        offers_output_(offers_output(*inner_)) {
    descriptor_ = inner_->descriptor();
    descriptor_.input_schema = extend_input_schema(descriptor_.input_schema);
    descriptor_.output_schema = extend_output_schema(descriptor_.output_schema);
    if (offers_output_) {
      descriptor_.input_schema["properties"]["output"] =
          output_property("Write the resulting rows (omit it for a dry run that only reports)");
      if (descriptor_.output_schema) {
        (*descriptor_.output_schema)["properties"]["output"] = {
            {"type", "object"},
            {"description", "the file written: path and rows"},
            {"properties", {{"path", {{"type", "string"}}}, {"rows", {{"type", "integer"}}}}}};
      }
    }
  }

  const tools::ToolDescriptor& descriptor() const override { return descriptor_; }

  tools::ToolResult call(const json& arguments, tools::CallContext& context) override {
    auto split = split_arguments(arguments);
    std::optional<json> output_argument;
    if (offers_output_ && split.tool.contains("output")) {
      output_argument = std::move(split.tool["output"]);
      split.tool.erase("output");
    }
    ColumnNeeds needs;
    if (output_argument) needs.add_every_column();  // the file gets every column
    needs.add_tool(inner_->descriptor().input_schema, split.tool);
    if (split.source.contains("where")) needs.add_filter(split.source.value("where", ""));
    std::unique_ptr<io::Source> source;
    std::unique_ptr<FileOutput> output;
    try {
      source = open_input(split.source, *environment_, context, needs.only_columns());
      if (output_argument)
        output = std::make_unique<FileOutput>(*output_argument, *environment_, *source);
    } catch (const std::exception& e) {
      return tools::ToolResult::error(
          fmt::format("Cannot {}: {}", source ? "write the output" : "read the input", e.what()));
    }
    std::vector<std::shared_ptr<exec::Stage>> stages;
    try {
      stages = source_stages(split.source);
    } catch (const std::exception& e) {
      return tools::ToolResult::error(e.what());
    }
    auto* streaming = dynamic_cast<tools::StreamingTool*>(inner_.get());
    stages.push_back(make_plugin_stage(descriptor_.name, streaming->bind_stage(), split.tool,
                                       environment_->stage_resources(1)));
    TwoPassProgress progress(context, *source);
    const auto run = exec::run_pipeline(*source, stages, output.get(), environment_->run, progress);
    return compose_run_result(descriptor_, arguments, run,
                              describe_input(split.source.value("path", ""), *source, run.rows),
                              *environment_, output.get());
  }

 private:
  tools::ToolPtr inner_;
  std::shared_ptr<const Environment> environment_;
  bool offers_output_;
  tools::ToolDescriptor descriptor_;
};

}  // namespace

std::optional<json> extend_output_schema(const std::optional<json>& schema) {
  if (!schema || schema->value("type", "") != "object") return schema;
  json extended = *schema;
  auto& properties = extended["properties"];
  if (!properties.is_object()) properties = json::object();
  properties["input"] = {{"type", "object"},
                         {"description", "the input read: path, rows, columns, coercions"}};
  properties["complete"] = {{"type", "boolean"}};
  properties["error"] = {{"type", "object"}};
  properties["truncated"] = {{"type", "boolean"}};
  properties["totals"] = {{"type", "object"}};
  properties["full_result"] = {{"type", "string"}};
  return extended;
}

tools::ToolResult compose_run_result(const tools::ToolDescriptor& descriptor, const json& arguments,
                                     const exec::RunResult& run, json input,
                                     const Environment& environment, const FileOutput* output) {
  const std::string& tool = descriptor.name;
  const exec::StageOutcome* outcome = run.outcomes.empty() ? nullptr : &run.outcomes.front();
  const std::string input_notes = input_notes_text(input);
  if (outcome == nullptr && run.complete()) {
    // A transforming tool without a report of its own: say what was read and written.
    tools::ToolResult result;
    json data = {{"input", std::move(input)}, {"complete", true}};
    std::string text = fmt::format("{} processed {} rows.", tool, run.rows);
    if (output != nullptr) {
      data["output"] = output->describe();
      text += fmt::format(" Wrote {} rows to {}.", output->rows(),
                          data["output"]["path"].get<std::string>());
    }
    if (!input_notes.empty()) text += "\n" + input_notes;
    return tools::ToolResult::structured_with_text(std::move(data), std::move(text));
  }
  if (outcome == nullptr || !outcome->result) {
    std::string message = run.failure_message.empty() ? (outcome ? outcome->error : "no result")
                                                      : run.failure_message;
    return tools::ToolResult::error(
        fmt::format("{} failed ({}): {}", tool, exec::to_string(run.failure), message));
  }
  tools::ToolResult result = *outcome->result;
  if (result.structured && result.structured->is_object()) {
    (*result.structured)["input"] = std::move(input);
    (*result.structured)["complete"] = run.complete();
  }
  if (output != nullptr && run.complete()) {
    const json written = output->describe();
    if (result.structured && result.structured->is_object())
      (*result.structured)["output"] = written;
    result.content.push_back({{"type", "text"},
                              {"text", fmt::format("Wrote {} rows to {}.", output->rows(),
                                                   written["path"].get<std::string>())}});
  }
  if (!input_notes.empty()) result.content.push_back({{"type", "text"}, {"text", input_notes}});
  if (!run.complete()) {
    result.is_error = true;
    const json error = {{"kind", exec::to_string(run.failure)},
                        {"message", run.failure_message},
                        {"stage", run.failed_stage},
                        {"rows_processed", run.rows}};
    if (result.structured && result.structured->is_object()) (*result.structured)["error"] = error;
    result.content.insert(
        result.content.begin(),
        {{"type", "text"},
         {"text", fmt::format("Stopped early ({}): {} The results below cover only the first "
                              "{} rows{}.",
                              exec::to_string(run.failure), run.failure_message, run.rows,
                              output != nullptr ? "; no output file was written" : "")}});
  }
  return environment.fit_to_budget(std::move(result), descriptor, arguments);
}

StreamingToolProvider::StreamingToolProvider(std::shared_ptr<const tools::ToolProvider> base,
                                             std::shared_ptr<const Environment> environment)
    : base_(std::move(base)), environment_(std::move(environment)) {}

std::vector<tools::ToolPtr> StreamingToolProvider::tools() const {
  auto tools = base_->tools();
  std::lock_guard lock(mutex_);
  // Rebuilt from the current set each time, so replaced plugins' wrappers are freed.
  std::map<const tools::Tool*, std::pair<std::weak_ptr<tools::Tool>, tools::ToolPtr>> current;
  for (auto& tool : tools) {
    const auto* streaming = dynamic_cast<tools::StreamingTool*>(tool.get());
    if (streaming == nullptr || streaming->stage_mode().empty()) continue;  // call-only tool
    auto found = wrappers_.find(tool.get());
    tools::ToolPtr wrapper = found != wrappers_.end() && found->second.first.lock() == tool
                                 ? found->second.second
                                 : std::make_shared<FileTool>(tool, environment_);
    current[tool.get()] = {tool, wrapper};
    tool = std::move(wrapper);
  }
  wrappers_ = std::move(current);
  return tools;
}

}  // namespace quarry::pipeline
