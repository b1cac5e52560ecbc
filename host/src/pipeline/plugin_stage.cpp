#include "quarry/pipeline/plugin_stage.hpp"

#include "quarry/io/chunk.hpp"
#include "registry/detail/call_adapter.hpp"

#include <fmt/format.h>

namespace quarry::pipeline {
namespace {

using exec::FailureKind;

FailureKind failure_kind(quarry_status status) {
  switch (status) {
    case QUARRY_INVALID_ARGUMENT:
      return FailureKind::kInput;
    case QUARRY_OUT_OF_MEMORY:
      return FailureKind::kMemory;
    case QUARRY_CANCELLED:
      return FailureKind::kCancelled;
    default:
      return FailureKind::kChunk;
  }
}

// Owns an exported Arrow struct until it is released (by us or by a consumer).
template <typename Arrow>
struct Exported {
  Arrow value{};
  Exported() = default;
  Exported(const Exported&) = delete;
  Exported& operator=(const Exported&) = delete;
  ~Exported() {
    if (value.release != nullptr) value.release(&value);
  }
};

std::string first_text(const tools::ToolResult& result) {
  for (const auto& block : result.content) {
    if (block.value("type", "") == "text") return block.value("text", "");
  }
  return "the plugin reported no message";
}

//! `resources` with its scratch directory created, or cleared when that fails: a plugin is
//! offered only a directory it can use.
StageResources with_usable_scratch(StageResources resources) {
  auto& directory = resources.scratch_directory;
  if (directory.empty()) return resources;
  std::error_code error;
  std::filesystem::create_directories(directory, error);
  if (error || !std::filesystem::is_directory(directory, error)) directory.clear();
  return resources;
}

class PluginStageInstance;

class PluginStage final : public exec::Stage, public std::enable_shared_from_this<PluginStage> {
 public:
  PluginStage(std::string tool, tools::StageBinding binding, nlohmann::json arguments,
              StageResources resources)
      : tool_(std::move(tool)),
        binding_(std::move(binding)),
        arguments_(arguments.dump()),
        mode_(to_stage_mode(binding_.stage->mode)),
        resources_(with_usable_scratch(std::move(resources))) {}

  const std::string& name() const override { return tool_; }
  exec::StageMode mode() const override { return mode_; }
  bool transforms() const override { return binding_.stage->transform != nullptr; }
  std::unique_ptr<exec::StageInstance> open(const io::Schema& input,
                                            tools::CallContext& context) override;
  std::shared_ptr<exec::Stage> first_pass() const override;
  std::unique_ptr<exec::StageInstance> open_second_pass(const io::Schema& input,
                                                        tools::CallContext& context,
                                                        const exec::StageInstance& first) override;

  // Runs one entry point with a fresh call adapter; throws StageError on failure.
  // With `optional_result`, success without a result gives an empty ToolResult.
  template <typename Entry>
  tools::ToolResult invoke(tools::CallContext& context, std::string_view what, Entry&& entry,
                           std::uint32_t flags = 0, bool optional_result = false) const {
    const auto& scratch = resources_.scratch_directory;
    registry::detail::CallAdapter adapter(context, binding_.plugin_name, resources_.memory_budget,
                                          scratch.empty() ? nullptr : scratch.c_str());
    adapter.set_flags(flags);
    const quarry_status status = entry(adapter.abi());
    if (status == QUARRY_OK && optional_result && !adapter.has_result()) return {};
    auto result = adapter.finish(status, fmt::format("{} of tool '{}'", what, tool_));
    if (status != QUARRY_OK) throw exec::StageError(failure_kind(status), first_text(result));
    return result;
  }

  const quarry_stage_v1& entry_points() const { return *binding_.stage; }

 private:
  std::string tool_;
  tools::StageBinding binding_;
  std::string arguments_;
  exec::StageMode mode_;
  StageResources resources_;  // its scratch directory exists, or is empty
};

class PluginStageInstance final : public exec::StageInstance {
 public:
  PluginStageInstance(std::shared_ptr<const PluginStage> stage, void* state,
                      tools::CallContext& context)
      : stage_(std::move(stage)), state_(state), context_(context) {}
  ~PluginStageInstance() override { stage_->entry_points().close(state_); }

  std::shared_ptr<const io::Chunk> process(const std::shared_ptr<const io::Chunk>& chunk,
                                           bool final_chunk) override {
    Exported<ArrowArray> array;
    Exported<ArrowSchema> schema;
    io::export_arrow(chunk, &array.value, &schema.value);
    const auto& entry = stage_->entry_points();
    const std::uint32_t flags = final_chunk ? QUARRY_CALL_FINAL_CHUNK : 0u;
    if (entry.transform == nullptr) {
      stage_->invoke(
          context_, "consume",
          [&](const quarry_call_v1* call) {
            return entry.consume(state_, call, &array.value, &schema.value);
          },
          flags);
      return nullptr;
    }
    ArrowArray out_array{};
    ArrowSchema out_schema{};
    stage_->invoke(
        context_, "transform",
        [&](const quarry_call_v1* call) {
          return entry.transform(state_, call, &array.value, &schema.value, &out_array,
                                 &out_schema);
        },
        flags);
    if (out_array.release == nullptr || out_schema.release == nullptr) {
      if (out_array.release != nullptr) out_array.release(&out_array);
      if (out_schema.release != nullptr) out_schema.release(&out_schema);
      throw exec::StageError(
          FailureKind::kChunk,
          fmt::format("tool '{}' returned OK from transform without an output chunk",
                      stage_->name()));
    }
    return io::import_arrow(&out_array, &out_schema, chunk->sequence());
  }

