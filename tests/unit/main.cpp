// The Catch2 runner for tests/unit; every other file here holds test cases only.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
