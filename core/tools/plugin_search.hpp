#pragma once
// Finding plugins: `-t NAME` and `--tools-dir DIR`.
#include <string>
#include <vector>

#include "core/sys/environment.hpp"

namespace ochat::tools {

// A value with a '/' is a path. A bare name is looked up in OCHAT_PLUGIN_PATH (colon-separated
// directories), then in $XDG_CONFIG_HOME/ochat/plugins (default ~/.config/ochat/plugins).
// Throws ochat::Error (usage) when it is nowhere, listing where it looked.
std::string find_plugin(const std::string& name_or_path, const sys::Getenv& getenv);

// Every executable regular file in `dir` whose name does not start with '.', sorted by name. Throws
// ochat::Error (usage) when the directory cannot be read.
std::vector<std::string> plugins_in_dir(const std::string& dir);

}  // namespace ochat::tools
