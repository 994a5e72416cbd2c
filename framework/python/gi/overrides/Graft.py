# gi.overrides.Graft: Graft read the way TensorFlow 1.x reads.
#
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Pythonic spellings for the Graft typelib.

Everything here translates Python values into the C API's arguments and
back: context managers for scopes, keyword arguments mapped onto
``Graft.ScopeOptions`` and ``Graft.VariableRequest``, Python lists for
shapes, NumPy arrays for tensors, Python callables for custom getters,
regularizers, constraints and initializers. Reuse, naming, sharing and
every error come from libgraft; nothing of them is re-implemented here.

    g = Graft.Graph()
    with g.variable_scope("test1") as test1, g.variable_scope("test2"):
        w1 = g.get_variable("w1", shape=[1, 2])
    with g.variable_scope(test1, reuse=True), g.variable_scope("test2"):
        assert g.get_variable("w1", shape=[1, 2]) is w1

The NumPy copy rule: ``numpy.asarray(tensor)`` (``tensor.__array__``)
always **copies**. The array owns its data and is writable; the tensor,
which is immutable and may be shared by a running session, never sees a
change, and either may outlive the other. ``Graft.Tensor.from_array()``
copies too. ``Session.run()`` returns such copies (or the
``Graft.Tensor`` values themselves with ``as_tensors=True``).

NumPy is imported when a conversion first needs it, so the rest of the
binding works without it.

The dtypes map to NumPy's of the same name (``float16`` is
``numpy.float16``, ``uint8`` is ``numpy.uint8``, ``complex128`` is
``numpy.complex128``, …) except ``bfloat16``, which NumPy lacks: a
bfloat16 tensor reads as a ``numpy.float32`` array (exact: a bfloat16 is
the upper half of a float32), and values given for a bfloat16 tensor are
converted to float32 and rounded to nearest even, NaN kept, as libgraft
rounds. ``numpy_dtype('bfloat16')`` is therefore ``float32``.
"""

import contextlib
import itertools
import operator
import numbers
import re
import sys
import threading

from gi.repository import GLib, GObject

from ..module import get_introspection_module
from ..overrides import override

Graft = get_introspection_module('Graft')

__all__ = []

#: TensorFlow's ``tf.AUTO_REUSE``: get the variable if it exists, else
#: create it.
AUTO_REUSE = Graft.Reuse.AUTO
__all__.append('AUTO_REUSE')


def _numpy():
    import numpy
    return numpy


def _is_numpy(value, kind):
    # Without NumPy imported, value cannot be one of its objects.
    numpy = sys.modules.get('numpy')
    return numpy is not None and isinstance(value, getattr(numpy, kind))


# ---- arguments: Python values to the C API's ----

def _reuse(reuse):
    """True, False, None or Graft.AUTO_REUSE to a Graft.Reuse.

    False and None are the same argument (TensorFlow >= 1.1): "not
    given", which libgraft resolves by how the scope is entered.
    """
    if reuse is None or reuse is False:
        return Graft.Reuse.INHERIT
    if reuse is True:
        return Graft.Reuse.TRUE
    if isinstance(reuse, Graft.Reuse):
        return reuse
    raise TypeError('reuse must be True, False, None or Graft.AUTO_REUSE, not %r' % (reuse,))


def _reuse_to_python(reuse):
    """A scope's or request's Graft.Reuse as TensorFlow spells it."""
    if reuse == Graft.Reuse.TRUE:
        return True
    if reuse == Graft.Reuse.AUTO:
        return AUTO_REUSE
    return False


def as_dtype(value):
    """A Graft.DType from a Graft.DType, a name ('float32') or a NumPy
    dtype or scalar type; None gives Graft.DType.INVALID ("not given")."""
    if value is None:
        return Graft.DType.INVALID
    if isinstance(value, Graft.DType):
        return value
    name = value if isinstance(value, str) else _numpy().dtype(value).name
    result = Graft.dtype_from_name(name)
    if result == Graft.DType.INVALID:
        raise TypeError('%r is not a Graft dtype' % (value,))
    return result


def numpy_dtype(value):
    """The NumPy dtype of a Graft.DType (their names are the same; bfloat16,
    which NumPy lacks, is float32: see the module documentation)."""
    dtype_ = as_dtype(value)
    if dtype_ == Graft.DType.BFLOAT16:
        return _numpy().dtype('float32')
    return _numpy().dtype(Graft.dtype_get_name(dtype_))


def _bfloat16_bits(array):
    """The bfloat16 bit patterns (uint16) of a float32 array: round to
    nearest even on the float's bits, as graft_float_to_bfloat16() does."""
    numpy = _numpy()
    bits = numpy.ascontiguousarray(array, dtype=numpy.float32).view(numpy.uint32)
    rounded = (bits + numpy.uint32(0x7fff) + ((bits >> 16) & 1)) >> 16
    # A NaN is kept quiet rather than rounded into Inf.
    nan = (bits & 0x7fffffff) > 0x7f800000
    rounded = numpy.where(nan, (bits >> 16) | 0x40, rounded)
    return rounded.astype(numpy.uint16)


