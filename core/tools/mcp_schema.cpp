#include "core/tools/mcp_schema.hpp"

#include <string>
#include <vector>

namespace ochat::tools {
namespace {

using Json = nlohmann::ordered_json;
constexpr int kMaxDepth = 32;
// Nodes written while inlining references. Without a bound, definitions that each use the next
// one several times grow exponentially: a 2 KB tools/list reply could keep ochat busy for hours.
constexpr std::size_t kMaxInlined = 20'000;

// Resolves a "#/a/b" JSON pointer against `root`; nullptr when it points nowhere.
const Json* resolve(const Json& root, const std::string& ref) {
  if (ref == "#") return &root;
  if (ref.rfind("#/", 0) != 0) return nullptr;
  const Json* at = &root;
  std::size_t pos = 2;
  while (true) {
    const std::size_t slash = ref.find('/', pos);
    std::string token =
        ref.substr(pos, slash == std::string::npos ? std::string::npos : slash - pos);
    std::string key;
    for (std::size_t i = 0; i < token.size(); ++i) {
      if (token[i] == '~' && i + 1 < token.size() && (token[i + 1] == '0' || token[i + 1] == '1')) {
        key += token[i + 1] == '0' ? '~' : '/';
        ++i;
      } else {
        key += token[i];
      }
    }
    if (at->is_object()) {
      auto it = at->find(key);
      if (it == at->end()) return nullptr;
      at = &*it;
    } else if (at->is_array()) {
      if (key.empty() || key.find_first_not_of("0123456789") != std::string::npos || key.size() > 9)
        return nullptr;
      const std::size_t index = std::stoul(key);
      if (index >= at->size()) return nullptr;
      at = &(*at)[index];
    } else {
      return nullptr;
    }
    if (slash == std::string::npos) return at;
    pos = slash + 1;
  }
}

Json unresolved(const std::string& why) { return Json{{"description", why}}; }

struct Walk {
  const Json& root;
  std::vector<std::string> active;  // the references being inlined, outermost first
  std::size_t inlined = 0;
};

Json clean(const Json& node, Walk& walk, int depth) {
  if (depth > kMaxDepth) return unresolved("(schema nested too deeply)");
  if (!walk.active.empty()) ++walk.inlined;
  if (node.is_array()) {
    Json out = Json::array();
    for (const auto& item : node) out.push_back(clean(item, walk, depth + 1));
    return out;
  }
  if (!node.is_object()) return node;
  Json out = Json::object();
  auto ref = node.find("$ref");
  if (ref != node.end() && ref->is_string()) {
    const std::string target = ref->get<std::string>();
    const Json* resolved = target.rfind('#', 0) == 0 ? resolve(walk.root, target) : nullptr;
    bool recursive = false;
    for (const auto& a : walk.active) recursive = recursive || a == target;
    if (resolved == nullptr) {
      out =
          unresolved(target.rfind('#', 0) == 0 ? "(unresolved reference " + target + ")"
                                               : "(remote reference " + target + " not followed)");
    } else if (recursive) {
      out = unresolved("(recursive reference " + target + ")");
    } else if (walk.inlined >= kMaxInlined) {
      out = unresolved("(reference " + target + " not inlined: the schema would grow too large)");
    } else {
      walk.active.push_back(target);
      Json inlined = clean(*resolved, walk, depth + 1);
      walk.active.pop_back();
      if (inlined.is_object()) out = std::move(inlined);
    }
  }
  for (auto it = node.begin(); it != node.end(); ++it) {
    if (it.key() == "$ref" || it.key() == "$schema") continue;
    // The root's definitions are dropped (inlined where used): not worth cleaning, nor the budget.
    if (depth == 0 && (it.key() == "$defs" || it.key() == "definitions")) continue;
    const bool is_map = it.key() == "properties" || it.key() == "patternProperties" ||
                        it.key() == "$defs" || it.key() == "definitions";
    if (is_map && it.value().is_object()) {
      // Keyed by the user's names: a property may well be called "$ref" or "$schema".
      Json map = Json::object();
      for (auto p = it.value().begin(); p != it.value().end(); ++p)
        map[p.key()] = clean(p.value(), walk, depth + 1);
      out[it.key()] = std::move(map);
    } else {
      out[it.key()] = clean(it.value(), walk, depth + 1);
    }
  }
  return out;
}

}  // namespace

Json clean_schema(const Json& schema) {
  if (!schema.is_object()) return Json{{"type", "object"}, {"properties", Json::object()}};
  Walk walk{schema, {}, 0};
  Json out = clean(schema, walk, 0);
  out.erase("$defs");  // (from a root $ref's target) everything they held was inlined where used
  out.erase("definitions");
  if (!out.contains("type")) out["type"] = "object";
  if (!out.contains("properties") || !out["properties"].is_object())
    out["properties"] = Json::object();
  return out;
}

}  // namespace ochat::tools
