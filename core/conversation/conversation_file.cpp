#include "core/conversation/conversation_file.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/error.hpp"

namespace ochat::conversation {
namespace {

using Clock = std::chrono::steady_clock;
constexpr int kPollMs = 10;

[[noreturn]] void fail(std::string_view what, const std::string& path, int err) {
  throw Error(ErrorKind::internal, fmt::format("{} {}: {}", what, path, std::strerror(err)));
}

// Waits for the exclusive lock on `fd`, checking for a signal every few milliseconds: flock()
// itself would be restarted after the signal handler (SA_RESTART).
void wait_for_lock(int fd, const std::string& path, const LockOptions& options) {
  const auto start = Clock::now();
  bool told = false;
  while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno == EINTR) continue;
    if (errno != EWOULDBLOCK) fail("cannot lock the conversation", path, errno);
    if (const int signal = options.cancel.requested(); signal != 0)
      throw Error::interrupted(signal);
    if (!told && options.waiting && Clock::now() - start >= options.notice_after) {
      told = true;
      options.waiting(path);
    }
    pollfd wake{options.cancel.wake_fd, POLLIN, 0};
    ::poll(&wake, options.cancel.wake_fd >= 0 ? 1 : 0, kPollMs);
  }
}

bool same_file(const struct stat& a, const struct stat& b) {
  return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

}  // namespace

ConversationFile::ConversationFile(std::string path, int fd, bool created, WriteFunction write)
    : path_(std::move(path)), fd_(fd), created_(created), write_(std::move(write)) {
  if (!write_)
    write_ = [](int f, const void* data, std::size_t size) { return ::write(f, data, size); };
}

std::unique_ptr<ConversationFile> ConversationFile::open_locked(const std::string& path, Mode mode,
                                                                bool exclusive,
                                                                const LockOptions& options) {
  const int access = mode == Mode::read ? O_RDONLY : (O_RDWR | O_APPEND);
  for (;;) {
    bool created = false;
    int fd = -1;
    if (mode == Mode::create) {
      fd = ::open(path.c_str(), access | O_CLOEXEC | O_CREAT | O_EXCL, 0600);
      created = fd >= 0;
      if (fd < 0 && errno != EEXIST) fail("cannot create the conversation", path, errno);
      if (fd < 0 && exclusive) return nullptr;
    }
    if (fd < 0) {
      fd = ::open(path.c_str(), access | O_CLOEXEC);
      if (fd < 0 && errno == ENOENT && mode == Mode::create) continue;  // removed meanwhile
      if (fd < 0 && errno == EISDIR) {
        throw Error(ErrorKind::internal, fmt::format("the conversation {} is a directory", path));
      }
      if (fd < 0) fail("cannot open the conversation", path, errno);
    }
    auto file =
        std::unique_ptr<ConversationFile>(new ConversationFile(path, fd, created, options.write));
    struct stat opened {};
    if (::fstat(fd, &opened) != 0) fail("cannot read the conversation", path, errno);
    if (S_ISDIR(opened.st_mode))
      throw Error(ErrorKind::internal, fmt::format("the conversation {} is a directory", path));
    if (!S_ISREG(opened.st_mode)) {
      throw Error(ErrorKind::internal,
                  fmt::format("the conversation {} is not a regular file", path));
    }
    if (!options.lock) return file;
    wait_for_lock(fd, path, options);
    // The run that held the lock may have removed the file (it created it and saved nothing):
    // this one must then use the file now at `path`.
    struct stat now {};
    if (::stat(path.c_str(), &now) == 0 && same_file(opened, now)) return file;
    file->created_ = false;  // not ours to remove
  }
}

std::unique_ptr<ConversationFile> ConversationFile::open(const std::string& path, Mode mode,
                                                         const LockOptions& options) {
  return open_locked(path, mode, false, options);
}

std::unique_ptr<ConversationFile> ConversationFile::create_new(const std::string& path,
                                                               const LockOptions& options) {
  return open_locked(path, Mode::create, true, options);
}

ConversationFile::~ConversationFile() {
  if (created_ && !written_) {
    struct stat opened {
    }, now{};
    if (::fstat(fd_, &opened) == 0 && ::stat(path_.c_str(), &now) == 0 && same_file(opened, now) &&
        opened.st_size == 0) {
      ::unlink(path_.c_str());
    }
  }
  ::close(fd_);
}

std::size_t ConversationFile::size() const {
  struct stat st {};
  return ::fstat(fd_, &st) == 0 && st.st_size > 0 ? static_cast<std::size_t>(st.st_size) : 0;
}

void ConversationFile::read(const std::function<void(std::string_view)>& chunk) const {
  std::string buffer(64 * 1024, '\0');
  for (off_t at = 0;;) {
    const ssize_t n = ::pread(fd_, buffer.data(), buffer.size(), at);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail("cannot read the conversation", path_, errno);
    if (n == 0) return;
    chunk(std::string_view(buffer.data(), static_cast<std::size_t>(n)));
    at += n;
  }
}

std::string ConversationFile::read() const {
  // Straight into the string (a long conversation is megabytes), growing it should the file
  // be longer than it was.
  std::string bytes;
  struct stat st {};
  std::size_t size = 0;
  if (::fstat(fd_, &st) == 0 && st.st_size > 0) size = static_cast<std::size_t>(st.st_size);
  bytes.resize(size + 1);
  std::size_t used = 0;
  for (;;) {
    if (used == bytes.size()) bytes.resize(bytes.size() * 2);
    const ssize_t n =
        ::pread(fd_, bytes.data() + used, bytes.size() - used, static_cast<off_t>(used));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail("cannot read the conversation", path_, errno);
    if (n == 0) break;
    used += static_cast<std::size_t>(n);
  }
  bytes.resize(used);
  return bytes;
}

void ConversationFile::append(std::string_view lines) {
  struct stat st {};
  if (::fstat(fd_, &st) != 0) fail("cannot append to the conversation", path_, errno);
  const off_t before = st.st_size;
  std::string data;
  char last = '\n';
  if (before > 0 && ::pread(fd_, &last, 1, before - 1) != 1) last = '\n';
  if (last != '\n') data.push_back('\n');  // after a cut last line: start a new one
  data.append(lines);
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = write_(fd_, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int err = n < 0 ? errno : EIO;
      [[maybe_unused]] int ignored = ::ftruncate(fd_, before);  // leave no part of a line
      fail("cannot append to the conversation", path_, err);
    }
    done += static_cast<std::size_t>(n);
  }
  written_ = true;
}

}  // namespace ochat::conversation
