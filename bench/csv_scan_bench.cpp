//! CSV read throughput: generates a numeric-heavy CSV (or reads the one given) and times the
//! inference pass, the parse pass, and parallel chunk parsing.
//!
//!   csv_scan_bench [FILE] [--mb N] [--threads N] [--columns a,b,...]
//!
//! --threads sets the inference pass's threads (the parallel parse always uses every core);
//! --columns reads only those columns (CsvOptions::only_columns).

#include "quarry/io/csv_reader.hpp"

#include <tbb/parallel_for.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <string>

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

//! CPU seconds used by this process (all threads): on a shared machine, wall time lies.
double cpu_seconds() {
  return static_cast<double>(std::clock()) / CLOCKS_PER_SEC;
}

void generate(const std::filesystem::path& path, std::size_t megabytes) {
  std::ofstream out(path, std::ios::binary);
  out << "id,price,qty,ratio,x,y,z,flag\n";
  std::mt19937_64 random(42);
  std::uniform_real_distribution<double> real(-1000.0, 1000.0);
  std::uniform_int_distribution<int> small(0, 100000);
  std::string line;
  char buffer[64];
  for (std::uint64_t row = 0; out.tellp() < static_cast<std::streamoff>(megabytes << 20); ++row) {
    line = std::to_string(row);
    std::snprintf(buffer, sizeof buffer, ",%.2f,%d,%.6f,%.3f,%.4f,%d,%d\n", real(random),
                  small(random), real(random) / 1000, real(random), real(random),
                  small(random) - 50000, small(random) % 2);
    line += buffer;
    out << line;
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::filesystem::path path = "/tmp/quarry_csv_bench.csv";
  std::size_t megabytes = 256;
  quarry::io::CsvOptions options;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--mb" && i + 1 < argc) {
      megabytes = std::stoul(argv[++i]);
    } else if (arg == "--threads" && i + 1 < argc) {
      options.threads = static_cast<unsigned>(std::stoul(argv[++i]));
    } else if (arg == "--columns" && i + 1 < argc) {
      std::string list = argv[++i];
      for (std::size_t at = 0; at <= list.size();) {
        const std::size_t comma = std::min(list.find(',', at), list.size());
        options.only_columns.push_back(list.substr(at, comma - at));
        at = comma + 1;
      }
    } else if (arg.starts_with("-")) {
      // Not taken as a file name: an unknown flag would otherwise generate a file named after it.
      std::cerr << "usage: csv_scan_bench [FILE] [--mb N] [--threads N] [--columns a,b,...]\n";
      return arg == "--help" || arg == "-h" ? 0 : 2;
    } else {
      path = arg;
    }
  }
  if (!std::filesystem::exists(path)) generate(path, megabytes);
  const double mb = static_cast<double>(std::filesystem::file_size(path)) / 1e6;

  auto start = Clock::now();
  double cpu = cpu_seconds();
  quarry::io::CsvReader reader(path, options);
  const double infer = seconds_since(start);
  const double infer_cpu = cpu_seconds() - cpu;
  start = Clock::now();
  cpu = cpu_seconds();
  std::int64_t rows = 0;
  while (auto chunk = reader.next()) rows += chunk->num_rows();
  const double parse = seconds_since(start);
  const double parse_cpu = cpu_seconds() - cpu;

  quarry::io::CsvReader parallel_reader(path, options);
  start = Clock::now();
  std::atomic<std::int64_t> parallel_rows{0};
  tbb::parallel_for(std::size_t{0}, parallel_reader.chunk_count(), [&](std::size_t i) {
    parallel_rows += parallel_reader.read_chunk(i)->num_rows();
  });
  const double parallel = seconds_since(start);

  std::printf("file: %s, %.1f MB, %lld rows, %zu columns\n", path.c_str(), mb,
              static_cast<long long>(rows), reader.schema().size());
  std::printf("inference pass: %.3f s wall, %.3f s CPU  %.0f MB/s (CPU)\n", infer, infer_cpu,
              mb / infer_cpu);
  std::printf("parse pass:     %.3f s wall, %.3f s CPU  %.0f MB/s (CPU)\n", parse, parse_cpu,
              mb / parse_cpu);
  const double total_cpu = infer_cpu + parse_cpu;
  std::printf("total (1 thread): %.3f s wall, %.3f s CPU  %.0f MB/s  %.1f M rows/s (CPU)\n",
              infer + parse, total_cpu, mb / total_cpu,
              static_cast<double>(rows) / total_cpu / 1e6);
  std::printf("parse pass, parallel chunks: %.3f s  %.0f MB/s (%lld rows)\n", parallel,
              mb / parallel, static_cast<long long>(parallel_rows.load()));
  return 0;
}
