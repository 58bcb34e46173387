// Attachments: -a FILE and images on standard input, as the fake server receives them with each
// protocol, and every file that cannot be attached (a usage error before anything is sent).
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>

#include "e2e_support.hpp"
#include "reliability.hpp"

using namespace ochat::test;
using nlohmann::json;
using namespace std::string_literals;

namespace {

// Test files, removed at the end.
struct Files {
  std::string dir;
  Files() {
    std::string pattern = (std::filesystem::temp_directory_path() / "ochat-attach-XXXXXX").string();
    REQUIRE(::mkdtemp(pattern.data()) != nullptr);
    dir = pattern;
  }
  ~Files() {
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }
  std::string write(const std::string& name, const std::string& bytes) const {
    const std::string path = dir + "/" + name;
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }
};

// Image files: the real first bytes of each format, then `size` bytes of noise (every byte value).
std::string image_bytes(const std::string& magic, std::size_t size = 300, unsigned seed = 1) {
  std::string bytes = magic;
  std::mt19937 random(seed);
  while (bytes.size() < size) bytes.push_back(static_cast<char>(random() & 0xFF));
  return bytes;
}
const std::string kPngMagic = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR"s;
const std::string kJpegMagic = "\xFF\xD8\xFF\xE0\0\x10JFIF\0"s;
const std::string kWebpMagic = "RIFF\x10\x27\0\0WEBPVP8 "s;
const std::string kGifMagic = "GIF89a\x01\0\x01\0"s;

// Decodes standard padded base64 (written here again, not taken from ochat).
std::string decode(const std::string& text) {
  static const std::string alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  REQUIRE(text.size() % 4 == 0);
  std::string out;
  unsigned bits = 0;
  int count = 0;
  for (char c : text) {
    if (c == '=') break;
    const auto v = alphabet.find(c);
    if (v == std::string::npos) FAIL("not base64: " << text.substr(0, 100));
    bits = (bits << 6) | static_cast<unsigned>(v);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out.push_back(static_cast<char>((bits >> count) & 0xFF));
    }
  }
  return out;
}

std::string data_url_bytes(const json& part, const std::string& media_type) {
  const std::string url = part.at("image_url").at("url");
  const std::string prefix = "data:" + media_type + ";base64,";
  REQUIRE(url.rfind(prefix, 0) == 0);
  return decode(url.substr(prefix.size()));
}

std::string block(const std::string& name, const std::string& text) {
  return "<file name=\"" + name + "\">\n" + text + "</file>\n";
}

// A usage error before anything was sent: exit 2, one line on stderr that contains `what`.
void check_refused(const Ochat& ochat, const RunResult& r, const std::string& what) {
  INFO(r.err);
  CHECK(r.exit_code == 2);
  CHECK(r.out.empty());
  check_one_error_line(r);
  CHECK_THAT(r.err, Catch::Contains(what));
  CHECK(ochat.server.requests().empty());
}

std::vector<std::string> openai_args(const Ochat& ochat, std::vector<std::string> args) {
  std::vector<std::string> all = {"--api", "openai", "--host", ochat.server.url() + "/v1"};
  all.insert(all.end(), args.begin(), args.end());
  return all;
}

}  // namespace

TEST_CASE("attach: Ollama gets each image base64 in images, exactly the file's bytes, in order") {
  Files files;
  Ochat ochat;
  const std::string png =
      image_bytes(kPngMagic, 3 * 1024 * 1024 + 1, 1);  // large: sent in many pieces
  const std::string gif = image_bytes(kGifMagic, 1000, 2);
  auto r = ochat.run({"-m", "echo", "-a", files.write("a.png", png), "--attach",
                      files.write("b.gif", gif), "what", "differs?"});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out == "what differs?\n");  // a final newline is added
  const json body = ochat.request_body();
  REQUIRE(body["messages"].size() == 1);
  const json& user = body["messages"][0];
  CHECK(user["content"] == "what differs?");
  REQUIRE(user["images"].size() == 2);
  CHECK(decode(user["images"][0]) == png);
  CHECK(decode(user["images"][1]) == gif);
}

