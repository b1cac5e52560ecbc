#include "quarry/mcp/session.hpp"

#include "mcp/detail/call_context.hpp"
#include "mcp/detail/result_rendering.hpp"
#include "quarry/tools/schema_validator.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <tbb/task_arena.h>

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <variant>

namespace quarry::mcp {
namespace {

using nlohmann::json;
using Reply = std::function<void(std::optional<json>)>;

constexpr std::string_view kCursorPrefix = "after:";

RpcError invalid_params(std::string message, json data = nullptr) {
  return {ErrorCode::kInvalidParams, std::move(message), std::move(data)};
}

// Collects the answers to one 2025-03-26 batch and sends them as one array.
class BatchCollector {
 public:
  BatchCollector(std::size_t expected, MessageSink& sink) : remaining_(expected), sink_(sink) {}
  void add(std::optional<json> response) {
    std::lock_guard lock(mutex_);
    if (response) responses_.push_back(std::move(*response));
    if (--remaining_ == 0 && !responses_.empty()) sink_.send(responses_);
  }

 private:
  std::mutex mutex_;
  std::size_t remaining_;
  json responses_ = json::array();
  MessageSink& sink_;
};

std::string list_names(const std::vector<tools::ToolPtr>& all, std::size_t limit) {
  std::string names;
  for (std::size_t i = 0; i < all.size() && i < limit; ++i) {
    if (!names.empty()) names += ", ";
    names += all[i]->descriptor().name;
  }
  if (all.size() > limit) names += fmt::format(", … ({} in all)", all.size());
  return names;
}

}  // namespace

class Session::Impl {
 public:
  Impl(SessionOptions options, std::shared_ptr<const tools::ToolCatalog> catalog,
       std::shared_ptr<tools::CallStats> stats, MessageSink& sink)
      : options_(std::move(options)),
        catalog_(std::move(catalog)),
        stats_(std::move(stats)),
        sink_(sink),
        arena_(static_cast<int>(std::max(1U, options_.max_concurrent_calls)), 0) {
    if (options_.call_timeout.count() > 0) {
      watchdog_ = std::jthread([this](std::stop_token stop) { watch_deadlines(stop); });
    }
  }

  ~Impl() {
    cancel_all();
    wait_idle(std::chrono::milliseconds(5000));
    if (watchdog_.joinable()) {
      watchdog_.request_stop();
      watchdog_cv_.notify_all();
    }
  }

  void handle_line(std::string_view line) {
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) return;
    json value;
    try {
      value = json::parse(line);
    } catch (const json::parse_error& e) {
      spdlog::warn("parse error on input line: {}", e.what());
      sink_.send(make_error(nullptr, {ErrorCode::kParseError,
                                      fmt::format("Parse error: {}. Send one complete JSON-RPC "
                                                  "message per line, UTF-8 encoded.",
                                                  e.what()),
                                      nullptr}));
      return;
    }
    if (value.is_array()) {
      handle_batch(value);
      return;
    }
    dispatch(value, [this](std::optional<json> response) {
      if (response) sink_.send(*response);
    });
  }

  bool resume(const json& initialize_params) {
    return initialize_params.is_object() && adopt_handshake(initialize_params).has_value();
  }

  void tools_changed() {
    std::vector<json> subscriptions;
    bool legacy_initialized = false;
    {
      std::lock_guard lock(mutex_);
      legacy_initialized = negotiated_.has_value();
      for (const auto& [key, id] : subscriptions_) subscriptions.push_back(id);
    }
    if (legacy_initialized)
      sink_.send(make_notification("notifications/tools/list_changed", json::object()));
    for (const auto& id : subscriptions) {
      sink_.send(make_notification("notifications/tools/list_changed",
                                   {{"_meta", {{"io.modelcontextprotocol/subscriptionId", id}}}}));
    }
  }

  void cancel_all() {
    std::lock_guard lock(mutex_);
    shutting_down_ = true;
    for (auto& [key, call] : in_flight_) call->cancelled = true;
  }

  bool wait_idle(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return idle_cv_.wait_for(lock, timeout, [this] { return running_ == 0; });
  }

 private:
  // ---- framing ----------------------------------------------------------------