__all__ += ['as_dtype', 'numpy_dtype']


def _dim(value, arg):
    """One dimension: an integer (Python's or NumPy's), or None for an
    unknown one. TensorFlow refuses what int() would silently truncate
    (1.5 must not become 1) and negative sizes."""
    if value is None:
        return -1
    try:
        d = operator.index(value)
    except TypeError:
        raise TypeError("%s: dimension %r (%s) must be an integer or None"
                        % (arg, value, type(value).__name__)) from None
    if d < 0:
        raise ValueError("%s: Dimension %d must be >= 0" % (arg, d))
    return d


def _shape(value, arg='shape'):
    """A Graft.Shape from a list or tuple of dimensions (None for an unknown
    one), a Graft.Shape, or None ("not given"). Other dimensions raise
    TypeError, negative ones ValueError, both naming *arg*; a shape whose
    size overflows is refused by Graft with a GLib.Error where it is used."""
    if value is None or isinstance(value, Graft.Shape):
        return value
    if isinstance(value, (str, bytes)):
        raise TypeError("%s must be a list or tuple of integers or None, not %s"
                        % (arg, type(value).__name__))
    try:
        dims = [value] if value is not None and not hasattr(value, '__iter__') else list(value)
    except TypeError:
        raise TypeError("%s must be a list or tuple of integers or None, not %s"
                        % (arg, type(value).__name__)) from None
    return Graft.Shape.new([_dim(d, arg) for d in dims])


def _shape_tuple(shape):
    if shape is None or shape.get_rank() < 0:
        return None
    return tuple(None if d < 0 else d for d in shape.get_dims())


def _tensor(value, dtype_=None):
    """A Graft.Tensor from a tensor, an array-like or a scalar."""
    if isinstance(value, Graft.Tensor):
        return value
    return Tensor.from_array(value, dtype_)


def _initializer(value, dtype_=None):
    """A Graft.Initializer from an initializer, a registered initializer's
    name, or a value (a tensor or an array-like: the initial value)."""
    if value is None or isinstance(value, Graft.Initializer):
        return value
    if isinstance(value, str):
        return Graft.Initializer.new(value, None)
    return Graft.Initializer.new_value(_tensor(value, dtype_))


def _variant(value):
    """A GLib.Variant for an attribute value: b, x, d, s, ax or ad."""
    if isinstance(value, GLib.Variant):
        return value
    if isinstance(value, bool):
        return GLib.Variant('b', value)
    if isinstance(value, str):
        return GLib.Variant('s', value)
    if isinstance(value, (list, tuple)) or _is_numpy(value, 'ndarray'):
        items = _numpy().asarray(value)
        if items.dtype.kind in 'iub':
            return GLib.Variant('ax', [int(i) for i in items.ravel()])
        return GLib.Variant('ad', [float(f) for f in items.ravel()])
    if isinstance(value, numbers.Integral):
        return GLib.Variant('x', int(value))
    if isinstance(value, numbers.Real):
        return GLib.Variant('d', float(value))
    raise TypeError('%r cannot be an attribute value' % (value,))


def _attrs_variant(attrs):
    """A dict of attribute values as the a{sv} Graft.Initializer takes."""
    if attrs is None or isinstance(attrs, GLib.Variant):
        return attrs
    return GLib.Variant('a{sv}', {name: _variant(v) for name, v in attrs.items()})


