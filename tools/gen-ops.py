#!/usr/bin/env python3
# gen-ops.py: typed op constructors for C, from the op definitions.
#
#   gen-ops.py OPS_JSON OUT_H OUT_C
#   gen-ops.py --catalogue OPS_JSON OUT_MD
#
# OPS_JSON is the registry's interface snapshot (tests/data/ops.json, which
# `graft-inspect --json` writes and the ops-json test keeps equal to the
# registry). For every op of Graft's own modules it writes one function
# named like TensorFlow's Python function, taking the graph, the inputs in
# signature order and the attributes that have no default; a `_full` twin
# adds the op's name and, where the op has attributes with defaults, a
# Graft<Op>Attrs struct whose GRAFT_<OP>_ATTRS_INIT initializer holds
# TensorFlow's defaults. Type attributes bound by an input (T) are never
# asked for. Every function records its error in the graph's error chain
# (graft_graph_take_error()) instead of taking a GError. --catalogue
# writes the API reference's op catalogue page from the same data.
#
# SPDX-License-Identifier: LGPL-2.1-or-later
import ast
import json
import os
import textwrap
import re
import sys

# TensorFlow's Python names where the op's type name does not snake-case to
# it. One table for C and Python: it is the Python override's `_FUNC_NAMES`
# (Graft.ops uses it at import), read here without importing the override.
OVERRIDE = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'framework', 'python', 'gi',
                        'overrides', 'Graft.py')


def _read_func_names():
    with open(OVERRIDE, encoding='utf-8') as f:
        tree = ast.parse(f.read(), OVERRIDE)
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, 'id', None) == '_FUNC_NAMES' for t in node.targets):
            return ast.literal_eval(node.value)
    raise SystemExit(f'gen-ops: no _FUNC_NAMES table in {OVERRIDE}')


FUNC_NAMES = _read_func_names()

C_TYPES = {
    'int': 'gint64',
    'float': 'double',
    'bool': 'gboolean',
    'string': 'const char *',
    'type': 'GraftDType',
    'shape': 'GraftShape *',
    'tensor': 'GraftTensor *',
    'list(int)': 'const gint64 *',
    'list(float)': 'const double *',
}
SETTERS = {
    'int': 'graft_op_builder_set_attr_int',
    'float': 'graft_op_builder_set_attr_float',
    'bool': 'graft_op_builder_set_attr_bool',
    'string': 'graft_op_builder_set_attr_string',
    'type': 'graft_op_builder_set_attr_type',
    'shape': 'graft_op_builder_set_attr_shape',
    'tensor': 'graft_op_builder_set_attr_tensor',
    'list(int)': 'graft_op_builder_set_attr_ints',
    'list(float)': 'graft_op_builder_set_attr_floats',
}
C_KEYWORDS = {'default', 'int', 'float', 'double', 'char', 'const', 'auto', 'register', 'signed',
              'unsigned', 'struct', 'union', 'switch', 'case', 'return', 'if', 'else', 'for'}


def snake(name):
    if name in FUNC_NAMES:
        return FUNC_NAMES[name]
    return re.sub(r'(?<=[a-z0-9])(?=[A-Z])', '_', name).lower()


def ident(name):
    return name + '_' if name in C_KEYWORDS else name


def c_default(kind, text):
    if kind == 'bool':
        return 'TRUE' if text == 'true' else 'FALSE'
    if kind == 'int':
        return f'G_GINT64_CONSTANT ({text})'
    if kind == 'float':
        return text if any(c in text for c in '.eEn') else text + '.0'
    if kind == 'type':
        return 'GRAFT_DTYPE_' + text.upper()
    if kind == 'string':
        # The snapshot keeps the signature's spelling, already a quoted
        # literal: `"NHWC"`.
        return text if text.startswith('"') else json.dumps(text)
    if kind in ('shape', 'tensor'):
        if text not in ('?', None):
            raise SystemExit(f'gen-ops: cannot write default {text!r} of a {kind} attribute')
        return 'NULL'
    if kind.startswith('list('):
        if text != '[]':
            raise SystemExit(f'gen-ops: cannot write default {text!r} of a {kind} attribute')
        return 'NULL, 0'
    raise SystemExit(f'gen-ops: unknown attribute kind {kind}')


