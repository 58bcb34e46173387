// The batch mode's parts: the item parsers and reader, the ordered result window, the result
// lines, --resume's reading of them, the runner's ordering and bounds, the progress line.
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "core/batch/batch_runner.hpp"
#include "core/batch/item.hpp"
#include "core/batch/item_chat.hpp"
#include "core/batch/item_reader.hpp"
#include "core/batch/ordered_window.hpp"
#include "core/batch/progress.hpp"
#include "core/batch/result_line.hpp"
#include "core/batch/resume.hpp"
#include "core/batch/shared_tools.hpp"
#include "core/events/json_lines_sink.hpp"

using namespace ochat;
using namespace ochat::batch;
using Json = nlohmann::ordered_json;

namespace {

// A ReadFunction over `text`, handing out at most `piece` bytes per read.
ReadFunction reader_of(std::string text, std::size_t piece) {
  auto data = std::make_shared<std::string>(std::move(text));
  auto at = std::make_shared<std::size_t>(0);
  return [data, at, piece](char* buffer, std::size_t size) {
    const std::size_t n = std::min({piece, size, data->size() - *at});
    data->copy(buffer, n, *at);
    *at += n;
    return n;
  };
}

std::vector<Item> read_all(const std::string& text, ItemFormat format, std::size_t piece) {
  ItemReader reader(reader_of(text, piece), format);
  std::vector<Item> items;
  while (auto item = reader.next()) items.push_back(std::move(*item));
  return items;
}

}  // namespace

TEST_CASE("batch::ItemReader gives one item per non-blank line, at every read size") {
  const std::string text = "first\r\n\n  \nsecond line\n\t\nthird without newline";
  for (std::size_t piece : {std::size_t{1}, std::size_t{2}, std::size_t{5}, std::size_t{1000}}) {
    INFO("piece " << piece);
    const auto items = read_all(text, ItemFormat::lines, piece);
    REQUIRE(items.size() == 3);
    CHECK(items[0].input == "first");
    CHECK(items[0].index == 0);
    CHECK(items[1].input == "second line");
    CHECK(items[1].index == 1);
    CHECK(items[2].input == "third without newline");
    CHECK(items[2].index == 2);
    CHECK_FALSE(items[2].error);
  }
  CHECK(read_all("", ItemFormat::lines, 10).empty());
  CHECK(read_all("\n\n", ItemFormat::lines, 10).empty());
}

TEST_CASE("batch::ItemReader keeps multi-byte characters whole across reads") {
  const std::string text = "caf\xC3\xA9\n\xE4\xBD\xA0\xE5\xA5\xBD\n";
  const auto items = read_all(text, ItemFormat::lines, 1);
  REQUIRE(items.size() == 2);
  CHECK(items[0].input == "caf\xC3\xA9");
  CHECK(items[1].input == "\xE4\xBD\xA0\xE5\xA5\xBD");
}

TEST_CASE("batch::ItemReader hands out the items of a long input one at a time") {
  // A reader that counts what it was asked for: the items come before the input is all read.
  std::size_t served = 0;
  const std::size_t lines = 100000;
  ItemReader reader(
      [&](char* buffer, std::size_t size) -> std::size_t {
        if (served >= lines * 2) return 0;
        std::size_t n = 0;
        while (n + 2 <= size && served < lines * 2) {
          buffer[n++] = 'x';
          buffer[n++] = '\n';
          served += 2;
        }
        return n;
      },
      ItemFormat::lines);
  REQUIRE(reader.next());
  CHECK(served < lines * 2);  // not all read for the first item
  std::size_t count = 1;
  while (reader.next()) ++count;
  CHECK(count == lines);
}

TEST_CASE("batch::jsonl_item reads the fields that override the command line") {
  const Item item = jsonl_item(
      3,
      R"({"prompt":"hi","id":"a-1","system":"be brief","model":"m2","options":{"temperature":0.5},"extra":1})");
  CHECK_FALSE(item.error);
  CHECK(item.index == 3);
  CHECK(item.input == "hi");
  CHECK(*item.id == "a-1");
  CHECK(*item.system == "be brief");
  CHECK(*item.model == "m2");
  CHECK(item.options == Json{{"temperature", 0.5}});

  const Item numbered = jsonl_item(0, R"({"prompt":"x","id":7})");
  CHECK(*numbered.id == 7);
  CHECK_FALSE(numbered.model);
  CHECK_FALSE(numbered.system);
}

