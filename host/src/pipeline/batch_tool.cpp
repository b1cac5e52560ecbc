#include "quarry/pipeline/batch_tool.hpp"

#include "quarry/io/error.hpp"
#include "quarry/pipeline/file_output.hpp"
#include "quarry/pipeline/retry.hpp"
#include "quarry/pipeline/source_arguments.hpp"
#include "quarry/pipeline/stage_specs.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace quarry::pipeline {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

constexpr std::size_t kMaxFiles = 10'000;

json input_schema() {
  json options = source_properties();
  options.erase("path");
  return {{"type", "object"},
          {"properties",
           {{"files",
             {{"type", "string"},
              {"minLength", 1},
              {"description",
               "Glob pattern of the input files under the data roots, e.g. \"sales/2024-*.csv\" or "
               "\"logs/**/*.jsonl\" (* and ? within a name, ** across directories)."}}},
            {"input",
             {{"type", "object"},
              {"properties", options},
              {"additionalProperties", false},
              {"description", "Reader options applied to every file (format, delimiter, …)."}}},
            {"tool",
             {{"type", "string"},
              {"description", "One streaming tool to run on each file (or give stages)."}}},
            {"arguments", {{"type", "object"}, {"description", "The tool's own arguments."}}},
            {"stages", stage_specs_schema()},
            {"output_dir",
             {{"type", "string"},
              {"description",
               "Write each file's final rows (after transforming stages) under this directory of "
               "the output root, mirroring the input's path below its data root."}}},
            {"output_format",
             {{"type", "string"}, {"enum", {"csv", "tsv", "jsonl", "sqlite"}}, {"default", "csv"}}},
            {"output_decimal",
             {{"type", "string"},
              {"enum", {".", ","}},
              {"default", "."},
              {"description",
               "Decimal point of floats in csv/tsv outputs (',' writes 12,5 and ';' between "
               "csv fields)."}}},
            {"overwrite", {{"type", "boolean"}, {"default", false}}},
            {"max_concurrency",
             {{"type", "integer"},
              {"minimum", 1},
              {"maximum", 64},
              {"default", 2},
              {"description", "Files processed at the same time."}}},
            {"retries",
             {{"type", "integer"},
              {"minimum", 0},
              {"maximum", 10},
              {"default", 2},
              {"description",
               "Retries of a file after a transient I/O error (busy, out of handles, I/O error), "
               "waiting 200 ms, then twice as long each time."}}},
            {"stop_on_error",
             {{"type", "boolean"},
              {"default", false},
              {"description", "Start no further files after the first failure."}}}}},
          {"required", {"files"}},
          {"additionalProperties", false}};
}

json output_schema() {
  const json file = {{"type", "object"},
                     {"properties",
                      {{"path", {{"type", "string"}}},
                       {"status", {{"type", "string"}, {"enum", {"ok", "failed", "skipped"}}}},
                       {"attempts", {{"type", "integer"}}},
                       {"rows", {{"type", "integer"}}},
                       {"stages", stage_outcomes_schema()},
                       {"output", {{"type", "object"}}},
                       {"error", {{"type", "object"}}}}},
                     {"required", {"path", "status"}}};
  return {{"type", "object"},
          {"properties",
           {{"files", {{"type", "string"}}},
            {"matched", {{"type", "integer"}}},
            {"succeeded", {{"type", "integer"}}},
            {"failed", {{"type", "integer"}}},
            {"skipped", {{"type", "integer"}}},
            {"results", {{"type", "array"}, {"items", file}}},
            {"errors", {{"type", "array"}, {"items", {{"type", "object"}}}}},
            {"complete", {{"type", "boolean"}}},
            {"truncated", {{"type", "boolean"}}},
            {"totals", {{"type", "object"}}},
            {"full_result", {{"type", "string"}}}}},
          {"required", {"files", "matched", "succeeded", "failed", "results", "errors"}}};
}

