#pragma once
// A plugin is any executable file (see man/ochat-plugins.7):
//   PLUGIN --describe      prints {"name","description","parameters"} or an array of them
//   PLUGIN --call NAME     reads the arguments (one JSON object) on stdin; exit 0: stdout is the
//                          result; non-zero: stderr (or stdout if stderr is empty) is the error
#include <chrono>
#include <memory>

#include "core/tools/tool_provider.hpp"

namespace ochat::tools {

// Most bytes of a tool's output that reach the model; the rest is cut and the model told so.
inline constexpr std::size_t kMaxToolOutput = 1 << 20;

struct PluginTimeouts {
  std::chrono::milliseconds describe{10'000};  // PLUGIN --describe (--describe-timeout)
  std::chrono::milliseconds call{60'000};      // each PLUGIN --call (--tool-timeout)
};

class ExecutablePlugin final : public ToolProvider {
 public:
  // Runs `path --describe` and checks what it printed. Throws ochat::Error naming the plugin
  // when it is a directory or not executable (usage), cannot run, fails, or prints something
  // that is not a valid description (the message quotes the first lines it printed, or says it
  // printed nothing); ErrorKind::timeout when it takes longer than `timeouts.describe`;
  // ErrorKind::interrupted (no message to show) when `cancel` fires.
  static std::unique_ptr<ExecutablePlugin> load(const std::string& path, PluginTimeouts timeouts,
                                                const sys::CancelToken& cancel);

  const std::string& source() const override { return path_; }
  const std::vector<ToolSpec>& tools() const override { return tools_; }
  bool concurrent_calls() const override { return true; }  // a process per call
  chat::ToolOutcome call(const std::string& name, const nlohmann::ordered_json& arguments,
                         const sys::CancelToken& cancel) override;

 private:
  ExecutablePlugin(std::string path, std::vector<ToolSpec> tools, std::chrono::milliseconds timeout)
      : path_(std::move(path)), tools_(std::move(tools)), timeout_(timeout) {}

  std::string path_;
  std::vector<ToolSpec> tools_;
  std::chrono::milliseconds timeout_;
};

// Parses a --describe output. Throws ochat::Error (internal) saying what is wrong.
std::vector<ToolSpec> parse_description(std::string_view text, const std::string& plugin);

}  // namespace ochat::tools
