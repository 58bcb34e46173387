#include "core/config/option_value.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "core/error.hpp"

using ochat::config::parse_option_pairs;
using ochat::config::typed_value;

namespace {

using ochat::config::ollama_options;
using ochat::config::openai_options;

nlohmann::ordered_json ollama(const std::vector<std::string>& pairs) {
  return parse_option_pairs(pairs, ollama_options());
}

// The usage error's message, which must contain `quoted`, and its hint.
std::string expect_usage_error(
    const std::vector<std::string>& pairs, const std::string& quoted,
    const std::vector<ochat::config::KnownOption>& known = ollama_options()) {
  try {
    parse_option_pairs(pairs, known);
    FAIL("no exception");
  } catch (const ochat::Error& e) {
    CHECK(e.kind() == ochat::ErrorKind::usage);
    CHECK_THAT(e.what(), Catch::Contains(quoted));
    return std::string(e.what()) + "; " + e.hint();
  }
  return {};
}

}  // namespace

TEST_CASE("config::typed_value types integers") {
  CHECK(typed_value("42").is_number_integer());
  CHECK(typed_value("42").dump() == "42");
  CHECK(typed_value("-7").dump() == "-7");
  CHECK(typed_value("0").dump() == "0");
  CHECK(typed_value("8192").get<std::int64_t>() == 8192);
}

TEST_CASE("config::typed_value types decimals") {
  CHECK(typed_value("0.2").is_number_float());
  CHECK(typed_value("0.2").get<double>() == Approx(0.2));
  CHECK(typed_value("0.2").dump() == "0.2");
  CHECK(typed_value("1e-3").is_number_float());
  CHECK(typed_value("1e-3").get<double>() == Approx(0.001));
  CHECK(typed_value("-1.5").get<double>() == Approx(-1.5));
  CHECK(typed_value(".5").get<double>() == Approx(0.5));
}

TEST_CASE("config::typed_value types booleans") {
  CHECK(typed_value("true").is_boolean());
  CHECK(typed_value("true").get<bool>());
  CHECK(typed_value("false").is_boolean());
  CHECK_FALSE(typed_value("false").get<bool>());
}

TEST_CASE("config::typed_value keeps other text as a string") {
  CHECK(typed_value("llama").dump() == R"("llama")");
  CHECK(typed_value("").dump() == R"("")");
  CHECK(typed_value("TRUE").dump() == R"("TRUE")");
  CHECK(typed_value("1.2.3").dump() == R"("1.2.3")");
  CHECK(typed_value("12abc").dump() == R"("12abc")");
  CHECK(typed_value("nan").dump() == R"("nan")");
  CHECK(typed_value("\n\n").dump() == R"("\n\n")");
}

TEST_CASE("config::typed_value parses JSON arrays and objects") {
  CHECK(typed_value(R"(["a","b"])").dump() == R"(["a","b"])");
  CHECK(typed_value(R"({"z":1,"a":[true]})").dump() == R"({"z":1,"a":[true]})");
  CHECK_THROWS_AS(typed_value("[oops"), ochat::Error);
}

TEST_CASE("config::parse_option_pairs reads each value as its option's type") {
  CHECK(
      ollama({"temperature=0.2", "num_ctx=8192", "use_mmap=false", "seed=-1", "top_p=1"}).dump() ==
      R"({"temperature":0.2,"num_ctx":8192,"use_mmap":false,"seed":-1,"top_p":1})");
  CHECK(ollama({}).dump() == "{}");
}

