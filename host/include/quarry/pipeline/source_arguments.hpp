#pragma once
//! \file
//! The arguments every streaming tool takes to name its input (path, format and
//! reader options), added by the host to the plugin's own input schema.

#include "quarry/exec/stage.hpp"
#include "quarry/io/source.hpp"
#include "quarry/pipeline/environment.hpp"
#include "quarry/tools/tool.hpp"

#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <vector>

namespace quarry::pipeline {

//! JSON Schema properties of the source arguments (path, format, delimiter, header,
//! table, query, column_types, on_bad_rows).
[[nodiscard]] const nlohmann::json& source_properties();

//! The stages the source arguments put before the tool's: the `where` row filter, if
//! given. Throws filter::FilterError when the expression does not parse.
[[nodiscard]] std::vector<std::shared_ptr<exec::Stage>> source_stages(const nlohmann::json& source);

//! Splits call arguments into the source's and the tool's own.
struct SplitArguments {
  nlohmann::json source = nlohmann::json::object();
  nlohmann::json tool = nlohmann::json::object();
};
[[nodiscard]] SplitArguments split_arguments(const nlohmann::json& arguments);

//! Opens the input named by `source` through the sandbox, with chunks sized for the
//! run and the inference pass reporting progress and honouring cancellation. Only the
//! `only_columns` are read when the format allows (empty: every column; see column_needs.hpp).
//! Throws sandbox::SandboxError or io::InputError with a message for the user.
[[nodiscard]] std::unique_ptr<io::Source> open_input(const nlohmann::json& source,
                                                     const Environment& environment,
                                                     tools::CallContext& context,
                                                     std::vector<std::string> only_columns = {});

//! A compact description of the input for results: path, rows, columns with types,
//! and what the reader coerced or skipped.
[[nodiscard]] nlohmann::json describe_input(const std::string& path, const io::Source& source,
                                            std::uint64_t rows);

//! What describe_input() says the reader changed or left out (rows skipped or padded, values
//! read as null, renamed columns, hints such as a decimal comma), as a few lines for a
//! result's text, so a reader of the text alone learns of it too; empty when there is nothing.
//! At most `max_items` items, then a count of the rest.
[[nodiscard]] std::string input_notes_text(const nlohmann::json& input, std::size_t max_items = 6);

}  // namespace quarry::pipeline
