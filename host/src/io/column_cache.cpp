//! The column cache (see detail/column_cache.hpp).

#include "io/detail/column_cache.hpp"
#include "io/detail/atomic_output.hpp"
#include "io/detail/column_piece.hpp"
#include "quarry/io/error.hpp"
#include "quarry/posix/unique_fd.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <stdexcept>
#include <system_error>

namespace quarry::io::detail {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr int kFormat = 1;
//! The CSV reader's revision as far as the cache is concerned: bumped whenever what it infers
//! (types, names) or reports (notes) changes, so that entries an older reader wrote are not
//! reused after an upgrade. 2: the decimal-comma hint, the projection kept out of the notes.
//! 3: a quoted "" is null in text columns. 4: numbers written as identifiers (02134, +15551234567)
//! are text. 5: ColumnReport::timestamp_text. 6: the note on local times taken as UTC, and
//! no identifier note for text that is no number.
constexpr int kReaderRevision = 6;
constexpr std::array<char, 8> kMagic = {'Q', 'C', 'O', 'L', 'E', 'N', 'D', '1'};

//! Length-prefixed, so that no two different values render alike.
void add_field(std::string& out, std::string_view key, std::string_view value) {
  out.append(key).append("=").append(std::to_string(value.size())).append(":").append(value);
  out.push_back('\n');
}

std::string entry_name(const std::string& identity) {
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx",
                static_cast<unsigned long long>(std::hash<std::string>{}(identity)));
  return hex;
}

std::string column_file_name(std::size_t file_column) {
  return "col-" + std::to_string(file_column) + ".bin";
}

std::optional<json> read_json_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  json parsed = json::parse(in, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object()) return std::nullopt;
  return parsed;
}

//! A unique temporary name beside `target`.
fs::path temporary_beside(const fs::path& target) {
  static std::atomic<std::uint64_t> counter{0};
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return target.parent_path() /
         ("." + target.filename().string() + ".tmp-" + std::to_string(::getpid()) + "-" +
          std::to_string(counter++) + "-" + std::to_string(rng() & 0xffffff));
}

json report_json(const ColumnReport& c) {
  json examples = json::array();
  for (const auto& e : c.examples) {
    examples.push_back(
        {{"row", e.row}, {"line", e.line}, {"value", e.value}, {"reason", e.reason}});
  }
  return {{"coerced_to_null", c.coerced_to_null},
          {"invalid_utf8_replaced", c.invalid_utf8_replaced},
          {"examples", examples},
          {"notes", c.notes},
          {"timestamp_text", static_cast<int>(c.timestamp_text)}};
}

ColumnReport column_report(const json& j, const std::string& name, ColumnType type) {
  ColumnReport c;
  c.name = name;
  c.type = type;
  c.coerced_to_null = j.at("coerced_to_null").get<std::uint64_t>();
  c.invalid_utf8_replaced = j.at("invalid_utf8_replaced").get<std::uint64_t>();
  for (const auto& e : j.at("examples")) {
    c.examples.push_back(
        CoercionExample{e.at("row").get<std::int64_t>(), e.at("line").get<std::uint64_t>(),
                        e.at("value").get<std::string>(), e.at("reason").get<std::string>()});
  }
  c.notes = j.at("notes").get<std::vector<std::string>>();
  const int text = j.at("timestamp_text").get<int>();
  if (text < 0 || text > static_cast<int>(TimestampText::kDate)) {
    throw std::runtime_error("bad timestamp_text");
  }
  c.timestamp_text = static_cast<TimestampText>(text);
  return c;
}

//! The trailer of a column file, when the file is complete.
std::optional<json> read_trailer(int fd, std::uint64_t file_size) {
  if (file_size < 16) return std::nullopt;
  std::array<char, 16> tail{};
  if (!read_all(fd, file_size - 16, tail.data(), tail.size())) return std::nullopt;
  if (!std::equal(kMagic.begin(), kMagic.end(), tail.begin() + 8)) return std::nullopt;
  std::uint64_t size = 0;
  std::memcpy(&size, tail.data(), sizeof size);
  if (size == 0 || size > file_size - 16) return std::nullopt;
  std::string text(size, '\0');
  if (!read_all(fd, file_size - 16 - size, text.data(), size)) return std::nullopt;
  json parsed = json::parse(text, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object()) return std::nullopt;
  return parsed;
}

