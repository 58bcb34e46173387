#include "core/conversation/lister.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>

#include "core/conversation/codec.hpp"
#include "core/conversation/state_dir.hpp"
#include "core/error.hpp"
#include "core/text/trim.hpp"

namespace ochat::conversation {
namespace {

using Json = nlohmann::ordered_json;

std::string_view line_at(std::string_view bytes, std::size_t pos) {
  const std::size_t begin = pos == 0 ? 0 : bytes.rfind('\n', pos - 1) + 1;
  std::size_t end = bytes.find('\n', pos);
  if (end == std::string_view::npos) end = bytes.size();
  return bytes.substr(begin, end - begin);
}

std::string one_line(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) c = ' ';
  }
  return out;
}

std::string read_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    throw Error(ErrorKind::internal, fmt::format("cannot read {}: {}", path, std::strerror(errno)));
  std::string bytes;
  char buffer[64 * 1024];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      throw Error(ErrorKind::internal, fmt::format("cannot read {}: {}", path, std::strerror(err)));
    }
    if (n == 0) break;
    bytes.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return bytes;
}

}  // namespace

std::string first_words(std::string_view text, std::size_t max_bytes) {
  std::string out;
  bool cut = false;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() &&
           (ochat::text::is_space(text[i]) || static_cast<unsigned char>(text[i]) < 0x20))
      ++i;
    std::size_t end = i;
    while (end < text.size() && !ochat::text::is_space(text[end]) &&
           static_cast<unsigned char>(text[end]) >= 0x20)
      ++end;
    if (end == i) break;
    const std::string_view word = text.substr(i, end - i);
    const std::size_t room = max_bytes - std::min(max_bytes, out.size() + (out.empty() ? 0 : 1));
    if (word.size() > room) {
      cut = true;
      if (out.empty()) {  // one long word: cut it, on a character boundary
        std::size_t n = room;
        while (n > 0 && (static_cast<unsigned char>(word[n]) & 0xC0) == 0x80) --n;
        out.append(word.substr(0, n));
      }
      break;
    }
    if (!out.empty()) out.push_back(' ');
    out.append(word);
    i = end;
  }
  if (cut) out += "...";
  return out;
}

Summary summarize(std::string_view bytes, std::string_view name) {
  Summary s;
  // The header: the first line that is not blank.
  std::size_t pos = 0;
  std::string_view header_line;
  while (pos < bytes.size()) {
    std::size_t end = bytes.find('\n', pos);
    if (end == std::string_view::npos) end = bytes.size();
    const std::string_view line = text::trim_right(bytes.substr(pos, end - pos));
    pos = end + 1;
    if (!line.empty()) {
      header_line = line;
      break;
    }
  }
  const Json header = Json::parse(header_line, nullptr, false);
  if (!is_header(header))
    throw Error(ErrorKind::internal, fmt::format("{} is not an ochat conversation", name));
  const Header h = decode_header(header, fmt::format("{}:1", name));
  s.model = h.settings.model;
  const std::size_t body = std::min(pos, bytes.size());

  // Count messages; decode only the first user message.
  bool found_user = false;
  for (std::size_t at = body; at < bytes.size();) {
    std::size_t end = bytes.find('\n', at);
    if (end == std::string_view::npos) end = bytes.size();
    const std::string_view line = text::trim_right(bytes.substr(at, end - at));
    at = end + 1;
    if (line.empty() || line.back() != '}') continue;
    ++s.messages;
    if (!found_user && line.find(R"("user")") != std::string_view::npos) {
      const Json j = Json::parse(line, nullptr, false);
      if (const auto role = j.find("role"); role != j.end() && *role == "user") {
        found_user = true;
        if (auto c = j.find("content"); c != j.end() && c->is_string())
          s.first_words = first_words(c->get<std::string>());
      }
    }
  }

  // The model now: the last settings change that names one.
  const std::string_view rest = bytes.substr(body);
  for (std::size_t at = rest.rfind(R"("settings":)"); at != std::string_view::npos && at > 0;
       at = rest.rfind(R"("settings":)", at - 1)) {
    const Json j = Json::parse(text::trim_right(line_at(rest, at)), nullptr, false);
    if (!j.is_object()) continue;
    const auto own = j.find("ochat");
    if (own == j.end() || !own->is_object()) continue;
    const auto settings = own->find("settings");
    if (settings == own->end() || !settings->is_object()) continue;
    if (auto m = settings->find("model"); m != settings->end() && m->is_string()) {
      s.model = m->get<std::string>();
      break;
    }
  }
  return s;
}

std::vector<Summary> list_conversations(const std::string& dir,
                                        std::vector<std::string>& warnings) {
  std::vector<Summary> out;
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) {
    if (errno == ENOENT) return out;  // nothing saved yet
    throw Error(ErrorKind::internal, fmt::format("cannot list {}: {}", dir, std::strerror(errno)));
  }
  while (const dirent* e = ::readdir(d)) {
    const std::string_view file = e->d_name;
    if (file.starts_with('.') || !file.ends_with(kExtension)) continue;
    const std::string path = dir + "/" + std::string(file);
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    try {
      const std::string bytes = read_file(path);
      if (bytes.find_first_not_of(" \t\r\n") == std::string::npos)
        continue;  // a run that has saved nothing yet
      Summary s = summarize(bytes, path);
      s.name = name_of(path);
      s.path = path;
      s.modified = TimePoint(std::chrono::duration_cast<TimePoint::duration>(
          std::chrono::seconds(st.st_mtim.tv_sec) + std::chrono::nanoseconds(st.st_mtim.tv_nsec)));
      out.push_back(std::move(s));
    } catch (const Error& error) {
      warnings.push_back(fmt::format("skipped {}", error.what()));
    }
  }
  ::closedir(d);
  std::sort(out.begin(), out.end(), [](const Summary& a, const Summary& b) {
    return a.modified != b.modified ? a.modified > b.modified : a.name > b.name;
  });
  return out;
}

std::string listing_line(const Summary& s) {
  return fmt::format("{}\t{}\t{}\t{}\t{}\n", one_line(s.name), iso_time_seconds(s.modified),
                     one_line(s.model), s.messages, one_line(s.first_words));
}

}  // namespace ochat::conversation
