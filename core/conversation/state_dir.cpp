#include "core/conversation/state_dir.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>

#include "core/error.hpp"

namespace ochat::conversation {
namespace {

constexpr const char* kLastFile = "last-conversation";

bool regular_file(const std::string& path, struct stat* st = nullptr) {
  struct stat s {};
  if (::stat(path.c_str(), &s) != 0 || !S_ISREG(s.st_mode)) return false;
  if (st) *st = s;
  return true;
}

}  // namespace

std::string state_dir(const std::optional<std::string>& xdg,
                      const std::optional<std::string>& home) {
  if (xdg && xdg->starts_with('/')) return *xdg + "/ochat";
  if (home && !home->empty()) return *home + "/.local/state/ochat";
  throw Error(ErrorKind::internal,
              "cannot tell where to save conversations: neither XDG_STATE_HOME nor HOME is set",
              "set one, or use --no-save");
}

std::string conversations_dir(const std::string& state) { return state + "/conversations"; }

void make_private_dir(const std::string& dir) {
  // Parents first: each missing one is created 0700 too (the XDG base directories should be).
  std::string at;
  std::size_t pos = 0;
  while (pos != std::string::npos) {
    pos = dir.find('/', pos + 1);
    at = dir.substr(0, pos);
    if (at.empty()) continue;
    if (::mkdir(at.c_str(), 0700) != 0) {
      const int err = errno;
      struct stat st {};
      if (::stat(at.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) continue;
      throw Error(ErrorKind::internal,
                  fmt::format("cannot create the directory {}: {}", at, std::strerror(err)));
    }
  }
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    throw Error(ErrorKind::internal, fmt::format("{} is not a directory", dir));
  }
}

bool is_name(std::string_view value) noexcept { return value.find('/') == std::string_view::npos; }

void check_name(std::string_view name, std::string_view flag) {
  auto refuse = [&](std::string_view why) {
    throw Error(
        ErrorKind::usage,
        fmt::format("{}: '{}' cannot be a conversation's name: {}", flag,
                    name.size() > 60 ? std::string(name.substr(0, 60)) + "..." : std::string(name),
                    why),
        "a name has no slash and no leading dot; give a path (with a slash) for a file elsewhere");
  };
  if (name.empty()) refuse("it is empty");
  if (name == "." || name == "..") refuse("it names a directory");
  if (name.front() == '.') refuse("it starts with a dot");
  if (name.size() > kMaxNameBytes) refuse(fmt::format("it is longer than {} bytes", kMaxNameBytes));
  for (const char c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) refuse("it contains a control character");
  }
}

std::string chat_path(const std::string& value, const std::string& dir, std::string_view flag) {
  if (!is_name(value)) return value;
  check_name(value, flag);
  return dir + "/" + value + (value.ends_with(kExtension) ? "" : std::string(kExtension));
}

std::string name_of(std::string_view path) {
  if (const auto slash = path.rfind('/'); slash != std::string_view::npos)
    path.remove_prefix(slash + 1);
  if (path.ends_with(kExtension)) path.remove_suffix(kExtension.size());
  return std::string(path);
}

std::string automatic_name(TimePoint t) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  ::gmtime_r(&seconds, &tm);
  return fmt::format("{:04}{:02}{:02}-{:02}{:02}{:02}", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

std::optional<std::string> most_recent(const std::string& state, const std::string& dir) {
  if (const int fd = ::open((state + "/" + kLastFile).c_str(), O_RDONLY | O_CLOEXEC); fd >= 0) {
    char buffer[4096];
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    ::close(fd);
    if (n > 0) {
      std::string path(buffer, static_cast<std::size_t>(n));
      while (!path.empty() && path.back() == '\n') path.pop_back();
      if (!path.empty() && regular_file(path)) return path;
    }
  }
  std::optional<std::string> newest;
  struct timespec newest_time {};
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return std::nullopt;
  while (const dirent* e = ::readdir(d)) {
    const std::string_view name = e->d_name;
    if (name.starts_with('.') || !name.ends_with(kExtension)) continue;
    const std::string path = dir + "/" + std::string(name);
    struct stat st {};
    if (!regular_file(path, &st)) continue;
    const auto& t = st.st_mtim;
    if (!newest || t.tv_sec > newest_time.tv_sec ||
        (t.tv_sec == newest_time.tv_sec && t.tv_nsec > newest_time.tv_nsec) ||
        (t.tv_sec == newest_time.tv_sec && t.tv_nsec == newest_time.tv_nsec && path > *newest)) {
      newest = path;
      newest_time = t;
    }
  }
  ::closedir(d);
  return newest;
}

void remember_last(const std::string& state, const std::string& path) {
  std::error_code ec;
  std::string absolute = std::filesystem::absolute(path, ec).lexically_normal().string();
  if (ec) absolute = path;
  make_private_dir(state);
  const std::string target = state + "/" + kLastFile;
  const std::string temporary = fmt::format("{}.{}.tmp", target, ::getpid());
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  bool ok = fd >= 0;
  if (ok) {
    const std::string line = absolute + "\n";
    ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
    ok = ::close(fd) == 0 && ok;
  }
  if (!ok || ::rename(temporary.c_str(), target.c_str()) != 0) {
    const int err = errno;
    ::unlink(temporary.c_str());
    throw Error(ErrorKind::internal,
                fmt::format("cannot record {} as the last conversation in {}: {}", absolute, target,
                            std::strerror(err)));
  }
}

}  // namespace ochat::conversation