//! A temporary the cache writes (a column file's ".…tmp-…", AtomicOutput's ".….partial").
bool is_temporary_name(const std::string& name) {
  return name.starts_with(".") &&
         (name.find(".tmp-") != std::string::npos || name.ends_with(".partial"));
}

//! Deletes temporaries an interrupted recording (a killed process) left in an entry.
void remove_stale_temporaries(const fs::path& entry) {
  const auto stale_before = fs::file_time_type::clock::now() - std::chrono::hours(1);
  std::error_code error;
  for (const auto& item : fs::directory_iterator(entry, error)) {
    const std::string name = item.path().filename().string();
    std::error_code item_error;
    if (is_temporary_name(name) && item.last_write_time(item_error) < stale_before && !item_error) {
      fs::remove(item.path(), item_error);
    }
  }
}

//! True for a directory the cache made: a 16-hex-digit name holding only the cache's files.
//! Eviction touches nothing else, whatever else shares the cache directory.
bool is_cache_entry(const fs::path& directory) {
  const std::string name = directory.filename().string();
  if (name.size() != 16 || name.find_first_not_of("0123456789abcdef") != std::string::npos) {
    return false;
  }
  std::error_code error;
  for (const auto& item : fs::directory_iterator(directory, error)) {
    const std::string file = item.path().filename().string();
    std::error_code item_error;
    const bool ours =
        item.is_regular_file(item_error) &&
        (file == "layout.json" || (file.starts_with("col-") && file.ends_with(".bin")) ||
         is_temporary_name(file));
    if (!ours) return false;
  }
  return !error;
}

std::uint64_t directory_bytes(const fs::path& directory) {
  std::uint64_t total = 0;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(directory, error)) {
    std::error_code size_error;
    if (entry.is_regular_file(size_error)) {
      const auto size = entry.file_size(size_error);
      if (!size_error) total += size;
    }
  }
  return total;
}

}  // namespace

std::string cache_identity(const InputFile& file, const fs::path& path, const CsvOptions& options) {
  struct stat st {};
  if (::fstat(file.descriptor(), &st) != 0) return {};
  std::error_code error;
  const fs::path absolute = fs::weakly_canonical(fs::absolute(path), error);
  std::string id = "quarry column cache " + std::to_string(kFormat) + "\n";
  add_field(id, "reader", std::to_string(kReaderRevision));
  add_field(id, "path", error ? fs::absolute(path).string() : absolute.string());
  add_field(id, "device", std::to_string(st.st_dev));
  add_field(id, "inode", std::to_string(st.st_ino));
  add_field(id, "size", std::to_string(st.st_size));
  add_field(id, "modified",
            std::to_string(st.st_mtim.tv_sec) + "." + std::to_string(st.st_mtim.tv_nsec));
  add_field(id, "changed",
            std::to_string(st.st_ctim.tv_sec) + "." + std::to_string(st.st_ctim.tv_nsec));
  add_field(id, "delimiter",
            options.delimiter ? std::string(1, *options.delimiter) : std::string("auto"));
  add_field(id, "quote", std::string(1, options.quote));
  add_field(id, "decimal", std::string(1, options.decimal));
  if (options.thousands != '\0') add_field(id, "thousands", std::string(1, options.thousands));
  add_field(id, "encoding", std::string(to_string(options.encoding)));
  add_field(id, "header", options.header ? "1" : "0");
  add_field(id, "skip_lines", std::to_string(options.skip_lines));
  for (const auto& [name, type] : options.column_types)
    add_field(id, "type " + name, to_string(type));
  for (const auto& spelling : options.null_values) add_field(id, "null", spelling);
  add_field(id, "chunk_rows", std::to_string(options.chunk_rows));
  add_field(id, "chunk_bytes", std::to_string(options.chunk_bytes));
  add_field(id, "ragged", std::to_string(static_cast<int>(options.on_ragged_row)));
  add_field(id, "max_columns", std::to_string(options.limits.max_columns));
  add_field(id, "max_cell_bytes", std::to_string(options.limits.max_cell_bytes));
  add_field(id, "max_rows", std::to_string(options.limits.max_rows));
  return id;
}

