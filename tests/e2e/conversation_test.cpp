// Saved conversations (man ochat, CONVERSATION FILES): every chat run appends to a JSON Lines
// file; --chat FILE|NAME and -c continue one. Each test checks what the server received on each
// turn, the file's lines, and what ochat printed.
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <thread>

#include "e2e_support.hpp"
#include "reliability.hpp"

using namespace ochat::test;
using nlohmann::json;

namespace {

std::string plugin(const std::string& name) { return std::string(OCHAT_TEST_PLUGINS) + "/" + name; }

struct TempDir {
  std::string path;
  TempDir() {
    std::string pattern = "/tmp/ochat-conv-XXXXXX";
    path = ::mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::permissions(path, std::filesystem::perms::owner_all, ec);
    std::filesystem::remove_all(path, ec);
  }
  std::string file(const std::string& name) const { return path + "/" + name; }
};

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

bool exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

unsigned mode_of(const std::string& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 0777u;
}

// A fake server and a state directory of its own ($XDG_STATE_HOME).
struct Chat {
  Ochat ochat;
  TempDir state;
  TempDir work;

  RunResult run(std::vector<std::string> args, RunOptions o = {}) {
    o.env.push_back({"XDG_STATE_HOME", state.path});
    o.env.push_back({"HOME", state.path});
    return ochat.run(std::move(args), o);
  }
  // Without --host: the server is the conversation's (or nobody's).
  RunResult run_bare(std::vector<std::string> args, RunOptions o = {}) {
    o.env.push_back({"XDG_STATE_HOME", state.path});
    o.env.push_back({"HOME", state.path});
    o.args = std::move(args);
    return run_process(ochat_binary(), o);
  }
  std::string dir() const { return state.path + "/ochat/conversations"; }
  std::vector<std::string> saved() const {
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(dir(), ec))
      names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  }
  json messages(std::size_t request) const { return ochat.request_body(request)["messages"]; }
};

// The lines of a conversation file, each parsed (every one must be JSON).
std::vector<json> lines_of(const std::string& path) {
  std::vector<json> out;
  for (const json& j : parse_lines(slurp(path))) {
    CHECK_FALSE(j.is_discarded());
    out.push_back(j);
  }
  return out;
}

// True when no message a server received carries ochat's own fields.
bool protocol_only(const json& messages) {
  for (const auto& m : messages) {
    if (m.contains("ochat")) return false;
    for (const auto& c : m.value("tool_calls", json::array())) {
      if (c.contains("ochat")) return false;
    }
  }
  return true;
}

json msg(const std::string& role, const std::string& content) {
  return {{"role", role}, {"content", content}};
}

}  // namespace

TEST_CASE(
    "conversations: --chat FILE twice and thrice sends the earlier messages plus the new one") {
  Chat c;
  const std::string file = c.work.file("review.jsonl");
  auto r1 = c.run({"--chat", file, "-m", "text", "-s", "be brief", "one"});
  CHECK(r1.exit_code == 0);
  CHECK(r1.err.empty());
  CHECK(r1.out == printed("Hello, world!"));
  auto r2 = c.run({"--chat", file, "two"});
  CHECK(r2.exit_code == 0);
  CHECK(r2.err.empty());
  auto r3 = c.run({"--chat", file, "three"});
  CHECK(r3.exit_code == 0);

  REQUIRE(c.ochat.server.requests().size() == 3);
  CHECK(c.messages(0) == json::array({msg("system", "be brief"), msg("user", "one")}));
  CHECK(c.messages(1) == json::array({msg("system", "be brief"), msg("user", "one"),
                                      msg("assistant", "Hello, world!"), msg("user", "two")}));
  CHECK(c.messages(2) == json::array({msg("system", "be brief"), msg("user", "one"),
                                      msg("assistant", "Hello, world!"), msg("user", "two"),
                                      msg("assistant", "Hello, world!"), msg("user", "three")}));
  CHECK(c.ochat.request_body(2)["model"] == "text");  // reused

  const auto lines = lines_of(file);
  REQUIRE(lines.size() == 8);
  CHECK(lines[0]["ochat"] == "conversation");
  CHECK(lines[0]["version"] == 1);
  CHECK(lines[0]["settings"]["model"] == "text");
  CHECK(lines[0]["settings"]["api"] == "ollama");
  CHECK(lines[0]["settings"]["host"] == c.ochat.server.url());
  CHECK(lines[1]["role"] == "system");
  CHECK(lines[3]["content"] == "Hello, world!");  // without the newline ochat printed after it
  CHECK(lines[3]["ochat"]["done_reason"] == "stop");
  CHECK(lines[3]["ochat"]["stats"]["generated_tokens"] == 4);
  CHECK(lines[7]["role"] == "assistant");
  CHECK(mode_of(file) == 0600u);
  CHECK(c.saved().empty());  // a file elsewhere: nothing in the state directory
}

