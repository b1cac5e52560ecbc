#pragma once
//! \file
//! Two doubles as one value (GCC/Clang vector extension: SSE2 on x86-64, NEON on ARM64, plain
//! code elsewhere), so the hot loops over a column keep two independent lanes in flight
//! without intrinsics.

#include <cstring>

namespace quarry::stats {

//! Two lanes of doubles; + - * and comparisons act lane by lane.
using Double2 = double __attribute__((vector_size(16)));

//! Reads x[0], x[1] (no alignment needed).
inline Double2 load2(const double* x) noexcept {
  Double2 v;
  std::memcpy(&v, x, sizeof v);
  return v;
}

//! Both lanes set to `x`.
inline Double2 splat2(double x) noexcept {
  return Double2{x, x};
}

//! The sum of the lanes.
inline double lane_sum(Double2 v) noexcept {
  return v[0] + v[1];
}

//! Lane-wise minimum (of finite values).
inline Double2 min2(Double2 a, Double2 b) noexcept {
  return b < a ? b : a;
}

//! Lane-wise maximum (of finite values).
inline Double2 max2(Double2 a, Double2 b) noexcept {
  return a < b ? b : a;
}

}  // namespace quarry::stats