def _gvalue(value):
    """A GObject.Value for graft_graph_create_op()'s attribute values."""
    if isinstance(value, GObject.Value):
        return value
    for gtype in (Graft.DType, Graft.Shape, Graft.Tensor):
        if isinstance(value, gtype):
            return GObject.Value(gtype, value)
    if isinstance(value, type) or _is_numpy(value, 'dtype'):
        return GObject.Value(Graft.DType, as_dtype(value))
    if _is_numpy(value, 'ndarray'):
        return GObject.Value(Graft.Tensor, _tensor(value))
    variant = _variant(value)
    kind = variant.get_type_string()
    if kind == 'b':
        return GObject.Value(GObject.TYPE_BOOLEAN, variant.unpack())
    if kind == 'x':
        return GObject.Value(GObject.TYPE_INT64, variant.unpack())
    if kind == 'd':
        return GObject.Value(GObject.TYPE_DOUBLE, variant.unpack())
    if kind == 's':
        return GObject.Value(GObject.TYPE_STRING, variant.unpack())
    return GObject.Value(GObject.TYPE_VARIANT, variant)


# ---- exceptions raised by Python callbacks ----
#
# Custom getters and regularizers are called by libgraft, inside
# get_variable(), on the calling thread. PyGObject cannot let an exception
# cross the C frames, so a callback keeps it here and returns NULL;
# libgraft then fails with its own error, and the call into the typelib
# raises the callback's exception instead of that one.

_pending = threading.local()


def _keep_exception(exc):
    if getattr(_pending, 'exception', None) is None:
        _pending.exception = exc


# Kernels written in Python may run on a session's worker threads, where
# a thread-local cannot reach the caller. A kernel that raises keeps its
# exception here under a number, fails the run with a message carrying
# that number, and the override that made the run (Session.run, or _call
# for initializers evaluated by get_variable) finds it in the GLib.Error
# and hands it on: a BaseException (KeyboardInterrupt, SystemExit) is
# re-raised as itself, an Exception becomes the GLib.Error's __cause__.
# A run made from C never claims its entry; the table keeps the newest
# _KERNEL_EXCEPTIONS_MAX.
_KERNEL_EXCEPTIONS_MAX = 64
_kernel_exceptions = {}
_kernel_exceptions_lock = threading.Lock()
_kernel_exception_serial = itertools.count(1)
_KERNEL_EXCEPTION_TAG = re.compile(r'\(Python exception #(\d+)\)')


def _keep_kernel_exception(exc):
    """Keeps exc for the caller of the run; returns the text to put in the
    kernel's error."""
    serial = next(_kernel_exception_serial)
    with _kernel_exceptions_lock:
        _kernel_exceptions[serial] = exc
        while len(_kernel_exceptions) > _KERNEL_EXCEPTIONS_MAX:
            del _kernel_exceptions[next(iter(_kernel_exceptions))]
    return '%s: %s (Python exception #%d)' % (type(exc).__name__, exc, serial)


def _claim_kernel_exception(error):
    """Raises the kernel exception a GLib.Error from a run refers to, if
    any; returns otherwise."""
    match = _KERNEL_EXCEPTION_TAG.search(error.message or '')
    if match is None:
        return
    with _kernel_exceptions_lock:
        exc = _kernel_exceptions.pop(int(match.group(1)), None)
    if exc is None:
        return
    if not isinstance(exc, Exception):
        raise exc from error
    error.__cause__ = exc


def _call(func, *args):
    """Calls func (a typelib function) and re-raises an exception a Python
    callback kept during the call."""
    try:
        result = func(*args)
    except GLib.Error as error:
        exc = getattr(_pending, 'exception', None)
        _pending.exception = None
        if exc is not None:
            raise exc from error
        _claim_kernel_exception(error)
        raise
    exc = getattr(_pending, 'exception', None)
    _pending.exception = None
    if exc is not None:
        raise exc
    return result


# ---- callables: custom getters, regularizers, constraints ----

# The arguments a TensorFlow getter takes after the name, in the order of
# its positional parameters (variable_scope._true_getter's).
_GETTER_ARGS = ('shape', 'dtype', 'initializer', 'regularizer', 'reuse', 'trainable',
                'collections', 'caching_device', 'partitioner', 'validate_shape',
                'use_resource', 'constraint')


def _request_kwargs(request):
    """A Graft.VariableRequest as a TensorFlow getter's keyword arguments."""
    collections = request.get_collections()
    return {
        'shape': _shape_tuple(request.get_shape()),
        'dtype': request.get_dtype(),
        'initializer': request.get_initializer(),
        'regularizer': request.get_regularizer(),
        'reuse': _reuse_to_python(request.get_reuse()),
        'trainable': request.get_trainable(),
        'collections': list(collections) if collections is not None else None,
        'caching_device': request.get_caching_device(),
        'validate_shape': request.get_validate_shape(),
        'constraint': request.get_constraint(),
    }


