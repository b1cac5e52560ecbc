// A plugin built with the C++ SDK helpers, compiled twice with different names
// (PROBE_PLUGIN_NAME / PROBE_TOOL_NAME): once through quarry_add_plugin() and
// once as a careless third party would, with default visibility and no version
// script. abi_test loads both into one process to prove that each keeps its
// own tool table and exports nothing but the entry symbols. Built as C++17.
#include <quarry/sdk.hpp>

#if __cplusplus != 201703L
#error "this probe checks that the SDK helpers build as C++17"
#endif

QUARRY_PLUGIN(PROBE_PLUGIN_NAME, "1.0.0", "ABI probe built with the C++ SDK helpers")

QUARRY_TOOL(probe, PROBE_TOOL_NAME, "Probe", "Returns the plugin name and its arguments.",
            R"({"type":"object"})",
            R"({"type":"object","properties":{"plugin":{"type":"string"}}})")
(quarry::sdk::Call& call, const quarry::sdk::Args& args)->quarry::sdk::Result {
  call.progress(1, 1);
  if (args.get_or("fail", false)) throw quarry::sdk::Error::io("probe failure requested");
  return quarry::sdk::Result::structured({{"plugin", PROBE_PLUGIN_NAME}, {"args", args.json()}});
}
