//! \file
//! The stats plugin's entry points. Its tools are declared in the other sources of this
//! directory, one file per tool family: describe.cpp, correlation.cpp, groupby.cpp,
//! histogram.cpp and tests.cpp (hypothesis tests).

#include "quarry/sdk.hpp"

QUARRY_PLUGIN("stats", "1.0.0",
              "Descriptive statistics, quantiles, correlation, group-by, histograms and "
              "hypothesis tests over streamed tables")