def _apply_request_kwargs(request, kwargs):
    """Sets a request's fields from get_variable()'s keyword arguments."""
    for key, value in kwargs.items():
        if key == 'shape':
            request.set_shape(_shape(value))
        elif key == 'dtype':
            request.set_dtype(as_dtype(value))
        elif key == 'initializer':
            request.set_initializer(_initializer(value, kwargs.get('dtype')))
        elif key == 'regularizer':
            request.set_regularizer(_regularizer(value))
        elif key == 'reuse':
            request.set_reuse(_reuse(value))
        elif key == 'trainable':
            if value is not None:
                request.set_trainable(bool(value))
        elif key == 'collections':
            request.set_collections(list(value) if value is not None else None)
        elif key == 'caching_device':
            request.set_caching_device(value)
        elif key == 'validate_shape':
            if value is not None:
                request.set_validate_shape(bool(value))
        elif key == 'constraint':
            request.set_constraint(_constraint(value))
        elif key == 'custom_getter':
            request.set_custom_getter(_custom_getter(value))
        elif key in ('partitioner', 'use_resource', 'synchronization', 'aggregation'):
            if value is not None:
                raise NotImplementedError('Graft has no %s' % key)
        else:
            raise TypeError('get_variable() got an unexpected keyword argument %r' % key)


def _custom_getter(getter):
    """A Graft.CustomGetter from a TensorFlow-style Python getter.

    ``getter(next_getter, name, *args, **kwargs)`` gets the next getter (a
    callable taking get_variable()'s arguments) and the full name; it
    returns a Graft.Variable, usually ``next_getter(name, *args,
    **kwargs)`` with some arguments changed. A Graft.CustomGetter (the raw
    form, ``Graft.CustomGetter.new(func)`` with ``func(getter, request)``)
    is passed through.
    """
    if getter is None or isinstance(getter, Graft.CustomGetter):
        return getter
    if not callable(getter):
        raise TypeError('custom_getter must be callable, not %r' % (getter,))

    def func(chain, request, *user_data):
        def next_getter(name, *args, **kwargs):
            forwarded = request.copy()
            forwarded.set_name(name)
            kwargs.update(zip(_GETTER_ARGS, args))
            _apply_request_kwargs(forwarded, kwargs)
            return _call(chain.get_variable, forwarded)

        try:
            variable = getter(next_getter, request.get_name(), **_request_kwargs(request))
            if variable is not None and not isinstance(variable, Graft.Variable):
                raise TypeError('a custom getter must return a Graft.Variable, not %r' % (variable,))
            return variable
        except BaseException as exc:  # noqa: B902 - re-raised by _call()
            _keep_exception(exc)
            return None

    return Graft.CustomGetter.new(func)


def _regularizer(regularizer):
    """A Graft.Regularizer from ``fn(variable) -> Graft.Output or None``."""
    if regularizer is None or isinstance(regularizer, Graft.Regularizer):
        return regularizer

    def func(variable, *user_data):
        try:
            return regularizer(variable)
        except BaseException as exc:  # noqa: B902 - re-raised by _call()
            _keep_exception(exc)
            return None

    return Graft.Regularizer.new(func)


def _constraint(constraint):
    """A Graft.Constraint from ``fn(value: Graft.Output) -> Graft.Output``
    (stored for optimizers; Graft never calls it itself)."""
    if constraint is None or isinstance(constraint, Graft.Constraint):
        return constraint
    return Graft.Constraint.new(lambda value, *user_data: constraint(value))


# ---- the default graph ----
#
# TensorFlow's default graph stack, per thread like TensorFlow's; a thread
# that pushed nothing sees one process-wide graph. It only decides which
# graph the module-level functions below use.

_default = threading.local()
_global_graph = None
_global_lock = threading.Lock()


def get_default_graph():
    """The innermost graph of ``Graph.as_default()`` on this thread, else the
    process-wide default graph (made on first use)."""
    global _global_graph
    stack = getattr(_default, 'stack', None)
    if stack:
        return stack[-1]
    with _global_lock:
        if _global_graph is None:
            _global_graph = Graph()
        return _global_graph


