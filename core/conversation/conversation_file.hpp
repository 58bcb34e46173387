#pragma once
// A conversation file held for a run: opened (or created), locked with flock(2) until it is
// closed, read once the lock is held, and appended to in whole lines.
#include <sys/types.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "core/sys/cancel_token.hpp"

namespace ochat::conversation {

// write(2), or a fake (tests use one that fails with ENOSPC).
using WriteFunction = std::function<ssize_t(int fd, const void* data, std::size_t size)>;

struct LockOptions {
  bool lock = true;         // false: read without waiting for other runs (--show, listing)
  sys::CancelToken cancel;  // a signal ends the wait for the lock
  // Called once, with the path, when the lock has not come after `notice_after`.
  std::function<void(const std::string& path)> waiting;
  std::chrono::milliseconds notice_after{1000};
  WriteFunction write;  // empty: write(2)
};

class ConversationFile {
 public:
  enum class Mode {
    read,    // the file must exist; nothing will be appended
    append,  // the file must exist
    create,  // created, mode 0600, when it does not exist
  };

  // Opens `path` and, unless told not to, waits for its exclusive lock: another ochat holds it
  // for its whole run. Throws ochat::Error (internal) naming the file when it cannot be opened
  // (missing, no permission), is not a regular file or cannot be locked; Error::interrupted
  // when a signal came while waiting.
  static std::unique_ptr<ConversationFile> open(const std::string& path, Mode mode,
                                                const LockOptions& options);
  // Creates `path` (mode 0600) and locks it; nullptr when it already exists.
  static std::unique_ptr<ConversationFile> create_new(const std::string& path,
                                                      const LockOptions& options);

  // Closes the file, which releases the lock. A file that this object created and never
  // wrote to is removed: a run that saved nothing leaves nothing behind.
  ~ConversationFile();
  ConversationFile(const ConversationFile&) = delete;
  ConversationFile& operator=(const ConversationFile&) = delete;

  const std::string& path() const noexcept { return path_; }
  // The whole file. Throws ochat::Error (internal) when it cannot be read.
  std::string read() const;
  // The same, handed to `chunk` in pieces of 64 KiB (a long conversation is not held whole).
  void read(const std::function<void(std::string_view)>& chunk) const;
  // The file's size now (a hint for what read() will give).
  std::size_t size() const;
  // Appends `lines` (whole lines, each ending in '\n') with one write(2), after a '\n' when
  // the file does not end with one. On failure cuts the file back to its size before (nothing
  // of `lines` stays) and throws ochat::Error (internal) naming the file and the reason.
  void append(std::string_view lines);
  bool written() const noexcept { return written_; }
  bool created() const noexcept { return created_; }

 private:
  ConversationFile(std::string path, int fd, bool created, WriteFunction write);
  static std::unique_ptr<ConversationFile> open_locked(const std::string& path, Mode mode,
                                                       bool exclusive, const LockOptions& options);

  std::string path_;
  int fd_ = -1;
  bool created_ = false;
  bool written_ = false;
  WriteFunction write_;
};

}  // namespace ochat::conversation
