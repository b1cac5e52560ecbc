//! \file
//! clean_fill_missing: the tool declaration; the stages are in fill_missing.hpp.

#include "fill_missing.hpp"

#include "detail/schema.hpp"

namespace quarry::clean {
namespace {

#define QUARRY_CLEAN_FILL_METHODS \
  R"({"type":"string","enum":["constant","mean","median","mode","ffill","bfill","interpolate"]})"

constexpr const char* kInputSchema =
    R"({"type":"object","properties":{)"
    R"("fill":{"type":"object","description":"Per column: a method name, or {\"method\": ..., )"
    R"(\"value\": ...} (value for constant). mean/median/interpolate need numbers (an int64 )"
    R"(column with missing values becomes float64, as in pandas); ffill/bfill/interpolate )"
    R"(follow file order.",)"
    R"("additionalProperties":{"anyOf":[)" QUARRY_CLEAN_FILL_METHODS R"(,)"
    R"({"type":"object","required":["method"],"additionalProperties":false,)"
    R"("properties":{"method":)" QUARRY_CLEAN_FILL_METHODS R"(,"value":{}}}]}},)"
    R"("drop":{"type":"object","additionalProperties":false,"description":"Drop rows )"
    R"(first (pandas dropna): how any = a chosen column is missing, all = all are.",)"
    R"("properties":{"how":{"type":"string","enum":["any","all"],"default":"any"},)"
    R"("columns":)" QUARRY_CLEAN_COLUMNS("Columns checked; default all.") R"(}}}})";

constexpr const char* kOutputSchema =
    R"({"type":"object","required":["rows_in","rows_out","rows_dropped","columns"],)"
    R"("properties":{"rows_in":{"type":"integer"},"rows_out":{"type":"integer"},)"
    R"("rows_dropped":{"type":"integer"},"drop":{"type":["object","null"]},)"
    R"("columns":{"type":"array","items":{"type":"object","required":["name","method",)"
    R"("filled","still_missing"],"properties":{"name":{"type":"string"},)"
    R"("method":{"type":"string"},"filled":{"type":"integer"},)"
    R"("still_missing":{"type":"integer"},"type":{"type":"string"},)"
    R"("output_type":{"type":"string"},"value":{}}}}}})";

constexpr const char* kDescription =
    "Writes a copy of the data with missing values (null, NaN) handled: optionally drop rows "
    "(drop: {how: any|all, columns}), then fill per column with a constant, the mean, median "
    "or mode (computed exactly over the whole file in a first pass), forward fill, backward "
    "fill or linear interpolation (in file order, like pandas fillna/ffill/bfill/interpolate). "
    "Pass output: {path} to write the result; without it the call is a dry run that reports "
    "what would change: rows dropped and, per column, the fill value and how many cells were "
    "filled or stay missing (leading gaps for ffill/interpolate, trailing for bfill).";

}  // namespace

QUARRY_STAGE_TOOL_ANNOTATED(fill_missing, "clean_fill_missing", "Fill missing values", kDescription,
                            kInputSchema, kOutputSchema, QUARRY_CLEAN_WRITES, FillStage);

}  // namespace quarry::clean
