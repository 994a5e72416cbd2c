#!/bin/sh
# bootstrap.sh: set up, build and run Graft on a fresh Debian 12 machine.
#
#   tools/bootstrap.sh demo      build, then run the seed demo
#   tools/bootstrap.sh test      build, then run every test
#   tools/bootstrap.sh asan      the tests again, under AddressSanitizer + UBSan
#   tools/bootstrap.sh valgrind  the tests again, under valgrind memcheck
#   tools/bootstrap.sh tsan      the C suites under ThreadSanitizer, GLib's locks annotated
#   tools/bootstrap.sh fuzz      the libFuzzer targets (clang), GRAFT_FUZZ_SECONDS each
#   tools/bootstrap.sh bench     build, then bench/run.sh with its peers (PyTorch, NumPy)
#
# Missing Debian packages are installed first (apt-get; as root or through
# sudo). BUILDDIR overrides the build directory (default: build).
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
builddir=${BUILDDIR:-build}
mode=${1:-test}

packages="meson ninja-build pkg-config gcc g++ libglib2.0-dev libffi-dev
libgtest-dev googletest libopenblas-dev"
# The matrix-product libraries MatMul measures and picks from (optional
# in the build; docs/performance.md).
packages="$packages libblis-dev libdnnl-dev"
# GObject-Introspection (the typelib is built by default), and what the
# binding tests and the API reference need: PyGObject and NumPy for
# /usr/bin/python3, gjs, gi-docgen.
packages="$packages gobject-introspection libgirepository1.0-dev python3-gi
python3-numpy gjs gi-docgen valac"
case "$mode" in
  valgrind) packages="$packages valgrind" ;;
  # gcc's ThreadSanitizer runtime (gcc pulls it in; named for clarity).
  tsan) packages="$packages libtsan2" ;;
  # clang 14 and its compiler-rt (libFuzzer, ASan, UBSan); llvm-14 has
  # the symbolizer that puts file:line into reports.
  fuzz) packages="$packages clang libclang-rt-14-dev llvm-14" ;;
  # The peers of bench/run.sh, and threadpoolctl to read and set their
  # OpenBLAS's kernel and threads.
  bench) packages="$packages python3-torch python3-threadpoolctl" ;;
esac

missing=""
for p in $packages; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  case "$status" in
    *"install ok installed"*) ;;
    *) missing="$missing $p" ;;
  esac
done
if [ -n "$missing" ]; then
  echo "bootstrap: installing missing Debian packages:$missing"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends $missing
fi

configure () {
  dir=$1
  shift
  if [ ! -f "$dir/build.ninja" ]; then
    meson setup "$dir" "$@"
  elif [ $# -gt 0 ]; then
    # An existing build folder gets this mode's options too.
    meson configure "$dir" "$@"
  fi
  meson compile -C "$dir"
}

case "$mode" in
  demo)
    configure "$builddir"
    exec "$builddir/examples/seed"
    ;;
  test)
    configure "$builddir"
    exec meson test -C "$builddir" --print-errorlogs
    ;;
  asan)
    # Without introspection: the scanner's dump program and the Python and
    # gjs interpreters cannot load an ASan-instrumented library without
    # preloading the runtime. The binding suites run in the normal build.
    configure "${builddir}-asan" -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug \
      -Dintrospection=disabled
    # allocator_may_return_null: the OOM tests ask for petabytes on purpose
    # and need g_try_malloc's NULL, not ASan's abort.
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:allocator_may_return_null=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
      exec meson test -C "${builddir}-asan" --print-errorlogs
    ;;
  bench)
    configure "$builddir"
    exec bench/run.sh "$builddir"
    ;;
  valgrind)
    configure "$builddir"
    exec meson test -C "$builddir" --setup=valgrind --print-errorlogs
    ;;
  tsan)
    # Without introspection, as for asan. The tsan setup (tests/meson.build)
    # preloads tests/tsan/graft-tsan-glib.c, which shows GLib's mutexes,
    # conditions, g_once and reference counts to TSan, and reads
    # tests/tsan/tsan.supp; any report fails the test.
    configure "${builddir}-tsan" -Db_sanitize=thread -Db_lundef=false -Dbuildtype=debug \
      -Dintrospection=disabled -Ddocs=disabled
    exec meson test -C "${builddir}-tsan" --setup=tsan --print-errorlogs
    ;;
  fuzz)
    # clang, ASan + UBSan, libFuzzer coverage on the library; only the
    # fuzz targets are built and run (the `fuzz` suite), each for
    # GRAFT_FUZZ_SECONDS (default 20) from its committed seed corpus.
    dir="${builddir}-fuzz"
    if [ ! -f "$dir/build.ninja" ]; then
      CC=clang CXX=clang++ meson setup "$dir" -Dfuzzing=true -Db_sanitize=address,undefined \
        -Db_lundef=false -Dbuildtype=debugoptimized -Dintrospection=disabled -Ddocs=disabled
    fi
    meson compile -C "$dir" fuzzers
    exec meson test -C "$dir" --no-rebuild --suite fuzz --print-errorlogs
    ;;
  *)
    echo "usage: $0 demo|test|bench|asan|valgrind|tsan|fuzz" >&2
    exit 2
    ;;
esac