def reset_default_graph():
    """Replaces the process-wide default graph with a new, empty one."""
    global _global_graph
    if getattr(_default, 'stack', None):
        raise RuntimeError('reset_default_graph() inside a Graph.as_default() block')
    with _global_lock:
        _global_graph = None


def variable_scope(name_or_scope, *args, **kwargs):
    """``Graph.variable_scope()`` on the default graph."""
    return get_default_graph().variable_scope(name_or_scope, *args, **kwargs)


def name_scope(name, *args, **kwargs):
    """``Graph.name_scope()`` on the default graph."""
    return get_default_graph().name_scope(name, *args, **kwargs)


def get_variable(name, *args, **kwargs):
    """``Graph.get_variable()`` on the default graph."""
    return get_default_graph().get_variable(name, *args, **kwargs)


def global_variables_initializer():
    """The op that initializes the default graph's global variables."""
    return get_default_graph().global_variables_initializer()


__all__ += ['get_default_graph', 'reset_default_graph', 'variable_scope', 'name_scope',
            'get_variable', 'global_variables_initializer']


# ---- scope context managers ----

class _VariableScope(object):
    """What ``Graph.variable_scope()`` returns: enters on ``__enter__``
    (returning the Graft.Scope, which can be captured and re-entered) and
    leaves with graft_scope_exit() on ``__exit__``."""

    def __init__(self, graph, name, scope, default_name, reuse, options):
        self._args = (name, scope, default_name, reuse, options)
        self._graph = graph
        self._scope = None

    def __enter__(self):
        self._scope = _call(Graft.Graph.enter_variable_scope_full, self._graph, *self._args)
        return self._scope

    def __exit__(self, exc_type, exc, tb):
        try:
            self._scope.exit()
        except GLib.Error:
            # An improperly nested exit is reported, unless it is the
            # consequence of an exception already on its way.
            if exc_type is None:
                raise
        return False


class _NameScope(object):
    """What ``Graph.name_scope()`` returns: ``__enter__`` gives the scope's
    name (``'mul/'``), usable as an op name that names the op after the
    scope, as TensorFlow's ``name_scope`` gives."""

    def __init__(self, graph, name, default_name, values):
        self._args = (name, default_name, values)
        self._graph = graph
        self._scope = None

    def __enter__(self):
        self._scope = self._graph.enter_name_scope_full(*self._args)
        return self._scope.get_name()

    def __exit__(self, exc_type, exc, tb):
        try:
            self._scope.exit()
        except GLib.Error:
            if exc_type is None:
                raise
        return False


# ---- classes ----

