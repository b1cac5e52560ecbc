#include "app/commands.hpp"
#include "app/host.hpp"
#include "app/terminal.hpp"
#include "quarry/log/logging.hpp"
#include "quarry/tools/schema_validator.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace quarry::app {

namespace {
void print_readable(const tools::ToolResult& result) {
  for (const auto& block : result.content) {
    const std::string type = block.value("type", "");
    if (type == "text") {
      fmt::print("{}\n", block.value("text", ""));
    } else if (type == "resource_link") {
      fmt::print("→ {}\n", block.value("uri", ""));
    } else {
      fmt::print("[{} content]\n", type);
    }
  }
}

//! A call that never reached the tool (unknown tool, bad --args): the message on stderr and,
//! when the output is JSON, an error result on stdout too, so that scripts parsing stdout
//! see why. Returns the exit status 2.
int refuse_call(const std::string& message, bool force_json) {
  fmt::print(stderr, "quarry: {}\n", message);
  if (force_json || !is_terminal(stdout)) print_result(tools::ToolResult::error(message), true);
  return 2;
}

}  // namespace

void print_result(const tools::ToolResult& result, bool force_json) {
  if (is_terminal(stdout) && !force_json) {
    print_readable(result);
    return;
  }
  nlohmann::json out = {{"content", result.content}, {"isError", result.is_error}};
  if (result.structured) out["structuredContent"] = *result.structured;
  fmt::print("{}\n", out.dump(2));
}

int run_call(const GlobalOptions& global, const std::string& tool_name,
             const std::string& arguments_text, bool force_json) {
  auto config = load_config(global);
  log::install(config.settings().log);
  Host host = build_host(std::move(config));
  const auto tool = host.catalog->find(tool_name);
  if (!tool) {
    return refuse_call(fmt::format("unknown tool '{}'; run `quarry tools` to list them", tool_name),
                       force_json);
  }
  nlohmann::json arguments;
  try {
    arguments = nlohmann::json::parse(arguments_text);
  } catch (const nlohmann::json::parse_error& e) {
    return refuse_call(
        fmt::format("--args is not valid JSON ({}); pass an object like '{{\"a\": 1}}'", e.what()),
        force_json);
  }
  const auto violations =
      tools::SchemaValidator(tool->descriptor().input_schema).validate(arguments);
  if (!violations.empty()) {
    return refuse_call(
        fmt::format("invalid arguments for {}: {}. Every argument and its type: `quarry tools "
                    "--json` (the tool's inputSchema)",
                    tool_name, tools::describe(violations)),
        force_json);
  }
  TerminalCallContext context;
  tools::ToolResult result;
  try {
    result = tool->call(arguments, context);
  } catch (const std::exception& e) {
    result = tools::ToolResult::error(fmt::format("Tool '{}' failed: {}", tool_name, e.what()));
  }
  print_result(result, force_json);
  return result.is_error ? 1 : 0;
}

}  // namespace quarry::app
