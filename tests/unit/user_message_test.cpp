// attach::user_message: the prompt, standard input and the -a files as one message.
#include "core/attach/user_message.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <string>

#include "core/error.hpp"
#include "temp_dir.hpp"

using namespace ochat::attach;
using namespace std::string_literals;
using ochat::Error;
using ochat::ErrorKind;

namespace {

const std::string kPng = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01"s;
const std::string kJpeg = "\xFF\xD8\xFF\xE0\0\x10JFIF\0\x01\x01"s;

// Standard input as a file holding `bytes`.
struct Stdin {
  int fd = -1;
  Stdin(const ochat::test::TempDir& dir, const std::string& bytes) {
    fd = ::open(dir.write("stdin", bytes).c_str(), O_RDONLY);
    REQUIRE(fd >= 0);
  }
  ~Stdin() { ::close(fd); }
};

std::string usage_error(const UserInput& input) {
  try {
    user_message(input);
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::usage);
    return e.what();
  }
  FAIL("no error");
  return {};
}

}  // namespace

TEST_CASE("attach::text_block labels a file's text with its name") {
  CHECK(text_block("notes.txt", "one\ntwo\n") == "<file name=\"notes.txt\">\none\ntwo\n</file>\n");
  CHECK(text_block("a.md", "no newline") == "<file name=\"a.md\">\nno newline\n</file>\n");
  CHECK(text_block("empty", "") == "<file name=\"empty\">\n</file>\n");
  CHECK(text_block("a\"<b>&c", "x\n") == "<file name=\"a&quot;&lt;b&gt;&amp;c\">\nx\n</file>\n");
}

TEST_CASE("attach::user_message puts text files first, in order, then the prompt") {
  ochat::test::TempDir dir;
  const std::string a = dir.write("a.txt", "alpha\n");
  const std::string b = dir.write("b.md", "# beta");
  const auto m = user_message({{a, b}, {"compare", "them"}});
  CHECK(m.role == "user");
  CHECK(m.content == "<file name=\"" + a + "\">\nalpha\n</file>\n\n<file name=\"" + b +
                         "\">\n# beta\n</file>\n\ncompare them");
  REQUIRE(m.attachments.size() == 2);
  CHECK(m.attachments[0].name == a);
  CHECK(m.attachments[0].media_type == "text/plain");
  CHECK(m.attachments[0].size == 6);
  CHECK(m.attachments[0].bytes == nullptr);
  CHECK(m.attachments[1].name == b);
}

TEST_CASE("attach::user_message attaches images by their bytes, whatever their names") {
  ochat::test::TempDir dir;
  const std::string png = dir.write("photo.txt", kPng);
  const std::string jpeg = dir.write("no-extension", kJpeg);
  const std::string text = dir.write("readme.png", "plain text");
  const auto m = user_message({{png, text, jpeg}, {"what", "is", "this?"}});
  CHECK(m.content == "<file name=\"" + text + "\">\nplain text\n</file>\n\nwhat is this?");
  REQUIRE(m.attachments.size() == 3);
  CHECK(m.attachments[0].media_type == "image/png");
  REQUIRE(m.attachments[0].bytes != nullptr);
  CHECK(*m.attachments[0].bytes == kPng);
  CHECK(m.attachments[0].size == kPng.size());
  CHECK(m.attachments[1].media_type == "text/plain");
  CHECK(m.attachments[2].media_type == "image/jpeg");
  CHECK(*m.attachments[2].bytes == kJpeg);
}

TEST_CASE("attach::user_message allows attachments without a prompt") {
  ochat::test::TempDir dir;
  const std::string png = dir.write("p.png", kPng);
  const auto m = user_message({{png}, {}});
  CHECK(m.content.empty());
  CHECK(m.attachments.size() == 1);
  CHECK_THAT(usage_error({{}, {" "}}), Catch::StartsWith("no prompt"));
}