@override
class Graph(Graft.Graph):
    """A dataflow graph (``Graft.Graph()`` makes a new one)."""

    def variable_scope(self, name_or_scope, default_name=None, values=None, initializer=None,
                       regularizer=None, caching_device=None, custom_getter=None, reuse=None,
                       dtype=None, constraint=None, auxiliary_name_scope=None):
        """``tf.variable_scope``, as a context manager.

        *name_or_scope* is a name (the scope then inherits reuse from the
        enclosing one) or a captured Graft.Scope (it then takes the
        object's own reuse), or None with *default_name*. *reuse* is
        True, False, None or Graft.AUTO_REUSE. The other arguments are
        Graft.ScopeOptions: *initializer* (a Graft.Initializer, an
        initializer's name or a value), *regularizer* (``fn(variable)``),
        *custom_getter* (``getter(next_getter, name, **kwargs)``, or a
        Graft.CustomGetter), *dtype*, *caching_device*, *constraint*,
        *auxiliary_name_scope* and *values* (outputs the scope's ops use).
        """
        if isinstance(name_or_scope, Graft.Scope):
            name, scope = None, name_or_scope
        else:
            name, scope = name_or_scope, None
        options = None
        given = (initializer, regularizer, caching_device, custom_getter, dtype, constraint,
                 auxiliary_name_scope, values)
        if any(v is not None for v in given):
            options = Graft.ScopeOptions.new()
            if initializer is not None:
                options.set_initializer(_initializer(initializer, dtype))
            if regularizer is not None:
                options.set_regularizer(_regularizer(regularizer))
            if caching_device is not None:
                options.set_caching_device(caching_device)
            if custom_getter is not None:
                options.set_custom_getter(_custom_getter(custom_getter))
            if dtype is not None:
                options.set_dtype(as_dtype(dtype))
            if constraint is not None:
                options.set_constraint(_constraint(constraint))
            if auxiliary_name_scope is not None:
                options.set_auxiliary_name_scope(bool(auxiliary_name_scope))
            if values is not None:
                options.set_values(list(values))
        return _VariableScope(self, name, scope, default_name, _reuse(reuse), options)

    def name_scope(self, name, default_name=None, values=None):
        """``tf.name_scope``, as a context manager giving the scope's name."""
        return _NameScope(self, name, default_name, list(values) if values is not None else None)

    def as_default(self):
        """Makes this graph the default one of the calling thread inside a
        ``with`` block."""
        return _as_default(self)

    def get_variable(self, name, shape=None, dtype=None, initializer=None, **kwargs):
        """``tf.get_variable``: gets or creates a variable under the current
        scopes' rules; raises GLib.Error (Graft.VariableError) as
        TensorFlow raises ValueError.

        *shape* is a list or tuple (None for an unknown dimension),
        *dtype* a Graft.DType, a name or a NumPy dtype, *initializer* a
        Graft.Initializer, an initializer's name or a value. Further
        keyword arguments (*regularizer*, *trainable*, *collections*,
        *caching_device*, *validate_shape*, *constraint*, *custom_getter*)
        go into a Graft.VariableRequest.
        """
        return self._get_variable(Graft.Graph.get_variable, Graft.Graph.get_variable_full,
                                  name, shape, dtype, initializer, kwargs)

    def get_local_variable(self, name, shape=None, dtype=None, initializer=None, **kwargs):
        """``tf.get_local_variable``: as get_variable(), in the local
        variables collection and not trainable."""
        return self._get_variable(Graft.Graph.get_local_variable, Graft.Graph.get_local_variable_full,
                                  name, shape, dtype, initializer, kwargs)

    def _get_variable(self, simple, full, name, shape, dtype_, initializer, kwargs):
        if 'reuse' in kwargs:
            # libgraft takes reuse from the scopes (only a custom getter
            # may change it on the way): refuse what would be ignored.
            raise TypeError('get_variable() takes no reuse; open a variable_scope with reuse')
        if not kwargs:
            return _call(simple, self, name, _shape(shape), as_dtype(dtype_),
                         _initializer(initializer, dtype_))
        request = Graft.VariableRequest.new(name)
        fields = {'shape': shape, 'dtype': dtype_, 'initializer': initializer}
        fields.update(kwargs)
        _apply_request_kwargs(request, fields)
        return _call(full, self, request)

    def create_op(self, op_type, inputs=(), name=None, attrs=None):
        """``Graph.create_op``: makes an op of type *op_type* from *inputs*
        (Graft.Output values) and *attrs*, a dict of attribute values (bool,
        int, float, str, a dtype, a Graft.Shape, a Graft.Tensor or an
        array, a list of ints or floats). *name* is relative to the name
        scope; one ending in ``/`` is used as is. Returns the op's output 0.
        """
        attrs = attrs or {}
        return Graft.Graph.create_op(self, op_type, name, list(inputs), list(attrs.keys()),
                                     [_gvalue(v) for v in attrs.values()])

    def constant(self, value, dtype=None, name=None):
        """A ``Const`` op holding *value* (converted with the given dtype)."""
        tensor = _tensor(value, dtype)
        return self.create_op('Const', name=name, attrs={'value': tensor, 'dtype': tensor.get_dtype()})

    def placeholder(self, dtype, shape=None, name=None):
        """A ``Placeholder`` op to feed in Session.run()."""
        attrs = {'dtype': as_dtype(dtype)}
        if shape is not None:
            attrs['shape'] = _shape(shape)
        return self.create_op('Placeholder', name=name, attrs=attrs)

    def get_collection(self, key, scope=None):
        """The outputs in collection *key*, optionally filtered by scope."""
        return Graft.Graph.get_collection(self, key, scope)


__all__.append('Graph')


@contextlib.contextmanager
def _as_default(graph):
    stack = getattr(_default, 'stack', None)
    if stack is None:
        stack = _default.stack = []
    stack.append(graph)
    try:
        yield graph
    finally:
        stack.pop()


@override
class Scope(Graft.Scope):
    """A variable scope; what ``with g.variable_scope(...) as scope:`` gives."""

    name = property(lambda self: self.get_name(), doc='The scope name, such as "test1/test2".')
    original_name_scope = property(lambda self: self.get_original_name_scope(),
                                   doc='The name scope it opened first, such as "test1/".')
    reuse = property(lambda self: _reuse_to_python(self.get_reuse()),
                     doc='True, False or Graft.AUTO_REUSE.')

    def __repr__(self):
        return '<graft.VariableScope %r reuse=%r>' % (self.get_name(), self.reuse)


