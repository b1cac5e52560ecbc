#pragma once
//! \file
//! Small SVG charts for results (well under 20 KB, so a chat client can show them): a
//! correlogram (lags as stems inside a confidence band) and a line chart of a series with
//! optional marked points (anomalies) and a continuation with an interval (a forecast).
//! Long series are thinned to at most kMaxPoints by keeping each bucket's min and max.

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>
#include <vector>

#include "detail/format.hpp"
#include "detail/svg.hpp"
#include "quarry/sdk.hpp"

namespace quarry::ts {

//! Points drawn at most per line.
inline constexpr std::size_t kMaxPoints = 400;

namespace detail {

inline std::string f(const char* format, double a, double b = 0, double c = 0, double d = 0) {
  char buf[200];
  std::snprintf(buf, sizeof buf, format, a, b, c, d);
  return buf;
}

//! The frame: title, axes, y labels; returns the document's opening.
inline std::string frame(const std::string& title, double lo, double hi) {
  std::string svg =
      R"(<svg xmlns="http://www.w3.org/2000/svg" width="640" height="320" viewBox="0 0 640 320" )"
      R"(font-family="sans-serif" font-size="11"><rect width="640" height="320" fill="#fff"/>)";
  svg += R"(<text x="320" y="18" text-anchor="middle" font-size="14">)" + stats::xml_escape(title) +
         "</text>";
  svg += R"(<line x1="56" y1="30" x2="56" y2="290" stroke="#333"/>)";
  svg += R"(<line x1="56" y1="290" x2="630" y2="290" stroke="#333"/>)";
  svg += f(R"(<text x="52" y="34" text-anchor="end">)", 0) + stats::short_text(hi) + "</text>";
  svg += f(R"(<text x="52" y="290" text-anchor="end">)", 0) + stats::short_text(lo) + "</text>";
  return svg;
}

}  // namespace detail

//! A chart's scales: x over [0, n), y over [lo, hi] into the plot area.
struct Scale {
  double n = 1, lo = 0, hi = 1;
  //! x pixel of index i.
  [[nodiscard]] double x(double i) const { return 56 + (n > 1 ? i / (n - 1) : 0.5) * 570; }
  //! y pixel of value v.
  [[nodiscard]] double y(double v) const {
    return hi > lo ? 290 - (v - lo) / (hi - lo) * 256 : 160;
  }
};

//! A correlogram: stems for lags 1..K and the ±bound band.
inline std::string correlogram_svg(const std::string& title, const std::vector<double>& c,
                                   const std::vector<double>& bound) {
  double top = 0;
  for (std::size_t k = 1; k < c.size(); ++k) top = std::max({top, std::fabs(c[k]), bound[k]});
  top = std::max(top * 1.1, 1e-12);
  Scale s{static_cast<double>(c.size() + 1), -top, top};
  std::string svg = detail::frame(title, -top, top);
  svg += detail::f(R"(<line x1="56" y1="%.1f" x2="630" y2="%.1f" stroke="#999"/>)", s.y(0), s.y(0));
  std::string band_hi, band_lo;
  for (std::size_t k = 1; k < c.size(); ++k) {
    band_hi += detail::f("%.1f,%.1f ", s.x(static_cast<double>(k)), s.y(bound[k]));
    band_lo += detail::f("%.1f,%.1f ", s.x(static_cast<double>(k)), s.y(-bound[k]));
  }
  svg += R"(<polyline fill="none" stroke="#F58518" stroke-dasharray="4 3" points=")" + band_hi +
         R"("/><polyline fill="none" stroke="#F58518" stroke-dasharray="4 3" points=")" + band_lo +
         R"("/><g stroke="#4C78A8" stroke-width="2">)";
  for (std::size_t k = 1; k < c.size(); ++k) {
    const double x = s.x(static_cast<double>(k));
    svg += detail::f(R"(<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f"/>)", x, s.y(0), x, s.y(c[k]));
  }
  svg += "</g>";
  svg += detail::f(R"(<text x="343" y="310" text-anchor="middle">lag (1..%g)</text></svg>)",
                   static_cast<double>(c.size() - 1));
  return svg;
}

//! What a line chart shows.
struct LineChart {
  std::string title;
  std::vector<double> values;           //!< the series (NaN = gap)
  std::vector<std::size_t> marked;      //!< indices to mark (anomalies)
  std::vector<double> forecast;         //!< continuation after the series
  std::vector<double> lower, upper;     //!< its interval (same length, may be empty)
  std::string first_label, last_label;  //!< x-axis end labels (e.g. timestamps)
};

//! The line chart as an SVG document.
inline std::string line_svg(const LineChart& chart) {
  const std::size_t n = chart.values.size(), h = chart.forecast.size();
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  auto widen = [&](const std::vector<double>& v) {
    for (double x : v) {
      if (std::isfinite(x)) {
        lo = std::min(lo, x);
        hi = std::max(hi, x);
      }
    }
  };
  widen(chart.values);
  widen(chart.forecast);
  widen(chart.lower);
  widen(chart.upper);
  if (!std::isfinite(lo)) lo = 0, hi = 1;
  if (hi == lo) hi = lo + 1;
  const Scale s{static_cast<double>(n + h), lo, hi};
  std::string svg = detail::frame(chart.title, lo, hi);
  // Thin to at most kMaxPoints per line: each bucket draws its min and max.
  auto polyline = [&](const std::vector<double>& v, std::size_t offset, const char* style) {
    const std::size_t bucket =
        std::max<std::size_t>(1, (v.size() + kMaxPoints - 1) / kMaxPoints * 2);
    std::string points;
    for (std::size_t i = 0; i < v.size(); i += bucket) {
      std::size_t a = i, b = i;
      for (std::size_t j = i; j < std::min(i + bucket, v.size()); ++j) {
        if (!std::isfinite(v[j])) continue;
        if (!std::isfinite(v[a]) || v[j] < v[a]) a = j;
        if (!std::isfinite(v[b]) || v[j] > v[b]) b = j;
      }
      for (std::size_t j : {std::min(a, b), std::max(a, b)}) {
        if (std::isfinite(v[j])) {
          points += detail::f("%.1f,%.1f ", s.x(static_cast<double>(offset + j)), s.y(v[j]));
        }
        if (a == b) break;
      }
    }
    return std::string(R"(<polyline fill="none" )") + style + R"( points=")" + points + R"("/>)";
  };
  svg += polyline(chart.values, 0, R"(stroke="#4C78A8" stroke-width="1.2")");
  if (!chart.lower.empty()) {
    svg += polyline(chart.lower, n, R"(stroke="#F58518" stroke-dasharray="4 3")");
    svg += polyline(chart.upper, n, R"(stroke="#F58518" stroke-dasharray="4 3")");
  }
  if (h > 0) svg += polyline(chart.forecast, n, R"(stroke="#E45756" stroke-width="1.6")");
  svg += R"(<g fill="#E45756">)";
  std::size_t drawn = 0;
  for (std::size_t i : chart.marked) {
    if (i >= n || !std::isfinite(chart.values[i]) || ++drawn > 200) continue;
    svg += detail::f(R"(<circle cx="%.1f" cy="%.1f" r="3"/>)", s.x(static_cast<double>(i)),
                     s.y(chart.values[i]));
  }
  svg += "</g>";
  svg += R"(<text x="56" y="306">)" + stats::xml_escape(chart.first_label) + "</text>";
  svg += R"(<text x="630" y="306" text-anchor="end">)" + stats::xml_escape(chart.last_label) +
         "</text></svg>";
  return svg;
}

//! Adds `svg` to `result` as the "picture" argument asks: "svg" as an embedded resource at
//! `uri`, "svg_image" as an image block.
inline void attach_svg(sdk::Result& result, const std::string& svg, const std::string& picture,
                       const std::string& uri) {
  if (picture == "svg_image") {
    result.add_image(svg, "image/svg+xml");
  } else if (picture == "svg") {
    result.add_resource_text(uri, svg, "image/svg+xml");
  }
}

}  // namespace quarry::ts