// ---------------------------------------------------------------------------------------
// Reading

struct CachedColumns::Column {
  fs::path path;
  posix::UniqueFd fd;
  Field field;
  std::vector<Piece> pieces;
};

CachedColumns::~CachedColumns() = default;

std::unique_ptr<CachedColumns> CachedColumns::open(const ColumnCacheOptions& options,
                                                   const std::string& identity,
                                                   const std::vector<std::string>& wanted) {
  if (options.directory.empty() || options.max_bytes == 0 || identity.empty()) return nullptr;
  const fs::path entry = options.directory / entry_name(identity);
  const fs::path layout_path = entry / "layout.json";
  try {
    const auto layout = read_json_file(layout_path);
    if (!layout || layout->value("format", 0) != kFormat ||
        layout->value("identity", std::string()) != identity) {
      return nullptr;
    }
    const auto names = layout->at("columns").get<std::vector<std::string>>();
    std::vector<std::size_t> picks;
    if (wanted.empty()) {
      for (std::size_t i = 0; i < names.size(); ++i) picks.push_back(i);
    } else {
      const std::set<std::string, std::less<>> asked(wanted.begin(), wanted.end());
      for (std::size_t i = 0; i < names.size(); ++i) {
        if (asked.count(names[i]) != 0) picks.push_back(i);
      }
      if (picks.size() != asked.size()) return nullptr;  // an unknown name: the CSV path names it
    }
    std::unique_ptr<CachedColumns> out(new CachedColumns());
    out->file_names_ = names;
    out->dialect_.delimiter = static_cast<char>(layout->at("delimiter").get<int>());
    out->dialect_.quote = static_cast<char>(layout->at("quote").get<int>());
    for (const auto& c : layout->at("chunks")) {
      out->chunks_.push_back(
          CachedChunk{c.at(0).get<std::int64_t>(), c.at(1).get<std::uint64_t>()});
    }
    const json& report = layout->at("report");
    out->report_.malformed_rows_skipped = report.at("malformed_rows_skipped").get<std::uint64_t>();
    out->report_.rows_padded_or_truncated =
        report.at("rows_padded_or_truncated").get<std::uint64_t>();
    out->report_.notes = report.at("notes").get<std::vector<std::string>>();
    if (picks.size() < names.size()) {  // this read's own projection
      out->report_.projection = projection_note(picks.size(), names.size());
    }
    std::vector<Field> fields;
    for (const std::size_t n : picks) {
      auto column = std::make_unique<Column>();
      column->path = entry / column_file_name(n);
      column->fd = posix::UniqueFd(::open(column->path.c_str(), O_RDONLY | O_CLOEXEC));
      if (column->fd.get() < 0) return nullptr;
      struct stat st {};
      if (::fstat(column->fd.get(), &st) != 0) return nullptr;
      const auto size = static_cast<std::uint64_t>(st.st_size);
      const auto trailer = read_trailer(column->fd.get(), size);
      if (!trailer || trailer->value("identity", std::string()) != identity ||
          trailer->value("name", std::string()) != names[n]) {
        return nullptr;
      }
      const auto type = parse_column_type(trailer->at("type").get<std::string>());
      if (!type) return nullptr;
      column->field = Field{names[n], *type};
      const json& pieces = trailer->at("chunks");
      if (pieces.size() != out->chunks_.size()) return nullptr;
      for (std::size_t i = 0; i < pieces.size(); ++i) {
        const Piece p = Piece::from_json(pieces[i]);
        if (p.rows != out->chunks_[i].rows || !p.fits(*type) || p.end() > size ||
            p.offset % AlignedBuffer::kAlignment != 0) {
          return nullptr;
        }
        column->pieces.push_back(p);
      }
      out->report_.columns.push_back(column_report(trailer->at("report"), names[n], *type));
      fields.push_back(column->field);
      out->columns_.push_back(std::move(column));
    }
    out->schema_ = std::make_shared<const Schema>(std::move(fields));
    std::error_code ignored;  // marks the entry as recently used, for eviction
    fs::last_write_time(layout_path, fs::file_time_type::clock::now(), ignored);
    return out;
  } catch (const std::exception&) {
    return nullptr;  // damaged: read the CSV file instead (and the recorder replaces it)
  }
}

