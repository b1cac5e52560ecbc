// The `where` stage: keeps the rows a filter expression matches.

#include "quarry/filter/row_filter.hpp"

namespace quarry::filter {
namespace {

class FilterInstance final : public exec::StageInstance {
 public:
  explicit FilterInstance(std::shared_ptr<const RowFilter> filter) : filter_(std::move(filter)) {}
  std::shared_ptr<const io::Chunk> process(const std::shared_ptr<const io::Chunk>& chunk,
                                           bool) override {
    return filter_->apply(*chunk);
  }
  void merge(exec::StageInstance&) override {}
  tools::ToolResult finish() override { return {}; }

 private:
  std::shared_ptr<const RowFilter> filter_;
};

class FilterStage final : public exec::Stage {
 public:
  explicit FilterStage(std::string text) : text_(std::move(text)) { check_syntax(text_); }
  const std::string& name() const override { return name_; }
  exec::StageMode mode() const override { return exec::StageMode::kStateless; }
  bool transforms() const override { return true; }
  std::unique_ptr<exec::StageInstance> open(const io::Schema& input, tools::CallContext&) override {
    try {
      return std::make_unique<FilterInstance>(std::make_shared<const RowFilter>(text_, input));
    } catch (const FilterError& e) {
      throw exec::StageError(exec::FailureKind::kInput, e.what());
    }
  }

 private:
  std::string text_;
  std::string name_ = "where";
};

}  // namespace

std::shared_ptr<exec::Stage> make_filter_stage(const std::string& text) {
  return std::make_shared<FilterStage>(text);
}

}  // namespace quarry::filter
