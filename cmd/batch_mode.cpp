// The batch: the prompt once per item of the input, -j at a time, the results in input order.
#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "cmd/mode_support.hpp"
#include "core/batch/batch_runner.hpp"
#include "core/batch/item_chat.hpp"
#include "core/batch/progress.hpp"
#include "core/batch/result_line.hpp"
#include "core/batch/shared_tools.hpp"
#include "core/events/json_lines_sink.hpp"
#include "core/http/curl_transport.hpp"
#include "core/sys/clock.hpp"
#include "core/sys/signals.hpp"

namespace ochat::cmd {
namespace {

// The flags that have no meaning for a batch, refused before anything starts.
void check_batch_flags(const config::Options& o) {
  auto refuse = [](std::string_view flag, std::string_view why = {}) {
    throw Error(ErrorKind::usage, fmt::format("{} cannot be used with --each", flag),
                why.empty() ? std::string("see BATCH MODE in ochat(1)") : std::string(why));
  };
  if (!o.attach.empty()) refuse("-a/--attach");
  if (o.continue_last) refuse("-c/--continue", "batch items are not saved as conversations");
  if (!o.chat.empty()) refuse("--chat", "batch items are not saved as conversations");
  if (o.confirm) refuse("--confirm");
  if (o.interactive) refuse("-i/--interactive", "a batch reads its items, one per line");
  for (const auto& word : o.prompt) {
    if (word == "-") refuse("'-' (standard input as the prompt)", "standard input holds the items");
  }
  if (o.no_stdin && o.each_file.empty()) {
    refuse("--no-stdin", "the items are read from standard input; --each-file reads a file");
  }
  if (!o.resume.empty() && (o.output == config::Output::events || o.each_text)) {
    refuse(o.each_text ? "--resume with --each-text" : "--resume with --events",
           "--resume reads the JSON results that --each writes by default");
  }
}

// The items' file descriptor: --each-file's, else standard input.
class ItemInput {
 public:
  explicit ItemInput(const std::string& path) {
    if (path.empty()) return;
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) {
      throw Error(ErrorKind::usage,
                  fmt::format("--each-file: cannot open {}: {}", path, std::strerror(errno)));
    }
  }
  ~ItemInput() {
    if (fd_ != STDIN_FILENO) ::close(fd_);
  }
  ItemInput(const ItemInput&) = delete;
  ItemInput& operator=(const ItemInput&) = delete;
  int fd() const { return fd_; }

 private:
  int fd_ = STDIN_FILENO;
};

// One item's --events lines, written to stdout whole under the shared lock at each flush.
class ItemLines final : public events::LineOutput {
 public:
  ItemLines(io::FdStream& out, std::mutex& mutex, std::atomic<bool>& closed)
      : out_(out), mutex_(mutex), closed_(closed) {}
  void append(std::string_view lines) override { buffer_.append(lines); }
  bool flush() override {
    if (buffer_.empty()) return !closed_.load();
    std::lock_guard lock(mutex_);
    out_.append(buffer_);
    buffer_.clear();
    if (!out_.flush()) closed_.store(true);
    return !closed_.load();
  }

 private:
  io::FdStream& out_;
  std::mutex& mutex_;
  std::atomic<bool>& closed_;
  std::string buffer_;
};

std::string joined(const std::vector<std::string>& words) {
  std::string text;
  for (const auto& word : words) {
    if (!text.empty()) text += ' ';
    text += word;
  }
  return text;
}

}  // namespace

