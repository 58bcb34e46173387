#include <catch2/catch.hpp>

#include <string>

#include "core/io/fd_stream.hpp"
#include "fd_capture.hpp"

using ochat::io::FdStream;

TEST_CASE("io::FdStream writes only when flushed while little is waiting") {
  ochat::test::FdCapture file;
  FdStream out(file.fd());
  out.append("Hello, ");
  out.append(std::string(FdStream::kFlushAt - 8, 'x'));
  CHECK(file.contents().empty());
  CHECK(out.flush());
  CHECK(file.contents() == "Hello, " + std::string(FdStream::kFlushAt - 8, 'x'));
}

TEST_CASE("io::FdStream writes once kFlushAt bytes are waiting, never splitting an append") {
  // A network read can bring megabytes of output; the buffer must not hold them all.
  ochat::test::FdCapture file;
  FdStream out(file.fd());
  out.append(std::string(FdStream::kFlushAt - 10, 'a'));
  CHECK(file.contents().empty());
  const std::string line = std::string(99, 'b') + "\n";
  out.append(line);  // crosses kFlushAt: written whole, with what was waiting
  CHECK(file.contents() == std::string(FdStream::kFlushAt - 10, 'a') + line);
  out.append("tail");
  CHECK(file.contents().size() == FdStream::kFlushAt + 90);
  CHECK(out.flush());
  CHECK(file.contents() == std::string(FdStream::kFlushAt - 10, 'a') + line + "tail");
}
