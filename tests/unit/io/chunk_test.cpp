//! Unit tests for quarry/io/chunk.hpp: builders, accessors, and the Arrow C Data Interface
//! bridge (export, import, release rules).

#include "quarry/io/chunk.hpp"

#include "table_text.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace quarry::io {
namespace {

using testing::five_types;

//! Rows: (1, 1.5, true, "one", 10), (null…), (3, nan, false, "", 30), then more.
std::shared_ptr<const Chunk> sample_chunk(std::int64_t rows = 3, std::uint64_t sequence = 7) {
  ChunkBuilder builder(five_types(), 2);
  for (std::int64_t r = 0; r < rows; ++r) {
    if (r % 3 == 1) {
      for (std::size_t c = 0; c < 5; ++c) builder.column(c).append_null();
      continue;
    }
    builder.column(0).append_int64(r + 1);
    builder.column(1).append_float64(r == 2 ? std::nan("") : 1.5 * static_cast<double>(r + 1));
    builder.column(2).append_bool(r % 2 == 0 && r != 2);
    builder.column(3).append_string(r == 2 ? "" : "row" + std::to_string(r));
    builder.column(4).append_int64((r + 1) * 10);
  }
  return builder.finish(sequence);
}

TEST(ChunkBuilder, BuildsTypedColumnsWithNulls) {
  const auto chunk = sample_chunk();
  ASSERT_EQ(chunk->num_rows(), 3);
  EXPECT_EQ(chunk->sequence(), 7U);
  EXPECT_EQ(chunk->column(0).int64_values()[0], 1);
  EXPECT_EQ(chunk->column(0).int64_values()[2], 3);
  EXPECT_TRUE(chunk->column(0).is_null(1));
  EXPECT_FALSE(chunk->column(0).is_null(0));
  EXPECT_EQ(chunk->column(0).null_count(), 1);
  EXPECT_DOUBLE_EQ(chunk->column(1).float64_values()[0], 1.5);
  EXPECT_TRUE(std::isnan(chunk->column(1).float64_values()[2]));
  EXPECT_TRUE(chunk->column(2).bool_value(0));
  EXPECT_FALSE(chunk->column(2).bool_value(2));
  EXPECT_EQ(chunk->column(3).string_value(0), "row0");
  EXPECT_EQ(chunk->column(3).string_value(2), "");
  EXPECT_FALSE(chunk->column(3).is_null(2));
  EXPECT_TRUE(chunk->column(3).is_null(1));
  EXPECT_EQ(chunk->column(4).int64_values()[2], 30);
}

TEST(ChunkBuilder, ColumnsWithoutNullsHaveNoValidityBitmap) {
  ChunkBuilder builder(
      std::make_shared<const Schema>(std::vector<Field>{{"x", ColumnType::kInt64}}), 4);
  for (int i = 0; i < 100; ++i) builder.column(0).append_int64(i);
  const auto chunk = builder.finish(0);
  EXPECT_EQ(chunk->column(0).buffers().validity, nullptr);
  EXPECT_EQ(chunk->column(0).null_count(), 0);
}

TEST(ChunkBuilder, BuffersAre64ByteAligned) {
  const auto chunk = sample_chunk(1000);
  for (std::size_t c = 0; c < chunk->num_columns(); ++c) {
    const ColumnBuffers& b = chunk->column(c).buffers();
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(b.values) % 64, 0U) << c;
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(b.validity) % 64, 0U);
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(b.string_data) % 64, 0U);
  }
}

