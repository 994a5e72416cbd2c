#!/bin/sh
# test-typelib-install.sh: the installed typelib and override, used from
# Python and gjs with nothing of the source or build trees.
#
#   test-typelib-install.sh SOURCE-DIR [MESON] [PYTHON]
#
# 1. configures the source tree afresh with a temporary prefix (plain
#    build, no tests) and installs it there;
# 2. checks that the GIR, the typelib and gi/overrides/Graft.py are where
#    they belong;
# 3. runs PYTHON (/usr/bin/python3) on the bare typelib with only
#    GI_TYPELIB_PATH, LD_LIBRARY_PATH and GRAFT_PLUGIN_PATH pointing into the
#    prefix: the seed's variable, its initializer in a session, and error
#    matching; then examples/python/seed.py with the installed override
#    (PYTHONPATH = the prefix's site folder), and examples/gjs/seed.js.
#
# 4. runs vapigen on the installed GIR, when valac is installed, and fails
#    on any warning about Graft's GIR.
#
# Everything happens under one temporary directory, removed at the end.
set -eu

src=$(cd "$1" && pwd)
meson=${2:-meson}
python=${3:-/usr/bin/python3}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/graft-typelib-XXXXXX")
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

# Runs a command with the prefix's paths and nothing else from the caller's
# environment: no build tree, no source tree on any path.
installed () {
  env -i PATH=/usr/bin:/bin HOME="$tmp" LANG=C.UTF-8 \
    GI_TYPELIB_PATH="$prefix/lib/girepository-1.0" \
    LD_LIBRARY_PATH="$prefix/lib" \
    GRAFT_PLUGIN_PATH="$prefix/lib/graft-1.0/plugins" \
    ${PYTHONPATH_INSTALLED:+PYTHONPATH="$PYTHONPATH_INSTALLED"} \
    "$@"
}

step "install Graft into $prefix"
quiet "$meson" setup "$tmp/graft-build" "$src" --prefix="$prefix" --libdir=lib \
  -Dbuildtype=plain -Dtests=false -Dintrospection=enabled -Dpython="$python"
quiet "$meson" install -C "$tmp/graft-build"

# The reference (when gi-docgen is there, as bootstrap makes sure) and the
# template plugin go to $datadir/doc/graft-1.0.
docs="$prefix/share/doc/graft-1.0"
if command -v gi-docgen >/dev/null 2>&1; then
  for f in "$docs/index.html" "$docs/ops.html" "$docs/reuse.html"; do
    [ -f "$f" ] || { echo "FAILED: $f is not installed"; exit 1; }
  done
fi
for f in "$docs/template/template.c" "$docs/template/meson.build" \
         "$prefix/lib/girepository-1.0/Graft-1.0.typelib" "$prefix/share/gir-1.0/Graft-1.0.gir"; do
  [ -f "$f" ] || { echo "FAILED: $f is not installed"; exit 1; }
done
override=$(find "$prefix" -path '*/gi/overrides/Graft.py')
[ -n "$override" ] || { echo "FAILED: gi/overrides/Graft.py is not installed under $prefix"; exit 1; }
site=${override%/gi/overrides/Graft.py}
echo "override: $override"

# From a directory of its own, so that '' on sys.path finds nothing.
cd "$tmp"

step "the bare typelib from the prefix, with $python"
installed "$python" - "$prefix" <<'EOF'
import os, sys
prefix = os.path.realpath(sys.argv[1])
import gi
gi.require_version('Graft', '1.0')
from gi.repository import GLib, Graft
import numpy

repo = gi.Repository.get_default()
typelib = os.path.realpath(repo.get_typelib_path('Graft'))
assert typelib.startswith(prefix + '/'), typelib
# No override without PYTHONPATH: the raw API.
assert not hasattr(Graft, 'AUTO_REUSE'), 'an override was found'

g = Graft.Graph.new()
g.set_seed(1)
shape = Graft.Shape.new([1, 2])
s1 = g.enter_variable_scope('test1', Graft.Reuse.INHERIT)
s2 = g.enter_variable_scope('test2', Graft.Reuse.INHERIT)
w1 = g.get_variable('w1', shape, Graft.DType.INVALID, None)
s2.exit(); s1.exit()
try:
    g.get_variable('test1/test2/w1', shape, Graft.DType.INVALID, None)
    raise SystemExit('no error')
except GLib.Error as e:
    assert e.matches(Graft.variable_error_quark(), Graft.VariableError.ALREADY_EXISTS), e
sess = Graft.Session.new(g)
sess.run_target(g.global_variables_initializer())
value = numpy.frombuffer(sess.get_variable_value(w1).get_data(), numpy.float32)
assert numpy.allclose(value, [0.88443911, -1.19197083]), value
# The typelib loads its library on first use: the installed one.
maps = open('/proc/self/maps').read()
assert os.path.join(prefix, 'lib', 'libgraft-1.0.so') in maps, 'libgraft is not the installed one'
print('ok', w1.get_name(), value)
EOF

step "examples/python/seed.py with the installed override"
PYTHONPATH_INSTALLED=$site installed "$python" - "$prefix" <<'EOF'
import sys
import gi
gi.require_version('Graft', '1.0')
from gi.repository import Graft
loaded = sys.modules['gi.overrides.Graft'].__file__
assert loaded.startswith(sys.argv[1] + '/'), loaded
assert Graft.AUTO_REUSE == Graft.Reuse.AUTO
EOF
PYTHONPATH_INSTALLED=$site installed "$python" "$src/examples/python/seed.py" >"$tmp/seed-py.txt"
cat "$tmp/seed-py.txt"
[ "$(grep -c 'already exists' "$tmp/seed-py.txt")" -eq 2 ] || { echo "FAILED: seed.py's output"; exit 1; }

step "examples/gjs/seed.js with the installed typelib"
installed gjs "$src/examples/gjs/seed.js" >"$tmp/seed-js.txt"
cmp "$tmp/seed-py.txt" "$tmp/seed-js.txt" || { echo "FAILED: seed.js prints something else"; exit 1; }

# Vala reads the installed GIR with vapigen; a symbol GI files twice (a
# function moved into a record beside a constructor of the same Vala name)
# is a duplicate definition there. Bootstrap installs valac.
if command -v vapigen >/dev/null 2>&1; then
  step "vapigen on the installed GIR"
  # Debian 12's Gio GIR itself fails vapigen (GLib.EqualFuncFull is
  # unknown to its GLib vapi), so only what it says of Graft's GIR counts.
  vapigen --library graft-1.0 --directory "$tmp/vapi" \
    --girdir "$prefix/share/gir-1.0" "$prefix/share/gir-1.0/Graft-1.0.gir" >"$tmp/vapigen.log" 2>&1 || true
  if ! grep -q 'Gio-2.0.gir' "$tmp/vapigen.log" && ! test -s "$tmp/vapi/graft-1.0.vapi"; then
    cat "$tmp/vapigen.log"
    echo "vapigen read nothing"
    exit 1
  fi
  if grep -A3 'Graft-1.0.gir:.*\(warning\|error\)' "$tmp/vapigen.log"; then
    echo "vapigen warns about Graft-1.0.gir"
    exit 1
  fi
fi

step "ok"