  void handle_batch(const json& batch) {
    std::optional<ProtocolVersion> version;
    {
      std::lock_guard lock(mutex_);
      version = negotiated_;
    }
    if (batch.empty() || !version || !allows_batches(*version)) {
      const std::string why =
          batch.empty() ? "an empty JSON-RPC batch is invalid"
          : !version ? "a JSON-RPC batch cannot open the session; send initialize on its own first"
                     : fmt::format(
                           "JSON-RPC batches are not supported in protocol version {} "
                           "(only 2025-03-26 has them); send one message per line",
                           to_string(*version));
      sink_.send(
          make_error(nullptr, {ErrorCode::kInvalidRequest, "Invalid Request: " + why, nullptr}));
      return;
    }
    auto collector = std::make_shared<BatchCollector>(batch.size(), sink_);
    for (const auto& element : batch) {
      dispatch(element,
               [collector](std::optional<json> response) { collector->add(std::move(response)); });
    }
  }

  void dispatch(const json& value, const Reply& reply) {
    std::visit(
        [&](auto&& message) {
          using T = std::decay_t<decltype(message)>;
          if constexpr (std::is_same_v<T, Invalid>) {
            reply(make_error(message.id, message.error));
          } else if constexpr (std::is_same_v<T, ClientResponse>) {
            reply(std::nullopt);
          } else if constexpr (std::is_same_v<T, Notification>) {
            handle_notification(message);
            reply(std::nullopt);
          } else {
            handle_request(message, reply);
          }
        },
        classify(value));
  }

  // ---- per-request protocol scope ---------------------------------------------

  std::variant<detail::RequestScope, RpcError> resolve_scope(const Request& request) {
    const json* meta = nullptr;
    if (request.params.is_object()) {
      const auto it = request.params.find("_meta");
      if (it != request.params.end() && it->is_object()) meta = &*it;
    }
    detail::RequestScope scope;
    if (meta != nullptr && meta->contains("progressToken")) {
      const json& token = (*meta)["progressToken"];
      if (token.is_string() || token.is_number_integer()) scope.progress_token = token;
    }
    if (meta != nullptr && meta->contains(meta_key::kProtocolVersion)) {
      return resolve_stateless_scope(*meta, std::move(scope));
    }
    if (request.method == "server/discover") {
      return invalid_params(fmt::format(
          "server/discover needs params._meta[\"{}\"] naming the protocol version (2026-07-28) "
          "and params._meta[\"{}\"]; clients of older revisions send initialize instead",
          meta_key::kProtocolVersion, meta_key::kClientCapabilities));
    }
    std::lock_guard lock(mutex_);
    if (!negotiated_ && request.method != "initialize" && request.method != "ping") {
      return RpcError{ErrorCode::kInvalidRequest,
                      fmt::format("Server not initialized: '{}' arrived before initialize. Send "
                                  "initialize first, or (protocol 2026-07-28) carry "
                                  "params._meta[\"{}\"] in every request",
                                  request.method, meta_key::kProtocolVersion),
                      nullptr};
    }
    scope.version = negotiated_.value_or(kNewestHandshakeVersion);
    return scope;
  }

  std::variant<detail::RequestScope, RpcError> resolve_stateless_scope(const json& meta,
                                                                       detail::RequestScope scope) {
    const json& requested = meta[meta_key::kProtocolVersion];
    const auto version =
        requested.is_string() ? parse_protocol_version(requested.get<std::string>()) : std::nullopt;
    if (!version || !is_stateless(*version)) {
      return RpcError{
          static_cast<ErrorCode>(kUnsupportedProtocolVersion),
          "Unsupported protocol version",
          {{"supported", json::array({to_string(kNewestVersion)})}, {"requested", requested}}};
    }
    const auto caps = meta.find(meta_key::kClientCapabilities);
    if (caps == meta.end() || !caps->is_object()) {
      return invalid_params(
          fmt::format("params._meta[\"{}\"] must be an object (use {{}} for none)",
                      meta_key::kClientCapabilities));
    }
    if (const auto level = meta.find(meta_key::kLogLevel); level != meta.end()) {
      const auto parsed =
          level->is_string() ? tools::parse_message_level(level->get<std::string>()) : std::nullopt;
      if (!parsed) {
        return invalid_params(fmt::format(
            "params._meta[\"{}\"] = {} is not a log level; use one of debug, info, notice, "
            "warning, error, critical, alert, emergency",
            meta_key::kLogLevel, level->dump()));
      }
      scope.log_threshold = parsed;
    }
    scope.version = *version;
    scope.stateless = true;
    return scope;
  }