TEST_CASE("attach::user_message reads -a - from standard input") {
  ochat::test::TempDir dir;
  SECTION("an image") {
    Stdin in(dir, kJpeg);
    const auto m = user_message({{"-"}, {"describe"}, false, true, in.fd});
    CHECK(m.content == "describe");
    REQUIRE(m.attachments.size() == 1);
    CHECK(m.attachments[0].name == "-");
    CHECK(*m.attachments[0].bytes == kJpeg);
  }
  SECTION("text, labelled as standard input") {
    Stdin in(dir, "piped\n");
    const auto m = user_message({{"-"}, {"summarise"}, false, true, in.fd});
    CHECK(m.content == "<file name=\"standard input\">\npiped\n</file>\n\nsummarise");
    CHECK(m.attachments.at(0).name == "-");
  }
}

TEST_CASE("attach::user_message attaches an image on standard input and keeps text as the prompt") {
  ochat::test::TempDir dir;
  SECTION("an image read for the prompt is attached, after the -a files") {
    const std::string text = dir.write("t.txt", "t");
    Stdin in(dir, kPng);
    const auto m = user_message({{text}, {"what is this?"}, false, true, in.fd});
    CHECK(m.content == "<file name=\"" + text + "\">\nt\n</file>\n\nwhat is this?");
    REQUIRE(m.attachments.size() == 2);
    CHECK(m.attachments[1].name == "-");
    CHECK(m.attachments[1].media_type == "image/png");
  }
  SECTION("text comes first, then a blank line, then the words, as without attachments") {
    Stdin in(dir, "diff --git a b\n");
    const auto m = user_message({{}, {"explain"}, true, false, in.fd});
    CHECK(m.content == "diff --git a b\n\nexplain");
    CHECK(m.attachments.empty());
  }
  SECTION("standard input is not read when it is neither forced nor a pipe or file") {
    Stdin in(dir, kPng);
    const auto m = user_message({{}, {"hi"}, false, false, in.fd});
    CHECK(m.content == "hi");
    CHECK(m.attachments.empty());
  }
  SECTION("binary standard input is an error that says what it is") {
    Stdin in(dir, "%PDF-1.4\n\xC7\xEC\x8F\xA2\n");
    CHECK(usage_error({{}, {"summarise"}, false, true, in.fd}) ==
          "cannot use standard input: it is a PDF document, not UTF-8 text or a PNG, JPEG, WebP or "
          "GIF image");
  }
}

TEST_CASE("attach::user_message names the file that cannot be attached") {
  ochat::test::TempDir dir;
  const std::string good = dir.write("good.txt", "fine");
  CHECK(usage_error({{good, dir.path() + "/missing.png"}, {"hi"}}) ==
        "cannot attach " + dir.path() + "/missing.png: No such file or directory");
  CHECK(usage_error({{dir.path()}, {"hi"}}) ==
        "cannot attach " + dir.path() + ": it is a directory");
  const std::string bin = dir.write("data.bin", "\x01\x02\0\x03"s);
  CHECK(usage_error({{bin}, {"hi"}}) ==
        "cannot attach " + bin +
            ": it is binary data (a NUL byte at offset 2), not UTF-8 text or a PNG, "
            "JPEG, WebP or GIF image");
  if (::geteuid() != 0) {  // root reads every file
    const std::string secret = dir.write("secret.txt", "x");
    ::chmod(secret.c_str(), 0);
    CHECK(usage_error({{secret}, {"hi"}}) == "cannot attach " + secret + ": Permission denied");
  }
}

TEST_CASE("attach::user_message reads standard input only once") {
  ochat::test::TempDir dir;
  Stdin in(dir, "x");
  CHECK(usage_error({{"-", "-"}, {"hi"}, false, true, in.fd}) ==
        "-a - is given twice: standard input can be read only once");
  CHECK(usage_error({{"-"}, {"hi"}, true, true, in.fd}) ==
        "'-' and '-a -' both read standard input: give one of them");
  CHECK(usage_error({{"-"}, {"hi"}, false, false, in.fd, true}) ==
        "-a - reads standard input, which --no-stdin forbids");
}
