// test-seed.js: the seed's five cases through the typelib, in gjs, and
// reuse by name versus by object.
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

function withScope(scope, body) {
    try {
        return body(scope);
    } finally {
        scope.exit();
    }
}

function enter(graph, nameOrScope, reuse) {
    return nameOrScope instanceof Graft.Scope
        ? graph.reenter_variable_scope(nameOrScope, reuse)
        : graph.enter_variable_scope(nameOrScope, reuse);
}

const {INHERIT, TRUE, AUTO} = Graft.Reuse;
const graph = new Graft.Graph();
graph.set_seed(1);
const shape = Graft.Shape.new([1, 2]);
let test1 = null, test2 = null;

function build(outer, outerReuse, inner, innerReuse) {
    return withScope(enter(graph, outer, outerReuse), s1 =>
        withScope(enter(graph, inner, innerReuse), s2 => {
            if (test1 === null) {
                test1 = s1;
                test2 = s2;
            }
            return graph.get_variable('w1', shape, Graft.DType.INVALID, null);
        }));
}

function buildError(...args) {
    try {
        build(...args);
    } catch (e) {
        return e;
    }
    return null;
}

const w1 = build('test1', INHERIT, 'test2', INHERIT);
check(w1.get_name() === 'test1/test2/w1', 'case 1 name');
check(build('test1', TRUE, 'test2', INHERIT) === w1, 'case 2 shares w1');
check(build(test1, INHERIT, test2, TRUE) === w1, 'case 3 shares w1');
for (const [label, args] of [['4', [test1, TRUE, test2, INHERIT]], ['5', ['test1', INHERIT, 'test2', INHERIT]]]) {
    const e = buildError(...args);
    check(e instanceof GLib.Error, `case ${label} throws a GLib.Error`);
    check(e && e.matches(Graft.VariableError, Graft.VariableError.ALREADY_EXISTS),
        `case ${label} is ALREADY_EXISTS`);
    check(e && e.message === 'Variable test1/test2/w1 already exists, disallowed. Did you mean to set ' +
        'reuse=True or reuse=tf.AUTO_REUSE in VarScope?', `case ${label} message`);
}

// The captured objects keep their own reuse; AUTO_REUSE creates then gets.
check(test2.get_reuse() === INHERIT, 'test2 captured without reuse');
const auto1 = withScope(graph.enter_variable_scope('auto', AUTO), () =>
    graph.get_variable('v', shape, Graft.DType.FLOAT32, null));
const auto2 = withScope(graph.enter_variable_scope('auto', AUTO), () =>
    graph.get_variable('v', shape, Graft.DType.FLOAT32, null));
check(auto1 === auto2 && auto1.get_name() === 'auto/v', 'AUTO_REUSE shares auto/v');

// The initializer runs in a session; the graph seed fixes the values.
const session = Graft.Session.new(graph);
session.run_target(graph.global_variables_initializer());
const value = session.get_variable_value(w1).dup_doubles();
check(Math.abs(value[0] - 0.88443911) < 1e-6 && Math.abs(value[1] + 1.19197083) < 1e-6,
    `w1's values ${value}`);

// A feed and two fetches through graft_session_run()'s arrays.
const x = graph.create_op('Placeholder', 'x', [], ['dtype'], [Graft.DType.FLOAT32]);
const y = graph.add_op('Square', null, [x]);
const results = session.run([x], [Graft.Tensor.new_from_floats([1, 2, 3], Graft.Shape.new([3]))],
    [y, x], [], null);
check(results.length === 2 && results[0].to_string() === '[1. 4. 9.]', 'feeds and fetches');
// Typed access to the elements: numbers, not raw bytes.
const squares = results[0].get_floats();
check(squares.length === 3 && squares[0] === 1 && squares[1] === 4 && squares[2] === 9,
    `get_floats() gives the numbers: ${squares}`);
check(results[0].get_int32s().length === 0, 'get_int32s() of a float32 tensor is empty');
const ints = Graft.Tensor.new_from_int32s([7, -8], Graft.Shape.new([2])).get_int32s();
check(ints.length === 2 && ints[0] === 7 && ints[1] === -8, `get_int32s(): ${ints}`);

if (failures > 0)
    System.exit(1);
print('ok');
