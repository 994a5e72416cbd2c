// test-errors.js: Graft's error domains as GLib.Error in gjs, matched by
// domain (the enum or its quark) and code.
//
// SPDX-License-Identifier: LGPL-2.1-or-later

imports.gi.versions.Graft = '1.0';
const {GLib, Graft} = imports.gi;
const System = imports.system;

let failures = 0;
function check(condition, what) {
    if (!condition) {
        printerr(`FAIL: ${what}`);
        failures++;
    }
}

function thrown(func) {
    try {
        func();
    } catch (e) {
        return e;
    }
    return null;
}

function expectError(func, domain, quark, code, what) {
    const e = thrown(func);
    check(e instanceof GLib.Error, `${what}: throws a GLib.Error (${e})`);
    if (!(e instanceof GLib.Error))
        return null;
    check(e.matches(domain, code), `${what}: matches its enum (${e.message})`);
    check(e.matches(quark, code), `${what}: matches its quark`);
    check(e.domain === quark && e.code === code, `${what}: domain and code`);
    check(!e.matches(domain, code + 1), `${what}: another code does not match`);
    return e;
}

const graph = Graft.Graph.new();
const shape = Graft.Shape.new([2]);
graph.get_variable('v', shape, Graft.DType.FLOAT32, null);

let e = expectError(() => graph.get_variable('v', shape, Graft.DType.FLOAT32, null),
    Graft.VariableError, Graft.variable_error_quark(), Graft.VariableError.ALREADY_EXISTS, 'already exists');
check(e && e.message.startsWith('Variable v already exists, disallowed.'), 'already exists: message');
check(e instanceof Graft.VariableError, 'the error is an instance of its domain');

const scope = graph.enter_variable_scope('r', Graft.Reuse.TRUE);
expectError(() => graph.get_variable('missing', shape, Graft.DType.FLOAT32, null),
    Graft.VariableError, Graft.variable_error_quark(), Graft.VariableError.DOES_NOT_EXIST, 'does not exist');
scope.exit();

expectError(() => graph.enter_variable_scope_full(null, null, null, Graft.Reuse.INHERIT, null),
    Graft.ScopeError, Graft.scope_error_quark(), Graft.ScopeError.NAME_REQUIRED, 'scope name required');
const outer = graph.enter_variable_scope('outer', Graft.Reuse.INHERIT);
const inner = graph.enter_variable_scope('inner', Graft.Reuse.INHERIT);
expectError(() => outer.exit(), Graft.ScopeError, Graft.scope_error_quark(),
    Graft.ScopeError.IMPROPER_NESTING, 'improper nesting');
inner.exit();
outer.exit();

expectError(() => graph.add_op('NoSuchOp', null, []), Graft.GraphError, Graft.graph_error_quark(),
    Graft.GraphError.UNKNOWN_OP, 'unknown op');

const session = Graft.Session.new(graph);
e = expectError(() => session.fetch(graph.lookup_variable('v').get_value()), Graft.SessionError,
    Graft.session_error_quark(), Graft.SessionError.UNINITIALIZED, 'uninitialized');
check(e && e.message.includes('Attempting to use uninitialized value v'), 'uninitialized: message');

expectError(() => Graft.Tensor.new_from_floats([1, 2, 3], shape), Graft.TensorError,
    Graft.tensor_error_quark(), Graft.TensorError.SIZE_MISMATCH, 'tensor size');

expectError(() => Graft.Registry.get_default().load_plugin('/nonexistent/graft-nothing.so'),
    Graft.PluginError, Graft.plugin_error_quark(), Graft.PluginError.UNREADABLE, 'unreadable plugin');

if (failures > 0)
    System.exit(1);
print('ok');
