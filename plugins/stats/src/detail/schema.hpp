#pragma once
//! \file
//! JSON Schema fragments shared by the tools' input and output schemas (string literals,
//! so the schemas stay static text for the registry).

//! A number or null (statistics that may be undefined).
#define QUARRY_STATS_NUM R"({"type":["number","null"]})"

//! A column selection: a list of names, a type selector, or one name (a column named like a
//! selector is chosen in a list).
#define QUARRY_STATS_COLUMNS(description)                                            \
  R"({"anyOf":[{"type":"array","items":{"type":"string"},"minItems":1},)"            \
  R"({"type":"string","enum":["all","numeric","string","bool","timestamp"]},)"       \
  R"({"type":"string","minLength":1}],"description":")" description R"( A list of )" \
  R"(column names, one name, or a type selector: all, numeric, string, bool, timestamp."})"

//! One column name.
#define QUARRY_STATS_COLUMN(description) \
  R"({"type":"string","minLength":1,"description":")" description R"("})"

//! The "non_numeric" policy for text columns read as numbers.
#define QUARRY_STATS_NON_NUMERIC                                                              \
  R"({"type":"string","enum":["error","skip"],"default":"error","description":"Text values )" \
  R"(that are not numbers: fail naming them (error) or leave them out (skip)."})"

//! Notes on how the data was treated (infinities left out, sketches used, ...).
#define QUARRY_STATS_NOTES R"({"type":"array","items":{"type":"string"}})"

//! Read-only, idempotent tool annotations.
#define QUARRY_STATS_ANNOTATIONS \
  R"({"readOnlyHint":true,"idempotentHint":true,"openWorldHint":false})"
