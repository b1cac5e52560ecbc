//! \file
//! The timeseries plugin's entry points. Its tools are declared in the other sources of this
//! directory, one file per tool family: rolling.cpp (rolling windows, EWMA), acf.cpp (ACF and
//! PACF), resample.cpp, decompose.cpp, stationarity.cpp, anomalies.cpp and forecast.cpp.

#include "quarry/sdk.hpp"

QUARRY_PLUGIN("timeseries", "1.0.0",
              "Time-series analysis over streamed tables: rolling windows and EWMA, "
              "autocorrelation, resampling, decomposition, stationarity tests, anomalies and "
              "forecasts")
