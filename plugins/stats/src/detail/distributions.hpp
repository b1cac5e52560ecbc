#pragma once
//! \file
//! Distribution functions for p-values: the regularized incomplete beta and gamma
//! functions, and from them the tails of Student's t, F, chi-square and the normal
//! distribution (via erfc), and the normal quantile.
//!
//! Methods: continued fractions (modified Lentz) and power series as in Numerical Recipes
//! §6.2/§6.4, evaluated on the side where they converge, with the power prefactor
//! x^a y^b / B(a, b) (resp. x^a e^-x / Γ(a)) computed from Stirling's series when the
//! parameters are large (the form used by DiDonato & Morris, TOMS 708), so large degrees
//! of freedom do not lose digits to cancellation between log-gamma values. Each function
//! takes x and its complement y = 1 - x separately when both are needed, so callers can
//! pass a complement computed without cancellation (e.g. t² / (ν + t²)). Accuracy is
//! about 1e-14 relative in the tests against SciPy 1.10.

#include <cmath>
#include <limits>
#include <numbers>
#include <utility>

namespace quarry::stats::dist {

namespace detail {

inline constexpr double kEps = 1e-16;
inline constexpr double kTiny = 1e-300;
inline constexpr int kMaxIterations = 1000000;

//! log Γ(x) for x > 0 (reentrant: no global signgam).
inline double log_gamma(double x) noexcept {
#if defined(__GLIBC__)
  int sign = 0;
  return ::lgamma_r(x, &sign);
#else
  return std::lgamma(x);
#endif
}

//! Stirling's correction ω(z) = log Γ(z) - [(z - ½) log z - z + ½ log 2π], for z >= 10.
inline double stirling_correction(double z) noexcept {
  const double r = 1.0 / z;
  const double r2 = r * r;
  return r * (1.0 / 12 +
              r2 * (-1.0 / 360 + r2 * (1.0 / 1260 + r2 * (-1.0 / 1680 +
                                                          r2 * (1.0 / 1188 + r2 * (-691.0 / 360360 +
                                                                                   r2 / 156.0))))));
}

//! log(1 + u) - u, accurate for small |u| (u > -1).
inline double log1pmx(double u) noexcept {
  if (std::fabs(u) > 0.5) return std::log1p(u) - u;
  // log(1+u) = 2 atanh(s), s = u / (2 + u); and u - 2s = s u.
  const double s = u / (2.0 + u);
  const double s2 = s * s;
  double term = s * s2;
  double sum = 0;
  for (int k = 3; k < 200; k += 2) {
    const double add = term / k;
    sum += add;
    if (std::fabs(add) <= kEps * std::fabs(sum)) break;
    term *= s2;
  }
  return 2.0 * sum - s * u;
}

//! log Γ(big) - log Γ(big + small) for big >= 10, small > 0, without cancellation.
inline double log_gamma_ratio(double big, double small) noexcept {
  return -(big - 0.5) * std::log1p(small / big) - small * std::log(big + small) + small +
         stirling_correction(big) - stirling_correction(big + small);
}

//! log of x^a y^b / B(a, b), given log x and log y too (y = 1 - x).
inline double log_beta_prefactor(double a, double b, double x, double y, double log_x,
                                 double log_y) noexcept {
  const double lo = std::min(a, b);
  const double hi = std::max(a, b);
  if (lo >= 10) {
    // x (a+b)/a = 1 + u and y (a+b)/b = 1 + v with a u + b v = 0, so the first-order terms
    // cancel exactly and only a (log(1+u) - u) + b (log(1+v) - v) remains.
    const double au = std::fma(x, a + b, -a);
    const double bv = std::fma(y, a + b, -b);
    const double ga =
        std::fabs(au) <= 0.5 * a ? a * log1pmx(au / a) : a * (log_x + std::log1p(b / a)) - au;
    const double gb =
        std::fabs(bv) <= 0.5 * b ? b * log1pmx(bv / b) : b * (log_y + std::log1p(a / b)) - bv;
    return ga + gb + 0.5 * std::log(a / (a + b) * b) - 0.5 * std::log(2 * std::numbers::pi) -
           stirling_correction(a) - stirling_correction(b) + stirling_correction(a + b);
  }
  double log_beta = 0;
  if (hi >= 10) {
    log_beta = log_gamma(lo) + log_gamma_ratio(hi, lo);
  } else {
    log_beta = log_gamma(a) + log_gamma(b) - log_gamma(a + b);
  }
  return a * log_x + b * log_y - log_beta;
}

//! The continued fraction of I_x(a, b) (NR betacf), modified Lentz.
inline double beta_fraction(double a, double b, double x) noexcept {
  const double qab = a + b;
  const double qap = a + 1;
  const double qam = a - 1;
  double c = 1;
  double d = 1 - qab * x / qap;
  if (std::fabs(d) < kTiny) d = kTiny;
  d = 1 / d;
  double h = d;
  for (int m = 1; m <= kMaxIterations; ++m) {
    const double m2 = 2.0 * m;
    double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = 1 + aa / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1 / d;
    h *= d * c;
    aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = 1 + aa / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1 / d;
    const double del = d * c;
    h *= del;
    if (std::fabs(del - 1) <= kEps) break;
  }
  return h;
}

//! x^a e^-x / Γ(a), as a logarithm.
inline double log_gamma_prefactor(double a, double x) noexcept {
  if (a >= 10) {
    // a (log(x/a) - (x/a - 1)) + ½ log(a / 2π) - ω(a): no cancellation between large terms.
    const double w = (x - a) / a;
    const double g =
        std::fabs(w) <= 0.5 ? a * log1pmx(w) : a * (std::log(x) - std::log(a)) - (x - a);
    return g + 0.5 * std::log(a / (2 * std::numbers::pi)) - stirling_correction(a);
  }
  return a * std::log(x) - x - log_gamma(a);
}

//! P(a, x) by its power series (x < a + 1).
inline double gamma_p_series(double a, double x) noexcept {
  double ap = a;
  double del = 1.0 / a;
  double sum = del;
  for (int n = 0; n < kMaxIterations; ++n) {
    ap += 1;
    del *= x / ap;
    sum += del;
    if (std::fabs(del) < std::fabs(sum) * kEps) break;
  }
  return sum * std::exp(log_gamma_prefactor(a, x));
}

//! Q(a, x) by its continued fraction (x >= a + 1), modified Lentz.
inline double gamma_q_fraction(double a, double x) noexcept {
  double b = x + 1 - a;
  double c = 1 / kTiny;
  double d = 1 / b;
  double h = d;
  for (int i = 1; i < kMaxIterations; ++i) {
    const double an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = b + an / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1 / d;
    const double del = d * c;
    h *= del;
    if (std::fabs(del - 1) <= kEps) break;
  }
  return std::exp(log_gamma_prefactor(a, x)) * h;
}

}  // namespace detail

//! The regularized incomplete beta function and its complement, {I_x(a, b), 1 - I_x(a, b)},
//! for a, b > 0 and x in [0, 1] with y = 1 - x given separately (pass the more accurate
//! of the two computations). The smaller of the pair carries full relative precision.
inline std::pair<double, double> incomplete_beta(double a, double b, double x, double y) noexcept {
  if (!(a > 0) || !(b > 0) || std::isnan(x) || std::isnan(y)) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    return {nan, nan};
  }
  if (x <= 0) return {0.0, 1.0};
  if (y <= 0) return {1.0, 0.0};
  const double log_x = x < 0.5 ? std::log(x) : std::log1p(-y);
  const double log_y = y < 0.5 ? std::log(y) : std::log1p(-x);
  const double front = std::exp(detail::log_beta_prefactor(a, b, x, y, log_x, log_y));
  if (x < (a + 1) / (a + b + 2)) {
    const double i = front * detail::beta_fraction(a, b, x) / a;
    return {i, 1 - i};
  }
  const double ic = front * detail::beta_fraction(b, a, y) / b;
  return {1 - ic, ic};
}

