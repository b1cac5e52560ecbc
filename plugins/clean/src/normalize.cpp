//! \file
//! clean_normalize: the tool declaration; the stage is in normalize.hpp.

#include "normalize.hpp"

#include "detail/schema.hpp"

namespace quarry::clean {
namespace {

constexpr const char* kInputSchema =
    R"({"type":"object","required":["columns"],"properties":{)"
    R"("columns":{"type":"object","minProperties":1,"description":"Per text column, the )"
    R"(operations to apply, in this order: unicode, trim, collapse_whitespace, case, parse.",)"
    R"("additionalProperties":{"type":"object","additionalProperties":false,"properties":{)"
    R"("unicode":{"type":"string","enum":["NFC","NFD","NFKC","NFKD"]},)"
    R"("trim":{"type":"boolean","description":"Strip leading/trailing blanks (ASCII white )"
    R"(space and no-break space)."},)"
    R"("collapse_whitespace":{"type":"boolean","description":"Each run of blanks becomes one space."},)"
    R"("case":{"type":"string","enum":["lower","upper","fold"],"description":"fold = Unicode )"
    R"(case folding, for case-insensitive matching."},)"
    R"("parse":{"type":"string","enum":["date","number","bool"],"description":"date: to )"
    R"(ISO 8601 text using 'formats' (strptime style, tried in order) or common formats )"
    R"((ISO, then month-first like pandas, then day-first, flagged when a column needs both; )"
    R"(two-digit years 00-68 are 20xx); a UTC offset (%z: Z, +02:00) gives the instant in )"
    R"(UTC, marked Z; number: thousands separators, currency signs, )"
    R"((negatives) -> float64; bool: true/false/yes/no/y/n/t/f/on/off/1/0 (and true_values/)"
    R"(false_values) -> bool. Values that do not parse become null and are counted."},)"
    R"("formats":{"type":"array","items":{"type":"string"}},)"
    R"("thousands":{"type":"string","maxLength":1,"default":","},)"
    R"("decimal":{"type":"string","minLength":1,"maxLength":1,"default":"."},)"
    R"("true_values":{"type":"array","items":{"type":"string","minLength":1},"description":)"
    R"("More words read as true by parse bool (any case), e.g. [\"ja\", \"oui\"]."},)"
    R"("false_values":{"type":"array","items":{"type":"string","minLength":1},"description":)"
    R"("More words read as false by parse bool (any case), e.g. [\"nein\", \"non\"]."},)"
    R"("min_share":{"type":"number","minimum":0,"maximum":1,"default":0.5,"description":)"
    R"("The call fails, writing nothing, when fewer than this share of the column's values )"
    R"(parse (a wrong format or unknown words would otherwise turn the column to nulls); 0 )"
    R"(accepts any share."}}}}}})";

constexpr const char* kOutputSchema =
    R"({"type":"object","required":["rows","columns"],"properties":{"rows":{"type":"integer"},)"
    R"("columns":{"type":"array","items":{"type":"object","required":["name","values",)"
    R"("changed","parsed","failed"],"properties":{"name":{"type":"string"},)"
    R"("values":{"type":"integer"},"changed":{"type":"integer"},)"
    R"("parse":{"type":["string","null"]},"parsed":{"type":"integer"},)"
    R"("failed":{"type":"integer"},"failed_examples":{"type":"array","items":{"type":"string"}},)"
    R"("formats_used":{"type":"object","additionalProperties":{"type":"integer"}},)"
    R"("ambiguous":{"type":"integer"},)"
    R"("note":{"type":"string"}}}}}})";

constexpr const char* kDescription =
    "Normalizes text columns in one parallel pass: Unicode normalization (NFC/NFKC/...), "
    "trimming, collapsing whitespace, lower/upper case or case folding, and parsing dates/"
    "times in given or detected formats to ISO 8601 text, numbers written for people "
    "(\"$1,234.50\", \"(12)\" = -12, or \"1.234,5 \u20ac\" with thousands \".\" and decimal \",\") "
    "to float64, and boolean words to bool. A column the reader already typed as asked "
    "(parse date on a timestamp column, number on a number, bool on a bool) passes through "
    "unchanged. Pass output: {path} to write the result; the report counts "
    "per column the values changed, parsed, and those that failed to parse (written as null, "
    "with examples) and which date formats matched.";

}  // namespace

QUARRY_STAGE_TOOL_ANNOTATED(normalize, "clean_normalize", "Normalize text", kDescription,
                            kInputSchema, kOutputSchema, QUARRY_CLEAN_WRITES, NormalizeStage);

}  // namespace quarry::clean
