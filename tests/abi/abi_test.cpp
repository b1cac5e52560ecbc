// Loads plugins the way the host does (dlopen RTLD_NOW | RTLD_LOCAL |
// RTLD_NODELETE, entry symbols through dlsym) and drives them through today's
// quarry/plugin.h: a C plugin built against the frozen 1.0 headers, and two
// plugins built with the C++ SDK helpers.
#include <dlfcn.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstring>
#include <string>
#include <vector>

#include "quarry/plugin.h"

namespace {

// What a fake host records from one call.
struct Recorder {
  std::string result;
  std::string error;
  std::vector<std::pair<double, std::string>> progress;
  bool cancel = false;
};

quarry_call_v1 make_call(Recorder& r) {
  quarry_call_v1 call{};
  call.struct_size = sizeof(quarry_call_v1);
  call.call_data = &r;
  call.is_cancelled = [](void* d) -> int32_t { return static_cast<Recorder*>(d)->cancel ? 1 : 0; };
  call.progress = [](void* d, double done, double, const char* msg, uint64_t size) {
    static_cast<Recorder*>(d)->progress.emplace_back(done, msg ? std::string(msg, size) : "");
  };
  call.log = [](void*, quarry_log_level, const char*, uint64_t) {};
  call.set_result = [](void* d, const char* json, uint64_t size) -> quarry_status {
    static_cast<Recorder*>(d)->result.assign(json, size);
    return nlohmann::json::accept(std::string(json, size)) ? QUARRY_OK : QUARRY_INVALID_ARGUMENT;
  };
  call.set_error = [](void* d, const char* msg, uint64_t size) {
    static_cast<Recorder*>(d)->error.assign(msg, size);
  };
  return call;
}

std::vector<std::string> g_host_log;  // test-only sink for the fake host's log

const quarry_host_v1 kHost = {sizeof(quarry_host_v1), QUARRY_ABI_VERSION, nullptr,
                              [](void*, quarry_log_level, const char* message, uint64_t size) {
                                g_host_log.emplace_back(message, size);
                              }};

struct Plugin {
  void* handle = nullptr;
  const quarry_plugin_v1* info = nullptr;