TEST_CASE(
    "conversations: every chat run is saved under an automatic name and -c continues the latest") {
  Chat c;
  CHECK(c.run({"-m", "text", "first"}).exit_code == 0);
  auto names = c.saved();
  REQUIRE(names.size() == 1);
  CHECK_THAT(names[0], Catch::Matches(R"(\d{8}-\d{6}(-\d+)?\.jsonl)"));
  CHECK(mode_of(c.dir()) == 0700u);
  CHECK(mode_of(c.state.path + "/ochat") == 0700u);
  CHECK(mode_of(c.dir() + "/" + names[0]) == 0600u);

  auto r2 = c.run_bare({"-c", "second"});  // the saved server
  CHECK(r2.exit_code == 0);
  CHECK(r2.err.empty());
  auto r3 = c.run({"--continue", "third"});
  CHECK(r3.exit_code == 0);
  CHECK(c.saved() == names);  // the same conversation
  CHECK(c.messages(2) ==
        json::array({msg("user", "first"), msg("assistant", "Hello, world!"), msg("user", "second"),
                     msg("assistant", "Hello, world!"), msg("user", "third")}));
  CHECK(lines_of(c.dir() + "/" + names[0]).size() == 7);

  // A new run without -c starts a new conversation; -c then continues that one.
  CHECK(c.run({"-m", "echo", "other"}).exit_code == 0);
  CHECK(c.saved().size() == 2);
  CHECK(c.run({"-c", "again"}).exit_code == 0);
  CHECK(c.messages(4) ==
        json::array({msg("user", "other"), msg("assistant", "other"), msg("user", "again")}));
}

TEST_CASE("conversations: -c also continues a --chat FILE written last, from anywhere") {
  Chat c;
  const std::string file = c.work.file("mine.jsonl");
  CHECK(c.run({"-m", "echo", "--chat", file, "one"}).exit_code == 0);
  CHECK(c.run({"-c", "two"}).exit_code == 0);
  CHECK(c.messages(1) ==
        json::array({msg("user", "one"), msg("assistant", "one"), msg("user", "two")}));
  CHECK(lines_of(file).size() == 5);
}

TEST_CASE("conversations: -c with nothing saved is an error") {
  Chat c;
  auto r = c.run({"-m", "text", "-c", "hi"});
  CHECK(r.exit_code == 2);
  CHECK(r.err ==
        "ochat: error: there is no saved conversation to continue; start one without -c\n");
  CHECK(c.ochat.server.requests().empty());
}

TEST_CASE("conversations: -c and --chat together are a usage error, and --help has no Excludes") {
  Chat c;
  auto r = c.run({"-m", "text", "-c", "--chat", "x", "hi"});
  CHECK(r.exit_code == 2);
  CHECK(r.err ==
        "ochat: error: -c/--continue and --chat cannot be used together; --chat names the "
        "conversation to continue\n");
  CHECK(c.ochat.server.requests().empty());
  CHECK(c.saved().empty());
}

TEST_CASE(
    "conversations: --chat NAME lives in the state directory, whatever the current directory") {
  Chat c;
  CHECK(c.run({"-m", "echo", "--chat", "work", "one"}).exit_code == 0);
  CHECK(c.run({"--chat", "work.jsonl", "two"}).exit_code == 0);  // the same file
  CHECK(c.saved() == std::vector<std::string>{"work.jsonl"});
  CHECK(c.messages(1) ==
        json::array({msg("user", "one"), msg("assistant", "one"), msg("user", "two")}));
}

TEST_CASE("conversations: a bad --chat name is a usage error and writes nothing") {
  Chat c;
  for (const std::string& name :
       std::vector<std::string>{"..", ".", ".x", std::string(1000, 'a')}) {
    INFO(name.substr(0, 10));
    auto r = c.run({"-m", "text", "--chat", name, "hi"});
    CHECK(r.exit_code == 2);
    check_one_error_line(r);
    CHECK_THAT(r.err, Catch::Contains("cannot be a conversation's name"));
  }
  CHECK(c.ochat.server.requests().empty());
  CHECK(c.saved().empty());
  // A value with a slash is a path, ".." and all.
  std::filesystem::create_directory(c.work.file("sub"));
  auto r = c.run({"-m", "text", "--chat", c.work.file("sub/../x.jsonl"), "hi"});
  CHECK(r.exit_code == 0);
  CHECK(exists(c.work.file("x.jsonl")));
}

TEST_CASE("conversations: --no-save and OCHAT_SAVE=0 write nothing") {
  Chat c;
  CHECK(c.run({"-m", "text", "--no-save", "hi"}).exit_code == 0);
  RunOptions o;
  o.env = {{"OCHAT_SAVE", "0"}};
  CHECK(c.run({"-m", "text", "hi"}, o).exit_code == 0);
  CHECK_FALSE(exists(c.state.path + "/ochat"));
  // --chat FILE --no-save reads the conversation and leaves it as it was.
  const std::string file = c.work.file("c.jsonl");
  CHECK(c.run({"-m", "echo", "--chat", file, "one"}).exit_code == 0);
  const std::string before = slurp(file);
  CHECK(c.run({"--chat", file, "--no-save", "two"}).exit_code == 0);
  CHECK(slurp(file) == before);
  CHECK(c.messages(3) ==
        json::array({msg("user", "one"), msg("assistant", "one"), msg("user", "two")}));
  o.env = {{"OCHAT_SAVE", "maybe"}};
  auto bad = c.run({"-m", "text", "hi"}, o);
  CHECK(bad.exit_code == 2);
  CHECK(bad.err == "ochat: error: OCHAT_SAVE takes 0 or 1, got 'maybe'\n");
}