TEST_CASE("batch::jsonl_item makes a bad line that item's error") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"not json", "not valid JSON"},
      {"[1,2]", "not a JSON object"},
      {R"({"id":1})", "no \"prompt\""},
      {R"({"prompt":5})", "\"prompt\" is not a string"},
      {R"({"prompt":"x","id":[1]})", "\"id\" is not a string or a number"},
      {R"({"prompt":"x","options":[1]})", "\"options\" is not a JSON object"},
      {R"({"prompt":"x","model":1})", "\"model\" is not a string"},
  };
  for (const auto& [line, message] : cases) {
    INFO(line);
    const Item item = jsonl_item(1, line);
    REQUIRE(item.error);
    CHECK(item.error->kind() == ErrorKind::usage);
    CHECK_THAT(item.error->what(), Catch::Contains(message));
  }
  CHECK(jsonl_item(1, "not json").input == "not json");  // the line itself, for the result
}

TEST_CASE("batch::item_message puts the item's text first, then a blank line and the prompt") {
  Item item = plain_item(0, "bonjour");
  CHECK(item_message(item, "translate to English") == "bonjour\n\ntranslate to English");
  CHECK(item_message(item, "") == "bonjour");
}

TEST_CASE("batch::item_options adds an item's options to -o's, checked by name") {
  const Json base = {{"temperature", 0.2}, {"num_ctx", 4096}};
  const Json merged =
      item_options(base, {{"temperature", 0.9}, {"!custom", "x"}}, config::Api::ollama);
  CHECK(merged == Json{{"temperature", 0.9}, {"num_ctx", 4096}, {"custom", "x"}});
  CHECK_THROWS_WITH(item_options(base, {{"temprature", 1}}, config::Api::ollama),
                    Catch::Contains("\"temprature\" is unknown"));
}

TEST_CASE("batch::item_options checks the type of each known option, as -o does") {
  const Json base = Json::object();
  CHECK_THROWS_WITH(item_options(base, {{"temperature", "hot"}}, config::Api::ollama),
                    "the item's option \"temperature\" takes a number, got \"hot\"");
  CHECK_THROWS_WITH(item_options(base, {{"num_ctx", 1.5}}, config::Api::ollama),
                    "the item's option \"num_ctx\" takes a whole number, got 1.5");
  CHECK_THROWS_WITH(item_options(base, {{"stop", {1, 2}}}, config::Api::openai),
                    Catch::Contains("takes a string or a list of strings, got [1,2]"));
  // A lone string for a list is a list of one; an unchecked option keeps its value as given.
  CHECK(item_options(base, {{"stop", "\n"}, {"!raw", {{"a", 1}}}}, config::Api::ollama) ==
        Json{{"stop", {"\n"}}, {"raw", {{"a", 1}}}});
  CHECK(item_options(base, {{"temperature", 1}}, config::Api::ollama) == Json{{"temperature", 1}});
}

TEST_CASE("batch::OrderedWindow writes results in input order as soon as they are due") {
  OrderedWindow window(8);
  CHECK(window.finish(2, "c").empty());
  CHECK(window.finish(1, "b").empty());
  CHECK(window.held() == 2);
  CHECK(window.finish(0, "a") == std::vector<std::string>{"a", "b", "c"});
  CHECK(window.held() == 0);
  CHECK(window.next_unwritten() == 3);
  // A skipped (or interrupted) item writes nothing but lets the next ones through.
  CHECK(window.finish(4, "e").empty());
  CHECK(window.finish(3, std::nullopt) == std::vector<std::string>{"e"});
}

TEST_CASE("batch::OrderedWindow bounds how far ahead of the oldest unfinished item one starts") {
  OrderedWindow window(3);
  CHECK(window.can_start(0));
  CHECK(window.can_start(2));
  CHECK_FALSE(window.can_start(3));
  window.finish(1, "b");
  window.finish(2, "c");
  CHECK_FALSE(window.can_start(3));  // item 0 still runs: three slots taken
  CHECK(window.finish(0, "a").size() == 3);
  CHECK(window.can_start(5));
  CHECK_FALSE(window.can_start(6));
  CHECK_THROWS(window.finish(6, "x"));  // outside the window
  CHECK_THROWS(window.finish(0, "x"));  // already written
}

TEST_CASE("batch::OrderedWindow drains what finished, in order, past the gaps") {
  OrderedWindow window(10);
  window.finish(3, "d");
  window.finish(1, "b");
  CHECK(window.drain() == std::vector<std::string>{"b", "d"});
  CHECK(window.held() == 0);
}

