// text::nearest and text::edit_distance: "did you mean ...?".
#include "core/text/nearest.hpp"

#include <catch2/catch.hpp>

using ochat::text::edit_distance;
using ochat::text::nearest;

TEST_CASE("text::edit_distance counts insertions, deletions and substitutions") {
  CHECK(edit_distance("", "") == 0);
  CHECK(edit_distance("abc", "abc") == 0);
  CHECK(edit_distance("temprature", "temperature") == 1);
  CHECK(edit_distance("kitten", "sitting") == 3);
  CHECK(edit_distance("", "abc") == 3);
}

TEST_CASE("text::nearest prefers a candidate the word begins, else the closest within the bound") {
  const std::vector<std::string_view> names = {"temperature", "top_k", "top_p", "num_ctx",
                                               "num_predict"};
  CHECK(nearest("temprature", names) == "temperature");
  CHECK(nearest("num_pred", names) == "num_predict");
  CHECK(nearest("top_x", names) == "top_k");  // the first of equals
  CHECK(nearest("frobnicate", names).empty());
  CHECK(nearest("nu", names).empty());  // too short to be a beginning, too far to be a typo
  CHECK(nearest("abcdefg", {"abcdxyz"}, 3) == "abcdxyz");
}
