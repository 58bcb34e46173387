#include "core/io/stdin_reader.hpp"

#include <sys/stat.h>
#include <unistd.h>

namespace ochat::io {

bool should_read_implicitly(int fd) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return false;
  return S_ISFIFO(st.st_mode) || S_ISREG(st.st_mode);
}

}  // namespace ochat::io