// A file run's context: cancellation and logs reach the client; per-file byte progress
// does not (the batch reports files done instead).
class FileContext final : public tools::CallContext {
 public:
  explicit FileContext(tools::CallContext& inner) : inner_(inner) {}
  bool cancelled() const override { return inner_.cancelled(); }
  void progress(double, std::optional<double>, std::string_view) override {}
  void log(tools::MessageLevel level, const json& data, std::string_view logger) override {
    inner_.log(level, data, logger);
  }

 private:
  tools::CallContext& inner_;
};

// One attempt at one file.
struct FileOutcome {
  json entry;
  std::string text;  // the stages' own text renderings
  bool ok = false;
  bool transient = false;
};

std::string extension_of(const std::string& format) {
  return format == "jsonl" ? ".jsonl" : format == "sqlite" ? ".sqlite" : "." + format;
}

class BatchTool final : public tools::Tool {
 public:
  BatchTool(std::shared_ptr<const tools::ToolProvider> plugins,
            std::shared_ptr<const Environment> environment)
      : plugins_(std::move(plugins)), environment_(std::move(environment)) {
    descriptor_.name = "batch_run";
    descriptor_.title = "Run a tool or pipeline over many files";
    descriptor_.description =
        "Runs one streaming tool (tool + arguments) or a pipeline (stages) on every file "
        "matching a glob under the data roots, a few files at a time, retrying transient I/O "
        "errors with exponential backoff. Returns one entry per file (its results or its "
        "error) and the list of failures; a failing file never stops the others unless "
        "stop_on_error is set. Optionally writes each file's rows under output_dir.";
    descriptor_.input_schema = input_schema();
    descriptor_.output_schema = output_schema();
    descriptor_.annotations = {{"readOnlyHint", false}, {"openWorldHint", false}};
  }

  const tools::ToolDescriptor& descriptor() const override { return descriptor_; }

  tools::ToolResult call(const json& arguments, tools::CallContext& context) override {
    const auto concurrency = arguments.value("max_concurrency", 2u);
    const Environment environment = per_file_environment(concurrency);
    std::vector<std::shared_ptr<exec::Stage>> stages;
    std::vector<fs::path> files;
    try {
      check_output_decimal(arguments);
      stages = source_stages(arguments.value("input", json::object()));
      auto tools = build_stages(*plugins_, stage_specs(arguments), environment);
      stages.insert(stages.end(), tools.begin(), tools.end());
      files = environment.sandbox.glob_inputs(arguments.value("files", ""), kMaxFiles);
    } catch (const std::exception& e) {
      return tools::ToolResult::error(fmt::format("Cannot start the batch: {}", e.what()));
    }
    if (files.empty()) {
      return tools::ToolResult::error(fmt::format(
          "No file matches '{}' under the data roots; check the pattern (e.g. \"data/*.csv\")",
          arguments.value("files", "")));
    }
    RetryPolicy policy;
    policy.retries = arguments.value("retries", 2u);
    std::vector<json> entries(files.size());
    std::vector<std::string> texts(files.size());
    const std::vector<std::string> columns =
        columns_to_read(*plugins_, stage_specs(arguments), arguments.value("input", json::object()),
                        arguments.contains("output_dir"));
    run_files(files, stages, columns, arguments, environment, policy, concurrency, context, entries,
              texts);
    return render(arguments, files.size(), std::move(entries), texts, context.cancelled());
  }

 private:
  // Each of `concurrency` concurrent runs gets an equal share of the budget and cores.
  Environment per_file_environment(unsigned concurrency) const {
    Environment environment = *environment_;
    environment.run.memory_budget_bytes =
        std::max<std::uint64_t>(environment.run.memory_budget_bytes / concurrency, 8u << 20);
    const unsigned cores = environment.run.threads != 0 ? environment.run.threads
                                                        : std::thread::hardware_concurrency();
    environment.run.threads = std::max(1u, cores / concurrency);
    return environment;
  }

  //! A decimal comma is for text outputs: refused for jsonl and sqlite before any file runs.
  static void check_output_decimal(const json& arguments) {
    const std::string format = arguments.value("output_format", "csv");
    if (arguments.value("output_decimal", ".") == "," && format != "csv" && format != "tsv") {
      throw std::invalid_argument("output_decimal ',' applies to csv and tsv outputs; " + format +
                                  " stores numbers as numbers (leave output_decimal out)");
    }
  }

