#pragma once
//! \file
//! Options shared by every reader: limits, hooks for progress and cancellation, and what to
//! do with malformed rows.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>

namespace quarry::io {

//! Hard limits on what a reader accepts; each exceeded limit is an InputError naming it.
struct ReadLimits {
  //! Most columns in a file.
  std::size_t max_columns = 100'000;
  //! Largest single field (and largest JSON line), in bytes.
  std::size_t max_cell_bytes = 64ULL << 20;
  //! Most data rows.
  std::uint64_t max_rows = std::numeric_limits<std::uint64_t>::max();
  //! Largest input file, in bytes.
  std::uint64_t max_file_bytes = std::numeric_limits<std::uint64_t>::max();
};

//! Callbacks for the type-inference pass, which reads the whole file before the first chunk.
//! Both may be empty. They are called from the thread constructing the reader.
struct ReadHooks {
  //! Called every few MiB with bytes scanned and the file size.
  std::function<void(std::uint64_t done, std::uint64_t total)> on_scan_progress;
  //! Polled every few MiB; returning true stops the read with io::Cancelled.
  std::function<bool()> is_cancelled;
};

//! What to do with a row whose field count differs from the header's.
enum class RaggedRowPolicy : std::uint8_t {
  kError,          //!< InputError naming the physical line and both counts (default)
  kSkip,           //!< drop the row and count it in ReadReport::malformed_rows_skipped
  kPadOrTruncate,  //!< fill missing fields with null, drop extra ones; counted in the report
};

//! Default bytes of input per chunk; the executor picks its own from the memory budget.
inline constexpr std::size_t kDefaultChunkBytes = 8ULL << 20;

}  // namespace quarry::io
