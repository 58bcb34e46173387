#include "core/batch/batch_runner.hpp"

#include <fmt/format.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "core/batch/ordered_window.hpp"

namespace ochat::batch {

namespace {

class Runner {
 public:
  Runner(const BatchOptions& options, const BatchCallbacks& callbacks)
      : options_(options),
        callbacks_(callbacks),
        jobs_(options.jobs == 0 ? 1 : options.jobs),
        window_(options.capacity != 0 ? options.capacity : std::max<std::size_t>(64, 16 * jobs_)) {}

  BatchOutcome run(ItemReader& reader) {
    std::vector<std::thread> workers;
    workers.reserve(jobs_);
    for (std::size_t w = 0; w < jobs_; ++w) workers.emplace_back([this, w] { work(w); });
    std::exception_ptr failure;
    try {
      feed(reader);
    } catch (const Error& e) {
      if (e.kind() == ErrorKind::interrupted) {
        signal_ = e.signal() != 0 ? e.signal() : options_.cancel.requested();
      } else {
        failure = std::current_exception();
      }
    } catch (...) {
      failure = std::current_exception();
    }
    {
      std::lock_guard lock(mutex_);
      closing_ = true;
    }
    work_ready_.notify_all();
    for (auto& worker : workers) worker.join();
    if (signal_ == 0) signal_ = options_.cancel.requested();
    {
      std::lock_guard lock(mutex_);
      for (const auto& text : window_.drain()) write(text);
    }
    if (failure) std::rethrow_exception(failure);
    BatchOutcome outcome;
    outcome.counts = counts_;
    outcome.signal = signal_;
    outcome.output_closed = options_.output_closed->load();
    return outcome;
  }

 private:
  bool stopping() const {
    return options_.cancel.requested() != 0 || options_.output_closed->load();
  }

  void feed(ItemReader& reader) {
    while (!stopping()) {
      std::optional<Item> item = reader.next();
      std::unique_lock lock(mutex_);
      if (!item) {
        counts_.input_done = true;
        return;
      }
      ++counts_.items;
      const bool skip = options_.resume && options_.resume->contains(item->index);
      if (skip && !options_.resume->same_input(item->index, item->input)) {
        throw Error(ErrorKind::usage,
                    fmt::format("--resume: item {} is not the one the results name", item->index),
                    "resume with the same input as the run that wrote them");
      }
      // Wait for room: in the window, and (to run it) a free worker.
      while (!stopping() &&
             !(window_.can_start(item->index) && (skip || queue_.size() + running_ < jobs_))) {
        slot_free_.wait_for(lock, std::chrono::milliseconds(50));
      }
      if (stopping()) return;
      if (skip) {
        ++counts_.skipped;
        ItemResult result;
        result.index = item->index;
        result.input = item->input;
        for (const auto& text : window_.finish(item->index, std::nullopt)) write(text);
        if (callbacks_.finished) callbacks_.finished(result, counts_);
        continue;
      }
      queue_.push_back(std::move(*item));
      lock.unlock();
      work_ready_.notify_one();
    }
  }

  void work(std::size_t worker) {
    for (;;) {
      std::unique_lock lock(mutex_);
      work_ready_.wait(lock, [this] { return closing_ || !queue_.empty(); });
      if (queue_.empty()) return;
      Item item = std::move(queue_.front());
      queue_.pop_front();
      ++running_;
      lock.unlock();

      ItemResult result;
      try {
        if (stopping()) {  // queued before the signal: not started
          result.index = item.index;
          result.interrupted = true;
        } else {
          result = callbacks_.run(item, worker);
        }
      } catch (const std::exception& e) {  // run() should not throw: a result all the same
        result.index = item.index;
        result.input = item.input;
        result.error = Error(ErrorKind::internal, e.what());
      }
      std::optional<std::string> text;
      if (!result.interrupted) text = callbacks_.encode(result);

      lock.lock();
      --running_;
      if (!result.interrupted) {
        ++counts_.finished;
        if (result.error) ++counts_.failed;
        if (result.stats.generated_tokens)
          counts_.generated_tokens += *result.stats.generated_tokens;
      }
      for (const auto& due : window_.finish(item.index, std::move(text))) write(due);
      if (callbacks_.finished) callbacks_.finished(result, counts_);
      lock.unlock();
      slot_free_.notify_all();
    }
  }

  // With the lock held.
  void write(const std::string& text) {
    if (options_.output_closed->load()) return;
    if (!callbacks_.write(text)) options_.output_closed->store(true);
  }

  const BatchOptions& options_;
  const BatchCallbacks& callbacks_;
  const std::size_t jobs_;
  std::mutex mutex_;
  std::condition_variable work_ready_;
  std::condition_variable slot_free_;
  std::deque<Item> queue_;
  std::size_t running_ = 0;
  bool closing_ = false;
  OrderedWindow window_;
  BatchCounts counts_;
  int signal_ = 0;
};

}  // namespace

BatchOutcome run_batch(ItemReader& reader, const BatchOptions& options,
                       const BatchCallbacks& callbacks) {
  Runner runner(options, callbacks);
  return runner.run(reader);
}

}  // namespace ochat::batch
