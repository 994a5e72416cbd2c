#!/usr/bin/env python3
# check-layers.py: the library's layers only ever reach down.
#
#   check-layers.py SRCROOT                 every #include in the library
#   check-layers.py SRCROOT --objects DIR   also every call between its objects
#   check-layers.py SRCROOT --self-test     a planted upward include is caught
#
# Each source file and header belongs to the layer of its folder (LAYERS
# below, lowest first; docs/design.md has the map). A file may include
# headers of its own layer and of the layers below, never one above, and
# never the umbrella graft.h. With --objects, the same rule holds for calls:
# a symbol an object file uses must be defined in its own layer or below
# (this catches a lower layer calling a function that a higher one
# implements, whatever header declares it).
#
# SPDX-License-Identifier: LGPL-2.1-or-later
import os
import re
import shutil
import subprocess
import sys
import tempfile

# folder -> (rank, name). Layers of the same rank are siblings: neither may
# use the other.
LAYERS = {
    'framework/core': (0, 'core'),
    'framework/registry': (1, 'registry'),
    'framework/graph': (2, 'graph'),
    'scopes': (3, 'scopes'),
    'framework/runtime': (4, 'runtime'),
    'framework/train': (5, 'train'),
    'framework/io': (5, 'io'),
}
# Headers outside the layer folders that library files may include.
EXTRA_HEADERS = {
    'plugins/graft-plugin.h': 'framework/registry',   # the plugin ABI: definitions, kernels
    'framework/graft-version.h.in': 'framework/core',  # generated as graft-version.h
}
GENERATED = {
    'graft-version.h': 'framework/core',
    'graft-enum-types.h': 'framework/core',   # declarations of enum GTypes only
}
UMBRELLA = 'graft.h'
INCLUDE_RE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def layer_files(root):
    files = {}
    for folder in LAYERS:
        path = os.path.join(root, folder)
        if not os.path.isdir(path):
            continue
        for name in sorted(os.listdir(path)):
            if name.endswith(('.c', '.h')):
                files[os.path.join(folder, name)] = folder
    return files


def header_map(root, files):
    headers = {}
    for rel, folder in files.items():
        if rel.endswith('.h'):
            name = os.path.basename(rel)
            if name in headers:
                raise SystemExit(f'check-layers: {name} is in two layers: {headers[name]} and {folder}')
            headers[name] = folder
    for rel, folder in EXTRA_HEADERS.items():
        if os.path.exists(os.path.join(root, rel)):
            headers[os.path.basename(rel).removesuffix('.in')] = folder
    for name, folder in GENERATED.items():
        headers.setdefault(name, folder)
    return headers


def allowed(user, used):
    """May a file of folder `user` use folder `used`?"""
    if user == used:
        return True
    return LAYERS[used][0] < LAYERS[user][0]


def describe(folder):
    rank, name = LAYERS[folder]
    return f'{name} (layer {rank})'


def check_includes(root):
    files = layer_files(root)
    headers = header_map(root, files)
    problems = []
    for rel, folder in sorted(files.items()):
        with open(os.path.join(root, rel), encoding='utf-8') as f:
            text = f.read()
        for m in INCLUDE_RE.finditer(text):
            inc = os.path.basename(m.group(1))
            line = text.count('\n', 0, m.start()) + 1
            if inc == UMBRELLA:
                problems.append(f'{rel}:{line}: includes the umbrella {UMBRELLA}, which spans every layer')
                continue
            target = headers.get(inc)
            if target is None:
                continue    # a system header or one of the file's own folder's local ones
            if not allowed(folder, target):
                problems.append(f'{rel}:{line}: {describe(folder)} includes {inc} of {describe(target)}')
    return files, problems


def object_source(obj_name, files):
    """libgraft-1.0.so.0.1.0.p/framework_core_graft-dtype.c.o -> framework/core/graft-dtype.c"""
    base = obj_name[:-2] if obj_name.endswith('.o') else obj_name
    for rel in files:
        if rel.endswith('.c') and base == rel.replace('/', '_'):
            return rel
    return None


def nm_symbols(path, defined):
    args = ['nm', '--defined-only' if defined else '--undefined-only', '-P', path]
    out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    syms = set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 2 and (not defined or parts[1] in 'TDBRtdbr'):
            # Static (lower-case) definitions cannot be called from elsewhere.
            if defined and parts[1].islower():
                continue
            syms.add(parts[0])
    return syms


def check_objects(files, objdir):
    objects = {}
    for name in os.listdir(objdir):
        if name.endswith('.o'):
            src = object_source(name, files)
            if src is not None:
                objects[src] = os.path.join(objdir, name)
    if not objects:
        return [f'{objdir}: no object file of the library found']
    definer = {}
    for src, path in objects.items():
        for sym in nm_symbols(path, True):
            definer[sym] = src
    problems = []
    for src, path in sorted(objects.items()):
        for sym in sorted(nm_symbols(path, False)):
            target = definer.get(sym)
            if target is None:
                continue
            if not allowed(files[src], files[target]):
                problems.append(f'{src}: {describe(files[src])} calls {sym} of {describe(files[target])} ({target})')
    return problems


def self_test(root):
    """Plants an upward include into a copy of the tree; the check must name it."""
    with tempfile.TemporaryDirectory() as tmp:
        for folder in list(LAYERS) + ['plugins']:
            src = os.path.join(root, folder)
            if os.path.isdir(src):
                shutil.copytree(src, os.path.join(tmp, folder))
        _, clean = check_includes(tmp)
        if clean:
            print('self-test: the copy is not clean to begin with:\n  ' + '\n  '.join(clean))
            return 1
        victim = os.path.join(tmp, 'framework/core/graft-dtype.c')
        with open(victim, 'a', encoding='utf-8') as f:
            f.write('\n#include "graft-session.h"\n')
        _, problems = check_includes(tmp)
        want = 'framework/core/graft-dtype.c'
        hits = [p for p in problems if p.startswith(want) and 'graft-session.h' in p]
        if len(problems) != 1 or not hits:
            print('self-test: the planted include was not reported alone; got:\n  ' + '\n  '.join(problems))
            return 1
        print('self-test: caught ' + hits[0])
    return 0


def main(argv):
    if len(argv) < 2:
        print(__doc__ or 'usage: check-layers.py SRCROOT [--objects DIR | --self-test]', file=sys.stderr)
        return 2
    root = argv[1]
    if argv[2:3] == ['--self-test']:
        return self_test(root)
    files, problems = check_includes(root)
    if argv[2:3] == ['--objects']:
        problems += check_objects(files, argv[3])
    for p in problems:
        print(p)
    n_files = len(files)
    print(f'check-layers: {n_files} files, {len(problems)} upward dependencies')
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