TEST_CASE("batch::result_line writes the documented fields, and only those that apply") {
  ItemResult ok;
  ok.index = 4;
  ok.id = "t-9";
  ok.input = "in";
  ok.output = "out \xFF";  // invalid UTF-8 is replaced: the line stays JSON
  ok.done_reason = "stop";
  ok.stats.prompt_tokens = 26;
  ok.stats.generated_tokens = 4;
  const std::string line = result_line(ok);
  REQUIRE(line.back() == '\n');
  CHECK(line.find('\n') == line.size() - 1);
  const Json doc = Json::parse(line);
  CHECK(doc == Json{{"index", 4},
                    {"id", "t-9"},
                    {"input", "in"},
                    {"output", "out \xEF\xBF\xBD"},
                    {"done_reason", "stop"},
                    {"stats", {{"prompt_tokens", 26}, {"generated_tokens", 4}}}});

  ItemResult failed;
  failed.index = 0;
  failed.input = "x";
  failed.thinking = "hmm";
  failed.done_reason = "error";
  failed.error = Error(ErrorKind::http, "model 'nope' not found", "try: ollama pull nope");
  const Json bad = Json::parse(result_line(failed));
  CHECK_FALSE(bad.contains("id"));
  CHECK(bad["thinking"] == "hmm");
  CHECK(bad["error"] == Json{{"kind", "http"},
                             {"message", "model 'nope' not found"},
                             {"hint", "try: ollama pull nope"}});
}

TEST_CASE("batch::result_text writes each answer and a blank line") {
  ItemResult r;
  r.output = "one";
  CHECK(result_text(r) == "one\n\n");
  r.output = "two\n";
  CHECK(result_text(r) == "two\n\n");
  r.output = "";
  CHECK(result_text(r) == "\n");
}

TEST_CASE("batch::read_finished takes the items that succeeded, whatever else the file holds") {
  std::istringstream in(
      "{\"index\":0,\"input\":\"a\",\"output\":\"x\",\"stats\":{}}\n"
      "{\"index\":1,\"input\":\"b\",\"output\":\"\",\"error\":{\"kind\":\"http\",\"message\":\"m\"}"
      "}\n"
      "\n"
      "{\"index\":5,\"output\":\"y\",\"error\":null}\n"
      "{\"index\":0,\"output\":\"again\"}\n"
      "{\"index\":-1}\n"
      "{\"index\":2,\"out");  // cut short
  const Finished done = read_finished(in);
  CHECK(done.contains(0));
  CHECK_FALSE(done.contains(1));
  CHECK_FALSE(done.contains(2));
  CHECK(done.contains(5));
  CHECK_FALSE(done.contains(100));
  CHECK(done.count == 2);
  CHECK(done.ignored == 2);
}

TEST_CASE("batch::read_finished: a huge index is ignored, not a request for terabytes of flags") {
  // The bug: the only bound was 2^40, so {"index": 2^39} sized two vectors to 2^39 entries.
  std::istringstream in(
      "{\"index\":549755813888,\"input\":\"x\"}\n"
      "{\"index\":0,\"input\":\"a\"}\n"
      "{\"index\":1048577,\"input\":\"b\"}\n");  // within lines read + 2^20: taken
  const Finished done = read_finished(in);
  CHECK(done.ignored == 1);
  CHECK(done.count == 2);
  CHECK(done.contains(0));
  CHECK(done.contains(1048577));
  CHECK_FALSE(done.contains(549755813888));
  CHECK(done.finished.size() < 2'000'000);
}

TEST_CASE("batch::run_batch refuses to skip an item whose input is not the one --resume read") {
  std::istringstream in("{\"index\":0,\"input\":\"item0\"}\n{\"index\":1,\"input\":\"other\"}\n");
  const Finished done = read_finished(in);
  CHECK(done.same_input(0, "item0"));
  CHECK_FALSE(done.same_input(1, "item1"));
  CHECK(done.same_input(7, "anything"));  // nothing recorded
  std::atomic<bool> closed{false};
  ItemReader reader(reader_of("item0\nitem1\nitem2\n", 100), ItemFormat::lines);
  BatchOptions options;
  options.resume = &done;
  options.output_closed = &closed;
  BatchCallbacks callbacks;
  callbacks.run = [](const Item& item, std::size_t) {
    ItemResult r;
    r.index = item.index;
    return r;
  };
  callbacks.encode = [](const ItemResult&) -> std::optional<std::string> { return "x"; };
  callbacks.write = [](const std::string&) { return true; };
  CHECK_THROWS_WITH(run_batch(reader, options, callbacks),
                    Catch::Contains("item 1 is not the one the results name"));
}