//! The regularized lower and upper incomplete gamma functions {P(a, x), Q(a, x)}, a > 0.
inline std::pair<double, double> incomplete_gamma(double a, double x) noexcept {
  if (!(a > 0) || std::isnan(x)) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    return {nan, nan};
  }
  if (x <= 0) return {0.0, 1.0};
  if (std::isinf(x)) return {1.0, 0.0};
  if (x < a + 1) {
    const double p = detail::gamma_p_series(a, x);
    return {p, 1 - p};
  }
  const double q = detail::gamma_q_fraction(a, x);
  return {1 - q, q};
}

//! P(Z > z) for a standard normal Z.
inline double normal_sf(double z) noexcept {
  return 0.5 * std::erfc(z / std::numbers::sqrt2);
}
//! P(Z <= z) for a standard normal Z.
inline double normal_cdf(double z) noexcept {
  return 0.5 * std::erfc(-z / std::numbers::sqrt2);
}

//! P(|T| > |t|) for Student's t with `df` > 0 degrees of freedom (two-sided p-value).
inline double t_two_sided(double t, double df) noexcept {
  if (std::isnan(t) || !(df > 0)) return std::numeric_limits<double>::quiet_NaN();
  if (std::isinf(t)) return 0.0;
  const double t2 = t * t;
  // I_x(df/2, 1/2) with x = df / (df + t²) and its complement t² / (df + t²).
  return incomplete_beta(df / 2, 0.5, df / (df + t2), t2 / (df + t2)).first;
}

