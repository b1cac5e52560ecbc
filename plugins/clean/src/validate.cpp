//! \file
//! clean_validate: the tool declaration; the stage is in validate.hpp.

#include "validate.hpp"

#include "detail/schema.hpp"

namespace quarry::clean {
namespace {

constexpr const char* kInputSchema =
    R"({"type":"object","required":["rules"],"properties":{)"
    R"("rules":{"type":"array","minItems":1,"maxItems":200,"description":"Rules, each on one )"
    R"(column: not_null; unique (no value twice; later repeats violate); range (min and/or )"
    R"(max, numbers); regex (ECMAScript, whole value must match, text); allowed (values: )"
    R"([...]); type (type: int64|float64|bool|timestamp|string, e.g. text that must parse )"
    R"(as numbers). Missing values only break not_null.",)"
    R"("items":{"type":"object","required":["column","check"],"additionalProperties":false,)"
    R"("properties":{"column":{"type":"string","minLength":1},)"
    R"("check":{"type":"string","enum":["not_null","unique","range","regex","allowed","type"]},)"
    R"("name":{"type":"string"},"min":{"type":"number"},"max":{"type":"number"},)"
    R"("pattern":{"type":"string"},"values":{"type":"array"},)"
    R"("type":{"type":"string","enum":["int64","float64","bool","timestamp","string"]}}}},)"
    R"("max_rows":{"type":"integer","minimum":0,"maximum":10000,"default":20,)"
    R"("description":"Row numbers listed per rule (the totals are always exact)."}}})";

constexpr const char* kOutputSchema =
    R"({"type":"object","required":["rows","valid","violations","failing_rows","rules"],)"
    R"("properties":{"rows":{"type":"integer"},"valid":{"type":"boolean"},)"
    R"("violations":{"type":"integer"},"failing_rows":{"type":"integer"},)"
    R"("rules":{"type":"array","items":{"type":"object","required":["rule","violations",)"
    R"("rows"],"properties":{"rule":{"type":"string"},"column":{"type":"string"},)"
    R"("check":{"type":"string"},"violations":{"type":"integer"},)"
    R"("rows":{"type":"array","items":{"type":"integer"}},"rows_truncated":{"type":"boolean"},)"
    R"("examples":{"type":"array"}}}}}})";

constexpr const char* kDescription =
    "Checks declarative rules per column (not_null, unique, range, regex, allowed values, "
    "type) in one pass and reports per rule the exact number of violations, the first row "
    "numbers (0-based data rows, capped by max_rows; with where, rows of the filtered stream) and "
    "example values. Missing columns and "
    "invalid regexes are refused before reading. Pass output: {path} to also write the "
    "failing rows (with a row column, the 0-based data row, and a failed_rules column naming "
    "the rules each broke) to a file.";

}  // namespace

QUARRY_STAGE_TOOL_ANNOTATED(validate, "clean_validate", "Validate rules", kDescription,
                            kInputSchema, kOutputSchema, QUARRY_CLEAN_WRITES, ValidateStage);

}  // namespace quarry::clean