  json finish(const detail::RequestScope& scope, json result) const {
    if (scope.stateless) {
      result["resultType"] = "complete";
      result["_meta"][meta_key::kServerInfo] = {{"name", options_.identity.name},
                                                {"version", options_.identity.version}};
    }
    return result;
  }

  // ---- requests -----------------------------------------------------------------

  void handle_request(const Request& request, const Reply& reply) {
    spdlog::debug("[req {}] {}", request.id.dump(), request.method);
    auto resolved = resolve_scope(request);
    if (auto* error = std::get_if<RpcError>(&resolved)) {
      spdlog::info("[req {}] {} refused: {}", request.id.dump(), request.method, error->message);
      reply(make_error(request.id, *error));
      return;
    }
    const auto& scope = std::get<detail::RequestScope>(resolved);
    const json params = request.params.is_object() ? request.params : json::object();
    const std::string& method = request.method;

    if (method == "initialize") return reply(initialize(request.id, params));
    if (method == "ping") return reply(make_result(request.id, finish(scope, json::object())));
    if (method == "tools/list") return reply(list_tools(request.id, scope, params));
    if (method == "tools/call") return start_call(request, scope, params, reply);
    if (method == "logging/setLevel" && !scope.stateless)
      return reply(set_level(request.id, params));
    if (method == "server/discover" && scope.stateless) return reply(discover(request.id, scope));
    if (method == "subscriptions/listen" && scope.stateless) return listen(request, params, reply);
    reply(make_error(request.id,
                     {ErrorCode::kMethodNotFound,
                      fmt::format("Method not found: '{}'. This server offers tools: use "
                                  "tools/list and tools/call{}",
                                  method, scope.stateless ? " (and server/discover)" : ""),
                      nullptr}));
  }

  json capabilities() const {
    return {{"tools", {{"listChanged", true}}}, {"logging", json::object()}};
  }

  //! Negotiates the version `params` (of an initialize) asks for; nullopt when it names none.
  std::optional<ProtocolVersion> adopt_handshake(const json& params) {
    const auto requested = params.find("protocolVersion");
    if (requested == params.end() || !requested->is_string()) return std::nullopt;
    const ProtocolVersion version = negotiate_handshake(requested->get<std::string>());
    {
      std::lock_guard lock(mutex_);
      if (negotiated_) spdlog::warn("client sent initialize again; renegotiating");
      negotiated_ = version;
    }
    std::string client = "unknown client";
    if (const auto info = params.find("clientInfo"); info != params.end() && info->is_object()) {
      client = info->value("name", "unnamed") + " " + info->value("version", "");
    }
    if (options_.log_handshake) {
      spdlog::info("initialize from {}: asked {}, speaking {}", client, requested->dump(),
                   to_string(version));
    }
    return version;
  }

  json initialize(const json& id, const json& params) {
    const auto negotiated = params.is_object() ? adopt_handshake(params) : std::nullopt;
    if (!negotiated) {
      return make_error(id, invalid_params("initialize needs params.protocolVersion, a string such "
                                           "as \"2025-06-18\""));
    }
    const ProtocolVersion version = *negotiated;
    json server_info = {{"name", options_.identity.name}, {"version", options_.identity.version}};
    if (has_structured_content(version)) server_info["title"] = options_.identity.title;
    json result = {{"protocolVersion", to_string(version)},
                   {"capabilities", capabilities()},
                   {"serverInfo", std::move(server_info)}};
    if (!options_.identity.instructions.empty())
      result["instructions"] = options_.identity.instructions;
    return make_result(id, std::move(result));
  }

