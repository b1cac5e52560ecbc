#include "quarry/tools/schema_validator.hpp"

#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validator.hpp>

#include <stdexcept>

namespace quarry::tools {

struct SchemaValidator::Compiled {
  nlohmann::json document;  // valijson adapters reference the document, so keep it alive
  valijson::Schema schema;
};

SchemaValidator::SchemaValidator(const nlohmann::json& schema)
    : compiled_(std::make_unique<Compiled>()) {
  compiled_->document = schema;
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

std::vector<SchemaViolation> SchemaValidator::validate(const nlohmann::json& instance) const {
  valijson::Validator validator(valijson::Validator::kStrongTypes);
  valijson::ValidationResults results;
  valijson::adapters::NlohmannJsonAdapter adapter(instance);
  std::vector<SchemaViolation> violations;
  if (validator.validate(compiled_->schema, adapter, &results)) return violations;
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
    violations.push_back({path.empty() ? "/" : path, error.description});
  }
  return violations;
}

std::string describe(const std::vector<SchemaViolation>& violations) {
  std::string text;
  for (const auto& violation : violations) {
    if (!text.empty()) text += "; ";
    text += "at " + violation.path + ": " + violation.message;
  }
  return text;
}

}  // namespace quarry::tools
