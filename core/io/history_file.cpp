#include "core/io/history_file.hpp"

#include <fcntl.h>
#include <histedit.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>

namespace ochat::io {
namespace {

struct HistoryDeleter {
  void operator()(History* h) const { ::history_end(h); }
};

// Holds flock() on a directory until it goes out of scope. Without the lock (a file system
// that refuses it) the file is still replaced whole; only a line from another session written
// at the same instant may be missed.
class DirectoryLock {
 public:
  explicit DirectoryLock(const std::string& dir)
      : fd_(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) {
    if (fd_ < 0) return;
    while (::flock(fd_, LOCK_EX) != 0 && errno == EINTR) {
    }
  }
  ~DirectoryLock() {
    if (fd_ >= 0) ::close(fd_);  // closing releases the lock
  }
  DirectoryLock(const DirectoryLock&) = delete;
  DirectoryLock& operator=(const DirectoryLock&) = delete;

 private:
  int fd_;
};

std::string directory_of(const std::string& path) {
  const auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

}  // namespace

std::string append_history(const std::string& path, const std::string& entry, std::size_t max) {
  const DirectoryLock lock(directory_of(path));

  std::unique_ptr<History, HistoryDeleter> history(::history_init());
  if (!history) return "cannot start libedit's history";
  HistEvent event{};
  ::history(history.get(), &event, H_SETSIZE, static_cast<int>(max));
  ::history(history.get(), &event, H_SETUNIQUE, 1);
  ::history(history.get(), &event, H_LOAD, path.c_str());  // a missing file: an empty history
  ::history(history.get(), &event, H_ENTER, entry.c_str());

  std::string temp = path + ".XXXXXX";
  const int fd = ::mkostemp(temp.data(), O_CLOEXEC);  // mode 0600
  if (fd < 0) return std::strerror(errno);
  FILE* file = ::fdopen(fd, "w");
  if (!file) {
    const int err = errno;
    ::close(fd);
    ::unlink(temp.c_str());
    return std::strerror(err);
  }
  int err = 0;
  errno = 0;
  if (::history(history.get(), &event, H_SAVE_FP, file) < 0 || std::fflush(file) != 0 ||
      std::ferror(file) != 0 || ::fsync(fd) != 0) {
    err = errno != 0 ? errno : EIO;
  }
  if (std::fclose(file) != 0 && err == 0) err = errno;
  if (err == 0 && ::rename(temp.c_str(), path.c_str()) != 0) err = errno;
  if (err != 0) {
    ::unlink(temp.c_str());
    return std::strerror(err);
  }
  return {};
}

}  // namespace ochat::io