  static json stage_specs(const json& arguments) {
    if (arguments.contains("stages")) {
      if (arguments.contains("tool"))
        throw std::invalid_argument("give either tool (with arguments) or stages, not both");
      return arguments["stages"];
    }
    if (!arguments.contains("tool"))
      throw std::invalid_argument("give the tool to run (tool + arguments) or a list of stages");
    return json::array({{{"tool", arguments["tool"]},
                         {"arguments", arguments.value("arguments", json::object())}}});
  }

  void run_files(const std::vector<fs::path>& files,
                 const std::vector<std::shared_ptr<exec::Stage>>& stages,
                 const std::vector<std::string>& columns, const json& arguments,
                 const Environment& environment, const RetryPolicy& policy, unsigned concurrency,
                 tools::CallContext& context, std::vector<json>& entries,
                 std::vector<std::string>& texts) const {
    const bool stop_on_error = arguments.value("stop_on_error", false);
    std::atomic<std::size_t> next{0};
    std::atomic<bool> failed{false};
    std::mutex mutex;  // guards progress reports and the wake-up of sleeping retries
    std::condition_variable wake;
    std::size_t done = 0;
    const auto stopping = [&] { return context.cancelled() || (stop_on_error && failed.load()); };
    const auto worker = [&] {
      for (std::size_t i = next++; i < files.size(); i = next++) {
        if (stopping()) {
          entries[i] = {{"path", display_path(files[i])}, {"status", "skipped"}};
          continue;
        }
        FileContext file_context(context);
        const auto outcome = with_retries(
            policy,
            [&](std::uint32_t attempt) {
              auto result =
                  run_file(files[i], stages, columns, arguments, environment, file_context);
              result.entry["attempts"] = attempt;
              return result;
            },
            [](const FileOutcome& o) { return o.transient; }, stopping,
            [&](std::chrono::milliseconds delay) {
              std::unique_lock lock(mutex);
              wake.wait_for(lock, delay, stopping);
            });
        if (!outcome.ok) failed = true;
        entries[i] = outcome.entry;
        texts[i] = outcome.text;
        std::lock_guard lock(mutex);
        ++done;
        context.progress(static_cast<double>(done), static_cast<double>(files.size()),
                         fmt::format("{} of {} files done", done, files.size()));
      }
    };
    std::vector<std::jthread> workers;
    const auto count = std::min<std::size_t>(concurrency, files.size());
    for (std::size_t w = 1; w < count; ++w) workers.emplace_back(worker);
    worker();
  }

  FileOutcome run_file(const fs::path& file,
                       const std::vector<std::shared_ptr<exec::Stage>>& stages,
                       const std::vector<std::string>& columns, const json& arguments,
                       const Environment& environment, tools::CallContext& context) const {
    FileOutcome outcome;
    outcome.entry = {{"path", display_path(file)}};
    json source = arguments.value("input", json::object());
    source["path"] = file.string();
    std::unique_ptr<io::Source> input;
    std::unique_ptr<FileOutput> output;
    try {
      input = open_input(source, environment, context, columns);
      if (arguments.contains("output_dir"))
        output = std::make_unique<FileOutput>(output_for(file, arguments), environment, *input);
    } catch (const io::InputError& e) {
      return failed(std::move(outcome), "input", e.what(), e.transient());
    } catch (const std::exception& e) {
      return failed(std::move(outcome), input ? "output" : "input", e.what(), false);
    }
    const auto run = exec::run_pipeline(*input, stages, output.get(), environment.run, context);
    std::string text;
    outcome.entry["rows"] = run.rows;
    outcome.entry["stages"] = describe_outcomes(run, text);
    outcome.text = text.substr(std::min(text.find_first_not_of('\n'), text.size()));
    if (!run.complete()) {
      return failed(std::move(outcome), std::string(exec::to_string(run.failure)),
                    run.failure_message, run.transient);
    }
    if (output) outcome.entry["output"] = output->describe();
    outcome.entry["status"] = "ok";
    outcome.ok = true;
    return outcome;
  }

