#include "core/config/option_value.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "core/error.hpp"

using ochat::config::parse_option_pairs;
using ochat::config::typed_value;

namespace {

void expect_usage_error(const std::vector<std::string>& pairs, const std::string& quoted) {
  try {
    parse_option_pairs(pairs);
    FAIL("no exception");
  } catch (const ochat::Error& e) {
    CHECK(e.kind() == ochat::ErrorKind::usage);
    CHECK_THAT(e.what(), Catch::Contains(quoted));
  }
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

TEST_CASE("config::parse_option_pairs types each value") {
  CHECK(parse_option_pairs(
            {"temperature=0.2", "num_ctx=8192", "use_mmap=false", "seed=-1", "model_hint=abc"})
            .dump() ==
        R"({"temperature":0.2,"num_ctx":8192,"use_mmap":false,"seed":-1,"model_hint":"abc"})");
  CHECK(parse_option_pairs({}).dump() == "{}");
}

TEST_CASE("config::parse_option_pairs makes stop an array") {
  CHECK(parse_option_pairs({"stop=###"}).dump() == R"({"stop":["###"]})");
  CHECK(parse_option_pairs({"stop=42"}).dump() == R"({"stop":[42]})");
  CHECK(parse_option_pairs({R"(stop=["a","b"])"}).dump() == R"({"stop":["a","b"]})");
}

TEST_CASE("config::parse_option_pairs collects a repeated key") {
  CHECK(parse_option_pairs({"stop=a", "stop=b"}).dump() == R"({"stop":["a","b"]})");
  CHECK(parse_option_pairs({R"(stop=["a"])", "stop=b", R"(stop=["c","d"])"}).dump() ==
        R"({"stop":["a","b","c","d"]})");
  CHECK(parse_option_pairs({"x=1", "y=2", "x=3"}).dump() == R"({"x":[1,3],"y":2})");
}

TEST_CASE("config::parse_option_pairs splits at the first equals sign") {
  CHECK(parse_option_pairs({"stop=a=b"}).dump() == R"({"stop":["a=b"]})");
  CHECK(parse_option_pairs({"k="}).dump() == R"({"k":""})");
}

TEST_CASE("config::parse_option_pairs throws a usage error for a pair without equals sign or key") {
  expect_usage_error({"temperature"}, "'temperature'");
  expect_usage_error({"=0.2"}, "'=0.2'");
}

TEST_CASE("config::parse_option_pairs throws a usage error for invalid JSON") {
  expect_usage_error({"stop=[oops"}, "[oops");
  expect_usage_error({"x={\"a\":}"}, "{\"a\":}");
}

TEST_CASE("config::typed_value keeps infinities and NaN as text (bug: -inf became null)") {
  for (const char* text : {"-inf", "-infinity", "-nan", "inf", "nan"}) {
    CHECK(ochat::config::typed_value(text) == nlohmann::ordered_json(text));
  }
}
