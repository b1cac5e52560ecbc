#pragma once
//! \file
//! JSON Schema fragments shared by the timeseries tools' input and output schemas (string
//! literals, so the schemas stay static text for the registry).

//! A number or null (statistics that may be undefined).
#define QUARRY_TS_NUM R"({"type":["number","null"]})"

//! An array of numbers or nulls.
#define QUARRY_TS_NUMS R"({"type":"array","items":{"type":["number","null"]}})"

//! The value column.
#define QUARRY_TS_COLUMN                                                                      \
  R"("column":{"type":"string","minLength":1,"description":"The numeric column holding the )" \
  R"(series (int64, float64, bool, or text holding numbers)."})"

//! The optional time column.
#define QUARRY_TS_TIME_COLUMN(extra)                                                            \
  R"("time_column":{"type":"string","minLength":1,"description":"A timestamp column (or text )" \
  R"(in ISO 8601, e.g. 2024-01-31T12:00:00Z) giving each row's time. )" extra R"("})"

//! How missing values (null, NaN, infinities) in the series are treated.
#define QUARRY_TS_MISSING                                                                  \
  R"("missing":{"type":"string","enum":["drop","error"],"default":"drop","description":")" \
  R"(drop: leave rows without a value out of the series (statsmodels missing='drop'); )"   \
  R"(error: fail naming how many there are."})"

//! The picture option.
#define QUARRY_TS_PICTURE                                                                      \
  R"("picture":{"type":"string","enum":["none","svg","svg_image"],"default":"none",)"          \
  R"("description":"svg: add a small chart as an embedded SVG resource (image/svg+xml text, )" \
  R"(under 20 KB); svg_image: the same as an image content block for clients that render )"    \
  R"(SVG images."})"

//! What the tool found about the order and spacing of the timestamps.
#define QUARRY_TS_ORDER_OUT                                                                     \
  R"("time_order":{"type":"object","description":"Order and spacing of the time column: )"      \
  R"(unsorted steps, duplicates, gaps and how they were treated.","properties":{)"              \
  R"("rows":{"type":"integer"},"unsorted":{"type":"integer"},"duplicates":{"type":"integer"},)" \
  R"("gaps":{"type":"integer"},"missing_steps":{"type":"integer"},)"                            \
  R"("step_seconds":)" QUARRY_TS_NUM R"(,"regular":{"type":"boolean"},)"                        \
  R"("treatment":{"type":"string"}}})"

//! How the missing slots of a series were filled (ts/slots.hpp: SlotFill::to_json).
#define QUARRY_TS_FILLING_OUT                                                                      \
  R"("filling":{"type":"object","description":"Missing values and absent timestamps, filled )"     \
  R"(by linear interpolation so that every value keeps its place in the season.","properties":{)"  \
  R"("slots":{"type":"integer"},"filled":{"type":"integer"},"missing_values":{"type":"integer"},)" \
  R"("absent_timestamps":{"type":"integer"},"trimmed_ends":{"type":"integer"},)"                   \
  R"("longest_gap":{"type":"integer"},"method":{"type":"string"},"placement":{"type":"string"}}})"

//! Notes on how the data was treated.
#define QUARRY_TS_NOTES R"({"type":"array","items":{"type":"string"}})"

//! Read-only, idempotent tool annotations.
#define QUARRY_TS_ANNOTATIONS R"({"readOnlyHint":true,"idempotentHint":true,"openWorldHint":false})"