  static FileOutcome failed(FileOutcome outcome, std::string kind, std::string message,
                            bool transient) {
    outcome.entry["status"] = "failed";
    outcome.entry["error"] = {
        {"kind", std::move(kind)}, {"message", std::move(message)}, {"transient", transient}};
    outcome.transient = transient;
    return outcome;
  }

  // The file's path below its root as matched, the name the client knows it by: a symlink keeps
  // its own name (b1.csv -> ../big.csv stays b1.csv), so that each match gets its own result
  // name and output file. The sandbox still checks where it leads when the file is opened.
  std::string display_path(const fs::path& file) const {
    const fs::path relative = environment_->sandbox.relative_to_read_root(file);
    return relative.empty() ? file.string() : relative.generic_string();
  }

  json output_for(const fs::path& file, const json& arguments) const {
    fs::path relative = display_path(file);
    relative.replace_extension(extension_of(arguments.value("output_format", "csv")));
    return {{"path", (fs::path(arguments.value("output_dir", "")) / relative).string()},
            {"overwrite", arguments.value("overwrite", false)},
            {"decimal", arguments.value("output_decimal", ".")}};
  }

  // One text block for the summary and the list of files, then one per file with its stages'
  // own text renderings, so that a client showing only text sees the results too; the budget
  // cuts the longest blocks first, each at a line.
  tools::ToolResult render(const json& arguments, std::size_t matched, std::vector<json> entries,
                           const std::vector<std::string>& texts, bool cancelled) const {
    std::size_t ok = 0, failures = 0, skipped = 0;
    json errors = json::array();
    std::string lines;
    json file_blocks = json::array();
    for (std::size_t i = 0; i < entries.size(); ++i) {
      const json& entry = entries[i];
      const std::string status = entry.value("status", "skipped");
      const std::string path = entry.value("path", "");
      if (status == "ok") {
        ++ok;
        lines += fmt::format("\n- {}: ok, {} rows", path, entry.value("rows", std::uint64_t{0}));
        if (!texts[i].empty())
          file_blocks.push_back(
              {{"type", "text"}, {"text", fmt::format("{}:\n{}", path, texts[i])}});
      } else if (status == "failed") {
        ++failures;
        errors.push_back({{"path", entry["path"]}, {"message", entry["error"]["message"]}});
        lines += fmt::format("\n- {}: FAILED ({})", path, entry["error"].value("message", ""));
      } else {
        ++skipped;
      }
    }
    std::string text = fmt::format("{} files matched '{}': {} succeeded, {} failed{}.", matched,
                                   arguments.value("files", ""), ok, failures,
                                   skipped > 0 ? fmt::format(", {} skipped", skipped) : "");
    if (cancelled) text += " The batch was cancelled.";
    json data = {{"files", arguments.value("files", "")},
                 {"matched", matched},
                 {"succeeded", ok},
                 {"failed", failures},
                 {"skipped", skipped},
                 {"results", std::move(entries)},
                 {"errors", std::move(errors)},
                 {"complete", failures == 0 && skipped == 0}};
    auto result = tools::ToolResult::structured_with_text(std::move(data), text + lines);
    for (auto& block : file_blocks) result.content.push_back(std::move(block));
    result.is_error = ok == 0;  // nothing useful came back
    return environment_->fit_to_budget(std::move(result), descriptor_, arguments);
  }

  std::shared_ptr<const tools::ToolProvider> plugins_;
  std::shared_ptr<const Environment> environment_;
  tools::ToolDescriptor descriptor_;
};

}  // namespace

tools::ToolPtr make_batch_tool(std::shared_ptr<const tools::ToolProvider> plugins,
                               std::shared_ptr<const Environment> environment) {
  return std::make_shared<BatchTool>(std::move(plugins), std::move(environment));
}

}  // namespace quarry::pipeline
