// The Catch2 runner shared by every test executable; the other files hold test cases only.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
