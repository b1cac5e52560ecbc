//! \file
//! clean_outliers: the tool declaration; the stages are in outliers.hpp.

#include "outliers.hpp"

#include "detail/schema.hpp"

namespace quarry::clean {
namespace {

constexpr const char* kInputSchema =
    R"({"type":"object","properties":{)"
    R"("columns":)" QUARRY_CLEAN_COLUMNS(
        "Numeric columns to check; default every int64/float64 "
        "column.") R"(,)"
                   R"("method":{"type":"string","enum":["zscore","modified_zscore","iqr"],"default":"zscore",)"
                   R"("description":"zscore: |x - mean| / std > threshold (default 3); modified_zscore: )"
                   R"(|0.6745 (x - median) / MAD| > threshold (default 3.5); iqr: outside )"
                   R"([Q1 - k IQR, Q3 + k IQR] with k = threshold (default 1.5)."},)"
                   R"("threshold":{"type":"number","exclusiveMinimum":0},)"
                   R"("action":{"type":"string","enum":["flag","drop","clip"],"default":"flag",)"
                   R"("description":"flag: add a bool column <name>_outlier per checked column; drop: drop )"
                   R"(rows with an outlier in any checked column; clip: replace outliers by the nearest )"
                   R"(bound (the column becomes float64; an int64 one stays int64 unless a value moves to a )"
                   R"(fractional bound, as pandas' clip)."}}})";

constexpr const char* kOutputSchema =
    R"({"type":"object","required":["method","action","rows_in","rows_out","columns"],)"
    R"("properties":{"method":{"type":"string"},"threshold":{"type":"number"},)"
    R"("action":{"type":"string"},"rows_in":{"type":"integer"},"rows_out":{"type":"integer"},)"
    R"("rows_dropped":{"type":"integer"},"notes":)" QUARRY_CLEAN_NOTES R"(,)"
    R"("columns":{"type":"array","items":{"type":"object","required":["name","outliers"],)"
    R"("properties":{"name":{"type":"string"},"outliers":{"type":"integer"},)"
    R"("below":{"type":"integer"},"above":{"type":"integer"},"infinite":{"type":"integer"},)"
    R"("lower_bound":{"type":["number","null"]},"upper_bound":{"type":["number","null"]},)"
    R"("mean":{"type":["number","null"]},"std":{"type":["number","null"]},)"
    R"("median":{"type":["number","null"]},"mad":{"type":["number","null"]},)"
    R"("q1":{"type":["number","null"]},"q3":{"type":["number","null"]},)"
    R"("iqr":{"type":["number","null"]}}}}}})";

constexpr const char* kDescription =
    "Finds outliers in numeric columns by z-score (mean/std), modified z-score (median/MAD) "
    "or IQR fences (exact quartiles, as pandas quantile), computed over the whole file in a "
    "first pass, then flags them (adds <column>_outlier bool columns), drops their rows, or "
    "clips them to the bounds, in one parallel second pass. Missing values are never "
    "outliers; infinities always are. Pass output: {path} to write the result; without it "
    "the call reports the statistics, bounds and outlier counts per column.";

}  // namespace

QUARRY_STAGE_TOOL_ANNOTATED(outliers, "clean_outliers", "Handle outliers", kDescription,
                            kInputSchema, kOutputSchema, QUARRY_CLEAN_WRITES, OutlierStage);

}  // namespace quarry::clean
