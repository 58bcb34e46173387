// Batch mode (--each): one prompt per input line, -j at a time, results in input order.
#include <signal.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "e2e_support.hpp"

using namespace ochat::test;
using json = nlohmann::json;

namespace {

std::string plugin(const std::string& name) { return std::string(OCHAT_TEST_PLUGINS) + "/" + name; }

// The chat requests the server received, as parsed bodies.
std::vector<json> chat_bodies(const FakeOllama& server) {
  std::vector<json> bodies;
  for (const auto& r : server.requests()) {
    if (r.path == "/api/chat" || r.path == "/v1/chat/completions")
      bodies.push_back(json::parse(r.body, nullptr, false));
  }
  return bodies;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// A file path of this test process (removed when the test ends).
struct TempFile {
  std::string path;
  explicit TempFile(const std::string& name)
      : path("/tmp/ochat-batch-test-" + std::to_string(::getpid()) + "-" + name) {}
  ~TempFile() { std::remove(path.c_str()); }
};

}  // namespace

TEST_CASE("batch: results come in input order whatever order the items finish in") {
  Ochat ochat;
  RunOptions o;
  // The first item is the slowest, the third slower than those after it.
  o.stdin_data = "first [wait=400]\nsecond\n\nthird [wait=150]\nfourth\nfifth [wait=60]\nsixth\n";
  auto r = ochat.run({"--each", "-j", "3", "-m", "echo"}, o);
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());
  const auto lines = parse_lines(r.out);
  const std::vector<std::string> inputs = {
      "first [wait=400]", "second", "third [wait=150]", "fourth", "fifth [wait=60]", "sixth"};
  REQUIRE(lines.size() == inputs.size());
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    INFO(lines[i].dump());
    CHECK(lines[i]["index"] == i);
    CHECK(lines[i]["input"] == inputs[i]);
    CHECK(lines[i]["output"] == inputs[i]);  // echo: the item's message, no PROMPT given
    CHECK(lines[i]["done_reason"] == "stop");
    CHECK(lines[i]["stats"]["prompt_tokens"] == kPromptEvalCount);
    CHECK_FALSE(lines[i].contains("error"));
    CHECK_FALSE(lines[i].contains("id"));
  }
  CHECK(chat_bodies(ochat.server).size() == 6);
  CHECK(ochat.server.most_concurrent_chats() <= 3);
}

TEST_CASE("batch: the server sees exactly -j requests at once, over reused connections") {
  Ochat ochat;
  RunOptions o;
  std::string items;
  for (int i = 0; i < 12; ++i) items += "item " + std::to_string(i) + " [wait=500]\n";
  o.stdin_data = items;
  auto r = ochat.run({"--each", "-j", "3", "-m", "echo"}, o);
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(parse_lines(r.out).size() == 12);
  CHECK(ochat.server.most_concurrent_chats() == 3);
  CHECK(ochat.server.connections_accepted() <= 3);  // one per worker, kept alive

  Ochat sequential;
  o.stdin_data = "a [wait=100]\nb [wait=100]\nc [wait=100]\n";
  r = sequential.run({"--each", "-j", "1", "-m", "echo"}, o);
  CHECK(r.exit_code == 0);
  CHECK(sequential.server.most_concurrent_chats() == 1);
}

TEST_CASE("batch: each item's message is its line, a blank line, then PROMPT; nothing is saved") {
  Ochat ochat;
  RunOptions o;
  o.stdin_data = "bonjour\nmerci\n";
  char state_pattern[] = "/tmp/ochat-batch-state-XXXXXX";
  const std::string state = ::mkdtemp(state_pattern);
  o.env = {{"XDG_STATE_HOME", state}, {"OCHAT_SAVE", "1"}};
  auto r = ochat.run({"--each", "-m", "echo", "-s", "be brief", "translate", "to English"}, o);
  CHECK(r.exit_code == 0);
  const auto lines = parse_lines(r.out);
  REQUIRE(lines.size() == 2);
  CHECK(lines[0]["output"] == "bonjour\n\ntranslate to English");
  CHECK(lines[1]["output"] == "merci\n\ntranslate to English");
  const auto bodies = chat_bodies(ochat.server);
  REQUIRE(bodies.size() == 2);
  CHECK(bodies[0]["messages"][0] == json({{"role", "system"}, {"content", "be brief"}}));
  // Batch items are not saved as conversations: the state directory stays empty.
  CHECK(::rmdir(state.c_str()) == 0);
}

