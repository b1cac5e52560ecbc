#pragma once
//! \file
//! Copying columns of a borrowed chunk into ChunkBuilder columns, for all rows or for a
//! selection of rows (consecutive rows as one block).

#include <cstdint>
#include <vector>

#include "quarry/sdk.hpp"

namespace quarry::clean {

//! Rows of a chunk to copy: all of them, or the listed ones in increasing order.
struct RowSelection {
  const std::vector<std::int64_t>* rows = nullptr;  //!< nullptr = every row
  std::int64_t all = 0;                             //!< the chunk's row count
  //! The number of rows selected.
  [[nodiscard]] std::int64_t size() const noexcept {
    return rows == nullptr ? all : static_cast<std::int64_t>(rows->size());
  }
  //! The chunk row of selected row `k`.
  [[nodiscard]] std::int64_t at(std::int64_t k) const noexcept {
    return rows == nullptr ? k : (*rows)[static_cast<std::size_t>(k)];
  }
};

//! Appends the selected rows of `in` to `out`, which has the same type (as made by
//! ChunkBuilder::like). Runs of consecutive rows are copied as blocks. Throws Error when the
//! types differ.
inline void copy_column(sdk::ColumnBuilder& out, const sdk::ColumnView& in,
                        const RowSelection& sel) {
  if (sel.rows == nullptr) {
    out.append_rows(in, 0, sel.all);
    return;
  }
  const std::vector<std::int64_t>& rows = *sel.rows;
  out.reserve(static_cast<std::int64_t>(rows.size()));
  for (std::size_t k = 0; k < rows.size();) {
    std::size_t end = k + 1;
    while (end < rows.size() && rows[end] == rows[end - 1] + 1) ++end;
    out.append_rows(in, rows[k], static_cast<std::int64_t>(end - k));
    k = end;
  }
}

//! The selected rows of `chunk` as a new chunk with the same columns, built in `builder`
//! (made by ChunkBuilder::like for the chunk's schema).
inline sdk::OwnedChunk select_rows(sdk::ChunkBuilder& builder, const sdk::ChunkView& chunk,
                                   const RowSelection& sel) {
  for (std::int64_t c = 0; c < chunk.columns(); ++c) {
    copy_column(builder.column(c), chunk.column(c), sel);
  }
  return builder.finish();
}

}  // namespace quarry::clean