class Op:
    def __init__(self, d):
        self.d = d
        self.name = d['name']
        self.func = 'graft_' + snake(self.name)
        self.inputs = [i['name'] for i in d['inputs']]
        # List inputs (`inputs: N * T`) are an array and its length.
        self.lists = {i['name'] for i in d['inputs'] if 'number' in i}
        attrs = [a for a in d['attributes'] if not a.get('inferred') and not a.get('internal')]
        # Const's dtype is its value's.
        self.derived = {'dtype': 'value'} if self.name == 'Const' else {}
        self.required = [a for a in attrs if 'default' not in a and a['name'] not in self.derived]
        self.optional = [a for a in attrs if 'default' in a]
        camel = self.name[0].upper() + self.name[1:]
        self.attrs_type = f'Graft{camel}Attrs'
        self.macro = f'GRAFT_{snake(self.name).upper()}_ATTRS_INIT'

    def params(self):
        out = ['GraftGraph *graph']
        for i in self.inputs:
            if i in self.lists:
                out += [f'GraftOutput *const *{ident(i)}', f'guint n_{i}']
            else:
                out.append(f'GraftOutput *{ident(i)}')
        for a in self.required:
            out.append(f'{C_TYPES[a["kind"]]}{"" if C_TYPES[a["kind"]].endswith("*") else " "}{ident(a["name"])}')
            if a['kind'].startswith('list('):
                out.append(f'gsize n_{a["name"]}')
        return out

    def full_params(self):
        out = self.params() + ['const char *name']
        if self.optional:
            out.append(f'const {self.attrs_type} *attrs')
        return out

    def args(self):
        out = ['graph']
        for i in self.inputs:
            out += [ident(i), f'n_{i}'] if i in self.lists else [ident(i)]
        for a in self.required:
            out.append(ident(a['name']))
            if a['kind'].startswith('list('):
                out.append('n_' + a['name'])
        return out


def proto(ret, name, params, width=30):
    lines = []
    head = f'{ret}{name} ('
    pad = ' ' * len(head)
    for i, p in enumerate(params):
        sep = ',' if i < len(params) - 1 else ');'
        lines.append((head if i == 0 else pad) + p + sep)
    return '\n'.join(lines)


def header(ops):
    out = ['''/* graft-ops.h: typed op constructors (generated by tools/gen-ops.py from the
 * op definitions; do not edit).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined (__GRAFT_H_INSIDE__) && !defined (GRAFT_COMPILATION)
#error "Only <graft.h> can be included directly."
#endif

#include "graft-types.h"
#include "graft-dtype.h"

G_BEGIN_DECLS
''']
    for op in ops:
        if op.optional:
            out.append(f'/**\n * {op.attrs_type}:')
            for a in op.optional:
                out.append(f' * @{a["name"]}: the `{a["name"]}` attribute ({a["kind"]}, default `{a["default"]}`)')
                if a['kind'].startswith('list('):
                    out.append(f' * @n_{a["name"]}: the number of values in @{a["name"]}')
            out.append(f' *\n * The attributes of {op.name} that have defaults; start from\n'
                       f' * #{op.macro}, which holds TensorFlow\'s.\n */')
            out.append('typedef struct {')
            inits = []
            for a in op.optional:
                t = C_TYPES[a['kind']]
                out.append(f'  {t}{"" if t.endswith("*") else " "}{ident(a["name"])};')
                if a['kind'].startswith('list('):
                    out.append(f'  gsize n_{a["name"]};')
                inits.append(c_default(a['kind'], a['default']))
            out.append(f'}} {op.attrs_type};')
            out.append(f'#define {op.macro} {{ {", ".join(inits)} }}\n')
        out.append('GRAFT_AVAILABLE_IN_ALL')
        out.append(proto('GraftOutput *', op.func, op.params()))
        out.append('GRAFT_AVAILABLE_IN_ALL')
        out.append(proto('GraftOutput *', op.func + '_full', op.full_params()) + '\n')
    out.append('G_END_DECLS\n')
    return '\n'.join(out)


def doc_params(op, full):
    lines = [' * @graph: the graph to add the op to']
    for i in op.inputs:
        if i in op.lists:
            lines.append(f' * @{ident(i)}: (array length=n_{i}): input `{i}`, a list of tensors; a %NULL '
                         'element (a failed op before) makes this a no-op')
            lines.append(f' * @n_{i}: the number of tensors in @{ident(i)}')
            continue
        lines.append(f' * @{ident(i)}: (nullable): input `{i}`; %NULL (a failed op before) makes this a no-op')
    for a in op.required:
        ann = ''
        if a['kind'].startswith('list('):
            ann = f'(array length=n_{a["name"]}): '
        lines.append(f' * @{ident(a["name"])}: {ann}the `{a["name"]}` attribute ({a["kind"]})')
        if a['kind'].startswith('list('):
            lines.append(f' * @n_{a["name"]}: the number of values in @{ident(a["name"])}')
    if full:
        lines.append(' * @name: (nullable): the op\'s name, or %NULL for its default name')
        if op.optional:
            lines.append(f' * @attrs: (nullable): the other attributes, or %NULL for their defaults')
    return lines


