// Tool argument validation (quarry/tools/schema_validator.hpp): valid arguments pass, and each
// kind of mistake gets a message that says what is expected there and what was given.

#include "quarry/tools/schema_validator.hpp"

#include <gtest/gtest.h>

namespace quarry::tools {
namespace {

using nlohmann::json;

const json& schema() {
  static const json s = json::parse(R"({
    "type": "object",
    "required": ["path"],
    "properties": {
      "path": {"type": "string"},
      "columns": {"anyOf": [{"type": "array", "items": {"type": "string"}},
                            {"type": "string", "enum": ["all", "numeric"]}]},
      "top": {"type": "integer", "minimum": 1},
      "fractions": {"type": "array", "maxItems": 3, "uniqueItems": true,
                    "description": "Fractions in [0, 1].",
                    "items": {"type": "number", "minimum": 0, "maximum": 1}},
      "names": {"anyOf": [{"type": "array", "minItems": 1, "items": {"type": "string",
                           "pattern": "^[a-z]+$"}}, {"type": "string"}],
                "description": "Lower-case names."},
      "method": {"type": "string", "enum": ["pearson", "spearman"], "description": "How."},
      "rules": {"type": "array", "items": {"type": "object", "required": ["check"],
                "additionalProperties": false,
                "properties": {"check": {"type": "string"}, "pattern": {"type": "string"}}}}
    }
  })");
  return s;
}

std::string messages(const json& arguments) {
  return describe(SchemaValidator(schema()).validate(arguments));
}

TEST(SchemaValidator, ValidArgumentsHaveNoViolations) {
  EXPECT_TRUE(SchemaValidator(schema())
                  .validate({{"path", "a.csv"},
                             {"columns", {"x"}},
                             {"top", 3},
                             {"rules", {{{"check", "not_null"}}}}})
                  .empty());
  EXPECT_TRUE(SchemaValidator(schema()).validate({{"path", "a.csv"}, {"columns", "all"}}).empty());
}

TEST(SchemaValidator, SeveralUnknownArgumentsListTheKnownOnesOnce) {
  EXPECT_EQ(messages({{"path", "a.csv"}, {"column", {"x"}}, {"tops", 5}}),
            "at /column: unknown argument 'column' (did you mean 'columns'?); the arguments are "
            "columns, fractions, method, names, path, rules, top; at /tops: unknown argument "
            "'tops' (did you mean 'top'?)");
}

TEST(SchemaValidator, AnUnknownArgumentNamesTheNearestAndTheOthersAreStillChecked) {
  const auto violations =
      SchemaValidator(schema()).validate({{"path", "a.csv"}, {"column", {"x"}}, {"top", "5"}});
  ASSERT_EQ(violations.size(), 2u) << describe(violations);
  EXPECT_EQ(violations[0].path, "/column");
  EXPECT_EQ(violations[0].message,
            "unknown argument 'column' (did you mean 'columns'?); the arguments are columns, "
            "fractions, method, names, path, rules, top");
  EXPECT_EQ(violations[1].path, "/top");
  EXPECT_EQ(violations[1].message, "expected an integer, got the string \"5\"");
  // Nothing near: no guess.
  EXPECT_EQ(messages({{"path", "a.csv"}, {"zzzzzz", 1}}).find("did you mean"), std::string::npos);
  // A name of four characters is guessed one edit off only: "pats" gives "path", but "tips",
  // two edits from "top", is likely another word and gets no guess.
  EXPECT_NE(messages({{"path", "a.csv"}, {"pats", 1}}).find("did you mean 'path'"),
            std::string::npos);
  EXPECT_EQ(messages({{"path", "a.csv"}, {"tips", 1}}).find("did you mean"), std::string::npos)
      << messages({{"path", "a.csv"}, {"tips", 1}});
  // An abbreviation too far in edits names what it abbreviates: "meth" is "method".
  EXPECT_NE(messages({{"path", "a.csv"}, {"meth", 1}}).find("did you mean 'method'"),
            std::string::npos)
      << messages({{"path", "a.csv"}, {"meth", 1}});
}

TEST(SchemaValidator, AnOpenSchemaTakesOtherArguments) {
  json open = schema();
  open["additionalProperties"] = true;
  EXPECT_TRUE(SchemaValidator(open).validate({{"path", "a.csv"}, {"extra", 1}}).empty());
}

TEST(SchemaValidator, UnlistedPropertiesAllowedFollowsPlainJsonSchema) {
  // A structured result checked against an outputSchema may carry properties it does not list.
  const SchemaValidator result_check(schema(), UnlistedProperties::kAllowed);
  EXPECT_TRUE(result_check.validate({{"path", "a.csv"}, {"extra", 1}}).empty());
  EXPECT_FALSE(result_check.validate({{"path", 1}}).empty());
  json closed = schema();
  closed["additionalProperties"] = false;
  EXPECT_FALSE(SchemaValidator(closed, UnlistedProperties::kAllowed)
                   .validate({{"path", "a.csv"}, {"extra", 1}})
                   .empty());
}

TEST(SchemaValidator, WrongTypesAndChoicesSayWhatIsExpectedAndWhatWasGiven) {
  EXPECT_EQ(messages({{"path", "a.csv"}, {"method", "kendal"}}),
            "at /method: expected one of \"pearson\", \"spearman\", got the string \"kendal\"");
  EXPECT_EQ(messages({{"path", "a.csv"}, {"columns", "x"}}),
            "at /columns: expected an array of strings, or one of \"all\", \"numeric\", got the "
            "string \"x\"");
  EXPECT_EQ(messages({{"path", "a.csv"}, {"rules", {{"check", "x"}}}}),
            "at /rules: expected an array of objects, got an object");
}

TEST(SchemaValidator, AValueGivenUnderTheWrongNameNamesTheArgumentItBelongsTo) {
  EXPECT_EQ(messages({{"path", "a.csv"}, {"columns", "spearman"}}),
            "at /columns: expected an array of strings, or one of \"all\", \"numeric\", got the "
            "string \"spearman\" (\"spearman\" is a value of 'method')");
  EXPECT_EQ(messages({{"path", "a.csv"}, {"method", "kendall"}}),
            "at /method: expected one of \"pearson\", \"spearman\", got the string \"kendall\"");
}

TEST(SchemaValidator, AMissingArgumentSaysWhatItTakesAndWhatItIs) {
  json with_method = schema();
  with_method["required"].push_back("method");
  EXPECT_EQ(describe(SchemaValidator(with_method).validate({{"path", "a.csv"}})),
            "at /: missing required argument 'method' (one of \"pearson\", \"spearman\"): How.");
}

TEST(SchemaValidator, NestedMistakesAreNamedWithoutTheEnclosingWrappers) {
  const std::string text = messages({{"path", "a.csv"}, {"rules", {{{"regex", "x"}}}}});
  EXPECT_EQ(text,
            "at /rules/0/regex: unknown property 'regex'; the properties are check, pattern; "
            "at /rules/0: missing required property 'check' (a string)")
      << text;
  EXPECT_EQ(messages({{"path", "a.csv"}, {"top", 0}}).find("Failed to validate"),
            std::string::npos);
}

// valijson says "Expected number less than or equal to 1.000000" or "Failed to match regex
// specified by 'pattern' constraint": neither names the value, the bound as written, nor
// what the argument is for.
TEST(SchemaValidator, AValueOutOfBoundsSaysTheBoundsTheValueAndWhatTheArgumentIsFor) {
  EXPECT_EQ(messages({{"path", "a.csv"}, {"fractions", {0.5, 50}}}),
            "at /fractions/1: expected a number at least 0 and at most 1, got the number 50 "
            "('fractions': Fractions in [0, 1].)");
  EXPECT_EQ(messages({{"path", "a.csv"}, {"fractions", {0.1, 0.2, 0.3, 0.4}}}),
            "at /fractions: expected an array of at most 3 items with no item repeated, got an "
            "array of 4 items ('fractions': Fractions in [0, 1].)");
  EXPECT_EQ(messages({{"path", "a.csv"}, {"fractions", {0.5, 0.5}}}),
            "at /fractions: expected an array of at most 3 items with no item repeated, got an "
            "array of 2 items ('fractions': Fractions in [0, 1].)");
  EXPECT_EQ(messages({{"path", "a.csv"}, {"top", 0}}),
            "at /top: expected an integer at least 1, got the number 0");
  // Inside an anyOf: the alternative for the kind of value given, and no "got an array".
  EXPECT_EQ(messages({{"path", "a.csv"}, {"names", json::array()}}),
            "at /names: expected an array of at least 1 items, got an array of 0 items ('names': "
            "Lower-case names.)");
  EXPECT_EQ(messages({{"path", "a.csv"}, {"names", {"ok", "Not"}}}),
            "at /names/1: expected a string matching ^[a-z]+$, got the string \"Not\" ('names': "
            "Lower-case names.)");
}

}  // namespace
}  // namespace quarry::tools
