//! \file
//! clean_convert: the tool declaration; the stages are in convert.hpp.

#include "convert.hpp"

#include "detail/schema.hpp"

namespace quarry::clean {
namespace {

constexpr const char* kInputSchema =
    R"({"type":"object","properties":{)"
    R"("columns":)" QUARRY_CLEAN_COLUMNS(
        "Columns to narrow; default all (text and float64 columns "
        "change).") R"(,)"
                    R"("min_share":{"type":"number","exclusiveMinimum":0,"maximum":1,"default":1,)"
                    R"("description":"Share of a text column's values that must parse for it to be converted; )"
                    R"(below 1 the rest become null and are counted (the type most values fit is chosen)."},)"
                    R"("integers_from_floats":{"type":"boolean","default":true,"description":"Store float64 )"
                    R"(columns whose values are all whole numbers as int64."}}})";

constexpr const char* kOutputSchema =
    R"({"type":"object","required":["rows","columns"],"properties":{"rows":{"type":"integer"},)"
    R"("columns":{"type":"array","items":{"type":"object","required":["name","from","to"],)"
    R"("properties":{"name":{"type":"string"},"from":{"type":"string"},"to":{"type":"string"},)"
    R"("values":{"type":"integer"},"converted":{"type":"integer"},)"
    R"("coerced_to_null":{"type":"integer"},"note":{"type":"string"}}}}}})";

constexpr const char* kDescription =
    "Converts a file between CSV, TSV, JSON Lines and SQLite (the output file name's "
    "extension picks the format) storing each column in its narrowest type: text that holds "
    "only integers, decimals, booleans or ISO 8601 dates/times becomes int64, float64, bool or "
    "timestamp (decided over the whole file in a first pass), whole-number floats become "
    "int64. Text of numbers written as identifiers (zip codes 02134, phone numbers "
    "+15551234567) stays text unless named in columns. Pass output: {path}; without it the "
    "call reports the type each column would get.";

}  // namespace

QUARRY_STAGE_TOOL_ANNOTATED(convert, "clean_convert", "Convert with optimized types", kDescription,
                            kInputSchema, kOutputSchema, QUARRY_CLEAN_WRITES, ConvertStage);

}  // namespace quarry::clean
