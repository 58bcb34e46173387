// attach::read_content: reading an attachment or standard input, and what it turns out to be.
#include <fcntl.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <string>

#include "core/attach/content.hpp"
#include "core/error.hpp"
#include "temp_dir.hpp"

using namespace ochat::attach;
using namespace std::string_literals;
using ochat::Error;
using ochat::ErrorKind;

namespace {

const std::string kPng =
    "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89"s;

// A pipe holding `bytes` (at most the pipe's buffer); its write end stays open when `close_writer`
// is false, so that a reader that waits for the end of the file hangs.
struct Pipe {
  int fds[2] = {-1, -1};
  explicit Pipe(const std::string& bytes, bool close_writer = true) {
    REQUIRE(::pipe(fds) == 0);
    REQUIRE(::write(fds[1], bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size()));
    if (close_writer) close_end(1);
  }
  ~Pipe() {
    close_end(0);
    close_end(1);
  }
  void close_end(int i) {
    if (fds[i] >= 0) ::close(fds[i]);
    fds[i] = -1;
  }
  int reader() const { return fds[0]; }
};

// The usage error that reading `bytes` throws, as "message; hint".
std::string failure(const std::string& bytes, std::optional<std::size_t> max_text = kMaxTextBytes,
                    std::uint64_t size_hint = 0) {
  Pipe pipe(bytes);
  try {
    read_content(pipe.reader(), "cannot attach x", max_text, size_hint);
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::usage);
    return std::string(e.what()) + "; " + e.hint();
  }
  FAIL("no error");
  return {};
}

}  // namespace

TEST_CASE("attach::read_content finds an image by its first bytes and keeps them exactly") {
  Pipe pipe(kPng);
  const Content c = read_content(pipe.reader(), "cannot attach x.txt", kMaxTextBytes);
  CHECK(c.media_type == "image/png");
  CHECK(c.is_image());
  CHECK(c.bytes == kPng);
}

TEST_CASE("attach::read_content reads UTF-8 text") {
  const std::string text = "caf\xC3\xA9\n\xF0\x9F\x98\x80 the end";
  Pipe pipe(text);
  const Content c = read_content(pipe.reader(), "cannot attach x", kMaxTextBytes);
  CHECK(c.media_type == "text/plain");
  CHECK_FALSE(c.is_image());
  CHECK(c.bytes == text);
  Pipe empty("");
  CHECK(read_content(empty.reader(), "cannot attach x", kMaxTextBytes).bytes.empty());
}

TEST_CASE("attach::read_content says what a file is when it is neither an image nor text") {
  CHECK(failure("%PDF-1.7\n\xE2\xE3\xCF\xD3\n") ==
        "cannot attach x: it is a PDF document, not UTF-8 text or a PNG, JPEG, WebP or GIF image; "
        "extract its text first, e.g. with pdftotext");
  CHECK(
      failure("abc\0def"s) ==
      "cannot attach x: it is binary data (a NUL byte at offset 3), not UTF-8 text or a PNG, JPEG, "
      "WebP or GIF image; ");
  CHECK(
      failure("line one\ncaf\xE9\n") ==
      "cannot attach x: it is not UTF-8 text (line 2 has the byte 0xE9, at offset 12) nor a PNG, "
      "JPEG, WebP or GIF image; if it is text in another encoding, convert it to UTF-8 first, e.g. "
      "iconv -f latin1 -t utf-8");
  CHECK_THAT(failure("ends inside a character \xE4\xBD"),
             Catch::Contains("byte 0xE4, at offset 24"));
  CHECK_THAT(failure("\0\0\0\x18"
                     "ftypheic\0\0\0\0"s),
             Catch::Contains("a HEIC image") && Catch::Contains("convert it to PNG or JPEG"));
}

TEST_CASE("attach::read_content stops reading at the first byte that is not text") {
  // The writer stays open: a reader that went on to the end of the file would hang here.
  Pipe pipe("some text, then \xFF and more to come", false);
  CHECK_THROWS_WITH(read_content(pipe.reader(), "cannot use standard input", std::nullopt),
                    Catch::StartsWith("cannot use standard input: it is not UTF-8 text"));
}

TEST_CASE("attach::read_content refuses text and images over their limits") {
  CHECK(failure("0123456789ab", 10) ==
        "cannot attach x: it is larger than 10 bytes, the most ochat sends for a text file; ");
  CHECK_NOTHROW([] {
    Pipe pipe("0123456789");
    read_content(pipe.reader(), "x", 10);
  }());
  // A regular file's size is known before it is read.
  CHECK_THAT(failure("short text", kMaxTextBytes, kMaxTextBytes + 1),
             Catch::Contains("larger than 8 MiB") && Catch::Contains("a text file"));
  CHECK_THAT(failure(kPng, kMaxTextBytes, kMaxImageBytes + 1),
             Catch::Contains("larger than 32 MiB, the most ochat sends for an image"));
  // Standard input's text has no limit.
  Pipe pipe(std::string(100, 'x'));
  CHECK(read_content(pipe.reader(), "x", std::nullopt).bytes.size() == 100);
}

TEST_CASE("attach::read_content reads an image over its limit no further than the limit") {
  ochat::test::TempDir dir;
  std::string big = kPng;
  big.resize(kMaxImageBytes + 1, 'x');
  const std::string path = dir.write("big.png", big);
  const int fd = ::open(path.c_str(), O_RDONLY);
  REQUIRE(fd >= 0);
  CHECK_THROWS_WITH(
      read_content(fd, "cannot attach big.png", kMaxTextBytes),  // no size given: read to the limit
      "cannot attach big.png: it is larger than 32 MiB, the most ochat sends for an image");
  ::close(fd);
}

TEST_CASE("attach::read_content reports a read error as a usage error naming the subject") {
  CHECK_THROWS_WITH(read_content(-1, "cannot attach x", kMaxTextBytes),
                    "cannot attach x: Bad file descriptor");
}
