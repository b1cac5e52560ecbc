#pragma once
//! \file
//! JSON Schema validation of tool arguments (valijson, draft 7 semantics; 2020-12
//! schemas using `$defs` and the common keywords validate the same way).
//!
//! One rule beyond JSON Schema: a top-level object schema with `properties`, no
//! `patternProperties` and no `additionalProperties` (or false) takes no other arguments, so a
//! misspelt argument ("column" for "columns") is reported with the nearest name instead of
//! being ignored while the tool runs on its defaults. A schema that wants open arguments says
//! `"additionalProperties": true`.

#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <vector>

namespace quarry::tools {

//! One failed constraint: where in the instance, and what is wrong.
struct SchemaViolation {
  std::string path;     //!< JSON-pointer-like location, e.g. "/columns/0".
  std::string message;  //!< What the schema expected.
};

//! True when the schema `node` lists `value` among its choices: in its `enum`, or in that of
//! one of its anyOf/oneOf alternatives (e.g. "numeric" for a column-selection argument).
[[nodiscard]] bool schema_enumerates(const nlohmann::json& node, const nlohmann::json& value);

//! What a top-level object schema without `additionalProperties` does with properties it does
//! not list.
enum class UnlistedProperties {
  kRefused,  //!< Tool arguments: refused, naming the nearest listed one (the rule above).
  kAllowed,  //!< Plain JSON Schema, e.g. for structured results checked against an outputSchema.
};

//! A compiled schema, reusable from many threads.
class SchemaValidator {
 public:
  //! Compiles `schema`; throws std::invalid_argument naming the problem if the schema is invalid.
  explicit SchemaValidator(const nlohmann::json& schema,
                           UnlistedProperties unlisted = UnlistedProperties::kRefused);
  ~SchemaValidator();
  SchemaValidator(SchemaValidator&&) noexcept;
  SchemaValidator& operator=(SchemaValidator&&) noexcept;

  //! Every violation of `instance`; empty when it is valid.
  [[nodiscard]] std::vector<SchemaViolation> validate(const nlohmann::json& instance) const;

 private:
  struct Compiled;
  std::unique_ptr<Compiled> compiled_;
};

//! "at /a/b: message; at /c: message" — a compact rendering for error messages.
[[nodiscard]] std::string describe(const std::vector<SchemaViolation>& violations);

}  // namespace quarry::tools
