# test_session.py: feeds and fetches with NumPy, and the tensor copy rule.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import unittest

import gi
gi.require_version('Graft', '1.0')
from gi.repository import GLib, Graft  # noqa: E402
import numpy  # noqa: E402


class TensorTest(unittest.TestCase):
    def test_round_trip_every_dtype(self):
        for dtype, values in (('float32', [[1.5, -2.0], [3.0, 4.25]]), ('float64', [1e-300, 2.0]),
                              ('int32', [[-7], [2 ** 31 - 1]]), ('int64', [2 ** 62, -1]),
                              ('bool', [True, False, True]), ('complex64', [1 + 2j]),
                              ('float16', [65504.0, -0.5, 6e-8]), ('int8', [-128, 127]),
                              ('uint8', [0, 255]), ('int16', [-32768, 7]), ('uint16', [65535]),
                              ('complex128', [1e-300 + 2j])):
            array = numpy.array(values, dtype=dtype)
            tensor = Graft.Tensor.from_array(array)
            self.assertEqual(Graft.dtype_get_name(tensor.dtype), dtype)
            self.assertEqual(tensor.shape, array.shape)
            back = numpy.asarray(tensor)
            self.assertEqual(back.dtype, array.dtype)
            numpy.testing.assert_array_equal(back, array)

    def test_to_string_prints_as_numpy_does(self):
        # graft_tensor_to_string() is NumPy's print() with its defaults:
        # shortest digits of each element's own dtype, points aligned,
        # scientific notation for wide ranges, nan/inf in the field.
        arrays = [numpy.array([[0.88443911, -1.19197083]], dtype=numpy.float32),
                  numpy.array([[-1.5, 2.0], [3.25, -40.0]], dtype=numpy.float32),
                  numpy.array([0.1], dtype=numpy.float32), numpy.array([0.1], dtype=numpy.float16),
                  numpy.array([1.5e-5, 1.0]), numpy.array([1e-5, 1.0]),
                  numpy.array([1e9, 1.0], dtype=numpy.float32),
                  numpy.array([numpy.nan, -numpy.inf, 1.5]),
                  numpy.arange(8, dtype=numpy.float32).reshape(2, 2, 2),
                  numpy.array([1 / 3]), numpy.array([0.1000000001]), numpy.array([-0.0, 2.5]),
                  numpy.array([123456.789, 0.5]), numpy.array([1e-3, 2.0, 5e2]),
                  numpy.array([1, -20, 300], dtype=numpy.int32), numpy.array([True, False]),
                  numpy.array(3.5)]
        for array in arrays:
            with self.subTest(array=array, dtype=array.dtype):
                self.assertEqual(Graft.Tensor.from_array(array).to_string(), str(array))

    def test_scalars_and_conversions(self):
        t = Graft.Tensor.from_array(2.5)
        self.assertEqual((t.shape, t.dtype), ((), Graft.DType.FLOAT64))
        self.assertEqual(numpy.asarray(t).shape, ())
        t = Graft.Tensor.from_array([1, 2, 3], dtype='float32')
        self.assertEqual(t.dtype, Graft.DType.FLOAT32)
        self.assertEqual(numpy.asarray(t, dtype=numpy.int64).dtype, numpy.int64)
        self.assertEqual(str(t), '[1. 2. 3.]')
        with self.assertRaises(TypeError):
            Graft.Tensor.from_array(numpy.zeros(2, numpy.float128))

    def test_bfloat16_reads_as_float32(self):
        # NumPy has no bfloat16: values round to nearest even on the way
        # in, and read back exactly as float32.
        t = Graft.Tensor.from_array([1.0, 1.0 + 2 ** -8, 1.0 + 3 * 2 ** -8, float('nan'), -3.0e38],
                                    dtype='bfloat16')
        self.assertEqual(t.dtype, Graft.DType.BFLOAT16)
        back = numpy.asarray(t)
        self.assertEqual(back.dtype, numpy.float32)
        self.assertEqual(list(back[:3]), [1.0, 1.0, 1.0 + 2 ** -6])
        self.assertTrue(numpy.isnan(back[3]))
        self.assertAlmostEqual(back[4] / -3.0e38, 1.0, places=2)
        self.assertEqual(Graft.dtype_from_name('half'), Graft.DType.FLOAT16)

    def test_copy_rule(self):
        source = numpy.arange(6, dtype=numpy.float32).reshape(2, 3)
        tensor = Graft.Tensor.from_array(source)
        # A strided view is copied row-major.
        numpy.testing.assert_array_equal(numpy.asarray(Graft.Tensor.from_array(source.T)), source.T)
        # from_array copies: changing the source later changes nothing.
        source[0, 0] = 100
        first = numpy.asarray(tensor)
        self.assertEqual(first[0, 0], 0)
        # asarray copies: the array is writable and owns its data...
        self.assertTrue(first.flags.writeable)
        self.assertTrue(first.flags.owndata)
        first[1, 1] = -1
        # ... and the tensor never sees a change.
        numpy.testing.assert_array_equal(numpy.asarray(tensor), numpy.arange(6).reshape(2, 3))
        # The array outlives the tensor.
        del tensor
        self.assertEqual(first[1, 1], -1)
        # get_data() hands a copy of the bytes.
        self.assertEqual(Graft.Tensor.from_array([1, 2], 'int32').get_data(), b'\1\0\0\0\2\0\0\0')


