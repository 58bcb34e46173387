#pragma once
// Turning an MCP tool's inputSchema into parameters that Ollama keeps useful: Ollama's tool
// schema type drops `$schema` and a property-level `$ref`, so references are inlined (bounded).
#include <nlohmann/json.hpp>

namespace ochat::tools {

// Returns a copy of `schema` with every `$schema` dropped and every local `$ref`
// ("#/$defs/NAME", "#/definitions/NAME", any "#/..." JSON pointer) replaced by what it points
// to (the keys next to the `$ref` win). A recursive reference, one nested too deep, one that
// points nowhere, any remote reference (never fetched), and any reference met once inlining has
// written 20,000 nodes (definitions that use each other several times grow exponentially)
// become {} (any value), with a description saying so. The root's `$defs` and `definitions` are
// dropped; the root always has "type":"object" and "properties". Never throws for any JSON input.
nlohmann::ordered_json clean_schema(const nlohmann::ordered_json& schema);

}  // namespace ochat::tools