__all__.append('Scope')


@override
class Variable(Graft.Variable):
    """A variable, as get_variable() returns it."""

    shape = property(lambda self: _shape_tuple(self.get_shape()), doc='The shape, as a tuple.')
    dtype = property(lambda self: self.get_dtype(), doc='The Graft.DType.')

    def __repr__(self):
        output = self.get_output()
        return "<graft.Variable '%s' shape=%s dtype=%s_ref>" % (
            output.get_name() if output is not None else self.get_name(),
            self.get_shape().to_string(), Graft.dtype_get_name(self.get_dtype()))


__all__.append('Variable')


@override
class Output(Graft.Output):
    """An op's output: the symbolic tensor ops take and return."""

    name = property(lambda self: self.get_name(), doc='"op:index".')
    shape = property(lambda self: _shape_tuple(self.get_shape()), doc='The static shape, as a tuple.')
    dtype = property(lambda self: self.get_dtype(), doc='The Graft.DType.')

    def __repr__(self):
        return "<graft.Tensor '%s' shape=%s dtype=%s>" % (
            self.get_name(), self.get_shape().to_string(), Graft.dtype_get_name(self.get_dtype()))


__all__.append('Output')


@override
class Tensor(Graft.Tensor):
    """An immutable value. ``numpy.asarray(tensor)`` copies (see the module
    documentation); ``Tensor.from_array(a)`` makes one from a copy of *a*."""

    @classmethod
    def from_array(cls, value, dtype=None):
        """A tensor from a copy of *value* (an array-like or a scalar),
        converted to *dtype* when given (else NumPy's dtype for it)."""
        numpy = _numpy()
        array = numpy.asarray(value, dtype=numpy_dtype(dtype) if dtype is not None else None)
        gdtype = as_dtype(dtype) if dtype is not None else as_dtype(array.dtype)
        shape = Graft.Shape.new(list(array.shape))
        if gdtype == Graft.DType.BFLOAT16:
            return Graft.Tensor.new_from_data(gdtype, shape, _bfloat16_bits(array).tobytes(order='C'))
        # tobytes() gives the elements row-major whatever the array's strides.
        return Graft.Tensor.new_from_data(gdtype, shape, array.tobytes(order='C'))

    shape = property(lambda self: _shape_tuple(self.get_shape()), doc='The shape, as a tuple.')
    dtype = property(lambda self: self.get_dtype(), doc='The Graft.DType.')

    def __array__(self, dtype=None):
        # get_data() hands over a copy (bytes); the array owns another,
        # writable one: see the module documentation.
        numpy = _numpy()
        if self.get_dtype() == Graft.DType.BFLOAT16:
            # Widened exactly: the bits are a float32's upper half.
            bits = numpy.frombuffer(self.get_data(), dtype=numpy.uint16).astype(numpy.uint32) << 16
            array = bits.view(numpy.float32).reshape(self.shape)
        else:
            array = numpy.frombuffer(self.get_data(), dtype=numpy_dtype(self.get_dtype()))
            array = array.reshape(self.shape).copy()
        return array if dtype is None else array.astype(dtype, copy=False)

    def __str__(self):
        return self.to_string()

    def __repr__(self):
        return 'Graft.Tensor(%s, shape=%s, dtype=%s)' % (
            self.to_string(), self.get_shape().to_string(), Graft.dtype_get_name(self.get_dtype()))


__all__.append('Tensor')


