#pragma once
//! \file
//! JSON Schema fragments shared by the tools' input and output schemas (string literals, so
//! the schemas stay static text for the registry).

//! A list of column names (optional arguments default to every column).
#define QUARRY_CLEAN_COLUMNS(description)                                    \
  R"({"type":"array","items":{"type":"string","minLength":1},"minItems":1,)" \
  R"("description":")" description R"("})"

//! Notes on how the data was treated.
#define QUARRY_CLEAN_NOTES R"({"type":"array","items":{"type":"string"}})"

//! Read-only, idempotent tool annotations (reports).
#define QUARRY_CLEAN_READ_ONLY \
  R"({"readOnlyHint":true,"idempotentHint":true,"openWorldHint":false})"

//! Annotations of tools that write a cleaned copy (through the host's `output` argument);
//! the input is never modified.
#define QUARRY_CLEAN_WRITES \
  R"({"readOnlyHint":false,"destructiveHint":false,"idempotentHint":true,"openWorldHint":false})"
