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

TensorFlow 1.x spellings (``Graft.ops``)::

    tf = Graft.ops
    x = tf.placeholder(tf.float32, shape=[None, 784], name='x')
    w = tf.get_variable('w', shape=[784, 10])
    logits = tf.matmul(x, w) + 0.5          # 0.5 becomes a float32 constant
    with Graft.Session() as sess:
        sess.run(tf.global_variables_initializer())
        out = sess.run({'logits': logits}, feed_dict={'x:0': images})

- *Default graph*: Graft.ops functions put an op into the graph of its
  first symbolic input (an Output, a Variable or an op), else into the
  default graph, TensorFlow's notion: the innermost
  ``graph.as_default()`` block of the thread, else one process-wide graph
  (``get_default_graph()``, ``reset_default_graph()``). Inputs from two
  graphs raise ValueError ``... must be from the same graph as ...``.
  ``control_dependencies()`` is kept here, per thread and graph, and
  applies to ops made through Graft.ops and the operators.
- *Operators*: ``+ - * / @`` and unary ``-`` where the ops exist (Add,
  Sub, Mul, Div, MatMul, Neg; ``/`` on integers casts to float64 first, as
  TensorFlow's truediv). ``// % **``, comparisons and ``[]`` have no op yet
  and raise TypeError naming the missing op. ``==`` is not elementwise.
- *Dtypes*: ``Output.dtype`` and ``Variable.dtype`` are TensorDType values,
  TensorFlow's ``tf.DType``: ``'float32'`` / ``'float32_ref'``, equal to
  those strings, to NumPy types and to Graft.DType values (of the base
  type), with ``.name``, ``.base_dtype``, ``.as_numpy_dtype``,
  ``.is_floating``...; being the Graft.DType's integer they go wherever a
  Graft.DType does. Python values become tensors with TensorFlow's
  inference: float -> float32, int -> int32 (int64 when out of range),
  bool -> bool; NumPy values keep their dtype; next to another operand they
  take its dtype (``x + 1``).
- *Shapes and names*: ``Output.shape`` is a TensorShape (a tuple with None
  for unknown dimensions, ``.as_list()``, ``.ndims``), None for an unknown
  rank; ``name`` is ``'x:0'``, ``op.name`` ``'x'``, for Variables too.
- *Session.run*: fetches are one fetch or lists, tuples, namedtuples and
  dicts of them, nested; a fetch is an Output, a Variable, an op, or a
  string (``'y:0'`` for an output, ``'init'`` for an op, which gives None).
  Feed keys are Outputs, Variables or ``'x:0'`` strings. Anything else is
  a TypeError saying what is accepted.
- *Errors*: every TypeError-class and ValueError-class condition of
  scopes, name scopes, variables and op building has one error code, and
  the override raises it as TensorFlow's class: GraftTypeError /
  GraftValueError, which are also the GLib.Error (domain, code, message),
  str() being the message, TensorFlow's text first. TypeError:
  GraphError.INVALID_ATTR, GraphError.DTYPE, ScopeError.NAME_REQUIRED,
  ScopeError.INVALID_ARGUMENT. ValueError: the other GraphError and
  ScopeError codes and every VariableError code. IMPROPER_NESTING (either
  domain) and the session, tensor and plugin domains stay GLib.Error (a
  RuntimeError). Argument checks made here raise plain TypeError or
  ValueError naming the argument, with TensorFlow 1.15's texts where it
  has one (``The reuse parameter must be True or False or None.``).
"""

import contextlib
import itertools
import operator
import numbers
import re
import sys
import threading
import types

from gi.repository import GLib, GObject

from ..module import get_introspection_module
from ..overrides import override

# ``pydoc3 gi.overrides.Graft`` imports this module directly, not through
# ``gi.repository`` (which puts the module being overridden in sys.modules
# first, and the @override below needs it): load it the ordinary way now;
# that finds this module half-imported and returns, and the end of this
# file copies __all__ onto it (see "imported directly").
_IMPORTED_DIRECTLY = 'gi.repository.Graft' not in sys.modules
if _IMPORTED_DIRECTLY:
    import gi
    gi.require_version('Graft', '1.0')
    from gi.repository import Graft as _repository  # noqa: F401

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
    # TensorFlow 1.15's check and text (0, 1 and "yes" are all refused).
    raise ValueError('The reuse parameter must be True or False or None.')


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
    if isinstance(value, TensorDType):
        return value.as_graft_dtype
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
    if dtype_ is None:
        # TensorFlow's inference for Python values: 4 is int32, 0.1 float32.
        return Graft.Initializer.new_value(_tf_tensor(value, None, 'initializer'))
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
    if isinstance(value, TensorDType):
        return GObject.Value(Graft.DType, value.as_graft_dtype)
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
        converted = _tf_error(error)
        if converted is error:
            raise
        raise converted from None
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


def _changed_kwargs(request, kwargs):
    original = _request_kwargs(request)
    changed = {}
    for key, value in kwargs.items():
        if key in original:
            try:
                if original[key] is value or bool(original[key] == value):
                    continue
            except (TypeError, ValueError):
                pass
        changed[key] = value
    return changed


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
        # TensorFlow refuses it when get_variable() uses it (ValueError).
        return _uncallable_getter(getter)

    def func(chain, request, *user_data):
        def next_getter(name, *args, **kwargs):
            forwarded = request.copy()
            forwarded.set_name(name)
            kwargs.update(zip(_GETTER_ARGS, args))
            # Only what the getter changed: the typelib reads a request's
            # unset collections (NULL) as [], which would mean "none".
            _apply_request_kwargs(forwarded, _changed_kwargs(request, kwargs))
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
        _remember_python_values(self._scope, getattr(self, '_python_values', None))
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
        self._scope = _call(Graft.Graph.enter_name_scope_full, self._graph, *self._args)
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
        _check_variable_scope_args(name_or_scope, default_name, reuse, auxiliary_name_scope)
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
        result = _VariableScope(self, name, scope, default_name, _reuse(reuse), options)
        result._python_values = _python_values(options, initializer, regularizer, custom_getter)
        return result

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
        if not isinstance(name, str):
            raise TypeError('get_variable() name must be a string, not %r' % (name,))
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
        """A ``Const`` op holding *value* (converted with the given dtype,
        else with TensorFlow's inference: 0.1 is float32, 4 int32)."""
        tensor = _tf_tensor(value, dtype, 'value')
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
    dtype = property(lambda self: TensorDType(self.get_dtype(), ref=True),
                     doc="TensorFlow's dtype, such as 'float32_ref' (a TensorDType).")
    name = property(lambda self: _variable_output(self).get_name(), doc="'w:0', as TensorFlow's.")
    op = property(lambda self: _Operation(_variable_output(self)), doc='The variable op (.name is \'w\').')
    graph = property(lambda self: _variable_output(self).get_graph(), doc='The Graft.Graph.')

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
    shape = property(lambda self: _tensor_shape(_shape_tuple(self.get_shape())),
                     doc='The static shape: a tuple (a TensorShape) with None for unknown dimensions.')
    dtype = property(lambda self: TensorDType(self.get_dtype()),
                     doc="TensorFlow's dtype, such as 'float32' (a TensorDType).")
    op = property(lambda self: _Operation(self), doc='The op that makes it (.name, .type).')
    graph = property(lambda self: self.get_graph(), doc='The Graft.Graph.')

    def __repr__(self):
        return "<graft.Output '%s' shape=%s dtype=%s>" % (
            self.get_name(), _shape_repr(_shape_tuple(self.get_shape())),
            Graft.dtype_get_name(self.get_dtype()))


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

    def run(self, fetches, feed_dict=None, as_tensors=False, out=None):
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
        if out is not None:
            outs = [out] if single else list(out)
            if len(outs) != len(items):
                raise ValueError('out= needs one tensor per fetch: %d fetches, %d tensors'
                                 % (len(items), len(outs)))
            outs = [o for o, slot in zip(outs, slots) if slot is not None]
            if not all(isinstance(o, Graft.Tensor) for o in outs):
                raise TypeError('out= takes Graft.Tensor values, one per fetch (None for an op)')
        try:
            if out is None:
                results = Graft.Session.run(self, feeds, values, outputs, targets, None)
            else:
                # Written in place: graft_session_run_into().
                Graft.Session.run_into(self, feeds, values, outputs, outs, targets, None)
                results = outs
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


# ---- TensorFlow 1.x spellings: dtypes, shapes, names ----
#
# What a TensorFlow 1.x user reads and writes: ``tensor.dtype == 'float32'``,
# ``tensor.shape == (None, 784)``, ``variable.name == 'w:0'``. These wrap
# the typelib's values; nothing here changes libgraft's behaviour.

class TensorDType(int):
    """TensorFlow's ``tf.DType``: what ``Output.dtype`` (``'float32'``) and
    ``Variable.dtype`` (``'float32_ref'``) give.

    It is the Graft.DType's integer (so it can be passed wherever a
    Graft.DType is taken) and compares equal to TensorFlow's name
    (``'float32'``, ``'float32_ref'`` for a reference), to another
    TensorDType of the same name, and to the Graft.DType of its base type
    (Graft.DType has no reference types). ``.name``, ``.base_dtype``,
    ``.as_numpy_dtype``, ``.is_floating``, ``.is_integer``, ``.is_bool``,
    ``.is_complex`` and ``.as_graft_dtype`` read as TensorFlow's.
    """

    def __new__(cls, dtype, ref=False):
        if isinstance(dtype, str) and dtype.endswith('_ref'):
            dtype, ref = dtype[:-len('_ref')], True
        base = as_dtype(dtype)
        if base == Graft.DType.INVALID:
            raise TypeError('dtype must be a Graft dtype, not %r' % (dtype,))
        self = int.__new__(cls, int(base))
        self._ref = bool(ref)
        return self

    as_graft_dtype = property(lambda self: Graft.DType(int(self)), doc='The Graft.DType.')
    name = property(lambda self: Graft.dtype_get_name(self.as_graft_dtype) + ('_ref' if self._ref else ''),
                    doc="TensorFlow's name: 'float32', 'float32_ref'.")
    base_dtype = property(lambda self: TensorDType(self.as_graft_dtype), doc='The non-reference dtype.')
    is_ref_dtype = property(lambda self: self._ref, doc='Whether it is a reference (variable) dtype.')
    as_numpy_dtype = property(lambda self: numpy_dtype(self.as_graft_dtype).type,
                              doc='The NumPy scalar type, such as numpy.float32.')
    is_floating = property(lambda self: numpy_dtype(self.as_graft_dtype).kind == 'f', doc='float16/32/64.')
    is_integer = property(lambda self: numpy_dtype(self.as_graft_dtype).kind in 'iu', doc='int8 … uint64.')
    is_bool = property(lambda self: numpy_dtype(self.as_graft_dtype).kind == 'b', doc='bool.')
    is_complex = property(lambda self: numpy_dtype(self.as_graft_dtype).kind == 'c', doc='complex64/128.')

    def __eq__(self, other):
        if isinstance(other, TensorDType):
            return self.name == other.name
        if isinstance(other, str):
            return self.name == other
        if isinstance(other, Graft.DType):
            return int(self) == int(other)
        try:
            return not self._ref and int(self) == int(as_dtype(other))
        except (TypeError, ValueError):
            return NotImplemented

    def __ne__(self, other):
        result = self.__eq__(other)
        return result if result is NotImplemented else not result

    def __hash__(self):
        return hash(self.name)

    def __repr__(self):
        return "tf.%s" % self.name

    def __str__(self):
        return "<dtype: '%s'>" % self.name


class TensorShape(tuple):
    """A known-rank static shape as TensorFlow's ``TensorShape`` reads:
    a tuple with None for an unknown dimension, plus ``.as_list()``,
    ``.ndims`` and ``.is_fully_defined()``. An unknown rank is None."""

    ndims = property(lambda self: len(self), doc='The rank.')
    dims = property(lambda self: list(self), doc='The dimensions, None where unknown.')

    def as_list(self):
        """The dimensions as a list."""
        return list(self)

    def is_fully_defined(self):
        """Whether every dimension is known."""
        return all(d is not None for d in self)

    def __repr__(self):
        return 'TensorShape(%s)' % (list(self),)


def _tensor_shape(dims):
    return None if dims is None else TensorShape(dims)


def _shape_repr(dims):
    if dims is None:
        return '<unknown>'
    if len(dims) == 1:
        return '(%s,)' % (dims[0],)
    return '(%s)' % ', '.join(str(d) for d in dims)


class _Operation(object):
    """``tensor.op``: the op an output belongs to (TensorFlow's
    ``tf.Operation``): ``.name``, ``.type``, ``.graph``, ``.outputs``,
    ``.inputs``, ``.control_inputs``. It is an Output too: pass it where an
    op is taken (``Session.run``, ``control_dependencies``)."""

    def __init__(self, output):
        self._output = output

    name = property(lambda self: self._output.get_op_name(), doc="The op's name, such as 'w'.")
    type = property(lambda self: self._output.get_op_type(), doc="The op type, such as 'MatMul'.")
    graph = property(lambda self: self._output.get_graph(), doc='The Graft.Graph.')
    outputs = property(lambda self: [self._output.get_sibling(i)
                                     for i in range(self._output.get_num_op_outputs())])
    inputs = property(lambda self: [self._output.get_op_input(i)
                                    for i in range(self._output.get_num_op_inputs())])
    control_inputs = property(lambda self: [_Operation(self._output.get_control_input(i))
                                            for i in range(self._output.get_num_control_inputs())])

    def __eq__(self, other):
        return isinstance(other, _Operation) and self.name == other.name and self.graph == other.graph

    def __hash__(self):
        return hash(self.name)

    def __repr__(self):
        return "<graft.Operation '%s' type=%s>" % (self.name, self.type)


def _variable_output(variable):
    output = variable.get_output()
    if output is None:
        raise ValueError('variable %r has no op' % variable.get_name())
    return output


__all__ += ['TensorDType', 'TensorShape']


# ---- TensorFlow's conversion of Python values to tensors ----

_INT32_MIN, _INT32_MAX = -2 ** 31, 2 ** 31 - 1


def _tf_tensor(value, dtype_, argument):
    """A Graft.Tensor from *value*, with TensorFlow 1.x's inference when
    *dtype_* is None: Python floats become float32, ints int32 (int64
    beyond int32's range), bools bool; NumPy arrays and scalars keep theirs.
    With a dtype, a value that does not fit it raises TypeError with
    TensorFlow's text (``Expected int32, got 1.5 of type 'float' instead.``).
    """
    if isinstance(value, Graft.Tensor):
        return value
    numpy = _numpy()
    if isinstance(value, (Graft.Output, Graft.Variable, _Operation)):
        raise TypeError('%s must be a value, not the symbolic %r' % (argument, value))
    try:
        if dtype_ is not None:
            target = numpy_dtype(dtype_)
            array = numpy.asarray(value)
            if array.dtype == object or array.dtype.kind in 'USV':
                raise TypeError
            if (target.kind in 'iub' and array.dtype.kind in 'fc'
                    and not numpy.all(numpy.equal(numpy.mod(array.real, 1), 0))):
                raise TypeError
            if target.kind == 'b' and array.dtype.kind != 'b':
                raise TypeError
            if target.kind != 'c' and array.dtype.kind == 'c':
                raise TypeError
            return Tensor.from_array(array.astype(target), dtype_)
        if _is_numpy(value, 'ndarray') or _is_numpy(value, 'generic'):
            return Tensor.from_array(value)
        array = numpy.asarray(value)
    except (TypeError, ValueError):
        raise TypeError("Expected %s, got %r of type '%s' instead." % (
            Graft.dtype_get_name(as_dtype(dtype_)) if dtype_ is not None else 'a number',
            value, type(value).__name__)) from None
    kind = array.dtype.kind
    if kind == 'f':
        array = array.astype(numpy.float32)
    elif kind in 'iu':
        if array.size == 0 or (array.min() >= _INT32_MIN and array.max() <= _INT32_MAX):
            array = array.astype(numpy.int32)
        else:
            array = array.astype(numpy.int64)
    elif kind == 'c':
        array = array.astype(numpy.complex64)
    elif kind != 'b':
        raise TypeError("Failed to convert object of type %s to Tensor (%s=%r)."
                        % (type(value).__name__, argument, value))
    return Tensor.from_array(array)


# ---- checks TensorFlow makes on scope arguments ----

def _check_variable_scope_args(name_or_scope, default_name, reuse, auxiliary_name_scope):
    """The argument checks of TensorFlow 1.15's variable_scope(), with its
    exception classes and texts, before anything reaches libgraft."""
    if not (reuse is None or reuse is True or reuse is False or isinstance(reuse, Graft.Reuse)):
        raise ValueError('The reuse parameter must be True or False or None.')
    if auxiliary_name_scope is not None and not isinstance(auxiliary_name_scope, bool):
        raise TypeError('The auxiliary_name_scope must be `True` or `False`, while get %s'
                        % (auxiliary_name_scope,))
    if not (name_or_scope is None or isinstance(name_or_scope, (str, Graft.Scope))):
        raise TypeError('VariableScope: name_or_scope must be a string or VariableScope.')
    if default_name is not None and not isinstance(default_name, str):
        raise TypeError('default_name must be a string, not %r' % (default_name,))


def _uncallable_getter(getter):
    """A Graft.CustomGetter for a value that is not callable: using it fails
    get_variable() with TensorFlow's ValueError, when get_variable() is
    called (not when the scope is entered), as TensorFlow does."""
    def func(chain, request, *user_data):
        _keep_exception(ValueError('Passed a custom_getter which is not callable: %s' % (getter,)))
        return None
    return Graft.CustomGetter.new(func)


# ---- ops in TensorFlow's spelling: Graft.ops, control dependencies ----
#
# Which graph an op goes into: the graph of its first symbolic input (an
# Output or a Variable), else the default graph (get_default_graph(): the
# innermost ``Graph.as_default()`` of the thread, else one process-wide
# graph), as TensorFlow's default graph. Inputs from two graphs are a
# ValueError with TensorFlow's text.
#
# Control dependencies are kept here, per thread and per graph, as
# TensorFlow's ``Graph._control_dependencies_stack``: every op made through
# Graft.ops (the generated functions, operators, constant, placeholder,
# group) while ``control_dependencies([...])`` is open gets those control
# inputs. Ops made directly through the typelib do not see them.

_control = threading.local()


def _control_frames(graph):
    stacks = getattr(_control, 'stacks', None)
    if stacks is None:
        stacks = _control.stacks = {}
    return stacks.setdefault(id(graph), [])


def _control_inputs(graph):
    inputs = []
    for frame in _control_frames(graph):
        if frame is None:
            inputs = []
        else:
            inputs.extend(frame)
    return inputs


def _as_op_output(value, argument):
    """An op's handle (an Output) from an Output, an Operation or a Variable."""
    if isinstance(value, _Operation):
        return value._output
    if isinstance(value, Graft.Variable):
        return _variable_output(value)
    if isinstance(value, Graft.Output):
        return value
    raise TypeError('%s must be an op, an Output or a Variable, not %r' % (argument, value))


@contextlib.contextmanager
def control_dependencies(control_inputs, graph=None):
    """``tf.control_dependencies``: ops made through Graft.ops inside the
    block run after every op of *control_inputs* (a list of ops, Outputs or
    Variables; None clears the enclosing ones for the block)."""
    if control_inputs is not None and not isinstance(control_inputs, (list, tuple, set)):
        raise TypeError('control_inputs must be a list of ops or None, not %r' % (control_inputs,))
    frame = None
    if control_inputs is not None:
        frame = [_as_op_output(c, 'control_inputs') for c in control_inputs]
        if graph is None and frame:
            graph = frame[0].get_graph()
    graph = graph if graph is not None else get_default_graph()
    for c in frame or ():
        if c.get_graph() != graph:
            raise ValueError('%s must be from the same graph as %s.' % (c.get_name(), frame[0].get_name()))
    frames = _control_frames(graph)
    frames.append(frame)
    try:
        yield
    finally:
        frames.pop()


def _graph_of(values, argument):
    graph, first = None, None
    for value in values:
        if isinstance(value, (Graft.Output, Graft.Variable, _Operation)):
            output = _as_op_output(value, argument)
            if graph is None:
                graph, first = output.get_graph(), output
            elif output.get_graph() != graph:
                raise ValueError('%s must be from the same graph as %s.' % (output.get_name(), first.get_name()))
    return graph if graph is not None else get_default_graph()


def _check_name(name):
    if name is not None and not isinstance(name, str):
        raise TypeError('name must be a string or None, not %r' % (name,))


def _build_op(graph, op_type, name, inputs, attrs):
    """Makes an op with an OpBuilder: *inputs* Outputs, *attrs* a list of
    (name, Graft.AttrKind, value) already checked; adds the control
    dependencies in force. Raises GLib.Error as libgraft reports it."""
    _check_name(name)
    builder = Graft.OpBuilder.new(graph, op_type, name)
    for output in inputs:
        builder.add_input(output)
    for attr, kind, value in attrs:
        _ATTR_SETTERS[kind](builder, attr, value)
    for control in _control_inputs(graph):
        builder.add_control_input(control)
    return _call(builder.finish)


def _attr_value(kind, value, argument):
    """Checks and converts an attribute value; TypeError names *argument*."""
    K = Graft.AttrKind
    if kind == K.BOOL:
        if not isinstance(value, (bool,)) and not _is_numpy(value, 'bool_'):
            raise TypeError('%s must be a bool, not %r' % (argument, value))
        return bool(value)
    if kind == K.INT:
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            raise TypeError('%s must be an int, not %r' % (argument, value))
        return int(value)
    if kind == K.FLOAT:
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise TypeError('%s must be a float, not %r' % (argument, value))
        return float(value)
    if kind == K.STRING:
        if not isinstance(value, str):
            raise TypeError('%s must be a string, not %r' % (argument, value))
        return value
    if kind == K.TYPE:
        if value is None:
            raise TypeError('%s must be a dtype, not None' % argument)
        try:
            return as_dtype(value)
        except TypeError:
            raise TypeError('%s must be a dtype, not %r' % (argument, value)) from None
    if kind == K.SHAPE:
        try:
            return _shape(value)
        except (TypeError, ValueError):
            raise TypeError('%s must be a shape (a list of ints or None), not %r' % (argument, value)) from None
    if kind == K.TENSOR:
        return _tf_tensor(value, None, argument)
    if kind == K.INT_LIST:
        items = [value] if isinstance(value, numbers.Integral) and not isinstance(value, bool) else value
        if (not isinstance(items, (list, tuple)) and not _is_numpy(items, 'ndarray')) or \
                any(isinstance(i, bool) or not isinstance(i, numbers.Integral) for i in items):
            raise TypeError('%s must be an int or a list of ints, not %r' % (argument, value))
        return [int(i) for i in items]
    if kind == K.FLOAT_LIST:
        if not isinstance(value, (list, tuple)) or \
                any(isinstance(f, bool) or not isinstance(f, numbers.Real) for f in value):
            raise TypeError('%s must be a list of floats, not %r' % (argument, value))
        return [float(f) for f in value]
    raise TypeError('%s: unknown attribute kind %r' % (argument, kind))


_ATTR_SETTERS = {
    Graft.AttrKind.BOOL: Graft.OpBuilder.set_attr_bool,
    Graft.AttrKind.INT: Graft.OpBuilder.set_attr_int,
    Graft.AttrKind.FLOAT: Graft.OpBuilder.set_attr_float,
    Graft.AttrKind.STRING: Graft.OpBuilder.set_attr_string,
    Graft.AttrKind.TYPE: Graft.OpBuilder.set_attr_type,
    Graft.AttrKind.SHAPE: Graft.OpBuilder.set_attr_shape,
    Graft.AttrKind.TENSOR: Graft.OpBuilder.set_attr_tensor,
    Graft.AttrKind.INT_LIST: Graft.OpBuilder.set_attr_ints,
    Graft.AttrKind.FLOAT_LIST: Graft.OpBuilder.set_attr_floats,
}


def _as_input(value, dtype_, graph, argument):
    """An Output for an op input: an Output as is, a Variable's value, an
    Operation's handle, else a constant with TensorFlow's conversion to
    *dtype_* (the other operands' dtype) or its inference."""
    if isinstance(value, Graft.Variable):
        # A reference input (Assign's ref) takes the variable itself.
        return _variable_output(value) if argument == 'ref' else value.get_value()
    if isinstance(value, _Operation):
        return value._output
    if isinstance(value, Graft.Output):
        return value
    tensor = _tf_tensor(value, dtype_, argument)
    return _build_op(graph, 'Const', None, [], [('value', Graft.AttrKind.TENSOR, tensor),
                                                 ('dtype', Graft.AttrKind.TYPE, tensor.get_dtype())])


def _op_result(output):
    n = output.get_num_op_outputs()
    if n == 0:
        return _Operation(output)  # TensorFlow gives an Operation (group, no_op)
    if n == 1:
        return output
    return tuple(output.get_sibling(i) for i in range(n))


# TensorFlow's Python names where the op's type name does not snake-case
# to it; tools/gen-ops.py reads this table too, for the C constructors.
_FUNC_NAMES = {
    'MatMul': 'matmul', 'ArgMax': 'argmax', 'Const': 'constant', 'VariableV2': 'variable_v2',
    'NoOp': 'no_op', 'ReduceMax': 'reduce_max', 'ReduceMean': 'reduce_mean', 'ReduceSum': 'reduce_sum',
    'Conv2D': 'conv2d', 'Conv2DBackpropInput': 'conv2d_backprop_input', 'Conv2DBackpropFilter': 'conv2d_backprop_filter',
}


def _snake(op_type):
    import re
    if op_type in _FUNC_NAMES:
        return _FUNC_NAMES[op_type]
    return re.sub(r'(?<=[a-z0-9])(?=[A-Z])', '_', op_type).lower()


def _op_function(definition):
    """One Python function for an op definition: inputs positionally (then
    attributes, in signature order), attributes as keyword arguments with
    the definition's defaults, and ``name=``."""
    op_type = definition.get_name()
    func_name = _snake(op_type)
    input_names = [definition.get_input_name(i) for i in range(definition.get_num_inputs())]
    input_dtypes = [definition.get_input_dtype(i) for i in range(definition.get_num_inputs())]
    # List inputs (`inputs: N * T`) take a sequence of tensors.
    is_list = [definition.get_input_number_attr(i) >= 0 for i in range(definition.get_num_inputs())]
    attrs = []
    for i in range(definition.get_num_attrs()):
        if not definition.is_attr_inferred(i):
            attrs.append((definition.get_attr_name(i), definition.get_attr_kind(i),
                          definition.get_attr_default(i)))
    attr_names = [a[0] for a in attrs]

    def function(*args, name=None, **kwargs):
        if len(args) > len(input_names) + len(attrs):
            raise TypeError('%s() takes at most %d positional arguments (%d given)'
                            % (func_name, len(input_names) + len(attrs), len(args)))
        values = dict(zip(input_names + attr_names, args))
        for key, value in kwargs.items():
            if key not in input_names and key not in attr_names:
                raise TypeError('%s() got an unexpected keyword argument %r' % (func_name, key))
            if key in values:
                raise TypeError('%s() got multiple values for argument %r' % (func_name, key))
            values[key] = value
        missing = [n for n in input_names if n not in values]
        missing += [a for a, kind, default in attrs if default is None and a not in values]
        if missing:
            raise TypeError('%s() missing required argument %r' % (func_name, missing[0]))
        given, given_names, given_dtypes = [], [], []
        for i, n in enumerate(input_names):
            if is_list[i]:
                if isinstance(values[n], (str, bytes)) or not hasattr(values[n], '__iter__'):
                    raise TypeError('%s(): %r must be a list of tensors' % (func_name, n))
                items = list(values[n])
            else:
                items = [values[n]]
            given += items
            given_names += [n] * len(items)
            given_dtypes += [input_dtypes[i]] * len(items)
        graph = _graph_of(given, func_name)
        hint = next((v.get_dtype() if not isinstance(v, _Operation) else v._output.get_dtype()
                     for v in given if isinstance(v, (Graft.Output, Graft.Variable, _Operation))), None)
        inputs = [_as_input(v, given_dtypes[i] if given_dtypes[i] != Graft.DType.INVALID else hint,
                            graph, given_names[i])
                  for i, v in enumerate(given)]
        attr_values = [(a, kind, _attr_value(kind, values[a], a)) for a, kind, default in attrs if a in values]
        return _op_result(_build_op(graph, op_type, name, inputs, attr_values))

    defaults = ', '.join('%s=%s' % (a, d) for a, kind, d in attrs if d is not None)
    function.__name__ = function.__qualname__ = func_name
    function.__doc__ = '``%s``: %s.\n\nSignature: ``%s``%s\n\nInputs (positional): %s; ``name=`` names the op.' % (
        op_type, definition.get_summary(), definition.get_signature(),
        '\n\nDefaults: ' + defaults if defaults else '', ', '.join(input_names) or 'none')
    return function


def placeholder(dtype, shape=None, name=None):
    """``tf.placeholder``: an input fed in ``Session.run`` (feed_dict).
    *dtype* a dtype ('float32', numpy.float32, Graft.DType, TensorDType),
    *shape* a list with None for unknown dimensions, or None (any shape)."""
    attrs = [('dtype', Graft.AttrKind.TYPE, _attr_value(Graft.AttrKind.TYPE, dtype, 'dtype'))]
    if shape is not None:
        attrs.append(('shape', Graft.AttrKind.SHAPE, _attr_value(Graft.AttrKind.SHAPE, shape, 'shape')))
    return _build_op(get_default_graph(), 'Placeholder', name, [], attrs)


def constant(value, dtype=None, shape=None, name=None):
    """``tf.constant``: a Const op holding *value*, converted to *dtype*, or
    with TensorFlow's inference (0.1 is float32, 4 int32, True bool). With
    *shape*, a scalar (or one-element) value is broadcast to it and any
    other value must have that many elements (it is reshaped)."""
    dtype_ = _attr_value(Graft.AttrKind.TYPE, dtype, 'dtype') if dtype is not None else None
    tensor = _tf_tensor(value, dtype_, 'value')
    if shape is not None:
        numpy = _numpy()
        dims = _attr_value(Graft.AttrKind.INT_LIST, list(shape) if isinstance(shape, tuple) else shape, 'shape')
        array = numpy.asarray(tensor)
        if array.size == 1:
            array = numpy.full(dims, array.reshape(()), dtype=array.dtype)
        elif array.size == int(numpy.prod(dims)):
            array = array.reshape(dims)
        else:
            raise TypeError("Expected Tensor's shape: %s, got %s."
                            % (_shape_repr(tuple(dims)), _shape_repr(array.shape)))
        tensor = Tensor.from_array(array)
    return _build_op(get_default_graph(), 'Const', name, [], [('value', Graft.AttrKind.TENSOR, tensor),
                                                              ('dtype', Graft.AttrKind.TYPE, tensor.get_dtype())])


def group(*inputs, name=None):
    """``tf.group``: a NoOp that runs after every op of *inputs* (ops,
    Outputs, Variables, or lists of them); run it for their effects."""
    flat = []
    for item in inputs:
        flat.extend(item if isinstance(item, (list, tuple)) else [item])
    outputs = [_as_op_output(i, 'inputs') for i in flat]
    graph = _graph_of(outputs, 'group')
    with control_dependencies(outputs, graph=graph):
        return _op_result(_build_op(graph, 'NoOp', name, [], []))


def global_variables(scope=None):
    """``tf.global_variables``: the default graph's Variables in the
    ``variables`` collection, optionally only those under *scope*."""
    return list(Graft.Graph.get_collection_variables(get_default_graph(), GLOBAL_VARIABLES, scope))


def trainable_variables(scope=None):
    """``tf.trainable_variables``: the default graph's trainable Variables,
    optionally only those under *scope*."""
    return list(Graft.Graph.get_collection_variables(get_default_graph(), TRAINABLE_VARIABLES, scope))


GLOBAL_VARIABLES = 'variables'
TRAINABLE_VARIABLES = 'trainable_variables'


def _make_ops_namespace():
    import types
    module = types.ModuleType('gi.repository.Graft.ops', """\
TensorFlow 1.x's functions, one per registered op definition.

Generated at import from the registry (``Graft.Registry.get_default()``):
``matmul(a, b, transpose_b=True, name='logits')``, ``add``, ``relu``,
``reduce_sum(x, axis=1, keep_dims=True)``, … Inputs are positional (Outputs,
Variables, or Python/NumPy values that become constants of the other
operands' dtype), attributes keyword arguments with the definition's
defaults. Plus ``placeholder``, ``constant``, ``group``,
``control_dependencies``, ``global_variables``, ``trainable_variables``,
``get_default_graph`` and TensorFlow's dtype names (``float32``, …). The ops
go into the graph of their first symbolic input, else the default graph.
Ops registered later (``register_op``) are added by ``Graft.ops.refresh()``.
""")

    def refresh(registry=None):
        """Adds a function for every op definition of *registry* (default:
        the default registry) that has none yet."""
        registry = registry or Graft.Registry.get_default()
        for definition in registry.list_ops():
            if definition.get_kind() != Graft.OpKind.OP:
                continue
            func_name = _snake(definition.get_name())
            if func_name not in module.__dict__:
                setattr(module, func_name, _op_function(definition))

    for func in (placeholder, constant, group, control_dependencies, global_variables,
                 trainable_variables, get_default_graph, reset_default_graph, variable_scope,
                 name_scope, get_variable, global_variables_initializer, refresh):
        setattr(module, func.__name__, func)
    module.AUTO_REUSE = AUTO_REUSE
    module.GLOBAL_VARIABLES, module.TRAINABLE_VARIABLES = GLOBAL_VARIABLES, TRAINABLE_VARIABLES
    for dtype_name in ('float32', 'float64', 'int32', 'int64', 'bool', 'complex64'):
        setattr(module, dtype_name, TensorDType(dtype_name))
    refresh()
    # TensorFlow's other names for the same ops.
    for alias, target in (('multiply', 'mul'), ('subtract', 'sub'), ('divide', 'div'),
                          ('truediv', 'div'), ('negative', 'neg')):
        if hasattr(module, target) and not hasattr(module, alias):
            setattr(module, alias, getattr(module, target))
    module.nn = _make_nn_namespace(module)
    return module


def _make_nn_namespace(ops_module):
    """``tf.nn``: the activations, softmaxes and losses under TensorFlow
    1.15's names and keyword arguments; the losses return the loss alone,
    as TensorFlow's wrappers do (the raw ops, which also return backprop,
    stay in ``Graft.ops``)."""
    import types
    nn = types.ModuleType('gi.repository.Graft.ops.nn', _make_nn_namespace.__doc__)

    def only_last_axis(axis, function):
        if axis is not None and axis not in (-1,):
            raise NotImplementedError('%s: only the last axis (-1) is supported, not %r' % (function, axis))

    def softmax(logits, axis=None, name=None):
        only_last_axis(axis, 'softmax')
        return ops_module.softmax(logits, name=name)

    def log_softmax(logits, axis=None, name=None):
        only_last_axis(axis, 'log_softmax')
        return ops_module.log_softmax(logits, name=name)

    def bias_add(value, bias, data_format=None, name=None):
        return ops_module.bias_add(value, bias, data_format=data_format or 'NHWC', name=name)

    def softmax_cross_entropy_with_logits(_sentinel=None, labels=None, logits=None, dim=-1, name=None, axis=None):
        if _sentinel is not None or labels is None or logits is None:
            raise ValueError('Only call `softmax_cross_entropy_with_logits` with named arguments '
                             '(labels=..., logits=..., ...)')
        axis = dim if axis is None else axis
        if axis not in (-1, 1):
            raise NotImplementedError('softmax_cross_entropy_with_logits: only the last axis is supported, '
                                      'not %r' % (axis,))
        return ops_module.softmax_cross_entropy_with_logits(logits, labels, name=name)[0]

    def sparse_softmax_cross_entropy_with_logits(_sentinel=None, labels=None, logits=None, name=None):
        if _sentinel is not None or labels is None or logits is None:
            raise ValueError('Only call `sparse_softmax_cross_entropy_with_logits` with named arguments '
                             '(labels=..., logits=..., ...)')
        # Labels are class indices whatever the logits' dtype: Python
        # integers become int32, as TensorFlow converts them.
        graph = _graph_of([logits, labels], 'sparse_softmax_cross_entropy_with_logits')
        labels = _as_input(labels, None, graph, 'labels')
        return ops_module.sparse_softmax_cross_entropy_with_logits(logits, labels, name=name)[0]

    for func in (softmax, log_softmax, bias_add, softmax_cross_entropy_with_logits,
                 sparse_softmax_cross_entropy_with_logits):
        setattr(nn, func.__name__, func)
    for same in ('relu', 'sigmoid', 'tanh', 'l2_loss', 'conv2d', 'max_pool', 'avg_pool'):
        if hasattr(ops_module, same):
            setattr(nn, same, getattr(ops_module, same))
    nn.softmax_cross_entropy_with_logits_v2 = softmax_cross_entropy_with_logits
    return nn


ops = _make_ops_namespace()
__all__ += ['ops', 'placeholder', 'constant', 'group', 'control_dependencies']


# ---- operators on outputs ----
#
# Only where an op exists (no invented C ops): + Add, - Sub, * Mul, / Div
# (integers are cast to float64 first, as TensorFlow 1.x's truediv does),
# unary - Neg, @ MatMul. //, %, **, comparisons and [] have no op yet and
# raise TypeError naming the missing op. == and hash stay identity, as
# TensorFlow 1.x's Tensor.

def _binary(op_name, reflected=False):
    def operator(self, other):
        x, y = (other, self) if reflected else (self, other)
        return getattr(ops, op_name)(x, y)
    return operator


def _truediv(self, other, reflected=False):
    x, y = (other, self) if reflected else (self, other)
    graph = _graph_of([x, y], 'truediv')
    dtype_ = self.get_dtype()
    x = _as_input(x, dtype_, graph, 'x')
    y = _as_input(y, dtype_, graph, 'y')
    if numpy_dtype(dtype_).kind in 'iu':
        x = ops.cast(x, DstT=Graft.DType.FLOAT64)
        y = ops.cast(y, DstT=Graft.DType.FLOAT64)
    return ops.div(x, y)


def _missing(symbol, op_type):
    def operator(self, *args):
        raise TypeError('%s is not supported on a Graft.Output: Graft has no %s op yet' % (symbol, op_type))
    return operator


def _install_operators(cls):
    cls.__add__, cls.__radd__ = _binary('add'), _binary('add', True)
    cls.__sub__, cls.__rsub__ = _binary('sub'), _binary('sub', True)
    cls.__mul__, cls.__rmul__ = _binary('mul'), _binary('mul', True)
    cls.__matmul__, cls.__rmatmul__ = _binary('matmul'), _binary('matmul', True)
    cls.__truediv__ = _truediv
    cls.__rtruediv__ = lambda self, other: _truediv(self, other, True)
    cls.__neg__ = lambda self: ops.neg(self)
    for symbol, op_type, names in (('//', 'FloorDiv', ('floordiv', 'rfloordiv')),
                                   ('%', 'FloorMod', ('mod', 'rmod')),
                                   ('**', 'Pow', ('pow', 'rpow')),
                                   ('<', 'Less', ('lt',)), ('<=', 'LessEqual', ('le',)),
                                   ('>', 'Greater', ('gt',)), ('>=', 'GreaterEqual', ('ge',)),
                                   ('abs()', 'Abs', ('abs',)), ('~', 'LogicalNot', ('invert',)),
                                   ('[] (slicing)', 'StridedSlice', ('getitem',))):
        for n in names:
            setattr(cls, '__%s__' % n, _missing(symbol, op_type))
    # An Output is not a sequence: iter() would call __getitem__.
    cls.__iter__ = _missing('iteration', 'Unpack')
    cls.__bool__ = lambda self: True


_install_operators(Output)
_install_operators(Variable)


# ---- Session.run with TensorFlow's fetch structures ----

_FETCH_TYPES = ('an Output, a Variable, an op, a "name:0" or op-name string, '
                'or a list, tuple, namedtuple or dict of them (nested)')


def _lookup_name(graph, name, argument):
    """'x:0' gives that output, 'x' the op x (an _Operation), as TensorFlow's
    Graph.as_graph_element(); an unknown name is a ValueError."""
    if ':' in name:
        try:
            return graph.get_output(name)
        except GLib.Error as error:
            raise ValueError("The name %r refers to a Tensor which does not exist (%s: %s)"
                             % (name, argument, error.message)) from None
    output = graph.get_operation(name)
    if output is None:
        raise ValueError("The name %r refers to an Operation not in the graph (%s)." % (name, argument))
    return _Operation(output)


def _flatten_fetches(graph, fetches, leaves):
    """Appends each leaf of *fetches* to *leaves*; returns a function that
    rebuilds the structure from the list of results."""
    if isinstance(fetches, str):
        fetches = _lookup_name(graph, fetches, 'fetches')
    if isinstance(fetches, (Graft.Output, Graft.Variable, _Operation)):
        index = len(leaves)
        leaves.append(fetches)
        return lambda results: results[index]
    if isinstance(fetches, dict):
        keys = list(fetches.keys())
        parts = [_flatten_fetches(graph, fetches[k], leaves) for k in keys]
        kind = type(fetches)
        return lambda results: kind((k, p(results)) for k, p in zip(keys, parts))
    if isinstance(fetches, (list, tuple)):
        parts = [_flatten_fetches(graph, f, leaves) for f in fetches]
        if isinstance(fetches, tuple) and hasattr(fetches, '_fields'):
            kind = type(fetches)
            return lambda results: kind(*[p(results) for p in parts])
        kind = type(fetches) if type(fetches) in (list, tuple) else list
        return lambda results: kind(p(results) for p in parts)
    raise TypeError('Fetch argument %r has invalid type %r, must be %s.'
                    % (fetches, type(fetches), _FETCH_TYPES))


def _session_run(self, fetches, feed_dict=None, as_tensors=False, out=None):
    """``Session.run``: evaluates *fetches*, TensorFlow's fetch structure:
    one fetch, or a list, tuple, namedtuple or dict of fetches, nested. A
    fetch is an Output, a Variable (its value), an op (``x.op``: runs for
    its effect and gives None), or a string naming either (``"y:0"``, or
    ``"init"`` for the op). The result has the structure of *fetches*.

    *feed_dict* maps Outputs, Variables or ``"x:0"`` strings to values
    (Graft.Tensor, NumPy arrays, lists, scalars), converted to the fed
    output's dtype. Values are NumPy arrays (copies, see the module
    documentation), or Graft.Tensor values with *as_tensors*. Anything else
    raises TypeError naming what is accepted.

    *out*, Graft's own: Graft.Tensor values the results are written into
    (``graft_session_run_into``), one per fetch leaf in order (None for an
    op): a Tensor for one fetch, else a flat list. Each must have its
    fetch's dtype and shape and be held only by the caller; the results are
    then those tensors (or arrays copied from them).
    """
    graph = self.props.graph
    if feed_dict is not None and not isinstance(feed_dict, dict):
        raise TypeError('feed_dict must be a dict, not %r' % (feed_dict,))
    feeds = {}
    for key, value in (feed_dict or {}).items():
        target = _lookup_name(graph, key, 'feed_dict') if isinstance(key, str) else key
        if isinstance(target, _Operation):
            target = target._output
        if not isinstance(target, (Graft.Output, Graft.Variable)):
            raise TypeError('Cannot interpret feed_dict key as Tensor: %r; a key must be an Output, '
                            'a Variable or a "name:0" string' % (key,))
        if isinstance(value, (Graft.Output, Graft.Variable, _Operation)):
            raise TypeError('The value of a feed cannot be a graft.Output object. Acceptable feed '
                            'values include Python scalars, strings, lists, numpy ndarrays, or Graft.Tensor.')
        feeds[target] = value
    leaves = []
    rebuild = _flatten_fetches(graph, fetches, leaves)
    flat = [leaf._output if isinstance(leaf, _Operation) else leaf for leaf in leaves]
    if out is not None:
        outs = [out] if isinstance(out, Graft.Tensor) else list(out)
        results = self._run_flat(flat, feeds, as_tensors, outs) if flat else []
    else:
        results = self._run_flat(flat, feeds, as_tensors) if flat else []
    results = [None if isinstance(leaf, _Operation) else r for leaf, r in zip(leaves, results)]
    return rebuild(results)


Session._run_flat = Session.run
Session.run = _session_run


# ---- libgraft's errors as TensorFlow's exception classes ----
#
# Every TypeError-class and ValueError-class condition of scopes, name
# scopes, variables and op building has one error code (see
# graft-error.h); the override raises each code as the class TensorFlow
# raises. The exception is also the GLib.Error (same domain, code and
# message), so ``except GLib.Error`` and ``error.matches()`` still work.
# str() is the message alone, TensorFlow's text first.
#
#   TypeError:
#     Graft.GraphError.INVALID_ATTR    an attribute of the wrong kind; a
#                                      constant initializer's verify_shape
#                                      mismatch (Expected Tensor's shape: ...)
#     Graft.GraphError.DTYPE           a dtype the op does not take, or that
#                                      does not agree (Expected int32, got ...)
#     Graft.ScopeError.NAME_REQUIRED   If default_name is None then
#                                      name_or_scope is required
#     Graft.ScopeError.INVALID_ARGUMENT  a name and a scope object at once,
#                                      an auxiliary_name_scope not a bool
#   ValueError:
#     Graft.GraphError.INVALID_NAME, DUPLICATE_NAME, UNKNOWN_OP,
#     INVALID_INPUT (... must be from the same graph as ..., for name
#     scopes and variable scopes alike), SHAPE (Too many elements
#     provided. ...), NOT_FOUND, NAME_REQUIRED (At least one of name ...)
#     Graft.ScopeError.INVALID_REUSE, REUSE_WITHOUT_NAME
#     Graft.VariableError.* (every code: already exists, does not exist,
#     shape/dtype mismatch, ...)
#   Left as GLib.Error (a RuntimeError): IMPROPER_NESTING of either
#   domain, and the other domains (session, tensor, plugin).
#
# Errors the override finds itself (argument types) are plain TypeError
# and ValueError naming the argument.

_TYPE_ERRORS = {
    ('graft-graph-error-quark', int(Graft.GraphError.INVALID_ATTR)),
    ('graft-graph-error-quark', int(Graft.GraphError.DTYPE)),
    ('graft-scope-error-quark', int(Graft.ScopeError.NAME_REQUIRED)),
    ('graft-scope-error-quark', int(Graft.ScopeError.INVALID_ARGUMENT)),
}
_VALUE_ERRORS = {('graft-graph-error-quark', int(code)) for code in (
    Graft.GraphError.INVALID_NAME, Graft.GraphError.DUPLICATE_NAME, Graft.GraphError.UNKNOWN_OP,
    Graft.GraphError.INVALID_INPUT, Graft.GraphError.SHAPE, Graft.GraphError.NOT_FOUND,
    Graft.GraphError.NAME_REQUIRED)}
_VALUE_ERRORS |= {('graft-scope-error-quark', int(Graft.ScopeError.INVALID_REUSE)),
                  ('graft-scope-error-quark', int(Graft.ScopeError.REUSE_WITHOUT_NAME))}
_VALUE_ERRORS |= {('graft-variable-error-quark', int(code)) for code in Graft.VariableError.__enum_values__.values()}


class GraftTypeError(GLib.Error, TypeError):
    """A libgraft error TensorFlow raises as TypeError (still a GLib.Error)."""

    def __str__(self):
        return self.message


class GraftValueError(GLib.Error, ValueError):
    """A libgraft error TensorFlow raises as ValueError (still a GLib.Error)."""

    def __str__(self):
        return self.message


def _tf_error(error):
    """*error* (a GLib.Error) as the exception class TensorFlow raises for
    its condition: see the table above."""
    key = (error.domain, error.code)
    for table, cls in ((_TYPE_ERRORS, GraftTypeError), (_VALUE_ERRORS, GraftValueError)):
        if key in table:
            return cls(error.message, error.domain, error.code)
    return error


__all__ += ['GraftTypeError', 'GraftValueError']


# ---- scope setters that take what variable_scope() takes ----
#
# Scope.set_initializer(), set_regularizer() and set_custom_getter() take
# the Python values variable_scope() takes (an initializer's name or a
# value, ``fn(variable)``, ``getter(next_getter, name, **kwargs)``), and the
# getters give back the Python object that was set (kept on the scope's
# wrapper while the typelib holds the Graft object made from it).

def _python_values(options, initializer, regularizer, custom_getter):
    # ScopeOptions has no getters: None stands for "the Graft object made
    # from value when the scope was entered".
    if options is None:
        return None
    return {kind: (None, value)
            for kind, value in (('initializer', initializer), ('regularizer', regularizer),
                                ('custom_getter', custom_getter))
            if value is not None}


def _remember_python_values(scope, values):
    if values:
        scope.__dict__.setdefault('_python_values', {}).update(values)


def _scope_setter(kind, convert):
    def setter(self, value):
        graft_value = convert(self, value)
        getattr(Graft.Scope, 'set_' + kind)(self, graft_value)
        values = self.__dict__.setdefault('_python_values', {})
        values[kind] = (graft_value, value)
    setter.__name__ = 'set_' + kind
    setter.__doc__ = 'Sets the scope\'s %s: what ``variable_scope(%s=...)`` takes.' % (kind, kind)
    return setter


def _scope_getter(kind):
    def getter(self):
        current = getattr(Graft.Scope, 'get_' + kind)(self)
        stored = self.__dict__.get('_python_values', {}).get(kind)
        if stored is not None and current is not None and (stored[0] is None or stored[0] == current):
            return stored[1]
        return current
    getter.__name__ = 'get_' + kind
    getter.__doc__ = 'The scope\'s %s: the Python object that was set, else the Graft one.' % kind
    return getter


def _scope_dtype(scope):
    dtype_ = scope.get_dtype()
    return None if dtype_ == Graft.DType.INVALID else dtype_


Scope.set_initializer = _scope_setter('initializer', lambda s, v: _initializer(v, _scope_dtype(s)))
Scope.set_regularizer = _scope_setter('regularizer', lambda s, v: _regularizer(v))
Scope.set_custom_getter = _scope_setter('custom_getter', lambda s, v: _custom_getter(v))
Scope.get_initializer = _scope_getter('initializer')
Scope.get_regularizer = _scope_getter('regularizer')
Scope.get_custom_getter = _scope_getter('custom_getter')
Scope.set_dtype = lambda self, dtype: Graft.Scope.set_dtype(self, as_dtype(dtype))
Scope.set_constraint = lambda self, constraint: Graft.Scope.set_constraint(self, _constraint(constraint))


# ---- every variable of the store ----

def _all_variables(self):
    """Every variable of the graph's store in creation order, including
    those made with ``collections=[]`` (TensorFlow's
    ``_get_default_variable_store()._vars``)."""
    return list(Graft.Graph.get_all_variables(self))


Graph.all_variables = _all_variables


def all_variables():
    """``Graph.all_variables()`` of the default graph."""
    return get_default_graph().all_variables()


ops.all_variables = all_variables
__all__.append('all_variables')


# ---- gradients: tf.gradients, RegisterGradient, NotDifferentiable ----

def _grad_input(value, argument):
    if value is None:
        return None
    if isinstance(value, Graft.Variable):
        return _variable_output(value)
    return _as_op_output(value, argument) if isinstance(value, (_Operation, Graft.Output)) else value


def _as_list(value):
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def gradients(ys, xs, grad_ys=None, name='gradients', stop_gradients=None,
              unconnected_gradients='none'):
    """``tf.gradients``: the symbolic derivatives of sum(*ys*) with respect
    to each of *xs* (Outputs or Variables), as a list with None for an x no
    y depends on (zeros with ``unconnected_gradients='zero'``). The ops go
    under the name scope *name* (``gradients``, then ``gradients_1``)."""
    ys_list = [_grad_input(y, 'ys') for y in _as_list(ys)]
    xs_list = [_grad_input(x, 'xs') for x in _as_list(xs)]
    if not ys_list or any(not isinstance(y, Graft.Output) for y in ys_list + xs_list):
        raise TypeError('ys and xs must be Outputs or Variables')
    graph = ys_list[0].get_graph()
    gys = None
    if grad_ys is not None:
        gys = _as_list(grad_ys)
        if len(gys) != len(ys_list):
            raise ValueError('Passed %d grad_ys for %d ys' % (len(gys), len(ys_list)))
        # A None element asks for TensorFlow's default, ones of y's shape.
        gys = [ops.ones_like(ys_list[i]) if g is None else
               (_grad_input(g, 'grad_ys') if isinstance(g, (Graft.Output, Graft.Variable, _Operation))
                else ops.constant(g, dtype=ys_list[i].get_dtype()))
               for i, g in enumerate(gys)]
    stops = [_grad_input(s_, 'stop_gradients') for s_ in _as_list(stop_gradients)]
    if unconnected_gradients not in ('none', 'zero'):
        raise ValueError("Unknown value for unconnected_gradients: %r" % (unconnected_gradients,))
    mode = (Graft.UnconnectedGradients.ZERO if unconnected_gradients == 'zero'
            else Graft.UnconnectedGradients.NONE)
    result = _call(Graft.gradients_full, graph, ys_list, xs_list, gys, stops, name, mode)
    return list(result)


class RegisterGradient(object):
    """``@Graft.RegisterGradient("acme.Scale")``: registers the decorated
    ``fn(op, *grads)`` as the gradient of that op type. *op* is the forward
    op (``op.inputs``, ``op.outputs``, ``op.get_attr(name)``, ``op.name``),
    *grads* the gradients of its outputs; it returns one gradient per input
    (an Output, or None), a single value for a one-input op. Raises
    GLib.Error (Graft.PluginError.DUPLICATE_NAME) for a type that has one."""

    def __init__(self, op_type):
        if not isinstance(op_type, str):
            raise TypeError('op_type must be a string')
        self._op_type = op_type

    def __call__(self, fn):
        def callback(ctx):
            try:
                op = _Operation(ctx.get_op())
                grads = [ctx.get_grad(i) for i in range(ctx.get_num_outputs())]
                n_inputs = ctx.get_num_inputs()
                with _as_default(ctx.get_graph()):
                    result = fn(op, *grads)
                if not isinstance(result, (list, tuple)):
                    result = [result]
                if len(result) != n_inputs:
                    raise ValueError('The gradient function of %s op %r returned %d gradients for %d '
                                     'inputs' % (self._op_type, op.name, len(result), n_inputs))
                for i, g in enumerate(result):
                    if g is not None:
                        if not isinstance(g, Graft.Output):
                            g = ops.constant(g, dtype=op.inputs[i].get_dtype())
                        ctx.set_input_grad(i, g)
                return True
            except BaseException as exc:  # noqa: B902 - handed to the caller of gradients()
                _keep_exception(exc)
                return False
        Graft.Registry.get_default().register_gradient(self._op_type, callback)
        return fn


def NotDifferentiable(op_type):
    """``tf.NotDifferentiable``: *op_type*'s inputs get no gradient (None),
    which is not an error."""
    Graft.Registry.get_default().register_gradient(op_type, None)


NoGradient = NotDifferentiable


def _op_get_attr(self, name):
    """``op.get_attr(name)``: the attribute's value as Python."""
    value = self._output.get_attr(name)
    if value is None:
        raise ValueError('Operation %r has no attr named %r.' % (self.name, name))
    return _attr_to_python(value)


_Operation.get_attr = _op_get_attr
ops.gradients = gradients
__all__ += ['gradients', 'RegisterGradient', 'NotDifferentiable', 'NoGradient']


# ---- training: tf.train's optimizers and global step ----

class _Optimizer(object):
    """A thin TensorFlow-style wrapper of a Graft.Optimizer: the C object is
    ``self.optimizer``; learning rates may be numbers or tensors."""

    def __init__(self, optimizer, learning_rate, use_locking):
        self.optimizer = optimizer
        if isinstance(learning_rate, Graft.Output):
            optimizer.set_learning_rate_tensor(learning_rate)
        else:
            optimizer.set_learning_rate(float(learning_rate))
        optimizer.props.use_locking = bool(use_locking)

    def get_name(self):
        return self.optimizer.get_name()

    def compute_gradients(self, loss, var_list=None):
        pairs = _call(Graft.Optimizer.compute_gradients, self.optimizer, loss,
                      None if var_list is None else list(var_list))
        return [(p.grad, p.variable) for p in pairs]

    def apply_gradients(self, grads_and_vars, global_step=None, name=None):
        pairs = [Graft.GradVar.new(g, v) for g, v in grads_and_vars]
        return _call(Graft.Optimizer.apply_gradients, self.optimizer, pairs, global_step, name)

    def minimize(self, loss, global_step=None, var_list=None, name=None):
        return _call(Graft.Optimizer.minimize, self.optimizer, loss, global_step,
                     None if var_list is None else list(var_list), name)

    def get_slot(self, var, name):
        return self.optimizer.get_slot(var, name)

    def get_slot_names(self):
        return list(self.optimizer.get_slot_names())


def _make_optimizer(cls, name, learning_rate, use_locking, **props):
    optimizer = GObject.new(cls, name=name)
    for key, value in props.items():
        optimizer.set_property(key.replace('_', '-'), value)
    return optimizer


class GradientDescentOptimizer(_Optimizer):
    def __init__(self, learning_rate, use_locking=False, name='GradientDescent'):
        _Optimizer.__init__(self, _make_optimizer(Graft.GradientDescentOptimizer, name, learning_rate, use_locking),
                            learning_rate, use_locking)


class MomentumOptimizer(_Optimizer):
    def __init__(self, learning_rate, momentum, use_locking=False, name='Momentum', use_nesterov=False):
        _Optimizer.__init__(self, _make_optimizer(Graft.MomentumOptimizer, name, learning_rate, use_locking,
                                                  momentum=float(momentum), use_nesterov=bool(use_nesterov)),
                            learning_rate, use_locking)


class AdamOptimizer(_Optimizer):
    def __init__(self, learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-08, use_locking=False,
                 name='Adam'):
        _Optimizer.__init__(self, _make_optimizer(Graft.AdamOptimizer, name, learning_rate, use_locking,
                                                  beta1=float(beta1), beta2=float(beta2), epsilon=float(epsilon)),
                            learning_rate, use_locking)


class RMSPropOptimizer(_Optimizer):
    def __init__(self, learning_rate, decay=0.9, momentum=0.0, epsilon=1e-10, use_locking=False,
                 centered=False, name='RMSProp'):
        _Optimizer.__init__(self, _make_optimizer(Graft.RMSPropOptimizer, name, learning_rate, use_locking,
                                                  decay=float(decay), momentum=float(momentum),
                                                  epsilon=float(epsilon), centered=bool(centered)),
                            learning_rate, use_locking)


class AdagradOptimizer(_Optimizer):
    def __init__(self, learning_rate, initial_accumulator_value=0.1, use_locking=False, name='Adagrad'):
        _Optimizer.__init__(self, _make_optimizer(Graft.AdagradOptimizer, name, learning_rate, use_locking,
                                                  initial_accumulator_value=float(initial_accumulator_value)),
                            learning_rate, use_locking)


def get_or_create_global_step(graph=None):
    """``tf.train.get_or_create_global_step``."""
    return _call(Graft.train_get_or_create_global_step, graph or get_default_graph())


def get_global_step(graph=None):
    """``tf.train.get_global_step``."""
    return _call(Graft.train_get_global_step, graph or get_default_graph())


train = types.SimpleNamespace(
    Optimizer=_Optimizer,
    GradientDescentOptimizer=GradientDescentOptimizer,
    MomentumOptimizer=MomentumOptimizer,
    AdamOptimizer=AdamOptimizer,
    RMSPropOptimizer=RMSPropOptimizer,
    AdagradOptimizer=AdagradOptimizer,
    get_or_create_global_step=get_or_create_global_step,
    get_global_step=get_global_step,
)
ops.train = train
__all__.append('train')

# ---- imported directly ----
#
# When this module was imported first (pydoc), gi.repository.Graft was
# made while it was half-imported: give it what __all__ names now.
if _IMPORTED_DIRECTLY:
    for _name in __all__:
        setattr(sys.modules['gi.repository.Graft'], _name, globals()[_name])