@override
class Session(Graft.Session):
    """Evaluates a graph: ``Graft.Session(graph)``, the default graph when
    none is given. Also a context manager, as TensorFlow's."""

    def __init__(self, graph=None, **kwargs):
        super().__init__(graph=graph if graph is not None else get_default_graph(), **kwargs)

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        # As TensorFlow's: leaving the block closes the session.
        self.close()
        return False

    def run(self, fetches, feed_dict=None, as_tensors=False):
        """``Session.run``: evaluates *fetches*, one fetch or a list (or
        tuple) of them, each a Graft.Output or a Graft.Variable (its
        value); an op without outputs (an initializer, an assignment) runs
        for its effect and gives None. *feed_dict* maps outputs to values:
        Graft.Tensor, arrays or scalars, converted to the output's dtype.

        Returns NumPy arrays (copies, see the module documentation), or
        Graft.Tensor values with *as_tensors*; one value for one fetch, a
        list for a list.
        """
        single = not isinstance(fetches, (list, tuple))
        items = [fetches] if single else list(fetches)
        outputs, targets, slots = [], [], []
        for item in items:
            if isinstance(item, Graft.Variable):
                item = item.get_value()
            if item.get_num_op_outputs() == 0:
                targets.append(item)
                slots.append(None)
            else:
                slots.append(len(outputs))
                outputs.append(item)
        feeds, values = [], []
        for output, value in (feed_dict or {}).items():
            if isinstance(output, Graft.Variable):
                output = output.get_value()
            feeds.append(output)
            values.append(_tensor(value, output.get_dtype()))
        try:
            results = Graft.Session.run(self, feeds, values, outputs, targets, None)
        except GLib.Error as error:
            _claim_kernel_exception(error)
            raise
        if not as_tensors:
            numpy = _numpy()
            results = [numpy.asarray(r) for r in results]
        values = [None if slot is None else results[slot] for slot in slots]
        return values[0] if single else values


__all__.append('Session')


@override
class Initializer(Graft.Initializer):
    """How a new variable gets its first value."""

    @classmethod
    def new(cls, name, attrs=None, seed=None):
        """The registered initializer *name* with *attrs*, a dict of
        attribute values (or a GLib.Variant of type a{sv}), and an optional
        op-level *seed*."""
        attrs = _attrs_variant(attrs)
        if seed is None:
            return Graft.Initializer.new(name, attrs)
        return Graft.Initializer.new_seeded(name, attrs, seed)


__all__.append('Initializer')


@override
class Kernel(Graft.Kernel):
    """The context a closure kernel or initializer runs in. It is only
    valid during that call: do not keep it."""

    shape = property(lambda self: _shape_tuple(self.get_output_shape(0)),
                     doc="The shape output 0 must have, as a tuple.")
    dtype = property(lambda self: self.get_output_dtype(0), doc="The Graft.DType output 0 must have.")


__all__.append('Kernel')


# ---- definitions written in Python ----

def _attr_to_python(value):
    if isinstance(value, GLib.Variant):
        return value.unpack()
    if isinstance(value, Graft.Shape):
        return _shape_tuple(value)
    return value


def _closure_kernel(fn):
    """Wraps fn(kernel, *args) -> array-like into the closure libgraft
    calls: arguments arrive in signature order (list attributes as lists,
    shapes as tuples) and the result becomes a Graft.Tensor of output 0's
    dtype. An exception, BaseException included, fails the run with its
    text and is kept for the run's caller (see _keep_kernel_exception):
    never let through to PyGObject, which would print and drop it, or for
    SystemExit end the process in the middle of the run."""
    def kernel(k, *args):
        try:
            value = fn(k, *[_attr_to_python(a) for a in args])
            return _tensor(value, k.get_output_dtype(0))
        except BaseException as exc:  # noqa: B902 - handed to the caller
            k.set_error(_keep_kernel_exception(exc))
            return None
    return kernel


def register_initializer(name, signature, summary, fn, registry=None):
    """Registers an initializer written in Python.

    *signature* is an initializer signature, such as
    ``"(value: float = 1.0) -> (out: T), T in {float32, float64}"``.
    ``fn(kernel, *attrs)`` is called with the attributes in signature order
    and returns the initial value: an array-like (converted to the
    variable's dtype) or a Graft.Tensor, of the variable's shape
    (``kernel.shape``; ``kernel.get_seeds()`` gives the seed pair). Use it
    with ``initializer=name`` or ``Graft.Initializer.new(name, {...})``.
    Raises GLib.Error (Graft.PluginError) for a bad signature or a name
    taken.
    """
    registry = registry or Graft.Registry.get_default()
    registry.register_initializer_closure(name, signature, summary, _closure_kernel(fn))


def register_op(name, signature, summary, fn, registry=None):
    """Registers an op written in Python: ``fn(kernel, *args)`` gets the
    inputs (Graft.Tensor) and attributes in signature order and returns its
    one output, of input 0's shape (see register_initializer())."""
    registry = registry or Graft.Registry.get_default()
    registry.register_op_closure(name, signature, summary, _closure_kernel(fn))


__all__ += ['register_initializer', 'register_op']