  json discover(const json& id, const detail::RequestScope& scope) const {
    json result = {{"supportedVersions", json::array({to_string(kNewestVersion)})},
                   {"capabilities", capabilities()},
                   {"ttlMs", options_.list_ttl.count()},
                   {"cacheScope", "public"}};
    if (!options_.identity.instructions.empty())
      result["instructions"] = options_.identity.instructions;
    return make_result(id, finish(scope, std::move(result)));
  }

  json set_level(const json& id, const json& params) {
    const auto level_name = params.find("level");
    const auto level = level_name != params.end() && level_name->is_string()
                           ? tools::parse_message_level(level_name->get<std::string>())
                           : std::nullopt;
    if (!level) {
      return make_error(id, invalid_params("logging/setLevel needs params.level, one of debug, "
                                           "info, notice, warning, error, critical, alert, "
                                           "emergency"));
    }
    std::lock_guard lock(mutex_);
    log_level_ = *level;
    return make_result(id, json::object());
  }

  json list_tools(const json& id, const detail::RequestScope& scope, const json& params) const {
    std::string after;
    if (const auto cursor = params.find("cursor"); cursor != params.end() && !cursor->is_null()) {
      const std::string text = cursor->is_string() ? cursor->get<std::string>() : "";
      if (!text.starts_with(kCursorPrefix)) {
        return make_error(id, invalid_params(fmt::format(
                                  "Invalid cursor {}: pass the nextCursor of the previous "
                                  "tools/list result unchanged, or omit it for the first page",
                                  cursor->dump())));
      }
      after = text.substr(kCursorPrefix.size());
    }
    const auto all = catalog_->list();
    json page = json::array();
    std::string last;
    bool more = false;
    for (const auto& tool : all) {
      const auto& descriptor = tool->descriptor();
      if (!after.empty() && descriptor.name <= after) continue;
      if (page.size() == options_.page_size) {
        more = true;
        break;
      }
      page.push_back(detail::render_tool(descriptor, scope.version));
      last = descriptor.name;
    }
    json result = {{"tools", std::move(page)}};
    if (more) result["nextCursor"] = std::string(kCursorPrefix) + last;
    if (scope.stateless) {
      result["ttlMs"] = options_.list_ttl.count();
      result["cacheScope"] = "public";
    }
    return make_result(id, finish(scope, std::move(result)));
  }

  void listen(const Request& request, const json& params, const Reply& reply) {
    const json filter = params.value("notifications", json::object());
    json honoured = json::object();
    if (filter.is_object() && filter.value("toolsListChanged", false)) {
      honoured["toolsListChanged"] = true;
      std::lock_guard lock(mutex_);
      subscriptions_[request.id.dump()] = request.id;
    }
    reply(std::nullopt);  // the stream stays open; it never gets a response from us
    sink_.send(
        make_notification("notifications/subscriptions/acknowledged",
                          {{"notifications", honoured},
                           {"_meta", {{"io.modelcontextprotocol/subscriptionId", request.id}}}}));
  }

  // ---- tools/call -----------------------------------------------------------------

  std::optional<RpcError> check_arguments(const tools::Tool& tool, const json& arguments,
                                          std::string& tool_error) {
    const auto& descriptor = tool.descriptor();
    const tools::SchemaValidator* validator = nullptr;
    {
      std::lock_guard lock(mutex_);
      auto& cached = validators_[descriptor.name];
      if (!cached.validator || cached.schema != descriptor.input_schema) {
        try {
          cached = {descriptor.input_schema,
                    std::make_shared<tools::SchemaValidator>(descriptor.input_schema)};
        } catch (const std::exception& e) {
          return RpcError{ErrorCode::kInternalError,
                          fmt::format("Tool '{}' has an unusable inputSchema ({}); report this "
                                      "to the plugin's author",
                                      descriptor.name, e.what()),
                          nullptr};
        }
      }
      validator = cached.validator.get();
    }
    const auto violations = validator->validate(arguments);
    if (violations.empty()) return std::nullopt;
    tool_error = fmt::format(
        "Invalid arguments for tool '{}': {}. Fix the arguments to match the tool's inputSchema "
        "(see tools/list) and call again.",
        descriptor.name, tools::describe(violations));
    json details = json::array();
    for (const auto& v : violations) details.push_back({{"path", v.path}, {"message", v.message}});
    return invalid_params(tool_error, {{"violations", std::move(details)}});
  }

