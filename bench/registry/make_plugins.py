#!/usr/bin/python3
"""Generates N plugins of 10 tools each (plain C against sdk/include/quarry/plugin.h, with
schemas the size of the bundled plugins' small ones), compiled into one directory, for the
start-up benchmark of issue 3: spawn → initialize → tools/list with many plugins.

    /usr/bin/python3 bench/registry/make_plugins.py --count 200 --out /tmp/quarry-200
    build/release/bench/mcp_session_bench --runs 21 --plugin-dir /tmp/quarry-200
"""
import argparse
import concurrent.futures
import os
import subprocess

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
TOOLS = 10

SOURCE = r'''
#include <quarry/plugin.h>

static quarry_status call_tool(void* plugin_data, const quarry_call_v1* call, const char* args,
                               uint64_t size) {
  (void)plugin_data, (void)args, (void)size;
  static const char kResult[] = "{\"content\":[{\"type\":\"text\",\"text\":\"ok\"}]}";
  return call->set_result(call->call_data, kResult, sizeof kResult - 1);
}

#define INPUT "{\"type\":\"object\",\"required\":[\"path\"],\"properties\":{" \
  "\"path\":{\"type\":\"string\",\"description\":\"Input file under a data root\"}," \
  "\"columns\":{\"type\":\"array\",\"items\":{\"type\":\"string\"},\"description\":\"Columns to use; default all\"}," \
  "\"limit\":{\"type\":\"integer\",\"minimum\":1,\"description\":\"Most rows to return\"}}}"
#define OUTPUT "{\"type\":\"object\",\"properties\":{\"rows\":{\"type\":\"integer\"},\"columns\":{\"type\":\"array\"}}}"
#define TOOL(j) static const quarry_tool_v1 tool##j = {sizeof(quarry_tool_v1), NAME "_tool" #j, \
  "Tool " #j, "Summarises the columns of a file in one streaming pass (generated).", INPUT, OUTPUT, \
  "{\"readOnlyHint\":true}", call_tool, NULL};
TOOL(0) TOOL(1) TOOL(2) TOOL(3) TOOL(4) TOOL(5) TOOL(6) TOOL(7) TOOL(8) TOOL(9)
static const quarry_tool_v1* const tools[] = {&tool0, &tool1, &tool2, &tool3, &tool4,
                                              &tool5, &tool6, &tool7, &tool8, &tool9};
static const quarry_plugin_v1 plugin = {sizeof(quarry_plugin_v1), NAME, "1.0.0",
                                        "generated for the start-up benchmark", 10, tools, NULL};

QUARRY_EXPORT uint32_t quarry_plugin_abi_version(void) { return QUARRY_ABI_VERSION; }
QUARRY_EXPORT quarry_status quarry_plugin_init_v1(const quarry_host_v1* host,
                                                  const quarry_plugin_v1** out, char* error,
                                                  uint64_t error_capacity) {
  (void)host, (void)error, (void)error_capacity;
  *out = &plugin;
  return QUARRY_OK;
}
'''


def build(index, out):
    name = f"gen{index:03}"
    source = os.path.join(out, name + ".c")
    with open(source, "w") as f:
        f.write(f'#define NAME "{name}"\n' + SOURCE)
    subprocess.run(["cc", "-std=c99", "-O1", "-shared", "-fPIC", "-s",
                    "-I", os.path.join(ROOT, "sdk", "include"), source,
                    "-o", os.path.join(out, f"lib{name}.so")], check=True)
    os.remove(source)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    with concurrent.futures.ThreadPoolExecutor(os.cpu_count()) as pool:
        list(pool.map(lambda i: build(i, args.out), range(args.count)))
    print(f"{args.count} plugins x {TOOLS} tools in {args.out}")


if __name__ == "__main__":
    main()