TEST_CASE("batch: a failing item leaves the others complete and the exit status says so") {
  Ochat ochat;
  RunOptions o;
  o.stdin_data =
      "{\"prompt\":\"good one\",\"id\":\"a\"}\n"
      "{\"prompt\":\"x\",\"id\":\"b\",\"model\":\"nope\"}\n"
      "{\"prompt\":\"y\",\"id\":3,\"model\":\"midstream-error\"}\n"
      "this is not json\n"
      "{\"prompt\":\"good two\",\"system\":\"sys\",\"options\":{\"temperature\":0.5}}\n";
  auto r = ochat.run({"--each-jsonl", "-j", "2", "-m", "echo"}, o);
  CHECK(r.exit_code == 6);
  CHECK(r.err == "ochat: 3 of 5 items failed (their results say why)\n");
  const auto lines = parse_lines(r.out);
  REQUIRE(lines.size() == 5);
  CHECK(lines[0]["id"] == "a");
  CHECK(lines[0]["output"] == "good one");
  CHECK_FALSE(lines[0].contains("error"));
  CHECK(lines[1]["id"] == "b");
  CHECK(lines[1]["error"]["kind"] == "http");
  CHECK_THAT(lines[1]["error"]["message"].get<std::string>(), Catch::Contains("nope"));
  CHECK(lines[2]["id"] == 3);
  CHECK(lines[2]["error"]["kind"] == "stream");
  CHECK(lines[2]["output"] == kMidstreamErrorText);  // what arrived is kept
  CHECK(lines[3]["input"] == "this is not json");
  CHECK(lines[3]["error"]["kind"] == "usage");
  CHECK(lines[4]["output"] == "good two");
  CHECK_FALSE(lines[4].contains("error"));
  // The last item's overrides reached the server; the bad line never did.
  const auto bodies = chat_bodies(ochat.server);
  CHECK(bodies.size() >= 4);  // the broken stream may have been tried again
  for (const auto& body : bodies) {
    CHECK(body["messages"].back()["content"] != "this is not json");
    if (body["messages"].back()["content"] != "good two") continue;
    CHECK(body["messages"][0] == json({{"role", "system"}, {"content", "sys"}}));
    CHECK(body["options"]["temperature"] == 0.5);
  }
}

TEST_CASE("batch: Ctrl-C writes the finished results in order, exits 130, and --resume finishes") {
  Ochat ochat;
  TempFile out("resume.jsonl");
  const std::string items = "one\ntwo\nslow [wait=4000]\nfour\nfive\nsix\n";
  RunOptions o;
  o.stdin_data = items;
  // Once items 0 and 1 are written, and a little later (items 3 to 5 finish meanwhile, held
  // back by item 2), Ctrl-C.
  o.signal_on_text = {SIGINT, "\"index\":1,"};
  o.signal_on_text_delay = std::chrono::milliseconds(800);
  auto r = ochat.run({"--each", "-j", "2", "-m", "echo"}, o);
  INFO(r.err);
  CHECK(r.exit_code == 130);
  {
    std::ofstream f(out.path, std::ios::binary);
    f << r.out;
  }
  std::vector<int> written;
  for (const auto& line : parse_lines(r.out)) {
    CHECK_FALSE(line.contains("error"));
    written.push_back(line["index"].get<int>());
  }
  // Item 2 was cut short and left out; what finished after it was written, in order.
  REQUIRE(written.size() >= 2);
  CHECK(written[0] == 0);
  CHECK(written[1] == 1);
  CHECK(std::is_sorted(written.begin(), written.end()));
  CHECK(std::find(written.begin(), written.end(), 2) == written.end());
  INFO("written before the signal: " << written.size());
  const std::size_t before = chat_bodies(ochat.server).size();

  TempFile rest("rest.jsonl");
  RunOptions again;
  again.stdin_data = items;
  again.stdout_path = rest.path;
  r = ochat.run({"--each", "-j", "2", "-m", "echo", "--resume", out.path}, again);
  INFO(r.err);
  CHECK(r.exit_code == 0);
  std::vector<int> resumed;
  for (const auto& line : parse_lines(read_file(rest.path))) {
    resumed.push_back(line["index"].get<int>());
    CHECK(line["output"] == line["input"]);
  }
  // Nothing redone, nothing lost: the two runs' results together are every item once.
  std::vector<int> all = written;
  all.insert(all.end(), resumed.begin(), resumed.end());
  std::sort(all.begin(), all.end());
  CHECK(all == std::vector<int>{0, 1, 2, 3, 4, 5});
  REQUIRE_FALSE(resumed.empty());
  CHECK(resumed.front() == 2);
  CHECK(chat_bodies(ochat.server).size() == before + resumed.size());
}

