// The interactive mode, driven through a pseudo-terminal as a person would type: keystrokes
// are written to the terminal once the text they answer has appeared (a pty turns "\n" into
// "\r\n" on output; Enter is "\r" on input, Ctrl-C "\x03", Ctrl-D "\x04").
#include <signal.h>
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "e2e_support.hpp"

using namespace ochat::test;

namespace {

constexpr const char* kPrompt = ">>> ";
constexpr const char* kMorePrompt = "... ";

// A run on a terminal (stdin, stdout and stderr) where `typed` is typed: {after, keys}, keys
// after a prompt typed once the line editor reads.
RunOptions on_terminal(const std::vector<std::pair<std::string, std::string>>& typed) {
  RunOptions o;
  o.terminal = true;
  o.terminal_stdin = true;
  o.env = {{"TERM", "dumb"}};
  for (const auto& [after, keys] : typed) {
    const auto ends_with = [&after = after](std::string_view end) {
      return after.size() >= end.size() &&
             after.compare(after.size() - end.size(), end.size(), end) == 0;
    };
    o.typed.push_back({after, keys, ends_with(kPrompt) || ends_with(kMorePrompt)});
  }
  return o;
}

}  // namespace

TEST_CASE("interactive: a prompt gets its answer streamed, Ctrl-D leaves with status 0") {
  Ochat ochat;
  auto r = ochat.run({"-m", "text"}, on_terminal({{kPrompt, "hi\r"}, {kPrompt, "\x04"}}));
  INFO(r.out);
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains(std::string(kTextText) + "\r\n" + kPrompt));
  REQUIRE(ochat.server.requests().size() == 1);
  CHECK(ochat.request_body(0)["messages"].back()["content"] == "hi");
}