  void merge(exec::StageInstance& other) override {
    auto& peer = dynamic_cast<PluginStageInstance&>(other);
    const auto& entry = stage_->entry_points();
    if (entry.merge == nullptr) {
      throw exec::StageError(
          FailureKind::kAggregation,
          fmt::format("tool '{}' is mergeable but has no merge entry point", stage_->name()));
    }
    stage_->invoke(context_, "merge", [&](const quarry_call_v1* call) {
      return entry.merge(state_, peer.state_, call);
    });
  }

  tools::ToolResult finish() override {
    const auto& entry = stage_->entry_points();
    return stage_->invoke(
        context_, "finish", [&](const quarry_call_v1* call) { return entry.finish(state_, call); },
        0, entry.transform != nullptr);
  }

  // The plugin's state, for a second pass that reads it.
  const void* plugin_state() const { return state_; }

 private:
  std::shared_ptr<const PluginStage> stage_;
  void* state_;
  tools::CallContext& context_;
};

// The plugin sees the schema as an Arrow struct; exported through an empty chunk.
void export_schema(const io::Schema& input, Exported<ArrowSchema>& schema) {
  io::ChunkBuilder empty(std::make_shared<const io::Schema>(input), 0);
  io::export_arrow(empty.finish(0, 0), nullptr, &schema.value);
}

// A first pass's entry points are read only when the plugin's table has them (ABI 1.1).
bool has_second_pass(const quarry_stage_v1& stage) {
  return stage.struct_size >=
             offsetof(quarry_stage_v1, open_second_pass) + sizeof(stage.open_second_pass) &&
         stage.first_pass != nullptr && stage.open_second_pass != nullptr;
}

std::unique_ptr<exec::StageInstance> PluginStage::open(const io::Schema& input,
                                                       tools::CallContext& context) {
  Exported<ArrowSchema> schema;
  export_schema(input, schema);
  void* state = nullptr;
  invoke(context, "open", [&](const quarry_call_v1* call) {
    return binding_.stage->open(binding_.plugin_data, call, arguments_.data(), arguments_.size(),
                                &schema.value, &state);
  });
  return std::make_unique<PluginStageInstance>(shared_from_this(), state, context);
}

std::shared_ptr<exec::Stage> PluginStage::first_pass() const {
  if (!has_second_pass(*binding_.stage)) return nullptr;
  const quarry_stage_v1& stage = *binding_.stage;
  const bool asks = stage.struct_size >= offsetof(quarry_stage_v1, needs_first_pass) +
                                             sizeof(stage.needs_first_pass) &&
                    stage.needs_first_pass != nullptr;
  if (asks &&
      stage.needs_first_pass(binding_.plugin_data, arguments_.data(), arguments_.size()) == 0)
    return nullptr;
  tools::StageBinding binding = binding_;
  binding.stage = binding_.stage->first_pass;
  return std::make_shared<PluginStage>(tool_ + " (first pass)", std::move(binding),
                                       nlohmann::json::parse(arguments_), resources_);
}

std::unique_ptr<exec::StageInstance> PluginStage::open_second_pass(
    const io::Schema& input, tools::CallContext& context, const exec::StageInstance& first) {
  if (!has_second_pass(*binding_.stage)) return open(input, context);
  const auto* first_state = dynamic_cast<const PluginStageInstance*>(&first);
  if (first_state == nullptr) {
    throw exec::StageError(FailureKind::kAggregation,
                           fmt::format("internal error: the first pass of tool '{}' did not "
                                       "run in the plugin",
                                       tool_));
  }
  Exported<ArrowSchema> schema;
  export_schema(input, schema);
  void* state = nullptr;
  invoke(context, "open", [&](const quarry_call_v1* call) {
    return binding_.stage->open_second_pass(binding_.plugin_data, call, arguments_.data(),
                                            arguments_.size(), &schema.value,
                                            first_state->plugin_state(), &state);
  });
  return std::make_unique<PluginStageInstance>(shared_from_this(), state, context);
}

}  // namespace

exec::StageMode to_stage_mode(quarry_stage_mode mode) {
  switch (mode) {
    case QUARRY_STAGE_STATELESS:
      return exec::StageMode::kStateless;
    case QUARRY_STAGE_MERGEABLE:
      return exec::StageMode::kMergeable;
    case QUARRY_STAGE_ORDERED:
      return exec::StageMode::kOrdered;
    case QUARRY_STAGE_ACCUMULATE:
      return exec::StageMode::kAccumulate;
    default:
      throw std::invalid_argument(fmt::format("unknown stage mode {}", mode));
  }
}

std::shared_ptr<exec::Stage> make_plugin_stage(std::string tool, tools::StageBinding binding,
                                               nlohmann::json arguments, StageResources resources) {
  return std::make_shared<PluginStage>(std::move(tool), std::move(binding), std::move(arguments),
                                       std::move(resources));
}

}  // namespace quarry::pipeline
