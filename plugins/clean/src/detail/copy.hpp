#pragma once
//! \file
//! Copying columns of a borrowed chunk into ChunkBuilder columns with typed loops (one type
//! check per column and chunk, not per cell), for all rows or for a selection of rows.

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

namespace copy_detail {
template <class Builder, class View>
void copy_values(Builder& out, const View& in, const RowSelection& sel) {
  const std::int64_t n = sel.size();
  out.reserve(n);
  for (std::int64_t k = 0; k < n; ++k) {
    const std::int64_t i = sel.at(k);
    if (in.is_valid(i)) {
      out.append(in[i]);
    } else {
      out.append_null();
    }
  }
}
}  // namespace copy_detail

//! Appends the selected rows of `in` to `out`, which has the same type (as made by
//! ChunkBuilder::like). Throws Error when the types differ.
inline void copy_column(sdk::ColumnBuilder& out, const sdk::ColumnView& in,
                        const RowSelection& sel) {
  using copy_detail::copy_values;
  switch (in.type()) {
    case sdk::ColumnType::int64:
      copy_values(dynamic_cast<sdk::Int64Builder&>(out), in.int64s(), sel);
      return;
    case sdk::ColumnType::float64:
      copy_values(dynamic_cast<sdk::Float64Builder&>(out), in.float64s(), sel);
      return;
    case sdk::ColumnType::boolean:
      copy_values(dynamic_cast<sdk::BoolBuilder&>(out), in.bools(), sel);
      return;
    case sdk::ColumnType::utf8:
      copy_values(dynamic_cast<sdk::StringBuilder&>(out), in.strings(), sel);
      return;
    case sdk::ColumnType::timestamp:
      copy_values(dynamic_cast<sdk::TimestampBuilder&>(out), in.timestamps(), sel);
      return;
    default:
      throw sdk::Error::unsupported("column '" + std::string(in.name()) +
                                    "' has a type the clean plugin cannot copy (Arrow format \"" +
                                    std::string(in.field().format()) + "\")");
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
