#!/bin/sh
# test-template-install.sh: Graft installed, and a plugin built against it.
#
#   test-template-install.sh SOURCE-DIR [MESON]
#
# 1. configures the source tree afresh with a temporary prefix (plain
#    build, no tests) and installs it there;
# 2. copies plugins/template, as a plugin author does, and builds it with
#    its Makefile through pkg-config; a small application
#    (tests/template-check.c), compiled against the installed headers and
#    library only, loads it from GRAFT_PLUGIN_PATH;
# 3. builds the copy again with its own meson.build and installs it into
#    the pkg-config variable pluginsdir; the application finds it there with
#    no GRAFT_PLUGIN_PATH at all.
#
# Everything happens under one temporary directory, removed at the end.
set -eu

src=$(cd "$1" && pwd)
meson=${2:-meson}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/graft-template-XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
prefix=$tmp/prefix

step () {
  echo "== $*"
}

# Runs a command quietly; on failure shows the end of its output.
quiet () {
  log=$tmp/last.log
  if ! "$@" >"$log" 2>&1; then
    echo "FAILED: $*"
    tail -n 60 "$log"
    exit 1
  fi
}

step "install Graft into $prefix"
quiet "$meson" setup "$tmp/graft-build" "$src" --prefix="$prefix" --libdir=lib \
  -Dbuildtype=plain -Dtests=false -Ddocs=disabled
quiet "$meson" install -C "$tmp/graft-build"

# From here on, only the installed Graft: nothing of the source or build
# trees, and no plugin path inherited from the test environment.
unset GRAFT_PLUGIN_PATH
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
export LD_LIBRARY_PATH="$prefix/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
pluginsdir=$(pkg-config --variable=pluginsdir graft-1.0)
if [ "$pluginsdir" != "$prefix/lib/graft-1.0/plugins" ]; then
  echo "FAILED: pkg-config's pluginsdir is '$pluginsdir'"
  exit 1
fi
for f in graft-core.so graft-math.so graft-initializers.so; do
  [ -f "$pluginsdir/$f" ] || { echo "FAILED: $f is not installed in $pluginsdir"; exit 1; }
done
[ -x "$prefix/bin/graft-inspect" ] || { echo "FAILED: graft-inspect is not installed"; exit 1; }

step "compile an application against the installed Graft"
# shellcheck disable=SC2046 # pkg-config's output is meant to be split
quiet ${CC:-cc} -std=c11 -o "$tmp/template-check" "$src/tests/template-check.c" \
  $(pkg-config --cflags --libs graft-1.0)

cp -R "$src/plugins/template" "$tmp/template"

step "build the template with its Makefile; load it from GRAFT_PLUGIN_PATH"
quiet make -C "$tmp/template"
GRAFT_PLUGIN_PATH="$tmp/template" "$tmp/template-check" "$tmp/template"
GRAFT_PLUGIN_PATH="$tmp/template" "$prefix/bin/graft-inspect" template.linspace >"$tmp/inspect.txt"
grep -q "Initializer template.linspace" "$tmp/inspect.txt"
quiet make -C "$tmp/template" clean

step "build the template with its meson.build; install it into pluginsdir"
quiet "$meson" setup "$tmp/template-build" "$tmp/template" -Dbuildtype=plain
quiet "$meson" install -C "$tmp/template-build"
[ -f "$pluginsdir/graft-template.so" ] || { echo "FAILED: not installed in $pluginsdir"; exit 1; }
"$tmp/template-check" "$pluginsdir"

step "ok"
