#pragma once
// Runs a batch: items read one at a time on the calling thread, run by `jobs` worker threads,
// their results written in input order as soon as each and all before it have finished.
// Memory stays bounded: at most `jobs` items run and at most `capacity` finished results wait
// for an earlier one (no item starts further ahead of the oldest unfinished one than that).
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "core/batch/item_reader.hpp"
#include "core/batch/item_result.hpp"
#include "core/batch/resume.hpp"
#include "core/sys/cancel_token.hpp"

namespace ochat::batch {

struct BatchCounts {
  std::size_t items = 0;     // read so far (skipped ones included)
  std::size_t finished = 0;  // run to the end, failed or not
  std::size_t failed = 0;    // with an error
  std::size_t skipped = 0;   // already done in the --resume file
  std::int64_t generated_tokens = 0;
  bool input_done = false;  // every item has been read: `items` is the total
};

struct BatchOptions {
  std::size_t jobs = 4;
  std::size_t capacity = 0;  // 0: 16 per job, at least 64
  sys::CancelToken cancel;
  const Finished* resume = nullptr;  // items to skip
  // Set by the runner once write() returned false (nobody reads the output any more); the
  // items' sinks watch it to end their transfers. Must not be null.
  std::atomic<bool>* output_closed = nullptr;
};

struct BatchCallbacks {
  // On worker thread `worker` (0 to jobs - 1): runs the item. Must not throw.
  std::function<ItemResult(const Item& item, std::size_t worker)> run;
  // On the worker thread: what to write for a finished item; nullopt: nothing.
  std::function<std::optional<std::string>(const ItemResult& result)> encode;
  // Under the runner's lock, in input order. Returns false once the output is closed.
  std::function<bool(const std::string& text)> write;
  // Under the runner's lock, as each item finishes or is skipped (any order), after the results
  // it let through were written; may be empty.
  std::function<void(const ItemResult& result, const BatchCounts& counts)> finished;
};

struct BatchOutcome {
  BatchCounts counts;
  int signal = 0;  // a signal cut the batch short: finished results were written, in order
  bool output_closed = false;
};

// Runs every item `reader` gives. After a signal no item starts; the running ones end (as
// interrupted: nothing is written for them) and every finished result still waiting is written
// in input order, gaps and all. Throws (after writing what finished) the ochat::Error of a read
// that failed, or (usage) of an item --resume skips whose input differs from the one there.
BatchOutcome run_batch(ItemReader& reader, const BatchOptions& options,
                       const BatchCallbacks& callbacks);

}  // namespace ochat::batch
