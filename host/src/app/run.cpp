// `quarry run PIPELINE.toml`: the pipeline_run tool, with the pipeline written as TOML.

#include "app/commands.hpp"
#include "app/host.hpp"
#include "app/terminal.hpp"
#include "quarry/log/logging.hpp"
#include "quarry/tools/schema_validator.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <sstream>

namespace quarry::app {
namespace {

nlohmann::json to_json(const toml::node& node) {
  if (const auto* table = node.as_table()) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [key, value] : *table) out[std::string(key.str())] = to_json(value);
    return out;
  }
  if (const auto* array = node.as_array()) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& value : *array) out.push_back(to_json(value));
    return out;
  }
  if (const auto* value = node.as_string()) return value->get();
  if (const auto* value = node.as_integer()) return value->get();
  if (const auto* value = node.as_floating_point()) return value->get();
  if (const auto* value = node.as_boolean()) return value->get();
  std::ostringstream text;  // dates and times: keep their TOML spelling
  node.visit([&text](const auto& value) {
    if constexpr (toml::is_date<decltype(value)> || toml::is_time<decltype(value)> ||
                  toml::is_date_time<decltype(value)>) {
      text << value;
    }
  });
  return text.str();
}

}  // namespace

int run_pipeline_file(const GlobalOptions& global, const std::string& file, bool force_json) {
  nlohmann::json pipeline;
  try {
    pipeline = to_json(toml::parse_file(file));
  } catch (const toml::parse_error& e) {
    fmt::print(stderr, "quarry: {}:{}:{}: {}\n", file, e.source().begin.line,
               e.source().begin.column, e.description());
    return 2;
  }
  auto config = load_config(global);
  log::install(config.settings().log);
  Host host = build_host(std::move(config));
  const auto tool = host.catalog->find("pipeline_run");
  const auto violations =
      tools::SchemaValidator(tool->descriptor().input_schema).validate(pipeline);
  if (!violations.empty()) {
    fmt::print(
        stderr,
        "quarry: {} is not a valid pipeline: {}\nExpected [input] with path, [[stages]] with tool "
        "and arguments, and optionally [output] with path.\n",
        file, tools::describe(violations));
    return 2;
  }
  TerminalCallContext context;
  const auto result = tool->call(pipeline, context);
  print_result(result, force_json);
  return result.is_error ? 1 : 0;
}

}  // namespace quarry::app
