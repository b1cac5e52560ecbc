//! \file
//! The clean plugin's entry points. Its tools are declared in the other sources of this
//! directory, one file per tool (the stage classes live in the matching headers, so the
//! tests can drive them directly, including two-pass stages).

#include "quarry/sdk.hpp"

QUARRY_PLUGIN("clean", "1.0.0",
              "Data cleaning over streamed tables: profile, fill missing values, deduplicate, "
              "outliers, validation rules, normalisation, format conversion")
