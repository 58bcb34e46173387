# Sourced by the build scripts (bash): compile through ccache when it is installed.
# Sets ccache_args (CMake arguments) and the ccache settings that make a cache shared by several
# checkouts and build folders hit: paths below the checkout are hashed relative to it, the
# build folder is not part of the hash, and precompiled headers are cacheable.
ccache_args=(-DCMAKE_CXX_COMPILER_LAUNCHER=)
if command -v ccache >/dev/null 2>&1 && [ "${OCHAT_CCACHE:-ON}" != OFF ]; then
  ccache_args=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  CCACHE_BASEDIR="$(pwd -P)"
  export CCACHE_BASEDIR CCACHE_NOHASHDIR=1
  export CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime
  export CCACHE_MAXSIZE="${CCACHE_MAXSIZE:-5G}"
fi