TEST_CASE("attach: images are known by their first bytes, whatever the file's name") {
  Files files;
  Ochat ochat;
  const std::string jpeg = image_bytes(kJpegMagic, 500);
  const std::string webp = image_bytes(kWebpMagic, 500);
  const std::string named_txt = files.write("photo.txt", jpeg);
  const std::string no_extension = files.write("picture", webp);
  const std::string named_png = files.write("notes.png", "not an image at all\n");
  auto r = ochat.run({"-m", "echo", "-a", named_txt, "-a", named_png, "-a", no_extension, "hi"});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  const json user = ochat.request_body()["messages"][0];
  CHECK(user["content"] == block(named_png, "not an image at all\n") + "\nhi");
  REQUIRE(user["images"].size() == 2);
  CHECK(decode(user["images"][0]) == jpeg);
  CHECK(decode(user["images"][1]) == webp);
}

TEST_CASE(
    "attach: text files are delimited, labelled and in command-line order, before the prompt") {
  Files files;
  Ochat ochat;
  const std::string a = files.write("b.txt", "second file? no, first\n");
  const std::string b = files.write("a.md", "# Title\nno final newline");
  const std::string c = files.write("caf\xC3\xA9 \"q\".txt", "caf\xC3\xA9 \xF0\x9F\x98\x80\n");
  RunOptions piped;
  piped.stdin_data = "piped text\n";
  auto r = ochat.run({"-m", "echo", "-a", a, "-a", b, "-a", c, "compare", "them"}, piped);
  INFO(r.err);
  CHECK(r.exit_code == 0);
  const std::string c_label = files.dir + "/caf\xC3\xA9 &quot;q&quot;.txt";
  const std::string expected =
      block(a, "second file? no, first\n") + "\n" + block(b, "# Title\nno final newline\n") + "\n" +
      block(c_label, "caf\xC3\xA9 \xF0\x9F\x98\x80\n") + "\npiped text\n\ncompare them";
  CHECK(r.out == expected + "\n");  // echo: what the server received as the message's content
  CHECK(ochat.request_body()["messages"][0]["content"] == expected);
  CHECK_FALSE(ochat.request_body()["messages"][0].contains("images"));
}

TEST_CASE(
    "attach: OpenAI gets image_url parts with data: URLs, the images in order, then the text") {
  Files files;
  Ochat ochat;
  const std::string png = image_bytes(kPngMagic, 2 * 1024 * 1024 + 2, 3);
  const std::string webp = image_bytes(kWebpMagic, 777, 4);
  const std::string text = files.write("n.txt", "a note\n");
  auto r = ochat.run(openai_args(ochat, {"-m", "echo", "-a", files.write("x.png", png), "-a", text,
                                         "-a", files.write("y.webp", webp), "and", "so?"}));
  INFO(r.err);
  CHECK(r.exit_code == 0);
  const std::string content = block(text, "a note\n") + "\nand so?";
  CHECK(r.out == content + "\n");
  const json parts = ochat.request_body()["messages"][0]["content"];
  REQUIRE(parts.is_array());
  REQUIRE(parts.size() == 3);
  CHECK(parts[0]["type"] == "image_url");
  CHECK(data_url_bytes(parts[0], "image/png") == png);
  CHECK(parts[1]["type"] == "image_url");
  CHECK(data_url_bytes(parts[1], "image/webp") == webp);
  CHECK(parts[2] == json({{"type", "text"}, {"text", content}}));
}

TEST_CASE("attach: an image on standard input is attached, with each protocol") {
  Ochat ochat;
  const std::string jpeg = image_bytes(kJpegMagic, 100000, 5);
  RunOptions piped;
  piped.stdin_data = jpeg;
  SECTION("ollama") {
    auto r = ochat.run({"-m", "echo", "what is in this picture?"}, piped);
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.out == "what is in this picture?\n");
    const json user = ochat.request_body()["messages"][0];
    CHECK(user["content"] == "what is in this picture?");
    REQUIRE(user["images"].size() == 1);
    CHECK(decode(user["images"][0]) == jpeg);
  }
  SECTION("openai") {
    auto r = ochat.run(openai_args(ochat, {"-m", "echo", "describe"}), piped);
    INFO(r.err);
    CHECK(r.exit_code == 0);
    const json parts = ochat.request_body()["messages"][0]["content"];
    REQUIRE(parts.size() == 2);
    CHECK(data_url_bytes(parts[0], "image/jpeg") == jpeg);
    CHECK(parts[1]["text"] == "describe");
  }
  SECTION("-a - reads it too, and an image needs no prompt") {
    auto r = ochat.run({"-m", "echo", "-a", "-"}, piped);
    INFO(r.err);
    CHECK(r.exit_code == 0);
    const json user = ochat.request_body()["messages"][0];
    CHECK(user["content"] == "");
    CHECK(decode(user["images"][0]) == jpeg);
  }
}