std::shared_ptr<const Chunk> CachedColumns::read(std::size_t index,
                                                 const std::shared_ptr<BufferPool>& pool) const {
  Chunk::Parts parts;
  parts.schema = schema_;
  parts.num_rows = chunks_.at(index).rows;
  parts.sequence = index;
  parts.pool = pool;
  for (const auto& column : columns_) {
    const Piece& p = column->pieces.at(index);
    const auto b = load_piece(column->fd.get(), p, column->field.type, pool.get(), parts.owned);
    if (!b) {
      throw std::runtime_error("cannot read the column cache file of '" + column->field.name + "'");
    }
    if (b->type == ColumnType::kString && !offsets_fit(*b, p.data_bytes)) {
      std::error_code ignored;  // so that the next read parses the file and records it anew
      fs::remove(column->path, ignored);
      throw std::runtime_error("the column cache's copy of column '" + column->field.name +
                               "' was damaged (string offsets out of range) and has been "
                               "removed; run the call again");
    }
    parts.columns.push_back(*b);
  }
  return std::make_shared<const Chunk>(std::move(parts));
}

// ---------------------------------------------------------------------------------------
// Recording

struct ColumnRecorder::Output {
  std::size_t file_column = 0;
  std::size_t chunk_column = 0;  //!< its index in the chunks (the layout's schema)
  Field field;
  fs::path temporary;
  fs::path target;
  posix::UniqueFd fd;
  std::vector<Piece> pieces;
  std::uint64_t end = 0;
};

