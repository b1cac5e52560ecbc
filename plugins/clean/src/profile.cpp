//! \file
//! clean_profile: the tool declaration (schemas, description); the stage is in profile.hpp.

#include "profile.hpp"

#include "detail/schema.hpp"

namespace quarry::clean {
namespace {

constexpr const char* kInputSchema =
    R"({"type":"object","x-quarry-reads":["columns"],"properties":{"columns":)" QUARRY_CLEAN_COLUMNS(
        "Columns to profile; default: all.") R"(}})";

constexpr const char* kOutputSchema =
    R"({"type":"object","required":["rows","columns","memory"],"properties":{)"
    R"("rows":{"type":"integer"},)"
    R"("memory":{"type":"object","required":["current_bytes","optimized_bytes","saving_bytes"],)"
    R"("properties":{"current_bytes":{"type":"integer"},"optimized_bytes":{"type":"integer"},)"
    R"("saving_bytes":{"type":"integer"},"saving_percent":{"type":"number"}}},)"
    R"("columns":{"type":"array","items":{"type":"object","required":["name","type",)"
    R"("inferred_type","count","null_count","distinct","storage"],"properties":{)"
    R"("name":{"type":"string"},"type":{"type":"string"},"inferred_type":{"type":"string"},)"
    R"("count":{"type":"integer"},"null_count":{"type":"integer"},)"
    R"("distinct":{"type":"integer"},"distinct_exact":{"type":"boolean"},)"
    R"("min":{"type":["number","string","null"]},"max":{"type":["number","string","null"]},)"
    R"("true_count":{"type":"integer"},"false_count":{"type":"integer"},)"
    R"("bad_values":{"type":"object","properties":{"count":{"type":"integer"},)"
    R"("examples":{"type":"array","items":{"type":"string"}}}},)"
    R"("identifier_numbers":{"type":"object","properties":{"count":{"type":"integer"},)"
    R"("examples":{"type":"array","items":{"type":"string"}}}},)"
    R"("coercible":{"type":["object","null"],"properties":{"to":{"type":"string"},)"
    R"("count":{"type":"integer"}}},)"
    R"("suggestion":{"type":"object","required":["tool","columns","parses","of"],)"
    R"("properties":{"tool":{"type":"string"},"columns":{"type":"object"},)"
    R"("parses":{"type":"integer"},"of":{"type":"integer"},"read_with":{"type":"object"}}},)"
    R"("storage":{"type":"object","required":["current","smallest","current_bytes",)"
    R"("smallest_bytes"],"properties":{"current":{"type":"string"},"smallest":{"type":"string"},)"
    R"("current_bytes":{"type":"integer"},"smallest_bytes":{"type":"integer"},)"
    R"("saving_bytes":{"type":"integer"}}}}}}}})";

constexpr const char* kDescription =
    "Profiles columns in one parallel pass: for each, the inferred type (text that is really "
    "numbers, booleans or ISO dates is detected), null count, distinct count (exact up to "
    "16384 values, else HyperLogLog ±0.8%), min/max, bad values (examples of values that do "
    "not fit the inferred type, NaN/inf in float columns), how many values would be coerced, "
    "and the smallest safe storage type under pandas' memory model (int64 -> int8/16/32, "
    "float64 -> float32 when lossless, text -> numbers or category) with the memory saved "
    "for the whole file. A text column that is mostly numbers written for people ($1,234.50, "
    "1.234,5) or dates in other formats (03/15/2024, 15.03.2024) gets a suggestion: the "
    "clean_normalize columns argument that parses it; a column of plain decimal-comma numbers "
    "(12,5) also gets read_with {\"decimal\": \",\"}, the input argument that reads the file's "
    "numbers as numbers. Numbers written as identifiers (a leading zero as in zip codes, "
    "02134; '+' and 8 or more digits as in phone numbers) are counted in identifier_numbers "
    "and keep their column text. Use it before cleaning to decide what to fix.";

}  // namespace

QUARRY_STAGE_TOOL_ANNOTATED(profile, "clean_profile", "Profile columns", kDescription, kInputSchema,
                            kOutputSchema, QUARRY_CLEAN_READ_ONLY, ProfileStage);

}  // namespace quarry::clean