TEST_CASE("batch: --resume takes items whose input is not UTF-8, and says which lines it ignored") {
  Ochat ochat;
  TempFile out("latin1.jsonl");
  const std::string items = "caf\xE9\nna\xEFve\nplain\n";
  RunOptions o;
  o.stdin_data = items;
  auto r = ochat.run({"--each", "-m", "echo"}, o);
  REQUIRE(r.exit_code == 0);
  const auto first = parse_lines(r.out);
  REQUIRE(first.size() == 3);
  // The file as a crash may leave it: item 2's line cut, and a stray line.
  {
    std::ofstream f(out.path, std::ios::binary);
    const std::string third = r.out.substr(r.out.find("{\"index\":2"));
    f << r.out.substr(0, r.out.size() - third.size()) << "not a result\n" << third.substr(0, 20);
  }
  const std::size_t before = chat_bodies(ochat.server).size();
  RunOptions again;
  again.stdin_data = items;
  r = ochat.run({"--each", "-m", "echo", "--resume", out.path}, again);
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.err, Catch::Contains("ochat: warning: --resume: ignored 2 lines of " + out.path +
                                    " (not result lines)"));
  const auto rest = parse_lines(r.out);
  REQUIRE(rest.size() == 1);
  CHECK(rest[0]["index"] == 2);
  CHECK(chat_bodies(ochat.server).size() == before + 1);
}

TEST_CASE("batch: retries apply to each item on its own") {
  Ochat ochat;
  RunOptions o;
  o.stdin_data = "{\"prompt\":\"a\",\"model\":\"busy:1\"}\n{\"prompt\":\"b\"}\n";
  auto r = ochat.run({"--each-jsonl", "-m", "text", "--retries", "1"}, o);
  INFO(r.err);
  CHECK(r.exit_code == 0);
  const auto lines = parse_lines(r.out);
  REQUIRE(lines.size() == 2);
  CHECK(lines[0]["output"] == kTextText);  // after one 503
  CHECK(lines[1]["output"] == kTextText);
  CHECK(chat_bodies(ochat.server).size() == 3);
}

TEST_CASE("batch: --each-text writes each answer and a blank line, errors on stderr") {
  Ochat ochat;
  RunOptions o;
  o.stdin_data =
      "{\"prompt\":\"alpha\"}\n{\"prompt\":\"b\",\"model\":\"nope\"}\n{\"prompt\":\"gamma\"}\n";
  auto r = ochat.run({"--each-jsonl", "--each-text", "-m", "echo"}, o);
  CHECK(r.exit_code == 6);
  CHECK(r.out == "alpha\n\n\ngamma\n\n");
  CHECK_THAT(r.err, Catch::StartsWith("ochat: error: item 1: "));
  CHECK(count_lines(r.err) == 1);
}

TEST_CASE("batch: --events streams every item's events with an item field") {
  Ochat ochat;
  RunOptions o;
  o.stdin_data = "a [wait=100]\nb\n";
  auto r = ochat.run({"--each", "--events", "-m", "text"}, o);
  CHECK(r.exit_code == 0);
  const auto events = parse_lines(r.out);
  std::string text[2];
  int starts = 0, dones = 0;
  for (const auto& e : events) {
    REQUIRE(e.is_object());
    REQUIRE(e.contains("item"));
    const int item = e["item"].get<int>();
    REQUIRE((item == 0 || item == 1));
    if (e["type"] == "token") text[item] += e["data"]["text"].get<std::string>();
    if (e["type"] == "start") ++starts;
    if (e["type"] == "done") {
      ++dones;
      CHECK(e["data"]["reason"] == "stop");
    }
  }
  CHECK(text[0] == kTextText);
  CHECK(text[1] == kTextText);
  CHECK(starts == 2);
  CHECK(dones == 2);
}

TEST_CASE("batch: the OpenAI-compatible protocol too") {
  Ochat ochat;
  RunOptions o;
  o.stdin_data = "un [wait=150]\ndeux\ntrois\n";
  o.args = {"--api", "openai", "--host", ochat.server.url() + "/v1", "--each", "-j",
            "2",     "-m",     "echo"};
  auto r = run_process(ochat_binary(), o);
  INFO(r.err);
  CHECK(r.exit_code == 0);
  const auto lines = parse_lines(r.out);
  REQUIRE(lines.size() == 3);
  CHECK(lines[0]["output"] == "un [wait=150]");
  CHECK(lines[1]["output"] == "deux");
  CHECK(lines[2]["output"] == "trois");
  for (const auto& r2 : ochat.server.requests()) CHECK(r2.path == "/v1/chat/completions");
}

