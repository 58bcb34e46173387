#pragma once

namespace ochat {

// The program: parses the command line, runs the chat and returns the exit status.
// The one place that catches errors and turns them into a line on stderr and a status.
int run(int argc, char** argv);

}  // namespace ochat