TEST_CASE(
    "batch::Finished::same_input matches an input that is not UTF-8 with what its line says") {
  // The result line holds the input with invalid UTF-8 replaced (and a NUL escaped): resuming
  // a Latin-1 file is resuming the same input.
  const std::string latin1 = "caf\xE9 \xFF";
  const std::string nul("a\0b", 3);
  ItemResult a;
  a.index = 0;
  a.input = latin1;
  ItemResult b;
  b.index = 1;
  b.input = nul;
  std::istringstream in(result_line(a) + result_line(b));
  const Finished done = read_finished(in);
  REQUIRE(done.count == 2);
  CHECK(done.same_input(0, latin1));
  CHECK(done.same_input(1, nul));
  CHECK_FALSE(done.same_input(0, "caf\xC3\xA9 \xFF"));
}

TEST_CASE("batch::read_finished_file names --resume when the file cannot be read") {
  CHECK_THROWS_WITH(read_finished_file("/nonexistent/out.jsonl"), Catch::Contains("--resume"));
}

namespace {

// Runs `n` plain items through run_batch with `jobs` workers; item i takes delays[i % size] ms.
struct FakeBatch {
  std::mutex mutex;
  std::vector<std::string> written;
  std::atomic<int> running{0};
  std::atomic<int> most{0};
  std::atomic<bool> closed{false};
  std::atomic<bool> zero_finished{false};

  BatchOutcome run(std::size_t n, std::size_t jobs, std::vector<int> delays,
                   std::size_t capacity = 0, const Finished* resume = nullptr,
                   std::function<void(std::size_t)> on_start = {}) {
    std::string text;
    for (std::size_t i = 0; i < n; ++i) text += "item" + std::to_string(i) + "\n";
    ItemReader reader(reader_of(text, 7), ItemFormat::lines);
    BatchOptions options;
    options.jobs = jobs;
    options.capacity = capacity;
    options.resume = resume;
    options.output_closed = &closed;
    BatchCallbacks callbacks;
    callbacks.run = [&, delays](const Item& item, std::size_t) {
      const int now = ++running;
      for (int seen = most.load(); now > seen && !most.compare_exchange_weak(seen, now);) {
      }
      if (on_start) on_start(item.index);
      std::this_thread::sleep_for(std::chrono::milliseconds(delays[item.index % delays.size()]));
      if (item.index == 0) zero_finished = true;
      --running;
      ItemResult result;
      result.index = item.index;
      result.input = item.input;
      result.output = "answer to " + item.input;
      if (item.index % 5 == 4) result.error = Error(ErrorKind::stream, "broke");
      return result;
    };
    callbacks.encode = [](const ItemResult& r) -> std::optional<std::string> { return r.output; };
    callbacks.write = [&](const std::string& t) {
      std::lock_guard lock(mutex);
      written.push_back(t);
      return true;
    };
    return run_batch(reader, options, callbacks);
  }
};

}  // namespace

TEST_CASE("batch::run_batch writes the results in input order whatever order they finish in") {
  FakeBatch batch;
  const auto outcome = batch.run(20, 4, {30, 1, 12, 0, 5, 20});
  REQUIRE(batch.written.size() == 20);
  for (std::size_t i = 0; i < 20; ++i)
    CHECK(batch.written[i] == "answer to item" + std::to_string(i));
  CHECK(outcome.counts.items == 20);
  CHECK(outcome.counts.finished == 20);
  CHECK(outcome.counts.failed == 4);
  CHECK(outcome.counts.input_done);
  CHECK(outcome.signal == 0);
  CHECK(batch.most.load() <= 4);
  CHECK(batch.most.load() >= 2);  // they did overlap
}

TEST_CASE("batch::run_batch with one job runs the items one after the other") {
  FakeBatch batch;
  batch.run(6, 1, {3});
  CHECK(batch.most.load() == 1);
  CHECK(batch.written.size() == 6);
}