def source(ops):
    out = ['''/* graft-ops.c: typed op constructors (generated by tools/gen-ops.py from the
 * op definitions; do not edit).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "graft-graph-private.h"
#include "graft-ops.h"
''']
    for op in ops:
        summary = op.d['summary'].rstrip('.')
        # graft_<op>: the short form
        out.append(f'/**\n * {op.func}:')
        out += doc_params(op, False)
        text = (f'`{op.name}`: {summary}. The op gets its default name in the current '
                f'name scope and TensorFlow\'s defaults for its other attributes '
                f'({op.func}_full() sets them). On failure the error is kept in the '
                f'graph\'s error chain (graft_graph_take_error()).')
        out.append(' *\n' + '\n'.join(' * ' + l for l in textwrap.wrap(text, 74)) + '\n *\n'
                   f' * Signature: `{op.d["signature"]}`\n *\n'
                   f' * Returns: (transfer none) (nullable): the op\'s output 0 (its handle if it\n'
                   f' *   has none), or %NULL\n */')
        out.append('GraftOutput *')
        out.append(proto('', op.func, op.params()).replace(f'{op.func} (', f'{op.func} (', 1))
        out[-1] = out[-1][:-1]  # drop the ';'
        out.append('{')
        call_args = op.args() + ['NULL'] + (['NULL'] if op.optional else [])
        out.append(f'  return {op.func}_full ({", ".join(call_args)});')
        out.append('}\n')
        # graft_<op>_full
        out.append(f'/**\n * {op.func}_full: (skip)')
        out += doc_params(op, True)
        out.append(f' *\n * `{op.name}` with a name and all of its attributes; see {op.func}().\n *\n'
                   f' * Returns: (transfer none) (nullable): the op\'s output 0, or %NULL\n */')
        out.append('GraftOutput *')
        p = proto('', op.func + '_full', op.full_params())
        out.append(p[:-1])
        out.append('{')
        if op.lists:
            # The list's tensors join the single inputs in one flat array.
            total = ' + '.join([str(len(op.inputs) - len(op.lists))] + [f'n_{i}' for i in op.inputs if i in op.lists])
            out.append(f'  g_autofree GraftOutput **all_ = g_new (GraftOutput *, {total} + 1);')
            out.append(f'  g_autofree const char **names_ = g_new (const char *, {total} + 1);')
            out.append('  guint n_ = 0;')
        elif op.inputs:
            out.append(f'  GraftOutput *inputs[] = {{ {", ".join(ident(i) for i in op.inputs)} }};')
            out.append(f'  static const char *const input_names[] = {{ {", ".join(json.dumps(i) for i in op.inputs)} }};')
        out.append('  GraftOpBuilder *builder;\n')
        if op.lists:
            out.append(f'  g_return_val_if_fail ({" && ".join(f"({ident(i)} != NULL || n_{i} == 0)" for i in op.inputs if i in op.lists)}, NULL);')
            for i in op.inputs:
                if i in op.lists:
                    out.append(f'  for (guint i_ = 0; i_ < n_{i}; i_++)\n    {{\n'
                               f'      all_[n_] = {ident(i)}[i_];\n      names_[n_++] = "{i}";\n    }}')
                else:
                    out.append(f'  all_[n_] = {ident(i)};\n  names_[n_++] = "{i}";')
            out.append(f'  builder = _graft_ops_begin (graph, "{op.name}", name, all_, names_, n_);')
        else:
            out.append(f'  builder = _graft_ops_begin (graph, "{op.name}", name, '
                       + ('inputs, input_names, G_N_ELEMENTS (inputs)' if op.inputs else 'NULL, NULL, 0') + ');')
        out.append('  if (builder == NULL)\n    return NULL;')
        for a in op.required:
            n = ident(a['name'])
            if a['kind'].startswith('list('):
                out.append(f'  {SETTERS[a["kind"]]} (builder, "{a["name"]}", {n}, n_{a["name"]});')
            elif a['kind'] in ('shape', 'tensor', 'string'):
                out.append(f'  if ({n} != NULL)\n    {SETTERS[a["kind"]]} (builder, "{a["name"]}", {n});')
            else:
                out.append(f'  {SETTERS[a["kind"]]} (builder, "{a["name"]}", {n});')
        for attr, src in op.derived.items():
            out.append(f'  if ({src} != NULL)\n    graft_op_builder_set_attr_type (builder, "{attr}", graft_tensor_get_dtype ({src}));')
        if op.optional:
            out.append('  if (attrs != NULL)\n    {')
            for a in op.optional:
                n = ident(a['name'])
                if a['kind'].startswith('list('):
                    out.append(f'      {SETTERS[a["kind"]]} (builder, "{a["name"]}", attrs->{n}, attrs->n_{a["name"]});')
                elif a['kind'] in ('shape', 'tensor', 'string'):
                    out.append(f'      if (attrs->{n} != NULL)\n        {SETTERS[a["kind"]]} (builder, "{a["name"]}", attrs->{n});')
                else:
                    out.append(f'      {SETTERS[a["kind"]]} (builder, "{a["name"]}", attrs->{n});')
            out.append('    }')
        out.append('  return _graft_ops_finish (graph, builder);')
        out.append('}\n')
    return '\n'.join(out)


