#pragma once
// The heavy headers most of core/ includes, compiled once per build (CMake precompiled header).
// Every file still includes what it uses: this list only makes builds faster.
#include <fmt/format.h>

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>