TEST_CASE("conversations: a run that failed before any reply changes no file") {
  Chat c;
  const std::string file = c.work.file("c.jsonl");
  // No server: nothing created.
  RunOptions o;
  auto down = run_process(ochat_binary(), [&] {
    RunOptions d;
    d.args = {"--host", "127.0.0.1:" + std::to_string(closed_port()), "-m", "text", "--chat", file,
              "hi"};
    d.env = {{"XDG_STATE_HOME", c.state.path}};
    return d;
  }());
  CHECK(down.exit_code == 3);
  CHECK_FALSE(exists(file));
  // HTTP 404: nothing created, in the state directory either.
  CHECK(c.run({"-m", "no-such-model", "--chat", file, "hi"}).exit_code == 4);
  CHECK(c.run({"-m", "no-such-model", "hi"}).exit_code == 4);
  CHECK_FALSE(exists(file));
  CHECK(c.saved().empty());
  // An existing conversation stays byte for byte.
  CHECK(c.run({"-m", "text", "--chat", file, "hi"}).exit_code == 0);
  const std::string before = slurp(file);
  CHECK(c.run({"-m", "status:500", "--chat", file, "again"}).exit_code == 4);
  CHECK(slurp(file) == before);
}

TEST_CASE("conversations: tool calls and results are saved and sent again on the next turn") {
  Chat c;
  const std::string file = c.work.file("c.jsonl");
  auto r1 = c.run({"-m", "tool", "-t", plugin("weather"), "--chat", file, "weather?"});
  CHECK(r1.exit_code == 0);
  CHECK(r1.out == printed("Let me check.Tool said: weather for {\"city\":\"Paris\"}"));
  // The next turn reuses the tool and sends the whole first turn, tools included.
  auto r2 = c.run({"--chat", file, "-m", "echo", "thanks"});
  CHECK(r2.exit_code == 0);
  REQUIRE(c.ochat.server.requests().size() == 3);
  const json turn2 = c.ochat.request_body(2);
  CHECK(turn2["tools"] == c.ochat.request_body(0)["tools"]);
  CHECK(turn2["messages"] == json::parse(R"([
    {"role":"user","content":"weather?"},
    {"role":"assistant","content":"Let me check.","tool_calls":[{"id":"call_k3j9x0q0","function":{"index":0,"name":"get_weather","arguments":{"city":"Paris"}}}]},
    {"role":"tool","content":"weather for {\"city\":\"Paris\"}","tool_name":"get_weather","tool_call_id":"call_k3j9x0q0"},
    {"role":"assistant","content":"Tool said: weather for {\"city\":\"Paris\"}"},
    {"role":"user","content":"thanks"}])"));
  const auto lines = lines_of(file);
  REQUIRE(lines.size() == 7);
  CHECK(lines[0]["settings"]["tools"] == json::array({{{"plugin", plugin("weather")}}}));
  CHECK(lines[3]["ochat"].contains("duration_ms"));
  CHECK(lines[5]["ochat"]["settings"]["model"] == "echo");
}

