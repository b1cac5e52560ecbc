// Adding values to the stats plugin's quantile sketch (stats_describe and stats_histogram past
// the memory budget), on the shapes of the stats benchmark's columns: normal, lognormal and
// uniform values rounded to four decimals as make_data.py writes them, plus raw exponential
// doubles, and normal values with a far sentinel (999999999) in one of a thousand. The figure to
// compare is the time per value (items_per_second).
#include <benchmark/benchmark.h>

#include <cmath>
#include <random>
#include <vector>

#include "detail/quantile_sketch.hpp"

namespace {

enum class Shape { normal, lognormal, uniform, exponential, outliers };

std::vector<double> make_values(Shape shape, std::size_t n) {
  std::mt19937_64 rng(42);
  std::normal_distribution<double> normal(200, 12);
  std::lognormal_distribution<double> lognormal(1.1, 0.8);
  std::uniform_real_distribution<double> uniform(-1000, 1000);
  std::exponential_distribution<double> exponential(1.0);
  auto four_decimals = [](double v) { return std::round(v * 1e4) / 1e4; };
  std::vector<double> values(n);
  for (double& v : values) {
    switch (shape) {
      case Shape::normal:
        v = four_decimals(normal(rng));
        break;
      case Shape::lognormal:
        v = four_decimals(lognormal(rng));
        break;
      case Shape::uniform:
        v = four_decimals(uniform(rng));
        break;
      case Shape::exponential:
        v = exponential(rng);
        break;
      case Shape::outliers:  // a far sentinel in one value of a thousand
        v = uniform(rng) < -998 ? 999999999.0 : four_decimals(normal(rng));
        break;
    }
  }
  return values;
}

void SketchAdd(benchmark::State& state) {
  const auto values = make_values(static_cast<Shape>(state.range(0)), std::size_t{1} << 20);
  for (auto _ : state) {
    quarry::stats::QuantileSketch sketch;
    // In chunk-sized pieces, as the describe stage feeds it.
    for (std::size_t i = 0; i < values.size(); i += 8192) {
      sketch.add(values.data() + i, std::min<std::size_t>(8192, values.size() - i));
    }
    benchmark::DoNotOptimize(sketch.count());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * values.size()));
}
BENCHMARK(SketchAdd)->ArgName("shape")->DenseRange(0, 4)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