namespace {

struct TempDir {
  std::string path;
  TempDir() {
    std::string pattern = "/tmp/ochat-interactive-XXXXXX";
    path = ::mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// The saved conversations of a state directory.
std::vector<std::string> conversation_files(const std::string& state) {
  std::vector<std::string> files;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(state + "/ochat/conversations", ec)) {
    files.push_back(e.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// The roles and contents of a request's messages, as "role: content" lines.
std::vector<std::string> messages_of(const nlohmann::json& body) {
  std::vector<std::string> out;
  for (const auto& m : body["messages"]) {
    out.push_back(m["role"].get<std::string>() + ": " + m["content"].get<std::string>());
  }
  return out;
}

using Lines = std::vector<std::string>;

}  // namespace

TEST_CASE("interactive: three turns, each request carries the conversation so far") {
  Ochat ochat;
  auto r = ochat.run(
      {"-m", "echo"},
      on_terminal(
          {{kPrompt, "one\r"}, {kPrompt, "two\r"}, {kPrompt, "three\r"}, {kPrompt, "\x04"}}));
  INFO(r.out);
  CHECK(r.exit_code == 0);
  REQUIRE(ochat.server.requests().size() == 3);
  CHECK(messages_of(ochat.request_body(0)) == Lines{"user: one"});
  CHECK(messages_of(ochat.request_body(1)) == Lines{"user: one", "assistant: one", "user: two"});
  CHECK(messages_of(ochat.request_body(2)) ==
        Lines{"user: one", "assistant: one", "user: two", "assistant: two", "user: three"});
}

TEST_CASE(
    "interactive: Ctrl-C stops the answer, the prompt returns and the next request carries the "
    "cut answer, saved as cut") {
  Ochat ochat;
  TempDir state;
  RunOptions o = on_terminal({{kPrompt, "go\r"},
                              {"s3 ", "\x03"},
                              {kPrompt, "/model echo\r"},
                              {kPrompt, "next\r"},
                              {kPrompt, "\x04"}});
  o.env.push_back({"XDG_STATE_HOME", state.path});
  auto r = ochat.run({"-m", "slow:50"}, o);
  INFO(r.out);
  CHECK(r.exit_code == 0);
  REQUIRE(ochat.server.wait_finished(2, std::chrono::seconds(10)));
  const auto requests = ochat.server.requests();
  REQUIRE(requests.size() == 2);
  CHECK(requests[0].disconnected_early);  // the server stopped generating
  const Lines second = messages_of(ochat.request_body(1));
  REQUIRE(second.size() == 3);
  CHECK(second[0] == "user: go");
  CHECK_THAT(second[1], Catch::StartsWith("assistant: s0 s1 s2 s3 "));
  CHECK(second[1] != "assistant: " + slow_text());
  CHECK(second[2] == "user: next");
  // The cut answer is on the screen as it was sent back.
  CHECK_THAT(r.out, Catch::Contains(second[1].substr(std::string("assistant: ").size())));

  const auto files = conversation_files(state.path);
  REQUIRE(files.size() == 1);
  const auto lines = parse_lines(slurp(files[0]));
  REQUIRE(lines.size() == 5);  // header, go, the cut answer, next, its answer
  CHECK(lines[2]["role"] == "assistant");
  CHECK(lines[2]["ochat"]["cut"] == "interrupted");
  CHECK(lines[4]["content"] == "next");
  CHECK_FALSE(lines[4]["ochat"].contains("cut"));
}

TEST_CASE("interactive: Ctrl-C at the prompt clears the line and the chat goes on") {
  Ochat ochat;
  auto r = ochat.run(
      {"-m", "echo"},
      on_terminal(
          {{kPrompt, "forgotten"}, {"forgotten", "\x03"}, {kPrompt, "kept\r"}, {kPrompt, "\x04"}}));
  INFO(r.out);
  CHECK(r.exit_code == 0);
  REQUIRE(ochat.server.requests().size() == 1);
  CHECK(messages_of(ochat.request_body(0)) == Lines{"user: kept"});
}

TEST_CASE("interactive: /bye leaves with status 0") {
  Ochat ochat;
  auto r = ochat.run({"-m", "echo"}, on_terminal({{kPrompt, "/bye\r"}}));
  CHECK(r.exit_code == 0);
  CHECK(ochat.server.requests().empty());
}

TEST_CASE("interactive: a \"\"\" block of many lines is one message") {
  Ochat ochat;
  auto r = ochat.run({"-m", "echo"}, on_terminal({{kPrompt, "\"\"\"\r"},
                                                  {kMorePrompt, "line one\r"},
                                                  {kMorePrompt, "/not a command\r"},
                                                  {kMorePrompt, "\"\"\"\r"},
                                                  {kPrompt, "\x04"}}));
  INFO(r.out);
  CHECK(r.exit_code == 0);
  REQUIRE(ochat.server.requests().size() == 1);
  CHECK(messages_of(ochat.request_body(0)) == Lines{"user: line one\n/not a command"});
}

TEST_CASE("interactive: lines pasted at once are one message") {
  Ochat ochat;
  auto r = ochat.run(
      {"-m", "echo"},
      on_terminal({{kPrompt, "first\rsecond\rthird\r"}, {"third", ""}, {kPrompt, "\x04"}}));
  INFO(r.out);
  CHECK(r.exit_code == 0);
  REQUIRE(ochat.server.requests().size() == 1);
  CHECK(messages_of(ochat.request_body(0)) == Lines{"user: first\nsecond\nthird"});
}

TEST_CASE("interactive: /model, /system, /tools, /show, /clear and /help") {
  Ochat ochat;
  auto r = ochat.run({"-m", "text"}, on_terminal({{kPrompt, "/help\r"},
                                                  {kPrompt, "/model echo\r"},
                                                  {kPrompt, "/system be brief\r"},
                                                  {kPrompt, "/tools\r"},
                                                  {kPrompt, "hello\r"},
                                                  {kPrompt, "/show\r"},
                                                  {kPrompt, "/clear\r"},
                                                  {kPrompt, "again\r"},
                                                  {kPrompt, "/model\r"},
                                                  {kPrompt, "\x04"}}));
  INFO(r.out);
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("/model NAME "));
  CHECK_THAT(r.out, Catch::Contains("/bye "));
  CHECK_THAT(r.out, Catch::Contains("ochat: model echo\r\n"));
  CHECK_THAT(r.out, Catch::Contains("ochat: no tools are offered"));
  CHECK_THAT(r.out, Catch::Contains("[system]\r\nbe brief\r\n\r\n[user]\r\nhello\r\n\r\n"
                                    "[assistant]\r\nhello\r\n"));
  REQUIRE(ochat.server.requests().size() == 2);
  CHECK(ochat.request_body(0)["model"] == "echo");
  CHECK(messages_of(ochat.request_body(0)) == Lines{"system: be brief", "user: hello"});
  // /clear: a new conversation (the system prompt set stays in effect).
  CHECK(messages_of(ochat.request_body(1)) == Lines{"system: be brief", "user: again"});
}

TEST_CASE("interactive: an unknown /command is an error line, not a message") {
  Ochat ochat;
  auto r =
      ochat.run({"-m", "echo"}, on_terminal({{kPrompt, "/frobnicate now\r"}, {kPrompt, "\x04"}}));
  INFO(r.out);
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out,
             Catch::Contains("ochat: error:\x1b[0m unknown command /frobnicate; /help lists the "
                             "commands\r\n"));
  CHECK(ochat.server.requests().empty());
}

TEST_CASE("interactive: a server error ends the turn, not the chat") {
  Ochat ochat;
  auto r = ochat.run({"-m", "busy:1", "--retries", "0"},
                     on_terminal({{kPrompt, "first\r"}, {kPrompt, "second\r"}, {kPrompt, "\x04"}}));
  INFO(r.out);
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("ochat: error:"));
  CHECK_THAT(r.out, Catch::Contains("server busy"));
  CHECK_THAT(r.out, Catch::Contains(std::string(kTextText) + "\r\n"));
  REQUIRE(ochat.server.requests().size() == 2);
  // The turn that got no answer is not part of the conversation.
  CHECK(messages_of(ochat.request_body(1)) == Lines{"user: second"});
}

TEST_CASE("interactive: a prompt on the command line is the first message") {
  Ochat ochat;
  auto r = ochat.run({"-i", "-m", "echo", "first"},
                     on_terminal({{kPrompt, "second\r"}, {kPrompt, "\x04"}}));
  INFO(r.out);
  CHECK(r.exit_code == 0);
  REQUIRE(ochat.server.requests().size() == 2);
  CHECK(messages_of(ochat.request_body(1)) ==
        Lines{"user: first", "assistant: first", "user: second"});
}

TEST_CASE("interactive: -i -c resumes the last conversation") {
  Ochat ochat;
  TempDir state;
  RunOptions once;
  once.env = {{"XDG_STATE_HOME", state.path}};
  REQUIRE(ochat.run({"-m", "echo", "earlier"}, once).exit_code == 0);
  RunOptions o = on_terminal({{kPrompt, "later\r"}, {kPrompt, "\x04"}});
  o.env.push_back({"XDG_STATE_HOME", state.path});
  auto r = ochat.run({"-i", "-c"}, o);
  INFO(r.out);
  CHECK(r.exit_code == 0);
  REQUIRE(ochat.server.requests().size() == 2);
  CHECK(ochat.request_body(1)["model"] == "echo");  // the saved model
  CHECK(messages_of(ochat.request_body(1)) ==
        Lines{"user: earlier", "assistant: earlier", "user: later"});
  const auto files = conversation_files(state.path);
  REQUIRE(files.size() == 1);
  CHECK(parse_lines(slurp(files[0])).size() == 5);
}

TEST_CASE("interactive: -i needs a terminal on standard input (a usage error otherwise)") {
  Ochat ochat;
  RunOptions piped;
  piped.stdin_data = "hi\n";
  auto r = ochat.run({"-i", "-m", "echo"}, piped);
  CHECK(r.exit_code == 2);
  check_one_error_line(r);
  CHECK_THAT(r.err, Catch::Contains("-i/--interactive needs a terminal on standard input"));
  CHECK(ochat.server.requests().empty());
}

TEST_CASE("interactive: without a prompt, a terminal on standard input starts a chat") {
  Ochat ochat;
  auto r = ochat.run({"-m", "echo"}, on_terminal({{kPrompt, "\x04"}}));
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::StartsWith(kPrompt));
}

