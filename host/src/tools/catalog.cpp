#include "quarry/tools/catalog.hpp"

#include <algorithm>
#include <set>

namespace quarry::tools {

void ToolCatalog::add_provider(std::shared_ptr<const ToolProvider> provider) {
  std::lock_guard lock(mutex_);
  providers_.push_back(std::move(provider));
}

std::vector<ToolPtr> ToolCatalog::list() const {
  std::vector<std::shared_ptr<const ToolProvider>> providers;
  {
    std::lock_guard lock(mutex_);
    providers = providers_;
  }
  std::vector<ToolPtr> result;
  std::set<std::string, std::less<>> seen;
  for (const auto& provider : providers) {
    for (auto& tool : provider->tools()) {
      if (seen.insert(tool->descriptor().name).second) result.push_back(std::move(tool));
    }
  }
  std::sort(result.begin(), result.end(), [](const ToolPtr& a, const ToolPtr& b) {
    return a->descriptor().name < b->descriptor().name;
  });
  return result;
}

ToolPtr ToolCatalog::find(std::string_view name) const {
  std::vector<std::shared_ptr<const ToolProvider>> providers;
  {
    std::lock_guard lock(mutex_);
    providers = providers_;
  }
  for (const auto& provider : providers) {
    for (auto& tool : provider->tools()) {
      if (tool->descriptor().name == name) return tool;
    }
  }
  return nullptr;
}

void ToolCatalog::set_change_listener(ChangeListener listener) {
  std::lock_guard lock(mutex_);
  listener_ = std::move(listener);
}

void ToolCatalog::notify_changed() const {
  ChangeListener listener;
  {
    std::lock_guard lock(mutex_);
    listener = listener_;
  }
  if (listener) listener();
}

}  // namespace quarry::tools