std::unique_ptr<ColumnRecorder> ColumnRecorder::start(const ColumnCacheOptions& options,
                                                      std::string identity, const CsvLayout& layout,
                                                      std::uint64_t file_bytes,
                                                      std::function<bool()> unchanged,
                                                      std::string* why_not) {
  if (options.directory.empty() || options.max_bytes == 0 || identity.empty() ||
      layout.chunks.empty()) {
    return nullptr;
  }
  const auto refuse = [&](const std::string& problem, const std::string& fix) {
    if (why_not != nullptr) {
      *why_not = "not kept in the column cache: " + problem +
                 ", so later calls on this file parse it again; " + fix;
    }
    return nullptr;
  };
  const auto unwritable = [&](const std::string& error) {
    return refuse("cannot write under " + options.directory.string() + " (" + error + ")",
                  "set cache.columns_dir to a writable directory (`quarry doctor` checks it)");
  };
  const fs::path entry = options.directory / entry_name(identity);
  std::error_code error;
  // The cache holds copies of users' data: only its owner may read it. Permissions are set
  // only on directories made here (the configured directory may be a shared one).
  if (!fs::exists(options.directory, error)) {
    fs::create_directories(options.directory, error);
    if (error) return unwritable(error.message());
    fs::permissions(options.directory, fs::perms::owner_all, fs::perm_options::replace, error);
  }
  if (::mkdir(entry.c_str(), 0700) != 0 && errno != EEXIST) return unwritable(std::strerror(errno));
  if (const auto existing = read_json_file(entry / "layout.json");
      existing && existing->value("identity", std::string()) != identity) {
    return nullptr;  // another file's entry under the same hash: leave it be
  }
  const auto& names = layout.shape.file_names;
  const std::uint64_t estimate =
      file_bytes / std::max<std::size_t>(1, names.size()) * layout.shape.picks.size() + 4096;
  const auto mib = [](std::uint64_t bytes) {
    return std::to_string((bytes + (1 << 20) - 1) >> 20);
  };
  if (estimate > options.max_bytes) {
    return refuse("its columns (about " + mib(estimate) + " MiB) are larger than the cache (" +
                      mib(options.max_bytes) + " MiB)",
                  "raise cache.columns_max_mb to keep files this large");
  }
  struct statvfs disk {};
  if (::statvfs(entry.c_str(), &disk) == 0 &&
      static_cast<std::uint64_t>(disk.f_bavail) * disk.f_frsize < 2 * estimate) {
    return refuse("too little free disk space under " + options.directory.string() + " (" +
                      mib(2 * estimate) + " MiB wanted)",
                  "free space there or set cache.columns_dir elsewhere");
  }
  std::unique_ptr<ColumnRecorder> out(new ColumnRecorder());
  out->options_ = options;
  out->identity_ = std::move(identity);
  out->unchanged_ = std::move(unchanged);
  out->entry_ = entry;
  out->layout_ = &layout;
  for (std::size_t c = 0; c < layout.shape.picks.size(); ++c) {
    const std::size_t n = layout.shape.picks[c];
    const fs::path target = entry / column_file_name(n);
    if (posix::UniqueFd existing(::open(target.c_str(), O_RDONLY | O_CLOEXEC));
        existing.get() >= 0) {
      struct stat st {};
      if (::fstat(existing.get(), &st) == 0) {
        const auto trailer = read_trailer(existing.get(), static_cast<std::uint64_t>(st.st_size));
        if (trailer && trailer->value("identity", std::string()) == out->identity_) continue;
      }
    }
    auto output = std::make_unique<Output>();
    output->file_column = n;
    output->chunk_column = c;
    output->field = (*layout.schema)[c];
    output->target = target;
    output->temporary = temporary_beside(target);
    output->fd = posix::UniqueFd(
        ::open(output->temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
    if (output->fd.get() < 0)
      return unwritable(std::strerror(errno));  // out's destructor removes what was made
    output->pieces.resize(layout.chunks.size());
    out->outputs_.push_back(std::move(output));
  }
  if (out->outputs_.empty()) return nullptr;
  out->recorded_.assign(layout.chunks.size(), false);
  out->rows_.assign(layout.chunks.size(), 0);
  return out;
}

ColumnRecorder::~ColumnRecorder() {
  if (!committed_) abandon({});
}

void ColumnRecorder::abandon(std::string why) noexcept {
  // Descriptors stay open until destruction: another thread may still be writing through
  // one, and a closed number could be reused by an unrelated file.
  if (!failed_) failure_ = std::move(why);
  failed_ = true;
  for (auto& output : outputs_) {
    std::error_code ignored;
    fs::remove(output->temporary, ignored);
  }
}

bool ColumnRecorder::record(std::size_t index, const Chunk& chunk,
                            const std::function<ReadReport()>& report) {
  std::vector<Piece> pieces(outputs_.size());
  {
    const std::lock_guard lock(mutex_);
    if (failed_ || committed_ || index >= recorded_.size() || recorded_[index]) return false;
    recorded_[index] = true;
    rows_[index] = chunk.num_rows();
    for (std::size_t o = 0; o < outputs_.size(); ++o) {
      Output& output = *outputs_[o];
      Piece p = piece_of(chunk.column(output.chunk_column).buffers());
      p.offset = output.end;
      output.end = p.end();
      output.pieces[index] = p;
      pieces[o] = p;
    }
    ++in_flight_;
  }
  bool ok = true;
  int error = 0;
  for (std::size_t o = 0; o < outputs_.size() && ok; ++o) {
    const Output& output = *outputs_[o];
    ok = store_piece(output.fd.get(), pieces[o], chunk.column(output.chunk_column).buffers());
    if (!ok) error = errno;
  }
  const std::lock_guard lock(mutex_);
  --in_flight_;
  if (!ok && !failed_) abandon(write_failure(error));
  ++recorded_count_;
  if (failed_ || committed_ || in_flight_ != 0 || recorded_count_ != recorded_.size()) return false;
  try {
    if (unchanged_ && !unchanged_()) {
      abandon(
          "the file changed while it was being read, so the results may mix its old and new "
          "contents; run the call again once the file is complete");
      return false;
    }
    commit(report());
  } catch (const std::exception& e) {
    abandon(std::string("the column cache was not written: ") + e.what());
  }
  return committed_;
}

std::string ColumnRecorder::write_failure(int error) const {
  return "the column cache was not written under " + options_.directory.string() + " (" +
         (error != 0 ? std::strerror(error) : std::string("short write")) +
         "), so the next call on this file parses it again; free space there or set "
         "cache.columns_dir (`quarry doctor` checks it)";
}

std::string ColumnRecorder::failure() {
  const std::lock_guard lock(mutex_);
  return failure_;
}

void ColumnRecorder::commit(const ReadReport& report) {
  for (auto& output : outputs_) {
    const ColumnReport* column = report.column(output->field.name);
    json trailer = {
        {"identity", identity_},
        {"name", output->field.name},
        {"type", std::string(to_string(output->field.type))},
        {"report", column != nullptr ? report_json(*column) : report_json(ColumnReport{})},
        {"chunks", json::array()}};
    for (const Piece& p : output->pieces) trailer["chunks"].push_back(p.to_json());
    const std::string text = trailer.dump();
    const std::uint64_t size = text.size();
    std::array<char, 16> tail{};
    std::memcpy(tail.data(), &size, sizeof size);
    std::copy(kMagic.begin(), kMagic.end(), tail.begin() + 8);
    if (!write_all(output->fd.get(), output->end, text.data(), size) ||
        !write_all(output->fd.get(), output->end + size, tail.data(), tail.size())) {
      abandon(write_failure(errno));
      return;
    }
    output->fd.reset();
  }
  for (auto& output : outputs_) {
    std::error_code error;
    fs::rename(output->temporary, output->target, error);
    if (error) {
      abandon(write_failure(error.value()));
      return;
    }
  }
  const fs::path layout_path = entry_ / "layout.json";
  if (!read_json_file(layout_path)) {
    json layout = {{"format", kFormat},
                   {"identity", identity_},
                   {"columns", layout_->shape.file_names},
                   {"delimiter", static_cast<int>(layout_->dialect.delimiter)},
                   {"quote", static_cast<int>(layout_->dialect.quote)},
                   {"chunks", json::array()},
                   {"report",
                    {{"malformed_rows_skipped", report.malformed_rows_skipped},
                     {"rows_padded_or_truncated", report.rows_padded_or_truncated},
                     {"notes", report.notes}}}};
    for (std::size_t k = 0; k < layout_->chunks.size(); ++k) {
      const ChunkRange& range = layout_->chunks[k];
      layout["chunks"].push_back(json::array({rows_[k], range.end - range.begin}));
    }
    try {
      AtomicOutput out(layout_path, true);
      out.write(layout.dump());
      out.commit();
    } catch (const OutputError& e) {
      abandon(std::string("the column cache was not written: ") + e.what());
      return;
    }
  }
  committed_ = true;
  evict_column_cache(options_.directory, options_.max_bytes, entry_);
}

void evict_column_cache(const fs::path& directory, std::uint64_t max_bytes, const fs::path& keep) {
  struct Entry {
    fs::path path;
    fs::file_time_type used;
    std::uint64_t bytes;
  };
  std::vector<Entry> entries;
  std::uint64_t total = 0;
  std::error_code error;
  for (const auto& item : fs::directory_iterator(directory, error)) {
    std::error_code item_error;
    if (!item.is_directory(item_error) || !is_cache_entry(item.path())) continue;
    remove_stale_temporaries(item.path());
    Entry e{item.path(), fs::last_write_time(item.path() / "layout.json", item_error),
            directory_bytes(item.path())};
    if (item_error) e.used = fs::file_time_type::min();
    total += e.bytes;
    entries.push_back(std::move(e));
  }
  std::sort(entries.begin(), entries.end(),
            [](const Entry& a, const Entry& b) { return a.used < b.used; });
  for (const Entry& e : entries) {
    if (total <= max_bytes) break;
    if (e.path == keep && e.bytes <= max_bytes) continue;
    fs::remove_all(e.path, error);
    total -= e.bytes;
  }
}

}  // namespace quarry::io::detail
