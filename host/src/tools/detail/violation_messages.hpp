#pragma once
//! \file
//! Turns valijson's messages about tool arguments into ones a client can act on: what the
//! schema expects at the path and what was given, unknown properties with the nearest known
//! name, and without the wrappers valijson adds for every enclosing property and array item.

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "quarry/tools/schema_validator.hpp"

namespace quarry::tools::detail {

//! "unknown argument 'name' (did you mean 'x'?); the arguments are a, b, c" (`what` names
//! the kind: "argument", "property").
[[nodiscard]] std::string unknown_name_message(const std::string& what, const std::string& name,
                                               const std::vector<std::string>& known);

//! Rewrites `raw` (valijson's violations of `instance` against `schema`, deepest first) as
//! described in the file comment; violations it does not recognise are kept as they are.
[[nodiscard]] std::vector<SchemaViolation> explain_violations(
    const std::vector<SchemaViolation>& raw, const nlohmann::json& schema,
    const nlohmann::json& instance);

}  // namespace quarry::tools::detail
