#include "core/tools/mcp_schema.hpp"

#include <string>
#include <vector>

namespace ochat::tools {
namespace {

using Json = nlohmann::ordered_json;
constexpr int kMaxDepth = 32;

// Resolves a "#/a/b" JSON pointer against `root`; nullptr when it points nowhere.
const Json* resolve(const Json& root, const std::string& ref) {
  if (ref == "#") return &root;
  if (ref.rfind("#/", 0) != 0) return nullptr;
  const Json* at = &root;
  std::size_t pos = 2;
  while (true) {
    const std::size_t slash = ref.find('/', pos);
    std::string token = ref.substr(pos, slash == std::string::npos ? std::string::npos : slash - pos);
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
      if (key.empty() || key.find_first_not_of("0123456789") != std::string::npos || key.size() > 9) return nullptr;
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

Json clean(const Json& node, const Json& root, std::vector<std::string>& active, int depth) {
  if (depth > kMaxDepth) return unresolved("(schema nested too deeply)");
  if (node.is_array()) {
    Json out = Json::array();
    for (const auto& item : node) out.push_back(clean(item, root, active, depth + 1));
    return out;
  }
  if (!node.is_object()) return node;
  Json out = Json::object();
  auto ref = node.find("$ref");
  if (ref != node.end() && ref->is_string()) {
    const std::string target = ref->get<std::string>();
    const Json* resolved = target.rfind('#', 0) == 0 ? resolve(root, target) : nullptr;
    bool recursive = false;
    for (const auto& a : active) recursive = recursive || a == target;
    if (resolved == nullptr) {
      out = unresolved(target.rfind('#', 0) == 0 ? "(unresolved reference " + target + ")"
                                                 : "(remote reference " + target + " not followed)");
    } else if (recursive) {
      out = unresolved("(recursive reference " + target + ")");
    } else {
      active.push_back(target);
      Json inlined = clean(*resolved, root, active, depth + 1);
      active.pop_back();
      if (inlined.is_object()) out = std::move(inlined);
    }
  }
  for (auto it = node.begin(); it != node.end(); ++it) {
    if (it.key() == "$ref" || it.key() == "$schema") continue;
    const bool is_map = it.key() == "properties" || it.key() == "patternProperties" || it.key() == "$defs" ||
                        it.key() == "definitions";
    if (is_map && it.value().is_object()) {
      // Keyed by the user's names: a property may well be called "$ref" or "$schema".
      Json map = Json::object();
      for (auto p = it.value().begin(); p != it.value().end(); ++p) map[p.key()] = clean(p.value(), root, active, depth + 1);
      out[it.key()] = std::move(map);
    } else {
      out[it.key()] = clean(it.value(), root, active, depth + 1);
    }
  }
  return out;
}

}  // namespace

Json clean_schema(const Json& schema) {
  if (!schema.is_object()) return Json{{"type", "object"}, {"properties", Json::object()}};
  std::vector<std::string> active;
  Json out = clean(schema, schema, active, 0);
  out.erase("$defs");  // everything they held was inlined where it was used
  out.erase("definitions");
  if (!out.contains("type")) out["type"] = "object";
  if (!out.contains("properties") || !out["properties"].is_object()) out["properties"] = Json::object();
  return out;
}

}  // namespace ochat::tools