TEST_CASE("conversations: a conversation begun with Ollama continues with --api openai, and back") {
  Chat c;
  const std::string file = c.work.file("c.jsonl");
  CHECK(c.run({"-m", "tool", "-t", plugin("weather"), "--chat", file, "weather?"}).exit_code == 0);
  const std::string v1 = c.ochat.server.url() + "/v1";
  auto r2 = c.run({"--chat", file, "--api", "openai", "--host", v1, "-m", "echo", "thanks"});
  CHECK(r2.exit_code == 0);
  CHECK(r2.err.empty());
  CHECK(r2.out == printed("thanks"));
  const auto reqs = c.ochat.server.requests();
  REQUIRE(reqs.size() == 3);
  CHECK(reqs[2].path == "/v1/chat/completions");
  const json turn2 = c.ochat.request_body(2);
  CHECK(turn2["messages"] == json::parse(R"([
    {"role":"user","content":"weather?"},
    {"role":"assistant","content":"Let me check.","tool_calls":[{"id":"call_k3j9x0q0","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]},
    {"role":"tool","tool_call_id":"call_k3j9x0q0","content":"weather for {\"city\":\"Paris\"}"},
    {"role":"assistant","content":"Tool said: weather for {\"city\":\"Paris\"}"},
    {"role":"user","content":"thanks"}])"));
  // The protocol and server are saved: the next turn speaks OpenAI again without being told.
  CHECK(c.run_bare({"--chat", file, "more"}).exit_code == 0);
  REQUIRE(c.ochat.server.requests().size() == 4);
  CHECK(c.ochat.server.requests()[3].path == "/v1/chat/completions");
  // And back to Ollama.
  CHECK(c.run({"--chat", file, "--api", "ollama", "--host", c.ochat.server.url(), "last"})
            .exit_code == 0);
  CHECK(c.ochat.server.requests()[4].path == "/api/chat");
  CHECK(protocol_only(c.messages(4)));
  CHECK(c.messages(4).size() == 9);
}

TEST_CASE(
    "conversations: calls without ids (written by hand or by an older Ollama) get paired ids for "
    "OpenAI") {
  Chat c;
  const std::string file = c.work.file("c.jsonl");
  write_file(
      file,
      R"({"ochat":"conversation","version":1,"created":"x","settings":{"api":"ollama","model":"echo"}})"
      "\n"
      R"({"role":"user","content":"two tools"})"
      "\n"
      R"({"role":"assistant","content":"","tool_calls":[{"function":{"name":"a","arguments":{}}},{"function":{"name":"b","arguments":{"x":1}}}]})"
      "\n"
      R"({"role":"tool","content":"A","tool_name":"a"})"
      "\n"
      R"({"role":"tool","content":"B","tool_name":"b"})"
      "\n");
  auto r =
      c.run({"--chat", file, "--api", "openai", "--host", c.ochat.server.url() + "/v1", "next"});
  CHECK(r.exit_code == 0);  // the fake server refuses results that name no call
  CHECK(r.err.empty());
  const json m = c.messages(0);
  CHECK(m[1]["tool_calls"][0]["id"] == "ochat_call_1");
  CHECK(m[1]["tool_calls"][1]["id"] == "ochat_call_2");
  CHECK(m[2]["tool_call_id"] == "ochat_call_1");
  CHECK(m[3]["tool_call_id"] == "ochat_call_2");
}

TEST_CASE("conversations: settings are reused and overridden across turns (-m, -s, -o, --api)") {
  Chat c;
  const std::string file = c.work.file("c.jsonl");
  CHECK(c.run({"--chat", file, "-m", "text", "-s", "S1", "-o", "temperature=0.2", "-o",
               "num_ctx=4096", "one"})
            .exit_code == 0);
  CHECK(c.run({"--chat", file, "two"}).exit_code == 0);
  CHECK(c.run({"--chat", file, "-m", "echo", "-o", "temperature=0.9", "-s", "S2", "three"})
            .exit_code == 0);
  CHECK(c.run({"--chat", file, "four"}).exit_code == 0);
  CHECK(c.run({"--chat", file, "-s", "S2", "five"}).exit_code ==
        0);  // the same system prompt: not added again
  RunOptions env;
  env.env = {{"OCHAT_MODEL", "no-such-model"}};
  CHECK(c.run({"--chat", file, "six"}, env).exit_code == 0);  // the saved model beats OCHAT_MODEL

  const json options1 = {{"temperature", 0.2}, {"num_ctx", 4096}};
  const json options3 = {{"temperature", 0.9}, {"num_ctx", 4096}};
  CHECK(c.ochat.request_body(0)["model"] == "text");
  CHECK(c.ochat.request_body(0)["options"] == options1);
  CHECK(c.ochat.request_body(1)["model"] == "text");
  CHECK(c.ochat.request_body(1)["options"] == options1);
  CHECK(c.ochat.request_body(2)["model"] == "echo");
  CHECK(c.ochat.request_body(2)["options"] == options3);
  CHECK(c.ochat.request_body(3)["model"] == "echo");
  CHECK(c.ochat.request_body(3)["options"] == options3);
  CHECK(c.ochat.request_body(5)["model"] == "echo");
  const json m3 = c.messages(3);
  REQUIRE(m3.size() == 9);
  CHECK(m3[0] == msg("system", "S1"));
  CHECK(m3[5] ==
        msg("system", "S2"));  // a changed system prompt joins the conversation where it changed
  CHECK(m3[6] == msg("user", "three"));
  CHECK(c.messages(4).size() == 11);
  const auto lines = lines_of(file);
  CHECK(lines[6]["role"] == "system");
  CHECK(lines[6]["content"] == "S2");
  CHECK(lines[7]["ochat"]["settings"] ==
        json{{"model", "echo"}, {"options", {{"temperature", 0.9}}}});

  // --api openai from this turn on: that protocol's server, the same model and options.
  CHECK(c.run({"--chat", file, "--api", "openai", "--host", c.ochat.server.url() + "/v1", "seven"})
            .exit_code == 0);
  const auto reqs = c.ochat.server.requests();
  CHECK(reqs.back().path == "/v1/chat/completions");
  CHECK(c.ochat.request_body(reqs.size() - 1)["temperature"] == 0.9);
  CHECK(c.ochat.request_body(reqs.size() - 1)["model"] == "echo");
}

TEST_CASE("conversations: an answer cut by SIGINT is saved as cut and sent on the next turn") {
  Chat c;
  const std::string file = c.work.file("c.jsonl");
  RunOptions o;
  o.signal_after = {SIGINT, 9};  // "s0 s1 s2 "
  auto r1 = c.run({"-m", "slow:20", "--chat", file, "count"}, o);
  CHECK(r1.exit_code == 130);
  const auto lines = lines_of(file);
  REQUIRE(lines.size() == 3);
  CHECK(lines[2]["ochat"]["cut"] == "interrupted");
  const std::string partial = lines[2]["content"];
  CHECK_THAT(partial, Catch::StartsWith("s0 s1 s2 "));
  CHECK(answer_of(r1.out) == partial);
  CHECK(c.run({"--chat", file, "-m", "echo", "go on"}).exit_code == 0);
  CHECK(c.messages(1) ==
        json::array({msg("user", "count"), msg("assistant", partial), msg("user", "go on")}));
}

TEST_CASE("conversations: an answer cut by SIGTERM is saved as terminated") {
  Chat c;
  const std::string file = c.work.file("c.jsonl");
  RunOptions o;
  o.signal_after = {SIGTERM, 9};
  CHECK(c.run({"-m", "slow:20", "--chat", file, "count"}, o).exit_code == 143);
  CHECK(lines_of(file).at(2)["ochat"]["cut"] == "terminated");
}

TEST_CASE("conversations: an answer cut by a closed stdout is saved as cut") {
  Chat c;
  const std::string file = c.work.file("c.jsonl");
  RunOptions o;
  o.close_stdout_after = 5;
  auto r = c.run({"-m", "slow:20", "--chat", file, "count"}, o);
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());
  const auto lines = lines_of(file);
  REQUIRE(lines.size() == 3);
  CHECK(lines[2]["ochat"]["cut"] == "output_closed");
  CHECK_THAT(lines[2]["content"].get<std::string>(), Catch::StartsWith("s0 s1"));
}

TEST_CASE(
    "conversations: an answer cut by a broken stream is saved with the error and sent on the next "
    "turn") {
  Chat c;
  const std::string file = c.work.file("c.jsonl");
  auto r1 = c.run({"-m", "drop", "--retries", "0", "--chat", file, "hi"});
  CHECK(r1.exit_code == 5);
  check_one_error_line(r1);
  const auto lines = lines_of(file);
  REQUIRE(lines.size() == 3);
  CHECK(lines[2]["content"] == "partial");
  CHECK(lines[2]["ochat"]["cut"] == "error");
  CHECK(lines[2]["ochat"]["error"]["kind"] == "stream");
  CHECK_THAT(lines[2]["ochat"]["error"]["message"].get<std::string>(), Catch::Contains("broke"));
  CHECK(c.run({"--chat", file, "-m", "echo", "again"}).exit_code == 0);
  CHECK(c.messages(1) ==
        json::array({msg("user", "hi"), msg("assistant", "partial"), msg("user", "again")}));
}

TEST_CASE(
    "conversations: --events names the conversation and the number of earlier messages in start") {
  Chat c;
  const std::string file = c.work.file("c.jsonl");
  auto r1 = c.run({"-m", "text", "--chat", file, "--events", "one"});
  auto e1 = parse_lines(r1.out);
  REQUIRE(!e1.empty());
  CHECK(e1[0]["data"]["conversation"] == file);
  CHECK(e1[0]["data"]["earlier_messages"] == 0);
  auto r2 = c.run({"--chat", file, "--events", "two"});
  auto e2 = parse_lines(r2.out);
  CHECK(e2[0]["data"]["earlier_messages"] == 2);
  auto r3 = c.run({"-m", "text", "--no-save", "--events", "x"});
  CHECK(parse_lines(r3.out)[0]["data"]["conversation"].is_null());
}

TEST_CASE(
    "conversations: a file cut mid-line is read up to the cut, with a warning, and the next turn "
    "starts a new line",
    "[reliability]") {
  Chat c;
  const std::string file = c.work.file("c.jsonl");
  CHECK(c.run({"-m", "echo", "--chat", file, "one"}).exit_code == 0);
  CHECK(c.run({"--chat", file, "two"}).exit_code == 0);
  // As if killed mid-write: the last line loses its end.
  std::string bytes = slurp(file);
  bytes.resize(bytes.size() - 20);
  write_file(file, bytes);
  auto r = c.run({"--chat", file, "three"});
  CHECK(r.exit_code == 0);
  CHECK(r.err == "ochat: warning: " + file +
                     ":5: skipped an incomplete line (the file ends in the middle of a message: an "
                     "interrupted write?)\n");
  CHECK(c.messages(2) == json::array({msg("user", "one"), msg("assistant", "one"),
                                      msg("user", "two"), msg("user", "three")}));
  const std::string after = slurp(file);
  CHECK(after.substr(0, bytes.size()) == bytes);  // nothing rewritten
  CHECK(after[bytes.size()] == '\n');             // the new turn starts on a line of its own
  auto again = c.run({"--chat", file, "four"});
  CHECK(again.exit_code == 0);
  CHECK(c.messages(3).size() == 6);
  reliability::record_fault("conversation file truncated mid-line", r, reliability::exact(r.out));
}

TEST_CASE("conversations: a hand-edited file is read as it is") {
  Chat c;
  const std::string file = c.work.file("c.jsonl");
  CHECK(c.run({"-m", "echo", "--chat", file, "one"}).exit_code == 0);
  CHECK(c.run({"--chat", file, "two"}).exit_code == 0);
  auto lines = lines_of(file);
  std::string edited = lines[0].dump() + "\n";
  edited +=
      R"({"role":"user","content":"one, edited","my_note":"unknown fields are kept","images":null})"
      "\n";
  edited += "\n";  // a blank line
  edited += R"({"role":"assistant","content":"an answer I wrote"})"
            "\n";
  // line 4 (user "two") and its answer removed; a message added without a final newline
  edited += R"({"role": "user", "content": "added by hand"})";
  write_file(file, edited);
  auto r = c.run({"--chat", file, "three"});
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());
  CHECK(c.messages(2) ==
        json::array({msg("user", "one, edited"), msg("assistant", "an answer I wrote"),
                     msg("user", "added by hand"), msg("user", "three")}));
  CHECK(slurp(file).substr(0, edited.size() + 1) == edited + "\n");
}

TEST_CASE("conversations: an unknown format version is a clear error and changes nothing") {
  Chat c;
  const std::string file = c.work.file("c.jsonl");
  const std::string bytes = R"({"ochat":"conversation","version":9,"created":"x"})"
                            "\n";
  write_file(file, bytes);
  auto r = c.run({"-m", "text", "--chat", file, "hi"});
  CHECK(r.exit_code == 1);
  CHECK(r.err == "ochat: error: " + file +
                     ":1: the conversation is in format version 9; this ochat reads version 1; it "
                     "was written by a newer ochat\n");
  CHECK(slurp(file) == bytes);
  CHECK(c.ochat.server.requests().empty());
}

TEST_CASE(
    "conversations: a file that is not a conversation, a directory or an unwritable file is an "
    "error, nothing written") {
  Chat c;
  struct Case {
    std::string name, bytes, error;
  };
  const std::vector<Case> cases = {
      {"notes.txt", "just some notes\n", "is not an ochat conversation (line 1 is not JSON)"},
      {"array.json", "[{\"role\":\"user\",\"content\":\"hi\"}]\n",
       "is not an ochat conversation (line 1 is not a conversation header)"},
      {"binary",
       std::string("\x7F"
                   "ELF\x02\x01\x01\0\0\0\n\xFF\xFE",
                   13),
       "is not an ochat conversation (line 1 is not JSON)"},
  };
  for (const auto& k : cases) {
    INFO(k.name);
    const std::string file = c.work.file(k.name);
    write_file(file, k.bytes);
    auto r = c.run({"-m", "text", "--chat", file, "hi"});
    CHECK(r.exit_code == 1);
    check_one_error_line(r);
    CHECK_THAT(r.err, Catch::Contains(k.error));
    CHECK(slurp(file) == k.bytes);
  }
  auto dir = c.run({"-m", "text", "--chat", c.work.path, "hi"});
  CHECK(dir.exit_code == 1);
  CHECK(dir.err == "ochat: error: the conversation " + c.work.path + " is a directory\n");
  CHECK(c.ochat.server.requests().empty());

  if (::geteuid() == 0) {
    WARN("running as root: file permissions do not apply, the unwritable file is not checked");
    return;
  }
  const std::string ro = c.work.file("ro.jsonl");
  CHECK(c.run({"-m", "text", "--chat", ro, "hi"}).exit_code == 0);
  const std::string before = slurp(ro);
  ::chmod(ro.c_str(), 0400);
  auto r = c.run({"--chat", ro, "again"});
  CHECK(r.exit_code == 1);
  CHECK(r.err == "ochat: error: cannot open the conversation " + ro + ": Permission denied\n");
  CHECK(slurp(ro) == before);
}

TEST_CASE(
    "conversations: a turn that cannot be saved after the answer was printed exits 1 saying so") {
  Chat c;
  const std::string file = c.work.file("c.jsonl");
  CHECK(c.run({"-m", "text", "--chat", file,
               "a question long enough to fill the first block of the file, "
               "with more words, and more, until it is over 512 bytes together "
               "with the answer and the header, which it is by now surely, yes"})
            .exit_code == 0);
  const std::string before = slurp(file);
  REQUIRE(before.size() > 512);
  // A file size limit of one 512-byte block: the append fails (EFBIG, as ENOSPC would).
  RunOptions o;
  o.env = {{"XDG_STATE_HOME", c.state.path}};
  o.args = {"-c",
            "trap '' XFSZ; ulimit -f 1; exec \"$0\" \"$@\"",
            ochat_binary(),
            "--host",
            c.ochat.server.url(),
            "--chat",
            file,
            "again"};
  auto r = run_process("/bin/sh", o);
  CHECK(r.exit_code == 1);
  CHECK(r.out == printed("Hello, world!"));  // the answer stays printed
  CHECK(r.err == "ochat: error: this turn was not saved: cannot append to the conversation " +
                     file + ": File too large\n");
  CHECK(slurp(file) == before);
}

TEST_CASE(
    "conversations: a second ochat waits for the first, says so after a second, and reads its "
    "answer",
    "[reliability]") {
  Chat c;
  const std::string file = c.work.file("c.jsonl");
  CHECK(c.run({"-m", "echo", "--chat", file, "zero"}).exit_code == 0);
  RunResult first, second;
  std::thread t([&] {
    RunOptions o;
    o.env = {{"XDG_STATE_HOME", c.state.path}};
    first = c.ochat.run({"--chat", file, "-m", "slow:25", "count"}, o);  // 100 tokens: 2.5 s
  });
  // Once the first is streaming (it holds the lock), start the second.
  for (int i = 0; i < 500 && c.ochat.server.requests().size() < 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  second = c.run({"--chat", file, "-m", "echo", "after"});
  t.join();
  CHECK(first.exit_code == 0);
  CHECK(second.exit_code == 0);
  CHECK(second.err == "ochat: waiting for another ochat using " + file + "\n");
  const json m = c.messages(2);
  REQUIRE(m.size() == 5);
  CHECK(m[3]["content"] == slow_text());  // the history as the first left it
  CHECK(lines_of(file).size() == 7);
  reliability::record_fault("conversation file locked by another ochat", second,
                            reliability::exact(second.out));
}

TEST_CASE("conversations: Ctrl-C while waiting for another ochat exits 130 and writes nothing") {
  Chat c;
  const std::string file = c.work.file("c.jsonl");
  RunResult first;
  std::thread t([&] {
    RunOptions o;
    o.env = {{"XDG_STATE_HOME", c.state.path}};
    first = c.ochat.run({"--chat", file, "-m", "slow:25", "count"}, o);
  });
  for (int i = 0; i < 500 && c.ochat.server.requests().empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  RunOptions o;
  o.signal_at = {SIGINT, std::chrono::milliseconds(1300)};
  auto waiting = c.run({"--chat", file, "-m", "echo", "never"}, o);
  t.join();
  CHECK(waiting.exit_code == 130);
  CHECK(waiting.out.empty());
  CHECK(waiting.err == "ochat: waiting for another ochat using " + file + "\n");
  CHECK(c.ochat.server.requests().size() == 1);
  CHECK(first.exit_code == 0);
  CHECK(lines_of(file).size() == 3);  // only the first run's turn
}

TEST_CASE(
    "conversations: two processes x 50 turns on one file: every line parses, no turn lost or "
    "interleaved") {
  Chat c;
  const std::string file = c.work.file("c.jsonl");
  constexpr int kTurns = 50;
  auto worker = [&](const std::string& who, std::vector<RunResult>& results) {
    for (int i = 0; i < kTurns; ++i) {
      RunOptions o;
      o.env = {{"XDG_STATE_HOME", c.state.path}};
      results.push_back(c.ochat.run({"--chat", file, "-m", "echo", who + std::to_string(i)}, o));
    }
  };
  std::vector<RunResult> a, b;
  std::thread ta(worker, "a", std::ref(a));
  std::thread tb(worker, "b", std::ref(b));
  ta.join();
  tb.join();
  for (const auto* results : {&a, &b}) {
    for (const auto& r : *results) {
      CHECK(r.exit_code == 0);
      CHECK_THAT(r.err, Catch::Matches("(ochat: waiting for another ochat using [^\n]*\n)?"));
    }
  }
  const auto lines = lines_of(file);
  REQUIRE(lines.size() == 1 + 4 * kTurns);
  std::set<std::string> seen;
  for (std::size_t i = 1; i < lines.size(); i += 2) {
    CHECK(lines[i]["role"] == "user");
    CHECK(lines[i + 1]["role"] == "assistant");
    CHECK(lines[i + 1]["content"] == lines[i]["content"]);  // each answer right after its question
    seen.insert(lines[i]["content"].get<std::string>());
  }
  CHECK(seen.size() == 2 * kTurns);
  // No stale history: the n-th request carried the n-1 turns before it.
  std::multiset<std::size_t> sizes;
  for (std::size_t n = 0; n < c.ochat.server.requests().size(); ++n)
    sizes.insert(c.messages(n).size());
  for (std::size_t n = 0; n < 2 * kTurns; ++n) CHECK(sizes.count(2 * n + 1) == 1);
}

TEST_CASE("conversations: --conversations lists them newest first, tab-separated") {
  Chat c;
  CHECK(c.run({"-m", "text", "--chat", "first", "why is\tthe sky\nblue?"}).exit_code == 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  CHECK(c.run({"-m", "echo", "--chat", "second", "hello"}).exit_code == 0);
  CHECK(c.run({"--chat", "second", "-m", "text", "again"}).exit_code == 0);
  write_file(c.dir() + "/broken.jsonl", "not a conversation\n");
  auto r = c.run({"--conversations"});
  CHECK(r.exit_code == 0);
  CHECK(r.err ==
        "ochat: warning: skipped " + c.dir() + "/broken.jsonl is not an ochat conversation\n");
  std::vector<std::vector<std::string>> fields;
  std::size_t pos = 0;
  while (pos < r.out.size()) {
    const std::size_t nl = r.out.find('\n', pos);
    std::string row = r.out.substr(pos, nl - pos);
    pos = nl + 1;
    std::vector<std::string> f;
    std::size_t at = 0;
    for (std::size_t tab; (tab = row.find('\t', at)) != std::string::npos; at = tab + 1)
      f.push_back(row.substr(at, tab - at));
    f.push_back(row.substr(at));
    fields.push_back(f);
  }
  REQUIRE(fields.size() == 2);
  CHECK(fields[0][0] == "second");
  CHECK_THAT(fields[0][1], Catch::Matches(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)"));
  CHECK(fields[0][2] == "text");  // the model it uses now
  CHECK(fields[0][3] == "4");
  CHECK(fields[0][4] == "hello");
  CHECK(fields[1] ==
        std::vector<std::string>{"first", fields[1][1], "text", "2", "why is the sky blue?"});
}

TEST_CASE(
    "conversations: --show prints a conversation as text, and with --events as a live run's "
    "events") {
  Chat c;
  const std::string file = c.work.file("c.jsonl");
  CHECK(c.run({"-m", "tool", "-t", plugin("weather"), "-s", "be brief", "--chat", file, "weather?"})
            .exit_code == 0);
  auto live = c.run({"--chat", file, "-m", "text", "--events", "thanks"});
  auto text = c.run({"--show", file});
  CHECK(text.exit_code == 0);
  CHECK(text.err.empty());
  CHECK(text.out ==
        "[system]\nbe brief\n\n"
        "[user]\nweather?\n\n"
        "[assistant]\nLet me check.\n-> get_weather {\"city\":\"Paris\"}\n\n"
        "[tool result: get_weather]\nweather for {\"city\":\"Paris\"}\n\n"
        "[assistant]\nTool said: weather for {\"city\":\"Paris\"}\n\n"
        "[user]\nthanks\n\n"
        "[assistant]\nHello, world!\n");
  // --show without a value: the most recent conversation.
  CHECK(c.run({"--show"}).out == text.out);

  auto events = c.run({"--show", file, "--events"});
  CHECK(events.exit_code == 0);
  const auto replayed = parse_lines(events.out);
  std::vector<std::string> types;
  for (const auto& e : replayed) types.push_back(e["type"]);
  CHECK(types == std::vector<std::string>{"start", "message", "message", "token", "tool_call",
                                          "tool_result", "token", "done", "start", "message",
                                          "token", "done"});
  // The second turn replays as its live run wrote it: the same start, text and done (the text
  // in one token rather than in the pieces that arrived; the message event added).
  auto live_events = parse_lines(live.out);
  CHECK(replayed[8] == live_events[0]);
  CHECK(replayed[10]["data"]["text"] == joined_text(live_events, "token"));
  CHECK(replayed[11]["data"] == live_events.back()["data"]);
  CHECK(replayed[9]["data"] == json{{"role", "user"}, {"content", "thanks"}});

  auto missing = c.run({"--show", "nothing-here"});
  CHECK(missing.exit_code == 1);
  check_one_error_line(missing);
}

TEST_CASE(
    "conversations: an attached image is saved with its message and sent again on the next turn") {
  Chat c;
  const std::string file = c.work.file("c.jsonl");
  std::string png = "\x89PNG\r\n\x1a\n";
  png += std::string(1000, 'p');
  const std::string image = c.work.file("cat.png");
  write_file(image, png);
  write_file(c.work.file("notes.txt"), "some notes\n");
  CHECK(c.run({"-m", "echo", "--chat", file, "-a", image, "-a", c.work.file("notes.txt"),
               "what is it?"})
            .exit_code == 0);
  CHECK(c.run({"--chat", file, "and now?"}).exit_code == 0);
  const json second = c.messages(1);
  REQUIRE(second.size() == 3);
  REQUIRE(second[0]["images"].size() == 1);
  CHECK(second[0]["images"] == c.messages(0)[0]["images"]);
  CHECK(second[0]["content"] == c.messages(0)[0]["content"]);
  CHECK_FALSE(second[2].contains("images"));
  const auto lines = lines_of(file);
  CHECK(lines[1]["ochat"]["attachments"] ==
        json::parse(R"([{"name":")" + image + R"(","type":"image/png","size":1008},)" +
                    R"({"name":")" + c.work.file("notes.txt") +
                    R"(","type":"text/plain","size":11}])"));
  // With the other protocol: the image as a data: URL.
  CHECK(c.run({"--chat", file, "--api", "openai", "--host", c.ochat.server.url() + "/v1", "more"})
            .exit_code == 0);
  const json openai = c.messages(2);
  CHECK(openai[0]["content"][0]["type"] == "image_url");
  auto shown = c.run({"--show", file});
  CHECK_THAT(shown.out, Catch::Contains("(attached: " + image + ", image/png, 1008 bytes)"));
}

TEST_CASE("conversations: an answer continued after a broken connection is saved whole, once") {
  Chat c;
  const std::string file = c.work.file("c.jsonl");
  RunOptions o;
  o.unset_env.push_back("OCHAT_RETRIES");
  auto r = c.run({"-m", "drop-once", "--chat", file, "hi"}, o);
  CHECK(r.exit_code == 0);
  const auto lines = lines_of(file);
  REQUIRE(lines.size() == 3);
  CHECK(lines[2]["content"] == std::string(kContinueText));
  CHECK_FALSE(lines[2]["ochat"].contains("cut"));
  CHECK(c.run({"--chat", file, "-m", "echo", "next"}).exit_code == 0);
  CHECK(c.messages(2) ==
        json::array({msg("user", "hi"), msg("assistant", std::string(kContinueText)),
                     msg("user", "next")}));
}