//! The standard normal quantile Φ⁻¹(p) for 0 < p < 1 (±inf at 0 and 1, NaN outside).
//! Starts from Abramowitz & Stegun 26.2.23 (error below 4.5e-4) and polishes with Halley steps
//! on the erfc-based tail of the side p lies on, which converge to a few ulps in two or three
//! steps (cubically) and keep relative accuracy deep in the tails.
inline double normal_quantile(double p) noexcept {
  if (!(p >= 0 && p <= 1)) return std::numeric_limits<double>::quiet_NaN();
  if (p == 0) return -std::numeric_limits<double>::infinity();
  if (p == 1) return std::numeric_limits<double>::infinity();
  if (p == 0.5) return 0;  // the iteration would stop at rounding noise around 0
  if (p > 0.5) return -normal_quantile(1 - p);  // 1 - p is exact for p > 0.5
  const double t = std::sqrt(-2 * std::log(p));
  double z = -(t - (2.515517 + t * (0.802853 + t * 0.010328)) /
                       (1 + t * (1.432788 + t * (0.189269 + t * 0.001308))));
  for (int step = 0; step < 8; ++step) {
    const double density = std::exp(-0.5 * z * z) / std::sqrt(2 * std::numbers::pi);
    const double error = normal_cdf(z) - p;  // the lower tail, exact for z < 0
    const double newton = error / density;
    const double next = z - newton / (1 + 0.5 * z * newton);  // Halley
    if (std::fabs(next - z) <= 1e-15 * std::fabs(next)) return next;
    z = next;
  }
  return z;
}

//! P(T > t) for Student's t with `df` degrees of freedom (upper tail).
inline double t_sf(double t, double df) noexcept {
  const double half = 0.5 * t_two_sided(t, df);
  return t > 0 ? half : 1 - half;
}

//! P(T <= t) for Student's t with `df` degrees of freedom.
inline double t_cdf(double t, double df) noexcept {
  return t_sf(-t, df);
}

//! P(F > f) for Fisher's F with (d1, d2) degrees of freedom.
inline double f_sf(double f, double d1, double d2) noexcept {
  if (std::isnan(f) || !(d1 > 0) || !(d2 > 0)) return std::numeric_limits<double>::quiet_NaN();
  if (f <= 0) return 1.0;
  if (std::isinf(f)) return 0.0;
  const double denom = d1 * f + d2;
  return incomplete_beta(d2 / 2, d1 / 2, d2 / denom, d1 * f / denom).first;
}

//! P(X > x) for chi-square with k degrees of freedom.
inline double chi2_sf(double x, double k) noexcept {
  if (std::isnan(x) || !(k > 0)) return std::numeric_limits<double>::quiet_NaN();
  return incomplete_gamma(k / 2, x / 2).second;
}

}  // namespace quarry::stats::dist
