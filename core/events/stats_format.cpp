#include "core/events/stats_format.hpp"

#include <fmt/format.h>

namespace ochat::events {
namespace {

std::string duration(std::int64_t ns) {
  if (ns >= 1'000'000'000) return fmt::format("{:.2f} s", static_cast<double>(ns) / 1e9);
  return fmt::format("{:.2f} ms", static_cast<double>(ns) / 1e6);
}

void line(std::string& out, std::string_view label, const std::string& value) {
  out += fmt::format("{:<18}{}\n", fmt::format("{}:", label), value);
}

}  // namespace

std::string format_stats(const events::Stats& s) {
  std::string out;
  if (s.prompt_tokens) line(out, "prompt tokens", fmt::format("{}", *s.prompt_tokens));
  if (s.generated_tokens) line(out, "generated tokens", fmt::format("{}", *s.generated_tokens));
  if (s.generated_tokens && s.eval_ns && *s.eval_ns > 0) {
    const double rate =
        static_cast<double>(*s.generated_tokens) / (static_cast<double>(*s.eval_ns) / 1e9);
    line(out, "eval rate", fmt::format("{:.2f} tokens/s", rate));
  }
  if (s.load_ns) line(out, "load time", duration(*s.load_ns));
  if (s.total_ns) line(out, "total time", duration(*s.total_ns));
  return out;
}

}  // namespace ochat::events