TEST_CASE("interactive: the history file is written 0600, and not with --no-save") {
  Ochat ochat;
  TempDir state;
  RunOptions o = on_terminal({{kPrompt, "remember me\r"}, {kPrompt, "\x04"}});
  o.env.push_back({"XDG_STATE_HOME", state.path});
  auto r = ochat.run({"-m", "echo"}, o);
  INFO(r.out);
  CHECK(r.exit_code == 0);
  const std::string history = state.path + "/ochat/history";
  struct stat st {};
  REQUIRE(::stat(history.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777u) == 0600u);
  CHECK_THAT(slurp(history), Catch::Contains("remember"));

  TempDir other;
  RunOptions unsaved = on_terminal({{kPrompt, "secret\r"}, {kPrompt, "\x04"}});
  unsaved.env.push_back({"XDG_STATE_HOME", other.path});
  r = ochat.run({"-m", "echo", "--no-save"}, unsaved);
  INFO(r.out);
  CHECK(r.exit_code == 0);
  CHECK(::stat((other.path + "/ochat/history").c_str(), &st) != 0);
}

TEST_CASE("interactive: --confirm asks on the same terminal") {
  Ochat ochat;
  const std::string weather = std::string(OCHAT_TEST_PLUGINS) + "/weather";
  auto r = ochat.run({"-m", "tool", "-t", weather, "--confirm"}, on_terminal({{kPrompt, "/tools\r"},
                                                                              {kPrompt, "hi\r"},
                                                                              {"[y/N] ", "y\r"},
                                                                              {kPrompt, "again\r"},
                                                                              {"[y/N] ", "n\r"},
                                                                              {kPrompt, "\x04"}}));
  INFO(r.out);
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("get_weather  "));  // /tools: the name, then the description
  CHECK_THAT(r.out, Catch::Contains("-> ok ("));
  CHECK_THAT(r.out, Catch::Contains("Tool said: weather for"));
  CHECK_THAT(r.out, Catch::Contains("The user declined to run this tool call."));
  CHECK(ochat.server.requests().size() == 4);
}

