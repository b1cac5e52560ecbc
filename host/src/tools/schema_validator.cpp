#include "quarry/tools/schema_validator.hpp"

#include "tools/detail/violation_messages.hpp"

#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validator.hpp>

#include <algorithm>
#include <optional>
#include <stdexcept>
#include <string_view>

namespace quarry::tools {

namespace {

//! The argument names of a schema that takes no others: an object schema with `properties`,
//! no `patternProperties` and `additionalProperties` absent or false; nullopt for any other.
std::optional<std::vector<std::string>> closed_properties(const nlohmann::json& schema) {
  if (!schema.is_object() || !schema.contains("properties") || !schema["properties"].is_object() ||
      schema.contains("patternProperties") ||
      (schema.contains("additionalProperties") && schema["additionalProperties"] != false)) {
    return std::nullopt;
  }
  std::vector<std::string> names;
  for (const auto& [name, ignored] : schema["properties"].items()) names.push_back(name);
  return names;
}

}  // namespace

struct SchemaValidator::Compiled {
  nlohmann::json document;  // valijson adapters reference the document, so keep it alive
  valijson::Schema schema;
  std::optional<std::vector<std::string>> closed;  // see closed_properties()
};

SchemaValidator::SchemaValidator(const nlohmann::json& schema, UnlistedProperties unlisted)
    : compiled_(std::make_unique<Compiled>()) {
  compiled_->document = schema;
  if (unlisted == UnlistedProperties::kRefused) compiled_->closed = closed_properties(schema);
  try {
    valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
    valijson::adapters::NlohmannJsonAdapter adapter(compiled_->document);
    parser.populateSchema(adapter, compiled_->schema);
  } catch (const std::exception& e) {
    throw std::invalid_argument(std::string("invalid JSON Schema: ") + e.what());
  }
}

SchemaValidator::~SchemaValidator() = default;
SchemaValidator::SchemaValidator(SchemaValidator&&) noexcept = default;
SchemaValidator& SchemaValidator::operator=(SchemaValidator&&) noexcept = default;

bool schema_enumerates(const nlohmann::json& node, const nlohmann::json& value) {
  if (!node.is_object()) return false;
  const auto choices = node.find("enum");
  if (choices != node.end() && choices->is_array() &&
      std::find(choices->begin(), choices->end(), value) != choices->end()) {
    return true;
  }
  for (const char* alternatives : {"anyOf", "oneOf"}) {
    const auto found = node.find(alternatives);
    if (found == node.end() || !found->is_array()) continue;
    for (const nlohmann::json& alternative : *found) {
      if (schema_enumerates(alternative, value)) return true;
    }
  }
  return false;
}

std::vector<SchemaViolation> SchemaValidator::validate(const nlohmann::json& instance) const {
  std::vector<SchemaViolation> violations;
  // Unknown arguments are reported here, with the nearest name, and left out of what valijson
  // checks (its message for them names no alternative).
  nlohmann::json known_only;  // the instance without them, built only when there are some
  if (compiled_->closed && instance.is_object()) {
    const auto& known = *compiled_->closed;
    for (const auto& [name, value] : instance.items()) {
      if (std::find(known.begin(), known.end(), name) != known.end()) continue;
      violations.push_back({"/" + name, detail::unknown_name_message("argument", name, known)});
      if (known_only.is_null()) known_only = instance;
      known_only.erase(name);
    }
  }
  const nlohmann::json& checked = violations.empty() ? instance : known_only;
  valijson::Validator validator(valijson::Validator::kStrongTypes);
  valijson::ValidationResults results;
  valijson::adapters::NlohmannJsonAdapter adapter(checked);
  if (validator.validate(compiled_->schema, adapter, &results)) return violations;
  std::vector<SchemaViolation> raw;
  valijson::ValidationResults::Error error;
  while (results.popError(error)) {
    std::string path;
    for (const auto& part : error.context) {
      if (part == "<root>") continue;
      std::string segment = part;
      // valijson renders array indices as "[0]" and properties as plain names.
      if (segment.size() > 2 && segment.front() == '[' && segment.back() == ']') {
        segment = segment.substr(1, segment.size() - 2);
      }
      path += "/" + segment;
    }
    raw.push_back({path.empty() ? "/" : path, error.description});
  }
  for (auto& v : detail::explain_violations(raw, compiled_->document, checked)) {
    violations.push_back(std::move(v));
  }
  return violations;
}

std::string describe(const std::vector<SchemaViolation>& violations) {
  // Several unknown names each end with the same list of the known ones ("; the arguments
  // are ..."): it is said once, after the first.
  constexpr std::string_view kListStart = "; the ";
  std::vector<std::string_view> lists_said;
  std::string text;
  for (const auto& violation : violations) {
    std::string_view message = violation.message;
    const std::size_t list = message.find(kListStart);
    if (list != std::string_view::npos && message.find(" are ", list) != std::string_view::npos) {
      const std::string_view tail = message.substr(list);
      if (std::find(lists_said.begin(), lists_said.end(), tail) != lists_said.end()) {
        message = message.substr(0, list);
      } else {
        lists_said.push_back(tail);
      }
    }
    if (!text.empty()) text += "; ";
    text += "at " + violation.path + ": ";
    text += message;
  }
  return text;
}

}  // namespace quarry::tools