class SessionTest(unittest.TestCase):
    def setUp(self):
        g = self.g = Graft.Graph()
        self.x = g.placeholder('float32', shape=[None, 2], name='x')
        self.y = g.create_op('Square', [self.x])
        self.w = g.get_variable('w', shape=[2], initializer=Graft.Initializer.new_constant(0.5))
        self.z = g.create_op('Mul', [self.y, self.w.get_value()])
        self.sess = Graft.Session(g)
        self.sess.run(g.global_variables_initializer())

    def test_single_fetch_and_list(self):
        feed = numpy.array([[1, 2], [3, 4]], numpy.float32)
        y = self.sess.run(self.y, feed_dict={self.x: feed})
        self.assertIsInstance(y, numpy.ndarray)
        numpy.testing.assert_array_equal(y, feed ** 2)
        y, z = self.sess.run([self.y, self.z], feed_dict={self.x: feed})
        numpy.testing.assert_array_equal(z, feed ** 2 * 0.5)
        # TensorFlow gives the structure of the fetches: a tuple for a tuple.
        result = self.sess.run((self.w,), feed_dict={})
        self.assertIsInstance(result, tuple)
        numpy.testing.assert_array_equal(result[0], [0.5, 0.5])

    def test_out_writes_the_callers_tensors(self):
        feed = numpy.array([[1, 2], [3, 4]], numpy.float32)
        out_y = Graft.Tensor.from_array(numpy.zeros((2, 2), numpy.float32))
        out_z = Graft.Tensor.from_array(numpy.zeros((2, 2), numpy.float32))
        y = self.sess.run(self.y, feed_dict={self.x: feed}, out=out_y, as_tensors=True)
        self.assertIs(y, out_y)
        numpy.testing.assert_array_equal(numpy.asarray(out_y), feed ** 2)
        y, z = self.sess.run([self.y, self.z], feed_dict={self.x: feed * 2}, out=[out_y, out_z])
        numpy.testing.assert_array_equal(y, (feed * 2) ** 2)
        numpy.testing.assert_array_equal(numpy.asarray(out_z), (feed * 2) ** 2 * 0.5)
        # A tensor of another shape is refused, naming the fetch and both shapes.
        wrong = Graft.Tensor.from_array(numpy.zeros((3, 2), numpy.float32))
        with self.assertRaises(GLib.Error) as caught:
            self.sess.run(self.y, feed_dict={self.x: feed}, out=wrong)
        self.assertIn('Square', str(caught.exception))
        self.assertIn('(2, 2)', str(caught.exception))
        self.assertIn('(3, 2)', str(caught.exception))

    def test_feed_conversions(self):
        # Lists and float64 arrays take the placeholder's dtype.
        y = self.sess.run(self.y, feed_dict={self.x: [[3.0, 4.0]]})
        self.assertEqual(y.dtype, numpy.float32)
        y = self.sess.run(self.y, feed_dict={self.x: numpy.ones((3, 2))})
        self.assertEqual(y.shape, (3, 2))
        tensor = Graft.Tensor.from_array([[2.0, 2.0]], 'float32')
        numpy.testing.assert_array_equal(self.sess.run(self.y, feed_dict={self.x: tensor}), [[4, 4]])
        # Any output can be fed, not only a placeholder's.
        numpy.testing.assert_array_equal(self.sess.run(self.z, feed_dict={self.y: [[1, 1]]}), [[0.5, 0.5]])

    def test_new_dtypes_through_a_session(self):
        # Placeholders, feeds, constants, variables and ops of the new
        # dtypes, fetched back as NumPy arrays of the same dtype.
        g = Graft.Graph()
        h = g.placeholder('float16', shape=[3], name='h')
        s = g.create_op('Add', [h, g.constant([0.5, 0.25, 1.0], 'float16')])
        u = g.placeholder('uint8', shape=[2], name='u')
        wrapped = g.create_op('Add', [u, g.constant([10, 10], 'uint8')])
        b = g.placeholder('bfloat16', shape=[2], name='b')
        sq = g.create_op('Sqrt', [b])
        v = g.get_variable('v', initializer=numpy.array([-3, 4], numpy.int16))
        cast = g.create_op('Cast', [v.get_value()], attrs={'DstT': 'uint16'})
        sess = Graft.Session(g)
        sess.run(g.global_variables_initializer())
        out = sess.run([s, wrapped, sq, cast, v],
                       feed_dict={h: numpy.array([1.0, 2.0, 65000], numpy.float16), u: [250, 1], b: [4.0, 2.0]})
        self.assertEqual(out[0].dtype, numpy.float16)
        numpy.testing.assert_array_equal(out[0], numpy.array([1.5, 2.25, 65000], numpy.float16))
        self.assertEqual(out[1].dtype, numpy.uint8)
        numpy.testing.assert_array_equal(out[1], [4, 11])
        self.assertEqual(out[2].dtype, numpy.float32)
        numpy.testing.assert_allclose(out[2], [2.0, 1.4140625], rtol=0)
        numpy.testing.assert_array_equal(out[3], numpy.array([65533, 4], numpy.uint16))
        self.assertEqual(out[4].dtype, numpy.int16)
        # The initializers make the new dtypes: float16 and bfloat16 by
        # their default glorot_uniform (limit sqrt(6 / 3) here), int8 by
        # zeros and ones; a random initializer still refuses an integer.
        made = [g.get_variable('d_' + dtype_, shape=[2, 1], dtype=dtype_)
                for dtype_ in ('float16', 'bfloat16', 'int8')]
        made.append(g.get_variable('o_int8', shape=[2], dtype='int8', initializer='ones'))
        with self.assertRaises(GLib.Error):
            g.get_variable('r_int8', shape=[2], dtype='int8', initializer='random_normal')
        sess = Graft.Session(g)
        sess.run(g.global_variables_initializer())
        half, bf16, zeros, ones = sess.run(made)
        self.assertEqual(half.dtype, numpy.float16)
        self.assertTrue(numpy.all(numpy.abs(half) <= 1.5))
        self.assertTrue(numpy.all(numpy.abs(bf16) <= 1.5))
        numpy.testing.assert_array_equal(zeros, numpy.zeros((2, 1), numpy.int8))
        self.assertEqual(ones.dtype, numpy.int8)
        numpy.testing.assert_array_equal(ones, [1, 1])

    def test_targets_and_tensors(self):
        assign = self.w.assign(self.g.constant([2.0, 3.0], 'float32'))
        self.assertEqual(assign.get_num_op_outputs(), 1)
        init = self.g.global_variables_initializer()
        result = self.sess.run([init, self.w])
        self.assertIsNone(result[0])
        numpy.testing.assert_array_equal(result[1], [0.5, 0.5])
        self.sess.run(assign)
        tensors = self.sess.run([self.w, self.z], feed_dict={self.x: [[1, 1]]}, as_tensors=True)
        self.assertIsInstance(tensors[0], Graft.Tensor)
        self.assertEqual(tensors[0].to_string(), '[2. 3.]')
        self.assertEqual(self.sess.get_variable_value(self.w).to_string(), '[2. 3.]')

    def test_raw_run_and_callable(self):
        feed = Graft.Tensor.from_array([[1, 2]], 'float32')
        # The typelib's run(), under the override's.
        results = super(Graft.Session, self.sess).run([self.x], [feed], [self.y, self.z], [], None)
        self.assertEqual([r.to_string() for r in results], ['[[1. 4.]]', '[[0.5 2. ]]'])
        callable_ = self.sess.make_callable([self.x], [self.z], [])
        self.assertEqual((callable_.get_num_feeds(), callable_.get_num_fetches()), (1, 1))
        out = callable_.run([feed], None)
        numpy.testing.assert_array_equal(numpy.asarray(out[0]), [[0.5, 2.0]])

    def test_outputs_read_like_tensorflow(self):
        self.assertEqual(repr(self.x), "<graft.Output 'x:0' shape=(None, 2) dtype=float32>")
        self.assertEqual(self.x.shape, (None, 2))
        self.assertEqual(self.z.name, 'mul:0')
        self.assertEqual(self.z.dtype, Graft.DType.FLOAT32)
        self.assertEqual(self.z.get_op_type(), 'Mul')
        self.assertEqual(self.sess.get_graph(), self.g)


if __name__ == '__main__':
    unittest.main()