TEST_CASE("interactive: SIGTERM at the prompt ends the session with 143") {
  Ochat ochat;
  RunOptions o = on_terminal({{kPrompt, "hi\r"}});
  o.signal_on_text = {SIGTERM, std::string(kTextText) + "\r\n" + kPrompt};
  auto r = ochat.run({"-m", "text"}, o);
  INFO(r.out);
  CHECK(r.exit_code == 143);
  CHECK(ochat.server.requests().size() == 1);
}

TEST_CASE("interactive: -v prints the statistics after each answer") {
  Ochat ochat;
  auto r = ochat.run({"-m", "echo", "-v"},
                     on_terminal({{kPrompt, "one\r"}, {kPrompt, "two\r"}, {kPrompt, "\x04"}}));
  INFO(r.out);
  CHECK(r.exit_code == 0);
  std::size_t blocks = 0;
  for (auto at = r.out.find("generated tokens:"); at != std::string::npos;
       at = r.out.find("generated tokens:", at + 1)) {
    ++blocks;
  }
  CHECK(blocks == 2);
}

TEST_CASE("interactive: an answer's escape sequences reach the terminal neutralised") {
  Ochat ochat;
  auto r = ochat.run({"-m", "hostile"}, on_terminal({{kPrompt, "hi\r"}, {kPrompt, "\x04"}}));
  INFO(r.out);
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("clip:^[]52;c;aGk=^G move:^[[2J"));
  CHECK(r.out.find("\x1b]52") == std::string::npos);
}

TEST_CASE("interactive: UTF-8 is typed and edited as characters") {
  Ochat ochat;
  // Backspace (DEL) removes the whole last character, two bytes here.
  // (The editor draws the prompt again when it redraws the line: the next keys wait for the
  // prompt after the answer.)
  auto r =
      ochat.run({"-m", "echo"}, on_terminal({{kPrompt, "caf\xC3\xA9 \xE4\xBD\xA0\xC3\xA9\x7f\r"},
                                             {std::string("\xE4\xBD\xA0\r\n") + kPrompt, "\x04"}}));
  INFO(r.out);
  CHECK(r.exit_code == 0);
  REQUIRE(ochat.server.requests().size() == 1);
  CHECK(messages_of(ochat.request_body(0)) == Lines{"user: caf\xC3\xA9 \xE4\xBD\xA0"});
}