  void start_call(const Request& request, const detail::RequestScope& scope, const json& params,
                  const Reply& reply) {
    const auto name = params.find("name");
    if (name == params.end() || !name->is_string()) {
      return reply(make_error(request.id, invalid_params("tools/call needs params.name, the name "
                                                         "of a tool from tools/list")));
    }
    json arguments = params.value("arguments", json::object());
    if (arguments.is_null()) arguments = json::object();
    if (!arguments.is_object()) {
      return reply(make_error(request.id, invalid_params("tools/call params.arguments must be a "
                                                         "JSON object keyed by parameter name")));
    }
    auto tool = catalog_->find(name->get<std::string>());
    if (!tool) {
      return reply(make_error(
          request.id,
          invalid_params(fmt::format("Unknown tool '{}'. Available tools: {}. Call "
                                     "tools/list for their descriptions.",
                                     name->get<std::string>(), list_names(catalog_->list(), 20)))));
    }
    std::string tool_error;
    if (auto error = check_arguments(*tool, arguments, tool_error)) {
      if (error->code == ErrorCode::kInvalidParams && input_errors_are_tool_errors(scope.version)) {
        stats_->record(tool->descriptor().name, std::chrono::nanoseconds(0), true);
        return reply(make_result(
            request.id, finish(scope, detail::render_call_result(
                                          tools::ToolResult::error(tool_error), scope.version))));
      }
      return reply(make_error(request.id, *error));
    }
    auto call = std::make_shared<detail::InFlightCall>();
    call->id = request.id;
    call->deadline = options_.call_timeout.count() > 0
                         ? std::chrono::steady_clock::now() + options_.call_timeout
                         : std::chrono::steady_clock::time_point::max();
    call->reply = reply;
    {
      std::lock_guard lock(mutex_);
      const auto [it, inserted] = in_flight_.emplace(request.id.dump(), call);
      if (!inserted) {
        return reply(make_error(request.id, {ErrorCode::kInvalidRequest,
                                             fmt::format("Request id {} is already in use by a "
                                                         "running call; use a fresh id",
                                                         request.id.dump()),
                                             nullptr}));
      }
      if (shutting_down_) call->cancelled = true;
      ++running_;
    }
    std::call_once(first_call_, [this] {
      if (options_.before_first_call) options_.before_first_call();
    });
    arena_.enqueue([this, call, tool, arguments = std::move(arguments), scope] {
      run_call(*call, *tool, arguments, scope);
    });
  }

  void run_call(detail::InFlightCall& call, tools::Tool& tool, const json& arguments,
                const detail::RequestScope& scope) {
    const auto& name = tool.descriptor().name;
    const auto started = std::chrono::steady_clock::now();
    detail::CallContextImpl context(call, scope, sink_, [this] {
      std::lock_guard lock(mutex_);
      return log_level_;
    });
    tools::ToolResult result;
    if (call.cancelled) {
      result = tools::ToolResult::error("Cancelled before it started");
    } else {
      try {
        result = tool.call(arguments, context);
      } catch (const std::exception& e) {
        result = tools::ToolResult::error(fmt::format("Tool '{}' failed: {}", name, e.what()));
      } catch (...) {
        result = tools::ToolResult::error(
            fmt::format("Tool '{}' failed with an unknown exception", name));
      }
    }
    const auto elapsed = std::chrono::steady_clock::now() - started;
    stats_->record(name, elapsed, result.is_error);
    spdlog::debug("[req {}] {} finished in {:.1f} ms{}", call.id.dump(), name,
                  std::chrono::duration<double, std::milli>(elapsed).count(),
                  call.cancelled ? " (cancelled, no response)" : "");
    separate_from_last_progress(call);
    if (!call.cancelled && !call.answered.exchange(true)) {
      call.reply(
          make_result(call.id, finish(scope, detail::render_call_result(result, scope.version))));
    } else if (call.cancelled && !call.answered.exchange(true)) {
      call.reply(std::nullopt);  // lets a batch collector count the member as done
    }
    std::lock_guard lock(mutex_);
    in_flight_.erase(call.id.dump());
    if (--running_ == 0) idle_cv_.notify_all();
  }

