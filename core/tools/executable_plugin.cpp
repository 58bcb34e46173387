#include "core/tools/executable_plugin.hpp"

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/error.hpp"
#include "core/sys/subprocess.hpp"
#include "core/text/excerpt.hpp"
#include "core/text/utf8.hpp"

namespace ochat::tools {
namespace {

using Json = nlohmann::ordered_json;

bool valid_name(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '.')
      return false;
  }
  return true;
}

std::string seconds(std::chrono::milliseconds ms) {
  return fmt::format("{:g} s", static_cast<double>(ms.count()) / 1000.0);
}

ToolSpec parse_one(const Json& j, const std::string& plugin) {
  if (!j.is_object())
    throw Error(
        ErrorKind::internal,
        fmt::format("plugin {}: --describe printed something that is not a JSON object", plugin));
  ToolSpec spec;
  auto name = j.find("name");
  if (name == j.end() || !name->is_string() || !valid_name(name->get<std::string>())) {
    throw Error(
        ErrorKind::internal,
        fmt::format(
            "plugin {}: --describe gave a tool without a valid \"name\" (letters, digits, _ - .)",
            plugin));
  }
  spec.name = name->get<std::string>();
  if (auto d = j.find("description"); d != j.end()) {
    if (!d->is_string())
      throw Error(
          ErrorKind::internal,
          fmt::format("plugin {}: \"description\" of {} is not a string", plugin, spec.name));
    spec.description = d->get<std::string>();
  }
  if (auto p = j.find("parameters"); p != j.end() && !p->is_null()) {
    if (!p->is_object())
      throw Error(ErrorKind::internal,
                  fmt::format("plugin {}: \"parameters\" of {} is not a JSON Schema object", plugin,
                              spec.name));
    spec.parameters = *p;
  } else {
    spec.parameters = {{"type", "object"}, {"properties", Json::object()}};
  }
  return spec;
}

}  // namespace

std::vector<ToolSpec> parse_description(std::string_view text, const std::string& plugin) {
  if (text::quoted_lines(text).empty()) {
    throw Error(ErrorKind::internal, fmt::format("plugin {}: --describe printed nothing", plugin));
  }
  Json j = Json::parse(text, nullptr, false);
  if (j.is_discarded()) {
    throw Error(ErrorKind::internal,
                fmt::format("plugin {}: --describe did not print valid JSON: {}", plugin,
                            text::quoted_lines(text)));
  }
  std::vector<ToolSpec> specs;
  if (j.is_array()) {
    for (const auto& one : j) specs.push_back(parse_one(one, plugin));
  } else {
    specs.push_back(parse_one(j, plugin));
  }
  if (specs.empty())
    throw Error(ErrorKind::internal, fmt::format("plugin {}: --describe listed no tools", plugin));
  return specs;
}

std::unique_ptr<ExecutablePlugin> ExecutablePlugin::load(const std::string& path,
                                                         PluginTimeouts timeouts,
                                                         const sys::CancelToken& cancel) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
    throw Error(ErrorKind::usage, fmt::format("plugin {} is a directory", path),
                "to offer every plugin in it: --tools-dir " + path);
  }
  if (::access(path.c_str(), X_OK) != 0) {
    throw Error(ErrorKind::usage, fmt::format("plugin {} is not an executable file", path),
                "make it executable: chmod +x " + path);
  }
  sys::SubprocessOptions options;
  options.argv = {path, "--describe"};
  options.timeout = timeouts.describe;
  options.output_cap = kMaxToolOutput;
  options.cancel = cancel;
  const auto r = sys::run_subprocess(options);
  // What it printed, for a message: its stderr, else its stdout.
  const auto printed = [&r] {
    if (std::string err = text::quoted_lines(r.err); !err.empty()) return "; on stderr: " + err;
    if (std::string out = text::quoted_lines(r.out); !out.empty()) return "; it printed " + out;
    return std::string(" and printed nothing");
  };
  using End = sys::SubprocessResult::End;
  switch (r.end) {
    case End::not_started:
      throw Error(ErrorKind::usage, fmt::format("plugin {} cannot be run: {}", path, r.error));
    case End::timed_out:
      throw Error(ErrorKind::timeout,
                  fmt::format("plugin {}: --describe did not finish within {}", path,
                              seconds(timeouts.describe)),
                  "raise --describe-timeout if the plugin is only slow to describe itself");
    case End::capped:
      throw Error(ErrorKind::internal,
                  fmt::format("plugin {}: --describe printed more than 1 MiB", path));
    case End::cancelled:
      throw Error::interrupted(cancel.requested());
    case End::signaled:
      throw Error(ErrorKind::internal,
                  fmt::format("plugin {}: --describe was killed by signal {}", path, r.signal));
    case End::exited:
      if (r.exit_code != 0) {
        throw Error(ErrorKind::internal,
                    fmt::format("plugin {}: --describe exited with status {}{}", path, r.exit_code,
                                printed()));
      }
      break;
  }
  if (text::quoted_lines(r.out).empty()) {
    std::string err = text::quoted_lines(r.err);
    throw Error(ErrorKind::internal,
                fmt::format("plugin {}: --describe printed nothing on stdout{}", path,
                            err.empty() ? "" : "; on stderr: " + err));
  }
  return std::unique_ptr<ExecutablePlugin>(
      new ExecutablePlugin(path, parse_description(r.out, path), timeouts.call));
}

chat::ToolOutcome ExecutablePlugin::call(const std::string& name, const Json& arguments,
                                         const sys::CancelToken& cancel) {
  sys::SubprocessOptions options;
  options.argv = {path_, "--call", name};
  options.stdin_data = arguments.dump(-1, ' ', false, Json::error_handler_t::replace);
  options.timeout = timeout_;
  options.output_cap = kMaxToolOutput;
  options.cancel = cancel;
  const auto r = sys::run_subprocess(options);

  chat::ToolOutcome outcome;
  outcome.duration = r.duration;
  using End = sys::SubprocessResult::End;
  switch (r.end) {
    case End::not_started:
      outcome.is_error = true;
      outcome.content = fmt::format("The tool {} could not be started: {}", name, r.error);
      return outcome;
    case End::cancelled:
      outcome.is_error = true;
      outcome.interrupted = true;
      outcome.content = "The tool was interrupted by the user.";
      return outcome;
    case End::timed_out:
      outcome.is_error = true;
      outcome.content = fmt::format("The tool {} did not finish within {} and was stopped.", name,
                                    seconds(timeout_));
      return outcome;
    case End::signaled:
      outcome.is_error = true;
      outcome.content = fmt::format("The tool {} was killed by signal {}.", name, r.signal);
      if (!r.err.empty()) outcome.content += "\n" + text::valid_utf8(r.err);
      return outcome;
    case End::capped:
    case End::exited:
      break;
  }
  const bool failed = r.end == End::exited && r.exit_code != 0;
  const bool use_err = failed && !r.err.empty();
  const std::string& text = use_err ? r.err : r.out;
  const bool truncated = r.end == End::capped && (use_err ? r.err_truncated : r.out_truncated);
  outcome.is_error = failed;
  outcome.content = text::valid_utf8(text);
  if (failed && outcome.content.empty())
    outcome.content = fmt::format("The tool {} failed with exit status {}.", name, r.exit_code);
  if (truncated || r.end == End::capped) {
    outcome.content +=
        fmt::format("\n[ochat: output cut at {} bytes; the tool wrote more]", kMaxToolOutput);
  }
  return outcome;
}

}  // namespace ochat::tools