TEST_CASE("attach: -a - attaches text on standard input as a file labelled standard input") {
  Ochat ochat;
  RunOptions piped;
  piped.stdin_data = "line one\n";
  auto r = ochat.run({"-m", "echo", "-a", "-", "summarise"}, piped);
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out == block("standard input", "line one\n") + "\nsummarise\n");
}

TEST_CASE("attach: an image goes with every request of a run, the tool rounds included") {
  Files files;
  Ochat ochat;
  const std::string png = image_bytes(kPngMagic, 5000, 6);
  auto r = ochat.run({"-m", "tool", "-t", std::string(OCHAT_TEST_PLUGINS) + "/weather", "-a",
                      files.write("p.png", png), "weather here?"});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  REQUIRE(ochat.server.requests().size() == 2);
  CHECK(decode(ochat.request_body(1)["messages"][0]["images"][0]) == png);
}

TEST_CASE("attach: --events lists the attachments in the start event") {
  Files files;
  Ochat ochat;
  const std::string gif = image_bytes(kGifMagic, 1234);
  const std::string png = files.write("p.png", gif);  // a GIF, whatever the name says
  const std::string text = files.write("t.txt", "12345");
  RunOptions piped;
  piped.stdin_data = image_bytes(kPngMagic, 99);
  auto r = ochat.run({"-m", "echo", "--events", "-a", png, "-a", text, "hi"}, piped);
  INFO(r.err);
  CHECK(r.exit_code == 0);
  const auto events = parse_lines(r.out);
  const json* start = find_event(events, "start");
  REQUIRE(start != nullptr);
  CHECK((*start)["data"]["attachments"] ==
        json::parse(R"([{"name":")" + png + R"(","type":"image/gif","size":1234},)" +
                    R"({"name":")" + text + R"(","type":"text/plain","size":5},)" +
                    R"({"name":"-","type":"image/png","size":99}])"));
  auto plain = ochat.run({"-m", "echo", "--events", "hi"});
  CHECK_FALSE(parse_lines(plain.out).at(0)["data"].contains("attachments"));
}

TEST_CASE("attach: a model without vision: the server's refusal, exit 4, and a hint about images",
          "[reliability]") {
  Files files;
  Ochat ochat;
  const std::string png = files.write("p.png", image_bytes(kPngMagic));
  SECTION("ollama") {
    auto r = ochat.run({"-m", "no-vision", "-a", png, "what is this?"});
    reliability::record_fault("image sent to a model without vision", r, reliability::exact(r.out));
    CHECK(r.exit_code == 4);
    check_one_error_line(r);
    CHECK_THAT(r.err,
               Catch::Contains("(HTTP 500 Internal Server Error): this model is missing data "
                               "required for image input; "
                               "no-vision may not be able to read images: use a vision model"));
  }
  SECTION("openai") {
    auto r = ochat.run(openai_args(ochat, {"-m", "no-vision", "-a", png, "what is this?"}));
    CHECK(r.exit_code == 4);
    check_one_error_line(r);
    CHECK_THAT(r.err, Catch::Contains("image input is not supported") &&
                          Catch::Contains("may not be able to read images"));
  }
  SECTION("the same model without an image answers") {
    auto r = ochat.run({"-m", "no-vision", "hi"});
    CHECK(r.exit_code == 0);
    CHECK(r.out == "hi\n");
  }
}

