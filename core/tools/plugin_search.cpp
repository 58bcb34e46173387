#include "core/tools/plugin_search.hpp"

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "core/error.hpp"

namespace ochat::tools {
namespace {

bool is_executable_file(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

std::vector<std::string> search_dirs(const sys::Getenv& getenv) {
  std::vector<std::string> dirs;
  const std::string path = getenv("OCHAT_PLUGIN_PATH").value_or("");
  std::size_t start = 0;
  while (start <= path.size()) {
    auto colon = path.find(':', start);
    if (colon == std::string::npos) colon = path.size();
    if (colon > start) dirs.push_back(path.substr(start, colon - start));
    start = colon + 1;
  }
  std::string config = getenv("XDG_CONFIG_HOME").value_or("");
  if (config.empty()) {
    const std::string home = getenv("HOME").value_or("");
    if (!home.empty()) config = home + "/.config";
  }
  if (!config.empty()) dirs.push_back(config + "/ochat/plugins");
  return dirs;
}

}  // namespace

std::string find_plugin(const std::string& name, const sys::Getenv& getenv) {
  if (name.find('/') != std::string::npos) {
    if (!std::filesystem::exists(name))
      throw Error(ErrorKind::usage, fmt::format("plugin {} does not exist", name));
    return name;
  }
  const auto dirs = search_dirs(getenv);
  for (const auto& dir : dirs) {
    const std::string candidate = dir + "/" + name;
    if (is_executable_file(candidate)) return candidate;
  }
  throw Error(
      ErrorKind::usage,
      fmt::format("no plugin named '{}' in {}", name,
                  dirs.empty() ? "any directory" : fmt::format("{}", fmt::join(dirs, ", "))),
      "give a path, or set OCHAT_PLUGIN_PATH");
}

std::vector<std::string> plugins_in_dir(const std::string& dir) {
  std::error_code ec;
  std::vector<std::string> found;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.path().filename().string().starts_with(".")) continue;  // hidden: never a plugin
    const std::string path = entry.path().string();
    if (is_executable_file(path)) found.push_back(path);
  }
  if (ec)
    throw Error(ErrorKind::usage,
                fmt::format("--tools-dir: cannot read {}: {}", dir, ec.message()));
  std::sort(found.begin(), found.end());
  return found;
}

}  // namespace ochat::tools
