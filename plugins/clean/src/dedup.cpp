//! \file
//! clean_dedup: the tool declaration; the stages are in dedup.hpp.

#include "dedup.hpp"

#include "detail/schema.hpp"

namespace quarry::clean {
namespace {

constexpr const char* kInputSchema =
    R"({"type":"object","properties":{)"
    R"("columns":)" QUARRY_CLEAN_COLUMNS(
        "Key columns: rows with equal values in all of them are duplicates; default all "
        "columns.") R"(,)"
                    R"("keep":{"type":"string","enum":["first","last"],"default":"first",)"
                    R"("description":"Which row of each duplicate group to keep (file order)."},)"
                    R"("on_budget":{"type":"string","enum":["error","spill","approximate"],)"
                    R"("default":"error","description":"When the distinct keys outgrow the memory )"
                    R"(budget: fail (error); go on with the row hashes on disk, still exact (spill: )"
                    R"(the input is read twice, memory stays within the budget whatever the file's )"
                    R"(size); or go on with a Bloom filter of the budget's size that may drop a few )"
                    R"(unique rows and reports how many to expect (approximate; keep first only)."}}})";

constexpr const char* kOutputSchema =
    R"({"type":"object","required":["rows_in","rows_out","duplicates_dropped","exact"],)"
    R"("properties":{"rows_in":{"type":"integer"},"rows_out":{"type":"integer"},)"
    R"("duplicates_dropped":{"type":"integer"},"columns":{"type":"array","items":)"
    R"({"type":"string"}},"keep":{"type":"string"},"exact":{"type":"boolean"},)"
    R"("distinct_keys":{"type":["integer","null"]},"hash_collision_bound":{"type":"number"},)"
    R"("spilled_bytes":{"type":"integer"},"approximate":{"type":"object"}}})";

constexpr const char* kDescription =
    "Writes a copy of the data without duplicate rows (pandas drop_duplicates): rows equal on "
    "all columns, or on the key 'columns', keeping the first or last of each group in file "
    "order. Null equals null and NaN equals NaN, as in pandas. Rows are compared by 128-bit "
    "hashes (chance of any false match <= n^2/2^129 for n distinct keys, reported). Pass "
    "output: {path} to write the result; without it the call reports how many rows would be "
    "dropped. Memory grows with the distinct keys (16-32 bytes each; 24-48 for keep last) up to "
    "the memory budget; past it see on_budget (\"spill\" stays exact on any size).";

}  // namespace

QUARRY_STAGE_TOOL_ANNOTATED(dedup, "clean_dedup", "Drop duplicate rows", kDescription, kInputSchema,
                            kOutputSchema, QUARRY_CLEAN_WRITES, DedupStage);

}  // namespace quarry::clean