TEST_CASE(
    "attach: a file that cannot be attached is a usage error naming it, and nothing is sent") {
  Files files;
  Ochat ochat;
  const std::string good = files.write("good.txt", "fine\n");
  SECTION("missing") {
    const std::string missing = files.dir + "/missing.png";
    check_refused(ochat, ochat.run({"-m", "echo", "-a", good, "-a", missing, "hi"}),
                  "ochat: error: cannot attach " + missing + ": No such file or directory");
  }
  SECTION("a directory") {
    check_refused(ochat, ochat.run({"-m", "echo", "-a", files.dir, "hi"}),
                  "ochat: error: cannot attach " + files.dir + ": it is a directory");
  }
  SECTION("binary data") {
    const std::string bin = files.write("data.bin", "\x01\x02\x03\0\x04"s);
    check_refused(ochat, ochat.run({"-m", "echo", "-a", bin, "hi"}),
                  "cannot attach " + bin + ": it is binary data (a NUL byte at offset 3)");
  }
  SECTION("invalid UTF-8") {
    const std::string latin1 = files.write("latin1.txt", "ol\xE9\n");
    check_refused(ochat, ochat.run({"-m", "echo", "-a", latin1, "hi"}),
                  "cannot attach " + latin1 +
                      ": it is not UTF-8 text (line 1 has the byte 0xE9, at offset 2)");
  }
  SECTION("another format, named by its first bytes") {
    const std::string pdf = files.write("paper.png", "%PDF-1.5\n%\xD0\xD4\xC5\xD8\n");
    check_refused(ochat, ochat.run({"-m", "echo", "-a", pdf, "hi"}),
                  "cannot attach " + pdf +
                      ": it is a PDF document, not UTF-8 text or a PNG, JPEG, WebP or GIF image");
  }
  SECTION("over the size limit of text files") {
    const std::string big = files.write("big.txt", std::string(8 * 1024 * 1024 + 1, 'x'));
    check_refused(
        ochat, ochat.run({"-m", "echo", "-a", big, "hi"}),
        "cannot attach " + big + ": it is larger than 8 MiB, the most ochat sends for a text file");
  }
  SECTION("over the size limit of images") {
    std::string png = kPngMagic;
    png.resize(32 * 1024 * 1024 + 1, 'x');
    const std::string big = files.write("big.png", png);
    check_refused(
        ochat, ochat.run({"-m", "echo", "-a", big, "hi"}),
        "cannot attach " + big + ": it is larger than 32 MiB, the most ochat sends for an image");
  }
  SECTION("unreadable") {
    if (::geteuid() == 0) return;  // root reads every file
    const std::string secret = files.write("secret.txt", "x");
    ::chmod(secret.c_str(), 0);
    check_refused(ochat, ochat.run({"-m", "echo", "-a", secret, "hi"}),
                  "cannot attach " + secret + ": Permission denied");
  }
  SECTION("standard input twice") {
    RunOptions piped;
    piped.stdin_data = "x";
    check_refused(ochat, ochat.run({"-m", "echo", "-a", "-", "-"}, piped),
                  "both read standard input");
    check_refused(ochat, ochat.run({"-m", "echo", "-a", "-", "-a", "-"}, piped),
                  "-a - is given twice");
  }
  SECTION("--events: an error event, then done, and no start") {
    auto r = ochat.run({"-m", "echo", "--events", "-a", files.dir, "hi"});
    CHECK(r.exit_code == 2);
    const auto events = parse_lines(r.out);
    REQUIRE(events.size() == 2);
    CHECK(events[0]["type"] == "error");
    CHECK(events[0]["data"]["kind"] == "usage");
    CHECK(events[1]["type"] == "done");
    CHECK(ochat.server.requests().empty());
  }
}

TEST_CASE(
    "attach: binary standard input is refused, saying what it is, instead of being sent mangled",
    "[reliability]") {
  Ochat ochat;
  RunOptions piped;
  SECTION("binary data") {
    piped.stdin_data =
        "\x7F"
        "ELF\x02\x01\x01\0\0\0"s;
    auto r = ochat.run({"-m", "echo", "what is this?"}, piped);
    reliability::record_fault("binary standard input", r, reliability::exact(r.out));
    check_refused(ochat, r,
                  "ochat: error: cannot use standard input: it is an executable (ELF), not UTF-8 "
                  "text or a PNG, JPEG, WebP or GIF image");
  }
  SECTION("text in another encoding, with the hint to convert it") {
    piped.stdin_data = "first line\nd\xE9j\xE0 vu\n";
    check_refused(ochat, ochat.run({"-m", "echo", "translate"}, piped),
                  "cannot use standard input: it is not UTF-8 text (line 2 has the byte 0xE9, at "
                  "offset 12) nor a "
                  "PNG, JPEG, WebP or GIF image; if it is text in another encoding, convert it to "
                  "UTF-8 first, e.g. "
                  "iconv -f latin1 -t utf-8");
  }
}
