#include "core/sys/subprocess.hpp"

#include <signal.h>

#include <algorithm>
#include <optional>

#include "core/sys/child_process.hpp"

namespace ochat::sys {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// Keeps up to `cap` bytes in `into`; says when more came.
struct CappedText {
  std::string& into;
  bool& truncated;
  std::size_t cap;
  void add(std::string_view bytes) {
    const std::size_t room = into.size() < cap ? cap - into.size() : 0;
    into.append(bytes.substr(0, room));
    if (bytes.size() > room) truncated = true;
  }
};

}  // namespace

SubprocessResult run_subprocess(const SubprocessOptions& o) {
  SubprocessResult r;
  const auto start = Clock::now();
  auto child = ChildProcess::spawn({o.argv, std::nullopt, false}, r.error);
  if (!child) return r;

  std::string input = o.stdin_data;
  if (input.empty()) child->close_stdin();
  CappedText out{r.out, r.out_truncated, o.output_cap}, err{r.err, r.err_truncated, o.output_cap};
  const OutputSinks sinks{[&](std::string_view b) { return out.add(b), true; },
                          [&](std::string_view b) { err.add(b); }};
  std::optional<ExitStatus> status;
  // Once the program is gone (or killed), its pipes get one second to reach end of file: a
  // process that left the group could hold them open forever.
  std::optional<Clock::time_point> give_up_at;
  auto kill_group = [&] {
    child->kill_group(SIGKILL);
    if (!give_up_at) give_up_at = Clock::now() + std::chrono::seconds(1);
  };
  auto stop = [&](SubprocessResult::End why) {
    if (r.end != SubprocessResult::End::not_started) return;
    r.end = why;
    kill_group();
  };

  for (;;) {
    if (!status && (status = child->poll_exit())) {
      // The leader is gone; helpers it left in its group must not keep our pipes open.
      kill_group();
      child->close_stdin();
    }
    if (status && !child->stdout_open() && !child->stderr_open()) break;
    if (give_up_at && Clock::now() >= *give_up_at) break;
    if (o.cancel.requested() != 0) stop(SubprocessResult::End::cancelled);
    const auto elapsed = std::chrono::duration_cast<milliseconds>(Clock::now() - start);
    if (elapsed >= o.timeout) stop(SubprocessResult::End::timed_out);
    if (r.out_truncated || r.err_truncated) stop(SubprocessResult::End::capped);
    const auto left = o.timeout - elapsed;
    child->pump(input, sinks, std::clamp(left, milliseconds(1), milliseconds(50)), o.cancel);
    if (input.empty()) child->close_stdin();  // all written: end of file
  }
  if (!status) status = child->wait();  // SIGKILL was sent: this returns promptly
  child->close_output();
  r.duration = std::chrono::duration_cast<milliseconds>(Clock::now() - start);
  if (r.end != SubprocessResult::End::not_started) return r;
  if (status->signal != 0) {
    r.end = SubprocessResult::End::signaled;
    r.signal = status->signal;
  } else {
    r.end = SubprocessResult::End::exited;
    r.exit_code = status->code;
  }
  return r;
}

}  // namespace ochat::sys
