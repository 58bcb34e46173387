// libFuzzer target: deciding what an attached file (or standard input) is: an image by its
// first bytes, UTF-8 text, or neither (read_content, through a real file descriptor).
//
// Input layout: byte 0 picks the text limit (none, or 0 to 254 bytes); the rest is the file.
//
// Oracle: no crash, no sanitizer report, no exception other than ochat::Error (usage); what is
// accepted is the file's bytes exactly: an image whose type its first bytes give, or UTF-8 text
// without NUL within the limit; what is refused is neither of those.
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string_view>

#include "core/attach/content.hpp"
#include "core/attach/format.hpp"
#include "core/error.hpp"
#include "core/text/utf8.hpp"

namespace {

void require(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::optional<std::size_t> limit =
      data[0] == 0xFF ? std::nullopt : std::optional<std::size_t>(data[0]);
  const std::string_view file(reinterpret_cast<const char*>(data) + 1, size - 1);

  static const int fd = ::memfd_create("attachment", MFD_CLOEXEC);
  require(fd >= 0);
  require(::ftruncate(fd, 0) == 0 && ::lseek(fd, 0, SEEK_SET) == 0);
  require(::write(fd, file.data(), file.size()) == static_cast<ssize_t>(file.size()));
  const std::string_view type =
      ochat::attach::image_media_type(file.substr(0, ochat::attach::kHeadBytes));
  const bool text = ochat::text::scan_utf8(file).valid == file.size();
  for (const std::uint64_t hint : {std::uint64_t{0}, std::uint64_t{file.size()}}) {
    require(::lseek(fd, 0, SEEK_SET) == 0);
    try {
      const auto content = ochat::attach::read_content(fd, "fuzz", limit, hint);
      require(content.bytes == file);
      if (content.is_image()) {
        require(content.media_type == type);
      } else {
        require(type.empty() && content.media_type == "text/plain" && text);
        require(!limit || file.size() <= *limit);
      }
    } catch (const ochat::Error& e) {
      require(e.kind() == ochat::ErrorKind::usage);
      require(type.empty() && (!text || (limit && file.size() > *limit)));
    }
  }
  return 0;
}