TEST_CASE("config::parse_option_pairs makes stop an array of strings") {
  CHECK(ollama({"stop=###"}).dump() == R"({"stop":["###"]})");
  CHECK(ollama({"stop=42"}).dump() == R"({"stop":["42"]})");
  CHECK(ollama({R"(stop=["a","b"])"}).dump() == R"({"stop":["a","b"]})");
  CHECK(ollama({"stop=[INST]"}).dump() == R"({"stop":["[INST]"]})");  // not JSON: one string
  CHECK(ollama({"stop=[1,2]"}).dump() == R"({"stop":["[1,2]"]})");    // not strings: one string
}

TEST_CASE("config::parse_option_pairs collects a repeated stop") {
  CHECK(ollama({"stop=a", "stop=b"}).dump() == R"({"stop":["a","b"]})");
  CHECK(ollama({R"(stop=["a"])", "stop=b", R"(stop=["c","d"])"}).dump() ==
        R"({"stop":["a","b","c","d"]})");
}

TEST_CASE(
    "config::parse_option_pairs keeps the last value of any other repeated key (issue 12.9)") {
  // The bug: -o temperature=0.2 -o temperature=0.8 sent [0.2,0.8], which servers refuse.
  CHECK(ollama({"temperature=0.2", "temperature=0.8"}).dump() == R"({"temperature":0.8})");
  CHECK(ollama({"seed=1", "top_k=2", "seed=3"}).dump() == R"({"seed":3,"top_k":2})");
  CHECK(parse_option_pairs({"max_tokens=5", "max_tokens=7"}, openai_options()).dump() ==
        R"({"max_tokens":7})");
  CHECK(ollama({"!x=1", "!x=[2]"}).dump() == R"({"x":[2]})");
}

TEST_CASE("config::parse_option_pairs refuses a value of the wrong type (issue 12.14)") {
  expect_usage_error({"temperature=abc"}, "-o temperature takes a number, got 'abc'");
  expect_usage_error({"num_ctx=8k"}, "-o num_ctx takes a whole number, got '8k'");
  expect_usage_error({"num_ctx=0.5"}, "-o num_ctx takes a whole number");
  expect_usage_error({"num_ctx="}, "-o num_ctx takes a whole number, got ''");
  expect_usage_error({"use_mmap=yes"}, "-o use_mmap takes true or false, got 'yes'");
  expect_usage_error({"temperature=nan"}, "-o temperature takes a number");
  expect_usage_error({"logit_bias=[1]"}, "-o logit_bias takes a JSON object", openai_options());
}

TEST_CASE(
    "config::parse_option_pairs refuses an unknown name with the nearest one, unless !NAME (issue "
    "12.14)") {
  const std::string typo = expect_usage_error(
      {"temprature=0.2"}, "unknown model option 'temprature' (did you mean temperature?)");
  CHECK_THAT(typo, Catch::EndsWith("to send it anyway: -o '!temprature=0.2'"));
  CHECK_THAT(expect_usage_error({"num_ct=1"}, "unknown model option"),
             Catch::Contains("did you mean num_ctx?"));
  CHECK_THAT(expect_usage_error({"frobnicate=1"}, "unknown model option 'frobnicate'"),
             !Catch::Contains("did you mean"));
  // OpenAI's own fields are not Ollama's.
  expect_usage_error({"max_tokens=5"}, "unknown model option 'max_tokens'");
  // The escape: sent as given, typed by its text.
  CHECK(ollama({"!temprature=0.2", "!mirostat=2", "!flag=true", "!name=x"}).dump() ==
        R"({"temprature":0.2,"mirostat":2,"flag":true,"name":"x"})");
  expect_usage_error({"!=1"}, "-o expects KEY=VALUE");
}

TEST_CASE("config::parse_option_pairs refuses the fields ochat writes itself (OpenAI protocol)") {
  expect_usage_error({"stream=false"}, "-o stream=... cannot be used: ochat sets 'stream' itself",
                     openai_options());
  CHECK(parse_option_pairs({"temperature=0.2", "num_ctx=8192", "top_k=40"}, openai_options())
            .dump() == R"({"temperature":0.2,"num_ctx":8192,"top_k":40})");
}

TEST_CASE("config::parse_option_pairs splits at the first equals sign") {
  CHECK(ollama({"stop=a=b"}).dump() == R"({"stop":["a=b"]})");
  CHECK(ollama({"!k="}).dump() == R"({"k":""})");
}

TEST_CASE("config::parse_option_pairs throws a usage error for a pair without equals sign or key") {
  expect_usage_error({"temperature"}, "'temperature'");
  expect_usage_error({"=0.2"}, "'=0.2'");
}

TEST_CASE("config::parse_option_pairs throws a usage error for invalid JSON after !") {
  expect_usage_error({"!x=[oops"}, "[oops");
  expect_usage_error({"!x={\"a\":}"}, "{\"a\":}");
}

TEST_CASE("config::typed_value keeps infinities and NaN as text (bug: -inf became null)") {
  for (const char* text : {"-inf", "-infinity", "-nan", "inf", "nan"}) {
    CHECK(ochat::config::typed_value(text) == nlohmann::ordered_json(text));
  }
}