def catalogue(data):
    """The op catalogue page (Markdown for gi-docgen)."""
    out = ['Title: Op catalogue', 'Slug: ops', '',
           '# Op catalogue', '',
           'Every op and initializer of Graft\'s own plugins, generated from their',
           'definitions (the registry\'s interface snapshot, `tests/data/ops.json`).',
           'In C each op has a typed constructor (`graft_matmul()`, with',
           '`graft_matmul_full()` for a name and the attributes that have defaults);',
           'in Python it is `Graft.ops.<name>`; any binding can also use',
           '[method@Graft.Graph.create_op] with the op\'s type name.',
           '`graft-inspect NAME` prints the same from the installed plugins.', '']
    ops = sorted(data['ops'], key=lambda d: d['name'])
    out += ['## Ops', '', '| op | C | summary |', '|---|---|---|']
    for d in ops:
        out.append(f'| [{d["name"]}](#{d["name"].lower()}) | `{Op(d).func}()` | {d["summary"]} |')
    out.append('')
    for d in ops:
        op = Op(d)
        out += [f'### {d["name"]}', '', d['summary'].rstrip('.') + '.', '',
                f'- signature: `{d["signature"]}`',
                f'- C: `{op.func}()`, `{op.func}_full()`; Python: `Graft.ops.{snake(d["name"])}`',
                f'- default name: `{d["default_name"]}`; plugin: `{d["plugin"]}`']
        attrs = [a for a in d['attributes'] if not a.get('internal')]
        if attrs:
            out.append('- attributes:')
            for a in attrs:
                bits = [a['kind']]
                if 'default' in a:
                    bits.append(f'default `{a["default"]}`')
                if a.get('allowed'):
                    bits.append('one of ' + ', '.join(a['allowed']))
                if a.get('inferred'):
                    bits.append('from the inputs')
                out.append(f'  - `{a["name"]}`: ' + '; '.join(bits))
        out.append('')
    out += ['## Initializers', '', 'Used by name with `graft_initializer_new()` (or `initializer=` in Python).', '',
            '| initializer | signature | summary |', '|---|---|---|']
    for d in sorted(data['initializers'], key=lambda d: d['name']):
        out.append(f'| `{d["name"]}` | `{d["signature"]}` | {d["summary"]} |')
    out.append('')
    return '\n'.join(out)


def main(argv):
    if len(argv) == 4 and argv[1] == '--catalogue':
        with open(argv[2], encoding='utf-8') as f:
            data = json.load(f)
        with open(argv[3], 'w', encoding='utf-8') as f:
            f.write(catalogue(data))
        return 0
    if len(argv) != 4:
        print('usage: gen-ops.py OPS_JSON OUT_H OUT_C | --catalogue OPS_JSON OUT_MD', file=sys.stderr)
        return 2
    with open(argv[1], encoding='utf-8') as f:
        data = json.load(f)
    ops = [Op(d) for d in sorted(data['ops'], key=lambda d: d['name'])]
    seen = {}
    for op in ops:
        if op.func in seen:
            raise SystemExit(f'gen-ops: {op.name} and {seen[op.func]} both map to {op.func}')
        seen[op.func] = op.name
    with open(argv[2], 'w', encoding='utf-8') as f:
        f.write(header(ops))
    with open(argv[3], 'w', encoding='utf-8') as f:
        f.write(source(ops))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