  const quarry_tool_v1* tool(const std::string& name) const {
    for (uint32_t i = 0; i < info->tool_count; ++i) {
      if (name == info->tools[i]->name) return info->tools[i];
    }
    return nullptr;
  }
};

Plugin load(const char* path) {
  Plugin p;
  p.handle = dlopen(path, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
  EXPECT_NE(p.handle, nullptr) << dlerror();
  if (p.handle == nullptr) return p;
  auto abi = reinterpret_cast<uint32_t (*)()>(dlsym(p.handle, "quarry_plugin_abi_version"));
  auto init =
      reinterpret_cast<decltype(&quarry_plugin_init_v1)>(dlsym(p.handle, "quarry_plugin_init_v1"));
  EXPECT_NE(abi, nullptr);
  EXPECT_NE(init, nullptr);
  if (abi == nullptr || init == nullptr) return p;
  EXPECT_EQ(abi() >> 16, uint32_t{QUARRY_ABI_MAJOR});
  char error[256] = "";
  EXPECT_EQ(init(&kHost, &p.info, error, sizeof error), QUARRY_OK) << error;
  return p;
}

quarry_status call_tool(const quarry_tool_v1& tool, const Plugin& p, const std::string& args,
                        Recorder& r) {
  const quarry_call_v1 call = make_call(r);
  return tool.call(p.info->plugin_data, &call, args.data(), args.size());
}

TEST(FrozenAbi, PluginBuiltAgainstFrozen10HeadersReportsMajor1) {
  void* handle = dlopen(ABI_FROZEN_PLUGIN, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
  ASSERT_NE(handle, nullptr) << dlerror();
  auto abi = reinterpret_cast<uint32_t (*)()>(dlsym(handle, "quarry_plugin_abi_version"));
  ASSERT_NE(abi, nullptr);
  EXPECT_EQ(abi(), QUARRY_ABI_PACK(1, 0));
}

TEST(FrozenAbi, InitDescribesBothToolsWithStructSizesTheHostCanRead) {
  g_host_log.clear();
  const Plugin p = load(ABI_FROZEN_PLUGIN);
  ASSERT_NE(p.info, nullptr);
  EXPECT_GE(p.info->struct_size, offsetof(quarry_plugin_v1, plugin_data) + sizeof(void*));
  EXPECT_STREQ(p.info->name, "abi_frozen");
  ASSERT_EQ(p.info->tool_count, 2U);
  for (uint32_t i = 0; i < p.info->tool_count; ++i) {
    const quarry_tool_v1* tool = p.info->tools[i];
    EXPECT_GE(tool->struct_size, offsetof(quarry_tool_v1, stage) + sizeof(tool->stage));
    EXPECT_TRUE(nlohmann::json::accept(tool->input_schema)) << tool->name;
    EXPECT_EQ(tool->stage, nullptr);
  }
  EXPECT_NE(p.tool("abi_frozen_echo"), nullptr);
  EXPECT_NE(p.tool("abi_frozen_progress"), nullptr);
  ASSERT_FALSE(g_host_log.empty());
  EXPECT_NE(g_host_log.back().find("ABI 1.0"), std::string::npos);
}

TEST(FrozenAbi, EchoReturnsItsArgumentsAsTextContent) {
  const Plugin p = load(ABI_FROZEN_PLUGIN);
  ASSERT_NE(p.info, nullptr);
  Recorder r;
  const std::string args = R"({"text":"quote \" backslash \\ tab \t é","n":[1,2]})";
  ASSERT_EQ(call_tool(*p.tool("abi_frozen_echo"), p, args, r), QUARRY_OK) << r.error;
  const auto result = nlohmann::json::parse(r.result);
  ASSERT_EQ(result["content"].size(), 1U);
  EXPECT_EQ(result["content"][0]["type"], "text");
  EXPECT_EQ(result["content"][0]["text"], args);
}

TEST(FrozenAbi, ProgressToolReportsThreeStepsThenDone) {
  const Plugin p = load(ABI_FROZEN_PLUGIN);
  ASSERT_NE(p.info, nullptr);
  Recorder r;
  ASSERT_EQ(call_tool(*p.tool("abi_frozen_progress"), p, "{}", r), QUARRY_OK) << r.error;
  ASSERT_EQ(r.progress.size(), 3U);
  EXPECT_EQ(r.progress[2].first, 3.0);
  EXPECT_EQ(r.progress[2].second, "step 3 of 3");
  EXPECT_EQ(nlohmann::json::parse(r.result)["content"][0]["text"], "done");
}

TEST(FrozenAbi, ProgressToolStopsWhenCancelled) {
  const Plugin p = load(ABI_FROZEN_PLUGIN);
  ASSERT_NE(p.info, nullptr);
  Recorder r;
  r.cancel = true;
  EXPECT_EQ(call_tool(*p.tool("abi_frozen_progress"), p, "{}", r), QUARRY_CANCELLED);
  EXPECT_TRUE(r.progress.empty());
  EXPECT_NE(r.error.find("cancelled"), std::string::npos);
}

TEST(SdkPluginAbi, ExportsOnlyTheEntrySymbols) {
  for (const char* path : {ABI_SDK_PLUGIN_A, ABI_SDK_PLUGIN_B}) {
    void* handle = dlopen(path, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
    ASSERT_NE(handle, nullptr) << dlerror();
    EXPECT_NE(dlsym(handle, "quarry_plugin_abi_version"), nullptr) << path;
    EXPECT_NE(dlsym(handle, "quarry_plugin_init_v1"), nullptr) << path;
    // The SDK's tool table and host pointer stay private to each plugin.
    EXPECT_EQ(dlsym(handle, "_ZN6quarry3sdk6detail12g_tool_tableE"), nullptr) << path;
    EXPECT_EQ(dlsym(handle, "_ZN6quarry3sdk6detail6g_hostE"), nullptr) << path;
  }
}

TEST(SdkPluginAbi, TwoSdkPluginsInOneProcessKeepTheirOwnTools) {
  const Plugin a = load(ABI_SDK_PLUGIN_A);
  const Plugin b = load(ABI_SDK_PLUGIN_B);
  ASSERT_NE(a.info, nullptr);
  ASSERT_NE(b.info, nullptr);
  EXPECT_STREQ(a.info->name, "abi_sdk_a");
  EXPECT_STREQ(b.info->name, "abi_sdk_b");
  ASSERT_EQ(a.info->tool_count, 1U);
  ASSERT_EQ(b.info->tool_count, 1U);
  EXPECT_STREQ(a.info->tools[0]->name, "abi_sdk_a_probe");
  EXPECT_STREQ(b.info->tools[0]->name, "abi_sdk_b_probe");
}

TEST(SdkPluginAbi, ToolCallReturnsStructuredContentAndErrorsAsStatus) {
  const Plugin p = load(ABI_SDK_PLUGIN_A);
  ASSERT_NE(p.info, nullptr);
  const quarry_tool_v1& tool = *p.info->tools[0];
  Recorder ok;
  ASSERT_EQ(call_tool(tool, p, R"({"x":1})", ok), QUARRY_OK) << ok.error;
  const auto result = nlohmann::json::parse(ok.result);
  EXPECT_EQ(result["structuredContent"]["plugin"], "abi_sdk_a");
  EXPECT_EQ(result["structuredContent"]["args"]["x"], 1);
  EXPECT_EQ(ok.progress.size(), 1U);

  Recorder failed;
  EXPECT_EQ(call_tool(tool, p, R"({"fail":true})", failed), QUARRY_IO_ERROR);
  EXPECT_EQ(failed.error, "probe failure requested");
  EXPECT_TRUE(failed.result.empty());
}

}  // namespace