TEST_CASE("batch::run_batch starts no item further ahead than the window while one is slow") {
  // Item 0 is slow; with a window of 6, items 1-5 finish and wait, and no item from 6 on may
  // start before item 0 has finished.
  FakeBatch batch;
  std::vector<int> delays(20, 1);
  delays[0] = 200;
  std::atomic<int> too_early{0};
  batch.run(20, 4, delays, 6, nullptr, [&](std::size_t index) {
    if (index >= 6 && !batch.zero_finished.load()) ++too_early;
  });
  CHECK(too_early.load() == 0);
  CHECK(batch.written.size() == 20);
}

TEST_CASE("batch::run_batch skips the items --resume says succeeded") {
  std::istringstream in("{\"index\":1}\n{\"index\":3}\n");
  const Finished done = read_finished(in);
  FakeBatch batch;
  const auto outcome = batch.run(5, 2, {1}, 0, &done);
  CHECK(batch.written ==
        std::vector<std::string>{"answer to item0", "answer to item2", "answer to item4"});
  CHECK(outcome.counts.skipped == 2);
  CHECK(outcome.counts.items == 5);
}

TEST_CASE("batch::progress_line says what is known") {
  BatchCounts counts;
  counts.items = 10;
  counts.finished = 3;
  CHECK(progress_line(counts, std::chrono::milliseconds(6000)) == "3 items, 0:06");
  counts.input_done = true;
  counts.failed = 1;
  counts.generated_tokens = 120;
  CHECK(progress_line(counts, std::chrono::milliseconds(6000)) ==
        "3/10 items, 1 failed, 20.0 tokens/s, 0:06, ETA 0:14");
  CHECK(clock_text(std::chrono::milliseconds(3'725'000)) == "1:02:05");
}

TEST_CASE("events::JsonLinesSink for a batch item writes its index in every event") {
  struct Lines final : events::LineOutput {
    std::string text;
    void append(std::string_view lines) override { text.append(lines); }
    bool flush() override { return true; }
  } lines;
  events::JsonLinesSink sink(lines, 7);
  sink.token("hi");
  sink.done({"stop", {}});
  std::istringstream in(lines.text);
  std::string line;
  std::vector<Json> events;
  while (std::getline(in, line)) events.push_back(Json::parse(line));
  REQUIRE(events.size() == 2);
  CHECK(events[0] == Json{{"type", "token"}, {"item", 7}, {"data", {{"text", "hi"}}}});
  CHECK(events[1]["type"] == "done");
  CHECK(events[1]["item"] == 7);
}

namespace {

// A provider whose calls wait (up to a second) until `want` of them run at once.
class CountingProvider final : public tools::ToolProvider {
 public:
  CountingProvider(std::string name, bool concurrent, int want)
      : source_(name), concurrent_(concurrent), want_(want) {
    specs_.push_back({std::move(name), "d", Json::object()});
  }
  const std::string& source() const override { return source_; }
  const std::vector<tools::ToolSpec>& tools() const override { return specs_; }
  bool concurrent_calls() const override { return concurrent_; }
  chat::ToolOutcome call(const std::string&, const Json&, const sys::CancelToken&) override {
    const int now = ++running;
    for (int seen = most.load(); now > seen && !most.compare_exchange_weak(seen, now);) {
    }
    for (int i = 0; i < 100 && most.load() < want_; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    --running;
    return {"ok", false, false, {}};
  }
  std::atomic<int> running{0};
  std::atomic<int> most{0};

 private:
  std::string source_;
  bool concurrent_;
  int want_;
  std::vector<tools::ToolSpec> specs_;
};

}  // namespace

TEST_CASE("batch::SharedTools runs a plugin's calls at once and an MCP server's one at a time") {
  tools::Registry registry;
  auto plugin = std::make_unique<CountingProvider>("plugin_tool", true, 3);
  auto server = std::make_unique<CountingProvider>("server_tool", false, 3);
  CountingProvider& p = *plugin;
  CountingProvider& s = *server;
  registry.add(std::move(plugin));
  registry.add(std::move(server));
  SharedTools shared(registry);
  std::vector<std::thread> threads;
  for (int i = 0; i < 3; ++i) {
    threads.emplace_back([&] { shared.run({"1", "plugin_tool", Json::object()}, {}); });
    threads.emplace_back([&] { shared.run({"2", "server_tool", Json::object()}, {}); });
  }
  for (auto& t : threads) t.join();
  CHECK(p.most.load() == 3);
  CHECK(s.most.load() == 1);
  CHECK(shared.run({"3", "no_such_tool", Json::object()}, {}).is_error);
}