  // The official TypeScript SDK drops a progress notification that arrives in the
  // same read as the final response (its handler runs a microtask later, after the
  // response removed it), so leave a short gap after the last one.
  static void separate_from_last_progress(const detail::InFlightCall& call) {
    constexpr auto kGap = std::chrono::milliseconds(15);
    const auto last = call.last_progress_ns.load();
    if (last == 0) return;
    const auto since = std::chrono::steady_clock::now().time_since_epoch() -
                       std::chrono::steady_clock::duration(last);
    if (since < kGap) std::this_thread::sleep_for(kGap - since);
  }

  void watch_deadlines(std::stop_token stop) {
    std::unique_lock lock(mutex_);
    while (!stop.stop_requested()) {
      watchdog_cv_.wait_for(lock, std::chrono::milliseconds(200));
      const auto now = std::chrono::steady_clock::now();
      for (auto& [key, call] : in_flight_) {
        if (now < call->deadline || call->answered.exchange(true)) continue;
        call->cancelled = true;
        spdlog::warn("[req {}] call timed out after {} s", call->id.dump(),
                     options_.call_timeout.count());
        call->reply(make_error_result(*call));
      }
    }
  }

  json make_error_result(const detail::InFlightCall& call) const {
    return make_result(
        call.id, detail::render_call_result(
                     tools::ToolResult::error(fmt::format(
                         "The call timed out after {} s and was cancelled. Narrow the input (fewer "
                         "rows or columns) or raise limits.call_timeout_s.",
                         options_.call_timeout.count())),
                     kNewestHandshakeVersion));
  }

  // ---- notifications -----------------------------------------------------------------

  void handle_notification(const Notification& notification) {
    if (notification.method == "notifications/cancelled") {
      const json params = notification.params.is_object() ? notification.params : json::object();
      const auto id = params.find("requestId");
      if (id == params.end()) return;
      std::lock_guard lock(mutex_);
      if (const auto it = in_flight_.find(id->dump()); it != in_flight_.end()) {
        it->second->cancelled = true;
        spdlog::info("[req {}] cancelled by the client: {}", id->dump(),
                     params.value("reason", std::string("no reason given")));
      }
      subscriptions_.erase(id->dump());
      return;
    }
    if (notification.method == "notifications/initialized") {
      spdlog::debug("client reports initialized");
      return;
    }
    spdlog::debug("ignoring notification {}", notification.method);
  }

  struct CachedValidator {
    json schema;
    std::shared_ptr<tools::SchemaValidator> validator;
  };

  SessionOptions options_;
  std::shared_ptr<const tools::ToolCatalog> catalog_;
  std::shared_ptr<tools::CallStats> stats_;
  MessageSink& sink_;

  std::mutex mutex_;
  std::optional<ProtocolVersion> negotiated_;
  tools::MessageLevel log_level_ = tools::MessageLevel::kInfo;
  bool shutting_down_ = false;
  std::map<std::string, std::shared_ptr<detail::InFlightCall>> in_flight_;
  std::map<std::string, json> subscriptions_;
  std::map<std::string, CachedValidator> validators_;
  std::size_t running_ = 0;
  std::condition_variable idle_cv_;
  std::condition_variable watchdog_cv_;

  std::once_flag first_call_;
  tbb::task_arena arena_;
  std::jthread watchdog_;
};

Session::Session(SessionOptions options, std::shared_ptr<const tools::ToolCatalog> catalog,
                 std::shared_ptr<tools::CallStats> stats, MessageSink& sink)
    : impl_(
          std::make_unique<Impl>(std::move(options), std::move(catalog), std::move(stats), sink)) {}
Session::~Session() = default;

void Session::handle_line(std::string_view line) {
  impl_->handle_line(line);
}
bool Session::resume(const nlohmann::json& initialize_params) {
  return impl_->resume(initialize_params);
}

void Session::tools_changed() {
  impl_->tools_changed();
}
void Session::cancel_all() {
  impl_->cancel_all();
}
bool Session::wait_idle(std::chrono::milliseconds timeout) {
  return impl_->wait_idle(timeout);
}

}  // namespace quarry::mcp
