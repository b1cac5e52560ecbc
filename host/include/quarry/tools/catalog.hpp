#pragma once
//! \file
//! The set of tools a host offers, gathered from providers (host tools, plugins).

#include "quarry/tools/tool.hpp"

#include <functional>
#include <mutex>
#include <string_view>
#include <vector>

namespace quarry::tools {

//! A source of tools whose set may change over time (e.g. a plugin directory).
class ToolProvider {
 public:
  virtual ~ToolProvider() = default;
  //! A snapshot of the provider's current tools.
  [[nodiscard]] virtual std::vector<ToolPtr> tools() const = 0;
};

//! Aggregates providers. On a name clash the provider added first wins.
//! Thread-safe.
class ToolCatalog {
 public:
  using ChangeListener = std::function<void()>;

  //! Adds a provider; its tools appear in the next `list()`.
  void add_provider(std::shared_ptr<const ToolProvider> provider);
  //! Every tool, sorted by name, without duplicates.
  [[nodiscard]] std::vector<ToolPtr> list() const;
  //! The tool of that name, or nullptr.
  [[nodiscard]] ToolPtr find(std::string_view name) const;
  //! Registers the function called after any provider's set changed.
  void set_change_listener(ChangeListener listener);
  //! Providers call this when their tool set changed.
  void notify_changed() const;

 private:
  mutable std::mutex mutex_;
  std::vector<std::shared_ptr<const ToolProvider>> providers_;
  ChangeListener listener_;
};

//! A fixed set of tools, e.g. the host's own.
class StaticToolProvider final : public ToolProvider {
 public:
  explicit StaticToolProvider(std::vector<ToolPtr> tools) : tools_(std::move(tools)) {}
  [[nodiscard]] std::vector<ToolPtr> tools() const override { return tools_; }

 private:
  std::vector<ToolPtr> tools_;
};

}  // namespace quarry::tools