TEST_CASE("batch: an item's error never shows the API key, even when the server quotes it") {
  Ochat ochat;
  RunOptions o;
  o.stdin_data = "one\n";
  o.env = {{"OCHAT_API_KEY", "sk-batch-secret-0123456789"}};
  o.args = {"--api", "openai", "--host", ochat.server.url() + "/v1", "--each", "-m", "status:401"};
  auto r = run_process(ochat_binary(), o);
  CHECK(r.exit_code == 6);
  const auto lines = parse_lines(r.out);
  REQUIRE(lines.size() == 1);
  CHECK(lines[0]["error"]["kind"] == "http");
  CHECK(r.out.find("sk-batch-secret") == std::string::npos);
  CHECK(r.err.find("sk-batch-secret") == std::string::npos);

  o.args.push_back("--events");
  r = run_process(ochat_binary(), o);
  CHECK(r.exit_code == 6);
  CHECK(r.out.find("sk-batch-secret") == std::string::npos);
  CHECK(r.out.find("[API key]") != std::string::npos);
}

TEST_CASE("batch: tools run inside each item") {
  Ochat ochat;
  RunOptions o;
  o.stdin_data = "Paris?\nLyon?\nNice?\n";
  auto r = ochat.run({"--each", "-j", "3", "-m", "tool", "-t", plugin("weather")}, o);
  INFO(r.err);
  CHECK(r.exit_code == 0);
  const auto lines = parse_lines(r.out);
  REQUIRE(lines.size() == 3);
  for (const auto& line : lines) {
    CHECK(line["output"] == "Let me check.Tool said: weather for {\"city\":\"Paris\"}");
  }
  CHECK(chat_bodies(ochat.server).size() == 6);  // two rounds per item
}

TEST_CASE("batch: --each-file reads the items from a file") {
  Ochat ochat;
  TempFile items("items.txt");
  {
    std::ofstream f(items.path);
    f << "from a file\n";
  }
  auto r = ochat.run({"--each-file", items.path, "-m", "echo"});
  CHECK(r.exit_code == 0);
  const auto lines = parse_lines(r.out);
  REQUIRE(lines.size() == 1);
  CHECK(lines[0]["output"] == "from a file");
}

TEST_CASE("batch: flags that make no sense for a batch are usage errors") {
  Ochat ochat;
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"-j", "2", "-m", "echo", "hi"},
        {"--resume", "x", "-m", "echo", "hi"},
        {"--each", "-c", "-m", "echo"},
        {"--each", "-i", "-m", "echo"},
        {"--each", "--chat", "x", "-m", "echo"},
        {"--each", "-a", "/dev/null", "-m", "echo"},
        {"--each", "--events", "--resume", "/dev/null", "-m", "echo"},
        {"--each"},
        {"--each-file", "/nonexistent/items", "-m", "echo"},
        {"--each", "--resume", "/nonexistent/out.jsonl", "-m", "echo"}}) {
    INFO(args.front() << " " << args.back());
    auto r = ochat.run(args);
    CHECK(r.exit_code == 2);
    check_one_error_line(r);
  }
  CHECK(ochat.server.requests().empty());
}

TEST_CASE("batch: a status line on a terminal, erased before each result and at the end") {
  Ochat ochat;
  RunOptions o;
  o.terminal = true;
  o.stdin_data = "a [wait=300]\nb [wait=300]\nc\n";
  auto r = ochat.run({"--each", "-j", "1", "-m", "echo", "-v"}, o);
  CHECK(r.exit_code == 0);
  INFO(r.out);
  CHECK(r.out.find("1 items, ") != std::string::npos);
  CHECK(r.out.find("3/3 items, ") != std::string::npos);
  // Each result starts a line of its own: after the blanked status line, or the previous result.
  for (const char* item : {"{\"index\":0,", "{\"index\":1,", "{\"index\":2,"}) {
    const auto at = r.out.find(item);
    REQUIRE(at != std::string::npos);
    CHECK((at == 0 || r.out[at - 1] == '\r' || r.out[at - 1] == '\n'));
  }
  CHECK_THAT(r.out, Catch::Contains("ochat: 3 items: 3 succeeded, 0 failed"));
}

TEST_CASE("batch: an empty input is an empty batch") {
  Ochat ochat;
  RunOptions o;
  o.stdin_data = "\n\n";
  auto r = ochat.run({"--each", "-m", "echo"}, o);
  CHECK(r.exit_code == 0);
  CHECK(r.out.empty());
  CHECK(r.err.empty());
}