int run_batch(const config::Options& options, RunContext& context) {
  check_batch_flags(options);
  const config::Settings settings = resolve(options, context);
  const bool events = settings.output == config::Output::events;
  const bool jsonl = options.each_jsonl;
  if (settings.model.empty() && !jsonl) {
    throw Error(ErrorKind::usage, "no model given: use -m NAME or set OCHAT_MODEL");
  }
  // Read before anything starts: a bad file is a usage error.
  std::optional<batch::Finished> finished;
  if (!options.resume.empty()) {
    finished = batch::read_finished_file(options.resume);
    if (finished->ignored > 0) {
      const bool one = finished->ignored == 1;
      warn(context,
           fmt::format("--resume: ignored {} line{} of {} ({})", finished->ignored, one ? "" : "s",
                       options.resume, one ? "not a result line" : "not result lines"));
    }
  }
  const ItemInput input(options.each_file);

  sys::SignalGuard signals;
  context.cancel = signals.token();
  std::mutex err_mutex;  // stderr: the status line, the items' errors, the MCP servers' logs
  tools::Registry registry;
  load_tools(options, settings, context, registry, &err_mutex);
  batch::SharedTools shared_tools(registry);
  sys::SystemClock clock;

  batch::ItemChat chat;
  chat.base = settings.request;
  chat.base.model = settings.model;
  chat.base.tools = registry.definitions();
  chat.system = settings.system;
  chat.prompt = joined(settings.prompt);
  chat.api = settings.api;
  chat.timeouts = settings.timeouts;
  chat.secret = settings.api_key;
  chat.conversation.tools = registry.empty() ? nullptr : &shared_tools;
  chat.conversation.max_rounds = settings.max_rounds;
  chat.conversation.recovery.policy.retries = settings.retries;
  chat.conversation.recovery.clock = &clock;

  // Each worker has its own transport (its connections kept alive from one item to the next)
  // and its own backend.
  const auto jobs = static_cast<std::size_t>(options.jobs);
  std::vector<std::unique_ptr<chat::Backend>> backends;
  std::vector<std::unique_ptr<http::CurlTransport>> transports;
  for (std::size_t w = 0; w < jobs; ++w) {
    backends.push_back(config::make_backend(settings));
    transports.push_back(std::make_unique<http::CurlTransport>());
  }

  std::atomic<bool> output_closed{false};
  std::mutex out_mutex;  // stdout, for the items' --events lines
  batch::ProgressDisplay progress(context.err, clock);
  const sys::CancelToken cancel = context.cancel;

  batch::BatchCallbacks callbacks;
  callbacks.run = [&](const batch::Item& item, std::size_t worker) {
    if (!events) {
      return batch::run_item(item, chat, *backends[worker], *transports[worker], nullptr, cancel,
                             &output_closed);
    }
    ItemLines lines(context.out, out_mutex, output_closed);
    events::JsonLinesSink sink(lines, item.index);
    return batch::run_item(item, chat, *backends[worker], *transports[worker], &sink, cancel,
                           &output_closed);
  };
  callbacks.encode = [&](const batch::ItemResult& result) -> std::optional<std::string> {
    if (events) return std::nullopt;
    return options.each_text ? batch::result_text(result) : batch::result_line(result);
  };
  callbacks.write = [&](const std::string& text) {
    if (context.out.is_terminal()) {  // the same terminal as stderr, most likely
      std::lock_guard lock(err_mutex);
      progress.erase();
    }
    std::lock_guard lock(out_mutex);
    context.out.append(text);
    return context.out.flush();
  };
  callbacks.finished = [&](const batch::ItemResult& result, const batch::BatchCounts& counts) {
    std::lock_guard lock(err_mutex);
    // With --each-text the errors have no other place than stderr.
    if (options.each_text && result.error) {
      progress.erase();
      std::string line =
          fmt::format("ochat: error: item {}: {}", result.index, result.error->what());
      if (!result.error->hint().empty()) line += "; " + result.error->hint();
      context.err.append(line + "\n");
      context.err.flush();
    }
    progress.update(counts);
  };

  batch::ItemReader reader(
      batch::fd_reader(input.fd(), cancel.wake_fd, [cancel] { return cancel.requested(); }),
      jsonl ? batch::ItemFormat::jsonl : batch::ItemFormat::lines);
  batch::BatchOptions run;
  run.jobs = jobs;
  run.cancel = cancel;
  run.resume = finished ? &*finished : nullptr;
  run.output_closed = &output_closed;
  const batch::BatchOutcome outcome = batch::run_batch(reader, run, callbacks);
  progress.erase();

  const batch::BatchCounts& counts = outcome.counts;
  if (settings.verbose) {
    context.err.append(batch::summary_line(counts, progress.elapsed()) + "\n");
    context.err.flush();
  }
  if (outcome.signal != 0) return 128 + outcome.signal;
  if (counts.failed > 0 && !outcome.output_closed) {
    if (!options.each_text) {
      context.err.append(fmt::format("ochat: {} of {} items failed (their results say why)\n",
                                     counts.failed, counts.finished));
      context.err.flush();
    }
    return kExitItemsFailed;
  }
  return kExitOk;
}

}  // namespace ochat::cmd