TEST(ChunkBuilder, GrowsPastTheExpectedRowsAndLateFirstNull) {
  ChunkBuilder builder(std::make_shared<const Schema>(std::vector<Field>{{"s", ColumnType::kString},
                                                                         {"b", ColumnType::kBool}}),
                       1);
  for (int i = 0; i < 10'000; ++i) {
    builder.column(0).append_string(std::to_string(i));
    builder.column(1).append_bool(i % 3 == 0);
  }
  builder.column(0).append_null();
  builder.column(1).append_null();
  const auto chunk = builder.finish(0);
  ASSERT_EQ(chunk->num_rows(), 10'001);
  for (int i = 0; i < 10'000; ++i) {
    ASSERT_FALSE(chunk->column(0).is_null(i)) << i;
    ASSERT_EQ(chunk->column(0).string_value(i), std::to_string(i));
    ASSERT_EQ(chunk->column(1).bool_value(i), i % 3 == 0);
  }
  EXPECT_TRUE(chunk->column(0).is_null(10'000));
  EXPECT_TRUE(chunk->column(1).is_null(10'000));
}

TEST(ChunkBuilder, RunsWrittenInPlaceMixWithSingleAppendsAndNulls) {
  // Runs of every length from 0 to 20 after a null, so they start and end at every bit of a
  // validity byte, and the last ones grow the column past its expected rows.
  ChunkBuilder builder(
      std::make_shared<const Schema>(std::vector<Field>{{"x", ColumnType::kFloat64}}), 64);
  ColumnBuilder& column = builder.column(0);
  std::vector<std::optional<double>> expected;
  column.append_float64(-1);
  expected.emplace_back(-1);
  for (int run = 0; run <= 20; ++run) {
    column.append_null();
    expected.emplace_back();
    double* out = column.value_space<double>(run + 3);  // room for more than is committed
    for (int i = 0; i < run; ++i) out[i] = run * 100 + i;
    column.commit_values(run);
    for (int i = 0; i < run; ++i) expected.emplace_back(run * 100 + i);
  }
  const auto chunk = builder.finish(0);
  ASSERT_EQ(chunk->num_rows(), static_cast<std::int64_t>(expected.size()));
  EXPECT_EQ(chunk->column(0).null_count(), 21);
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const auto row = static_cast<std::int64_t>(i);
    ASSERT_EQ(chunk->column(0).is_null(row), !expected[i].has_value()) << i;
    if (expected[i]) {
      EXPECT_EQ(chunk->column(0).float64_values()[row], *expected[i]) << i;
    }
  }
}

TEST(ChunkBuilder, RejectsColumnsOfDifferentLengths) {
  ChunkBuilder builder(five_types(), 1);
  builder.column(0).append_int64(1);
  EXPECT_THROW((void)builder.finish(0), std::logic_error);
}

TEST(ChunkBuilder, FinishLeavesAnEmptyReusableBuilder) {
  ChunkBuilder builder(five_types(), 1);
  for (std::size_t c = 0; c < 5; ++c) builder.column(c).append_null();
  const auto first = builder.finish(0);
  EXPECT_EQ(builder.num_rows(), 0);
  builder.column(3).append_null();
  for (std::size_t c : {0U, 1U, 2U, 4U}) builder.column(c).append_null();
  const auto second = builder.finish(1);
  EXPECT_EQ(first->num_rows(), 1);
  EXPECT_EQ(second->num_rows(), 1);
}

TEST(ChunkBuilder, PooledBuffersAreReusedAndStartClean) {
  auto pool = std::make_shared<BufferPool>(1 << 20);
  auto schema = std::make_shared<const Schema>(std::vector<Field>{
      {"b", ColumnType::kBool}, {"n", ColumnType::kInt64}, {"s", ColumnType::kString}});
  ChunkBuilder builder(schema, 100, pool);
  for (int i = 0; i < 100; ++i) {
    builder.column(0).append_bool(true);
    if (i % 2 == 0)
      builder.column(1).append_null();
    else
      builder.column(1).append_int64(i);
    builder.column(2).append_string("xxxxxxxx");
  }
  const void* first_values = nullptr;
  {
    const auto chunk = builder.finish(0);
    first_values = chunk->column(0).buffers().values;
  }
  EXPECT_GT(pool->held_bytes(), 0U);
  for (int i = 0; i < 100; ++i) {
    builder.column(0).append_bool(false);
    builder.column(1).append_int64(i);
    if (i == 99)
      builder.column(2).append_null();
    else
      builder.column(2).append_string("y");
  }
  const auto second = builder.finish(1);
  EXPECT_EQ(second->column(0).buffers().values, first_values);  // reused
  for (int i = 0; i < 100; ++i) {
    ASSERT_FALSE(second->column(0).bool_value(i)) << i;  // stale true bits were cleared
    ASSERT_FALSE(second->column(1).is_null(i)) << i;
    ASSERT_EQ(second->column(1).int64_values()[static_cast<std::size_t>(i)], i);
  }
  EXPECT_EQ(second->column(2).string_value(0), "y");
  EXPECT_TRUE(second->column(2).is_null(99));
  EXPECT_FALSE(second->column(2).is_null(98));
}

TEST(BufferPool, KeepsNoMoreThanItsLimit) {
  BufferPool pool(256);
  pool.give(AlignedBuffer(128));
  pool.give(AlignedBuffer(128));
  pool.give(AlignedBuffer(128));
  EXPECT_EQ(pool.held_bytes(), 256U);
  const AlignedBuffer reused = pool.take(100);
  EXPECT_EQ(reused.capacity(), 128U);
  EXPECT_EQ(reused.size(), 0U);
  EXPECT_EQ(pool.held_bytes(), 128U);
  EXPECT_GE(pool.take(1000).capacity(), 1000U);  // too big for the kept ones: fresh
}

// ---- Arrow export -------------------------------------------------------------------------

TEST(ArrowExport, DescribesAStructWithOneChildPerColumn) {
  ArrowArray array{};
  ArrowSchema schema{};
  export_arrow(sample_chunk(), &array, &schema);
  EXPECT_STREQ(schema.format, "+s");
  ASSERT_EQ(schema.n_children, 5);
  EXPECT_STREQ(schema.children[0]->format, "l");
  EXPECT_STREQ(schema.children[1]->format, "g");
  EXPECT_STREQ(schema.children[2]->format, "b");
  EXPECT_STREQ(schema.children[3]->format, "u");
  EXPECT_STREQ(schema.children[4]->format, "tsu:UTC");
  EXPECT_STREQ(schema.children[3]->name, "s");
  EXPECT_EQ(array.length, 3);
  EXPECT_EQ(array.n_buffers, 1);
  ASSERT_EQ(array.n_children, 5);
  EXPECT_EQ(array.children[0]->n_buffers, 2);
  EXPECT_EQ(array.children[3]->n_buffers, 3);
  EXPECT_EQ(array.children[0]->null_count, 1);
  const auto* ints = static_cast<const std::int64_t*>(array.children[0]->buffers[1]);
  EXPECT_EQ(ints[2], 3);
  schema.release(&schema);
  array.release(&array);
  EXPECT_EQ(schema.release, nullptr);
  EXPECT_EQ(array.release, nullptr);
}

TEST(ArrowExport, IsZeroCopyAndKeepsTheChunkAlive) {
  auto chunk = sample_chunk();
  const void* values = chunk->column(0).buffers().values;
  std::weak_ptr<const Chunk> watch = chunk;
  ArrowArray array{};
  export_arrow(chunk, &array, nullptr);
  chunk.reset();
  EXPECT_FALSE(watch.expired());
  EXPECT_EQ(array.children[0]->buffers[1], values);
  array.release(&array);
  EXPECT_TRUE(watch.expired());
}

TEST(ArrowExport, MovedOutChildOutlivesItsParent) {
  auto chunk = sample_chunk();
  std::weak_ptr<const Chunk> watch = chunk;
  ArrowArray array{};
  ArrowSchema schema{};
  export_arrow(chunk, &array, &schema);
  chunk.reset();
  // Move child 3 out (bitwise copy, mark the original released), then release the parent.
  ArrowArray child = *array.children[3];
  array.children[3]->release = nullptr;
  ArrowSchema child_schema = *schema.children[3];
  schema.children[3]->release = nullptr;
  array.release(&array);
  schema.release(&schema);
  EXPECT_FALSE(watch.expired());
  const auto* offsets = static_cast<const std::int32_t*>(child.buffers[1]);
  const auto* data = static_cast<const char*>(child.buffers[2]);
  EXPECT_EQ(std::string(data + offsets[0], data + offsets[1]), "row0");
  EXPECT_STREQ(child_schema.format, "u");
  child.release(&child);
  child_schema.release(&child_schema);
  EXPECT_TRUE(watch.expired());
}

// ---- Arrow import -------------------------------------------------------------------------

TEST(ArrowImport, RoundTripsEveryTypeAndReleasesTheArrayWithTheChunk) {
  const auto original = sample_chunk(50);
  std::weak_ptr<const Chunk> watch = original;
  ArrowArray array{};
  ArrowSchema schema{};
  export_arrow(original, &array, &schema);
  auto imported = import_arrow(&array, &schema, 9);
  EXPECT_EQ(array.release, nullptr);  // moved
  EXPECT_EQ(schema.release, nullptr);
  ASSERT_EQ(imported->num_rows(), 50);
  EXPECT_EQ(imported->sequence(), 9U);
  EXPECT_EQ(imported->schema(), original->schema());
  for (std::int64_t r = 0; r < 50; ++r) {
    for (std::size_t c = 0; c < 5; ++c) {
      ASSERT_EQ(imported->column(c).is_null(r), original->column(c).is_null(r)) << r << "," << c;
    }
    if (original->column(0).is_null(r)) continue;
    EXPECT_EQ(imported->column(0).int64_values()[r], original->column(0).int64_values()[r]);
    EXPECT_EQ(imported->column(2).bool_value(r), original->column(2).bool_value(r));
    EXPECT_EQ(imported->column(3).string_value(r), original->column(3).string_value(r));
    EXPECT_EQ(imported->column(4).int64_values()[r], original->column(4).int64_values()[r]);
  }
  EXPECT_EQ(imported->column(0).buffers().values, original->column(0).buffers().values);
  const auto* keep = original.get();
  (void)keep;
  imported.reset();
}

//! A hand-made producer that counts releases, as a plugin would export.
struct Producer {
  int array_releases = 0;
  int schema_releases = 0;
  std::vector<std::int64_t> values{10, 11, 12, 13, 14, 15, 16, 17, 18, 19};
  std::vector<std::uint8_t> validity{0xFB, 0x03};  // row 2 null
  std::vector<std::uint8_t> bools{0x55, 0x01};     // 1,0,1,0,1,0,1,0,1,0
  std::vector<std::int32_t> offsets{0, 1, 3, 6, 10, 15, 21, 28, 36, 45, 55};
  std::string text = std::string(55, 'x');
  const void* int_buffers[2]{};
  const void* bool_buffers[2]{};
  const void* string_buffers[3]{};
  const void* struct_buffers[1]{nullptr};
  ArrowArray children[3]{};
  ArrowArray* child_pointers[3]{};
  ArrowSchema child_schemas[3]{};
  ArrowSchema* child_schema_pointers[3]{};

  static void release_child(ArrowArray* a) { a->release = nullptr; }
  static void release_child_schema(ArrowSchema* s) { s->release = nullptr; }
  static void release_array(ArrowArray* a) {
    auto* self = static_cast<Producer*>(a->private_data);
    for (ArrowArray& child : self->children) {
      if (child.release != nullptr) child.release(&child);
    }
    ++self->array_releases;
    a->release = nullptr;
  }
  static void release_schema(ArrowSchema* s) {
    auto* self = static_cast<Producer*>(s->private_data);
    for (ArrowSchema& child : self->child_schemas) {
      if (child.release != nullptr) child.release(&child);
    }
    ++self->schema_releases;
    s->release = nullptr;
  }

  void make(ArrowArray* out, ArrowSchema* schema, std::int64_t offset, std::int64_t length,
            const char* int_format = "l") {
    int_buffers[0] = validity.data();
    int_buffers[1] = values.data();
    bool_buffers[0] = nullptr;
    bool_buffers[1] = bools.data();
    string_buffers[0] = nullptr;
    string_buffers[1] = offsets.data();
    string_buffers[2] = text.data();
    const void** buffers[3] = {int_buffers, bool_buffers, string_buffers};
    const char* formats[3] = {int_format, "b", "u"};
    const char* names[3] = {"n", "flag", "word"};
    for (int i = 0; i < 3; ++i) {
      children[i] = ArrowArray{10,         i == 0 ? 1 : 0, 0,       i == 2 ? 3 : 2, 0,
                               buffers[i], nullptr,        nullptr, &release_child, nullptr};
      child_pointers[i] = &children[i];
      child_schemas[i] = ArrowSchema{formats[i], names[i], nullptr, ARROW_FLAG_NULLABLE,
                                     0,          nullptr,  nullptr, &release_child_schema,
                                     nullptr};
      child_schema_pointers[i] = &child_schemas[i];
    }
    *out = ArrowArray{length,         0,       offset,         1,   3, struct_buffers,
                      child_pointers, nullptr, &release_array, this};
    *schema =
        ArrowSchema{"+s", "", nullptr, 0, 3, child_schema_pointers, nullptr, &release_schema, this};
  }
};

TEST(ArrowImport, HonoursStructOffsetsIncludingUnalignedBitmaps) {
  Producer producer;
  ArrowArray array{};
  ArrowSchema schema{};
  producer.make(&array, &schema, 1, 8);
  auto chunk = import_arrow(&array, &schema);
  EXPECT_EQ(producer.schema_releases, 1);  // the schema is released right away
  EXPECT_EQ(producer.array_releases, 0);
  ASSERT_EQ(chunk->num_rows(), 8);
  EXPECT_EQ(chunk->schema()[0].name, "n");
  EXPECT_EQ(chunk->column(0).int64_values()[0], 11);
  EXPECT_TRUE(chunk->column(0).is_null(1));  // row 2 of the buffers
  EXPECT_EQ(chunk->column(0).null_count(), 1);
  EXPECT_FALSE(chunk->column(1).bool_value(0));  // bit 1
  EXPECT_TRUE(chunk->column(1).bool_value(1));   // bit 2
  EXPECT_EQ(chunk->column(2).string_value(0), "xx");
  EXPECT_EQ(chunk->column(2).string_value(7), std::string(9, 'x'));
  chunk.reset();
  EXPECT_EQ(producer.array_releases, 1);
}

TEST(ArrowImport, ReExportOfAnImportedChunkStaysValid) {
  Producer producer;
  ArrowArray array{};
  ArrowSchema schema{};
  producer.make(&array, &schema, 0, 10);
  auto chunk = import_arrow(&array, &schema);
  ArrowArray again{};
  export_arrow(chunk, &again, nullptr);
  chunk.reset();
  EXPECT_EQ(producer.array_releases, 0);
  EXPECT_EQ(static_cast<const std::int64_t*>(again.children[0]->buffers[1])[9], 19);
  again.release(&again);
  EXPECT_EQ(producer.array_releases, 1);
}

TEST(ArrowImport, RejectsUnsupportedFormatsNamingTheColumnAndReleasesBoth) {
  Producer producer;
  ArrowArray array{};
  ArrowSchema schema{};
  producer.make(&array, &schema, 0, 10, "i");
  try {
    (void)import_arrow(&array, &schema);
    FAIL() << "expected InputError";
  } catch (const InputError& error) {
    EXPECT_NE(std::string(error.what()).find("column 'n'"), std::string::npos) << error.what();
    EXPECT_NE(std::string(error.what()).find("'i'"), std::string::npos) << error.what();
  }
  EXPECT_EQ(producer.array_releases, 1);
  EXPECT_EQ(producer.schema_releases, 1);
}

TEST(ArrowImport, RejectsANonStructTopLevel) {
  Producer producer;
  ArrowArray array{};
  ArrowSchema schema{};
  producer.make(&array, &schema, 0, 10);
  schema.format = "l";
  EXPECT_THROW((void)import_arrow(&array, &schema), InputError);
  EXPECT_EQ(producer.array_releases, 1);
}

}  // namespace
}  // namespace quarry::io
