#include "core/io/fd_stream.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <string>

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

TEST_CASE(
    "io::FdStream keeps the errno of a failed write: EPIPE for a reader gone, ENOSPC for a full "
    "disk") {
  const int full = ::open("/dev/full", O_WRONLY | O_CLOEXEC);
  REQUIRE(full >= 0);
  FdStream out(full);
  CHECK(out.error() == 0);
  out.append("x");
  CHECK_FALSE(out.flush());
  CHECK(out.closed());
  CHECK(out.error() == ENOSPC);
  ::close(full);

  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  ::close(fds[0]);
  const auto old = ::signal(SIGPIPE, SIG_IGN);
  FdStream piped(fds[1]);
  piped.append("x");
  CHECK_FALSE(piped.flush());
  CHECK(piped.error() == EPIPE);
  ::signal(SIGPIPE, old);
  ::close(fds[1]);
}

TEST_CASE(
    "io::reserve_standard_fds reopens a closed fd so that writes to it still fail with EBADF") {
  const int saved = ::dup(1);
  REQUIRE(saved >= 0);
  ::close(1);
  ochat::io::reserve_standard_fds();
  const int next = ::open("/dev/null", O_RDONLY | O_CLOEXEC);  // must not be fd 1
  FdStream out(1);
  out.append("lost");
  const bool flushed = out.flush();
  const int error = out.error();
  ::dup2(saved, 1);
  ::close(saved);
  ::close(next);
  CHECK(next > 2);
  CHECK_FALSE(flushed);
  CHECK(error == EBADF);
}
