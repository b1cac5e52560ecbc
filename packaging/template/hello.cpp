// A minimal Quarry plugin: one tool, `hello_greet`, that greets a name and
// returns both structured content ({"greeting": ...}) and a text rendering.
#include <quarry/sdk.hpp>

#include <string>

QUARRY_PLUGIN("hello", "1.0.0", "Greets people (the Quarry plugin template)")

QUARRY_TOOL_ANNOTATED(
    hello_greet, "hello_greet", "Greet someone",
    "Returns a greeting for the given name. Use it to check that a plugin built from the "
    "template loads and runs.",
    R"({"type":"object",
        "properties":{"name":{"type":"string","minLength":1,"maxLength":200,
                              "description":"Who to greet"}},
        "required":["name"],
        "additionalProperties":false})",
    R"({"type":"object",
        "properties":{"greeting":{"type":"string"}},
        "required":["greeting"]})",
    R"({"readOnlyHint":true,"openWorldHint":false})")
(quarry::sdk::Call& call, const quarry::sdk::Args& args)->quarry::sdk::Result {
  const auto name = args.get<std::string>("name");
  if (name.find_first_not_of(" \t") == std::string::npos) {
    throw quarry::sdk::Error::invalid_argument("`name` is blank; pass the name to greet");
  }
  call.progress(1, 1, "greeted");
  const std::string greeting = "Hello, " + name + "!";
  return quarry::sdk::Result::structured({{"greeting", greeting}}, greeting);
}
