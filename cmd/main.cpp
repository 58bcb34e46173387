#include "cmd/run.hpp"

int main(int argc, char** argv) { return ochat::run(argc, argv); }