TEST_CASE("interactive: a bracketed paste is one message, even when it arrives in pieces") {
  Ochat ochat;
  RunOptions o = on_terminal({{kPrompt, "\x1b[200~first\r"},
                              {kMorePrompt, "second\r"},
                              {kMorePrompt, "third\x1b[201~"},
                              {"third", "\r"},
                              {kPrompt, "\x04"}});
  o.env = {{"TERM", "xterm"}};
  auto r = ochat.run({"-m", "echo"}, o);
  INFO(r.out);
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("\x1b[?2004h"));  // the terminal is asked to mark pastes
  REQUIRE(ochat.server.requests().size() == 1);
  CHECK(messages_of(ochat.request_body(0)) == Lines{"user: first\nsecond\nthird"});
}

TEST_CASE("interactive: Ctrl-D typed while an answer streams does not upset the next prompt") {
  Ochat ochat;
  auto r = ochat.run({"-m", "slow:20"},
                     on_terminal({{kPrompt, "go\r"},
                                  {"s2 ", "\x04"},
                                  {"s99 ", ""},
                                  {kPrompt, "\x03"},  // the line editor still sees Ctrl-C as such
                                  {kPrompt, "/model echo\r"},
                                  {kPrompt, "after\r"},
                                  {kPrompt, "/bye\r"}}));
  INFO(r.out);
  CHECK(r.exit_code == 0);
  REQUIRE(ochat.server.requests().size() == 2);
  CHECK(messages_of(ochat.request_body(1)).back() == "user: after");
}

TEST_CASE("interactive: thinking is dimmed on the terminal, apart from the answer") {
  Ochat ochat;
  auto r = ochat.run({"-m", "think"}, on_terminal({{kPrompt, "hi\r"}, {kPrompt, "\x04"}}));
  INFO(r.out);
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("\x1b[2m" + std::string(kThinkThinking) + "\x1b[0m\r\n" +
                                    std::string(kThinkContent) + "\r\n" + kPrompt));
}

TEST_CASE("interactive: -i with --events is a usage error") {
  Ochat ochat;
  auto r = ochat.run({"-i", "--events", "-m", "echo"}, on_terminal({}));
  INFO(r.out);
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.out, Catch::Contains("-i/--interactive writes text"));
  CHECK(ochat.server.requests().empty());
}

TEST_CASE(
    "interactive: Ctrl-C while a tool runs stops it (its process group) and the chat goes on") {
  Ochat ochat;
  TempDir dir;
  const std::string pid_file = dir.path + "/pids";
  RunOptions o = on_terminal(
      {{kPrompt, "hi\r"}, {kPrompt, "/model echo\r"}, {kPrompt, "next\r"}, {kPrompt, "\x04"}});
  o.env.push_back({"HANG_PID_FILE", pid_file});
  o.signal_on_text = {SIGINT, "ochat: tool hang"};
  o.signal_gate = {{pid_file, "\n"}};  // once the tool runs
  auto r = ochat.run({"-m", "tool", "-t", std::string(OCHAT_TEST_PLUGINS) + "/hang"}, o);
  INFO(r.out);
  CHECK(r.exit_code == 0);
  REQUIRE(ochat.server.requests().size() == 2);
  const nlohmann::json second = ochat.request_body(1);
  std::vector<std::string> roles;
  for (const auto& m : second["messages"]) roles.push_back(m["role"]);
  CHECK(roles == Lines{"user", "assistant", "tool", "user"});
  CHECK(second["messages"][2]["content"] == "The tool was interrupted by the user.");
  std::ifstream in(pid_file);
  std::vector<int> pids;
  for (int pid = 0; in >> pid;) pids.push_back(pid);
  REQUIRE_FALSE(pids.empty());
  bool gone = false;
  for (int i = 0; i < 100 && !gone; ++i) {  // SIGKILL to the group: gone at once, reaped soon
    gone = true;
    for (int pid : pids) gone = gone && ::kill(pid, 0) != 0;
    if (!gone) ::usleep(20'000);
  }
  CHECK(gone);
}
