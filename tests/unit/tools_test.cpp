// Tool plumbing: plugin descriptions, UTF-8 cleaning, the registry, --confirm.
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <fstream>

#include "core/error.hpp"
#include "core/text/utf8.hpp"
#include "core/tools/confirming_runner.hpp"
#include "core/tools/executable_plugin.hpp"
#include "core/tools/registry.hpp"

using ochat::Error;
using ochat::ErrorKind;
using Json = nlohmann::ordered_json;

namespace {

class FakeProvider final : public ochat::tools::ToolProvider {
 public:
  FakeProvider(std::string source, std::vector<std::string> names) : source_(std::move(source)) {
    for (auto& n : names) specs_.push_back({n, "d", Json::object()});
  }
  const std::string& source() const override { return source_; }
  const std::vector<ochat::tools::ToolSpec>& tools() const override { return specs_; }
  ochat::chat::ToolOutcome call(const std::string& name, const Json& arguments,
                                const ochat::sys::CancelToken&) override {
    calls.push_back(name + " " + arguments.dump());
    return {source_ + ":" + name, false, false, {}};
  }
  std::vector<std::string> calls;

 private:
  std::string source_;
  std::vector<ochat::tools::ToolSpec> specs_;
};

class ScriptedConfirmer final : public ochat::tools::Confirmer {
 public:
  explicit ScriptedConfirmer(bool answer) : answer_(answer) {}
  bool confirm(const std::string& question, const ochat::sys::CancelToken&) override {
    questions.push_back(question);
    return answer_;
  }
  std::vector<std::string> questions;

 private:
  bool answer_;
};

ochat::chat::ToolCall call(const std::string& name, Json args = Json::object()) {
  ochat::chat::ToolCall c;
  c.id = "id1";
  c.name = name;
  c.arguments = std::move(args);
  return c;
}

}  // namespace

TEST_CASE("tools::parse_description reads one object or an array") {
  auto one = ochat::tools::parse_description(
      R"({"name":"a","description":"A","parameters":{"type":"object"}})", "p");
  REQUIRE(one.size() == 1);
  CHECK(one[0].name == "a");
  CHECK(one[0].description == "A");
  CHECK(one[0].parameters == Json::parse(R"({"type":"object"})"));
  auto two = ochat::tools::parse_description(R"([{"name":"a"},{"name":"b"}])", "p");
  REQUIRE(two.size() == 2);
  CHECK(two[1].name == "b");
  CHECK(two[1].parameters == Json::parse(R"({"type":"object","properties":{}})"));
}

TEST_CASE("tools::parse_description rejects bad descriptions, naming the plugin") {
  for (const char* text :
       {"not json", "[]", "42", R"({"description":"no name"})", R"({"name":"has space"})",
        R"({"name":"a","parameters":"x"})", R"({"name":"a","description":7})"}) {
    INFO(text);
    try {
      ochat::tools::parse_description(text, "/path/to/plugin");
      FAIL("no error");
    } catch (const Error& e) {
      CHECK_THAT(e.what(), Catch::Contains("/path/to/plugin"));
    }
  }
}

TEST_CASE("text::append_utf8 encodes one to four bytes") {
  std::string out;
  for (std::uint32_t cp :
       {0x41u, 0xE9u, 0x7FFu, 0x800u, 0x20ACu, 0xFFFFu, 0x10000u, 0x1F600u, 0x10FFFFu}) {
    ochat::text::append_utf8(out, cp);
  }
  CHECK(out ==
        "A\xC3\xA9\xDF\xBF\xE0\xA0\x80\xE2\x82\xAC\xEF\xBF\xBF\xF0\x90\x80\x80\xF0\x9F\x98\x80\xF4"
        "\x8F\xBF\xBF");
}

TEST_CASE("text::valid_utf8 keeps valid text and replaces invalid bytes and NUL") {
  bool changed = true;
  CHECK(ochat::text::valid_utf8("caf\xC3\xA9 \xF0\x9F\x98\x80", &changed) ==
        "caf\xC3\xA9 \xF0\x9F\x98\x80");
  CHECK_FALSE(changed);
  CHECK(ochat::text::valid_utf8(std::string("a\0b", 3), &changed) ==
        "a\xEF\xBF\xBD"
        "b");
  CHECK(changed);
  CHECK(ochat::text::valid_utf8("\xFF") == "\xEF\xBF\xBD");
  CHECK(ochat::text::valid_utf8("\xC3") == "\xEF\xBF\xBD");                  // cut sequence
  CHECK(ochat::text::valid_utf8("\xC0\xAF") == "\xEF\xBF\xBD\xEF\xBF\xBD");  // overlong
  CHECK(ochat::text::valid_utf8("\xED\xA0\x80") ==
        "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogate
}

TEST_CASE("tools::Registry offers tools in order and refuses a name offered twice") {
  ochat::tools::Registry registry;
  registry.add(std::make_unique<FakeProvider>("p1", std::vector<std::string>{"b", "a"}));
  registry.add(std::make_unique<FakeProvider>("p2", std::vector<std::string>{"c"}));
  const Json defs = registry.definitions();
  REQUIRE(defs.size() == 3);
  CHECK(defs[0]["function"]["name"] == "b");
  CHECK(defs[2]["function"]["name"] == "c");
  CHECK(defs[0]["type"] == "function");
  try {
    registry.add(std::make_unique<FakeProvider>("p3", std::vector<std::string>{"a"}));
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::usage);
    CHECK_THAT(e.what(), Catch::Contains("p1") && Catch::Contains("p3"));
  }
}

TEST_CASE("tools::Registry runs the right provider and tells the model about unknown names") {
  ochat::tools::Registry registry;
  registry.add(std::make_unique<FakeProvider>("p1", std::vector<std::string>{"a"}));
  registry.add(std::make_unique<FakeProvider>("p2", std::vector<std::string>{"b"}));
  CHECK(registry.run(call("b"), {}).content == "p2:b");
  auto unknown = registry.run(call("zzz"), {});
  CHECK(unknown.is_error);
  CHECK(unknown.content == "There is no tool named 'zzz'. Available tools: a, b.");
}

TEST_CASE(
    "tools::ConfirmingRunner approves a confirmed call and not a declined one, asking first") {
  ochat::tools::Registry registry;
  auto provider = std::make_unique<FakeProvider>("p", std::vector<std::string>{"a"});
  auto* raw = provider.get();
  registry.add(std::move(provider));

  ScriptedConfirmer yes(true);
  int prepared = 0;
  ochat::tools::ConfirmingRunner confirming_yes(registry, yes, [&] { ++prepared; });
  CHECK_FALSE(confirming_yes.approve(call("a", Json{{"x", 1}}), {}).has_value());
  CHECK(prepared == 1);  // the output's lines were ended before the question
  REQUIRE(yes.questions.size() == 1);
  CHECK(yes.questions[0] == R"(ochat: run tool a {"x":1}?)");
  CHECK(raw->calls.empty());  // asking runs nothing
  CHECK(confirming_yes.run(call("a", Json{{"x", 1}}), {}).content == "p:a");

  ScriptedConfirmer no(false);
  ochat::tools::ConfirmingRunner confirming_no(registry, no);
  auto declined = confirming_no.approve(call("a"), {});
  REQUIRE(declined.has_value());
  CHECK(declined->is_error);
  CHECK_FALSE(declined->interrupted);
  CHECK(declined->content == "The user declined to run this tool call.");
  CHECK(raw->calls.size() == 1);
}
