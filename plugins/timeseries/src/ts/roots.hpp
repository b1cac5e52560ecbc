#pragma once
//! \file
//! Roots of the small polynomials of an ARMA model (Durand–Kerner iteration), for the
//! diagnostics ts_forecast adds to a fitted ARIMA: AR and MA factors that nearly cancel, and
//! roots on the unit circle.

#include <algorithm>
#include <complex>
#include <cstddef>
#include <vector>

namespace quarry::ts {

//! The roots of 1 + c[0] z + c[1] z² + … (trailing zero coefficients dropped; none for a
//! constant polynomial).
[[nodiscard]] inline std::vector<std::complex<double>> polynomial_roots(std::vector<double> c) {
  while (!c.empty() && c.back() == 0) c.pop_back();
  const std::size_t n = c.size();
  std::vector<std::complex<double>> z(n);
  if (n == 0) return z;
  // Monic form: z^n + (c[n-2]/c[n-1]) z^(n-1) + … + 1/c[n-1].
  auto value = [&](std::complex<double> x) {
    std::complex<double> v = 1.0 / c[n - 1];
    std::complex<double> p = 1.0;
    for (std::size_t i = 0; i + 1 < n; ++i) {
      p *= x;
      v += c[i] / c[n - 1] * p;
    }
    return v + p * x;  // + z^n
  };
  const std::complex<double> seed(0.4, 0.9);
  std::complex<double> power = 1.0;
  for (std::size_t i = 0; i < n; ++i) {
    z[i] = power;
    power *= seed;
  }
  for (int iter = 0; iter < 500; ++iter) {
    double change = 0;
    for (std::size_t i = 0; i < n; ++i) {
      std::complex<double> denom = 1.0;
      for (std::size_t j = 0; j < n; ++j) {
        if (j != i) denom *= z[i] - z[j];
      }
      if (std::abs(denom) == 0) denom = 1e-12;
      const std::complex<double> step = value(z[i]) / denom;
      z[i] -= step;
      change = std::max(change, std::abs(step));
    }
    if (change < 1e-13) break;
  }
  return z;
}

}  // namespace quarry::ts
