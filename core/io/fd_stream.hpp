#pragma once
// The only code that writes to file descriptors 1 and 2.
// Output is collected with append() and written with flush(); callers flush after each
// network read, so every piece is written as soon as it arrived, in one write() per read.
// A read can bring megabytes (libcurl reads on while the socket has data), so append() also
// writes once kFlushAt bytes are waiting: memory stays bounded and nothing is written later.
#include <string>
#include <string_view>

namespace ochat::io {

class FdStream {
 public:
  explicit FdStream(int fd);
  FdStream(const FdStream&) = delete;
  FdStream& operator=(const FdStream&) = delete;

  static constexpr std::size_t kFlushAt = 64 * 1024;

  // Collects `bytes`; writes everything collected when that reaches kFlushAt (whole appends
  // only: the bytes of one call are never split across writes).
  void append(std::string_view bytes) {
    if (closed_) return;
    buffer_.append(bytes);
    if (buffer_.size() >= kFlushAt) flush();
  }
  // Writes everything appended so far. Retries on EINTR and short writes, waits on EAGAIN.
  // Returns false once the reader has gone away (EPIPE) or the fd failed; later calls drop
  // their bytes and return false too.
  bool flush();
  bool closed() const noexcept { return closed_; }
  // The errno of the write that failed, 0 while none has. EPIPE means the reader went away
  // (a quiet end); anything else (ENOSPC, EBADF, EIO...) means output was lost.
  int error() const noexcept { return error_; }
  bool is_terminal() const noexcept { return terminal_; }
  // Last byte that was appended (0 if none yet).
  char last_byte() const noexcept { return last_byte_; }
  void note_last_byte(std::string_view bytes) noexcept {
    if (!bytes.empty()) last_byte_ = bytes.back();
  }

 private:
  int fd_;
  bool terminal_;
  bool closed_ = false;
  int error_ = 0;
  char last_byte_ = 0;
  std::string buffer_;
};

// True when colour escapes may be written to `stream`: it is a terminal and NO_COLOR is unset
// or empty (https://no-color.org).
bool use_color(const FdStream& stream);

// Makes sure file descriptors 0, 1 and 2 are open, so that no file or socket ochat opens
// later takes the place of a closed one (`ochat >&-` would otherwise write the answer into
// the connection to the server). A closed one is reopened on /dev/null for reading only:
// reads see end of file, and writes still fail with EBADF, as they did on the closed fd.
void reserve_standard_fds();

}  // namespace ochat::io
