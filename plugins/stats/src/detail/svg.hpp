#pragma once
//! \file
//! A small SVG bar chart (histograms and category counts), written as text: at most
//! kMaxBars bars (adjacent bins are joined beyond that), so the picture stays well under
//! 20 KB and renders in any SVG viewer.

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "detail/format.hpp"

namespace quarry::stats {

//! Bars drawn at most; more bins are joined in groups for the picture.
inline constexpr std::size_t kMaxBars = 120;

//! Text with &, <, >, " escaped for XML.
inline std::string xml_escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

//! What to draw: one bar per count, with a label under some bars.
struct BarChart {
  std::string title;
  std::vector<double> counts;       //!< bar heights
  std::vector<std::string> labels;  //!< one per bar ("" for none)
  std::string x_caption;            //!< under the axis
  bool labels_at_edges = false;     //!< labels mark bars' left edges (else their centres)
};

namespace detail {

inline std::string fmt(const char* format, double a, double b = 0, double c = 0, double d = 0) {
  char buf[160];
  std::snprintf(buf, sizeof buf, format, a, b, c, d);
  return buf;
}

//! Joins adjacent bars so at most kMaxBars remain; keeps the first label of each group.
inline BarChart fit(const BarChart& chart) {
  if (chart.counts.size() <= kMaxBars) return chart;
  const std::size_t group = (chart.counts.size() + kMaxBars - 1) / kMaxBars;
  BarChart out{chart.title,
               {},
               {},
               chart.x_caption + " (" + std::to_string(group) + " bins per bar)",
               chart.labels_at_edges};
  for (std::size_t i = 0; i < chart.counts.size(); i += group) {
    double sum = 0;
    for (std::size_t j = i; j < std::min(i + group, chart.counts.size()); ++j) {
      sum += chart.counts[j];
    }
    out.counts.push_back(sum);
    out.labels.push_back(i < chart.labels.size() ? chart.labels[i] : std::string());
  }
  return out;
}

}  // namespace detail

//! The chart as a standalone SVG document (640 x 360).
inline std::string render_svg(const BarChart& input) {
  const BarChart chart = detail::fit(input);
  const double width = 640, height = 360, left = 56, right = 16, top = 36, bottom = 76;
  const double plot_w = width - left - right, plot_h = height - top - bottom;
  double peak = 0;
  for (double c : chart.counts) peak = std::max(peak, c);
  const double n = static_cast<double>(std::max<std::size_t>(chart.counts.size(), 1));
  const double bar_w = plot_w / n;
  std::string svg =
      R"(<svg xmlns="http://www.w3.org/2000/svg" width="640" height="360" viewBox="0 0 640 360" )"
      R"(font-family="sans-serif" font-size="11">)";
  svg += R"(<rect width="640" height="360" fill="#fff"/>)";
  svg += R"(<text x="320" y="20" text-anchor="middle" font-size="14">)" + xml_escape(chart.title) +
         "</text>";
  svg += detail::fmt(R"(<line x1="%g" y1="%g" x2="%g" y2="%g" stroke="#333"/>)", left, top + plot_h,
                     left + plot_w, top + plot_h);
  svg += detail::fmt(R"(<line x1="%g" y1="%g" x2="%g" y2="%g" stroke="#333"/>)", left, top, left,
                     top + plot_h);
  svg += detail::fmt(R"(<text x="%g" y="%g" text-anchor="end">)", left - 4, top + 4) +
         short_text(peak) + "</text>";
  svg += detail::fmt(R"(<text x="%g" y="%g" text-anchor="end">0</text>)", left - 4, top + plot_h);
  svg += R"(<g fill="#4C78A8">)";
  for (std::size_t i = 0; i < chart.counts.size(); ++i) {
    const double h = peak > 0 ? chart.counts[i] / peak * plot_h : 0;
    svg += detail::fmt(R"(<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f"/>)",
                       left + static_cast<double>(i) * bar_w, top + plot_h - h,
                       std::max(bar_w - (bar_w > 4 ? 1 : 0), 0.5), h);
  }
  svg += "</g>";
  const std::size_t every = std::max<std::size_t>(1, chart.labels.size() / 8);
  for (std::size_t i = 0; i < chart.labels.size(); i += every) {
    if (chart.labels[i].empty()) continue;
    const double x =
        left + static_cast<double>(i) * bar_w + (chart.labels_at_edges ? 0 : bar_w / 2);
    svg +=
        detail::fmt(
            R"svg(<text x="%.1f" y="%.1f" text-anchor="end" transform="rotate(-35 %.1f %.1f)">)svg",
            x, top + plot_h + 14, x, top + plot_h + 14) +
        xml_escape(chart.labels[i].substr(0, 24)) + "</text>";
  }
  svg += detail::fmt(R"(<text x="320" y="%g" text-anchor="middle">)", height - 8) +
         xml_escape(chart.x_caption) + "</text></svg>";
  return svg;
}

}  // namespace quarry::stats
