/* grad-cases-nn.cc: gradient-check cases of the nn family, one or more per
 * op with a gradient function, at points away from ReLU's kink.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "grad-check.h"

namespace {

using graft_test::GradCase;
using Inputs = std::vector<GraftOutput *>;

const std::vector<double> kMatrix = { 0.5, -0.7, 1.3, -2.1, 0.9, 0.2 };
const std::vector<double> kOther = { -1.1, 0.4, 0.8, 0.3, -0.6, 1.7 };
/* Two distributions over three classes. */
const std::vector<double> kLabels = { 0.2, 0.5, 0.3, 0.6, 0.1, 0.3 };

GraftOutput *
int32_labels (GraftGraph                 *g,
              const std::vector<gint32> &classes)
{
  gint64 n = (gint64) classes.size ();
  g_autoptr(GraftShape) shape = graft_shape_new (&n, 1);
  g_autoptr(GraftTensor) t = graft_tensor_new_from_int32s (classes.data (), classes.size (), shape, nullptr);

  return graft_constant (g, t);
}

} // namespace

GRAFT_GRAD_CASES (nn_grad_cases)
{
  cases.push_back ({ "Relu", "Relu", GRAFT_DTYPE_FLOAT64, { { { 2, 3 }, kMatrix } },
                     [] (GraftGraph *g, const Inputs &x) { return graft_relu (g, x[0]); } });
  cases.push_back ({ "Sigmoid", "Sigmoid", GRAFT_DTYPE_FLOAT64, { { { 2, 3 }, kMatrix } },
                     [] (GraftGraph *g, const Inputs &x) { return graft_sigmoid (g, x[0]); } });
  cases.push_back ({ "Tanh", "Tanh", GRAFT_DTYPE_FLOAT64, { { { 2, 3 }, kMatrix } },
                     [] (GraftGraph *g, const Inputs &x) { return graft_tanh (g, x[0]); } });
  cases.push_back ({ "Softmax", "Softmax", GRAFT_DTYPE_FLOAT64, { { { 2, 3 }, kMatrix } },
                     [] (GraftGraph *g, const Inputs &x) { return graft_softmax (g, x[0]); } });
  cases.push_back ({ "Softmax_rank3", "Softmax", GRAFT_DTYPE_FLOAT64, { { { 1, 2, 3 }, kOther } },
                     [] (GraftGraph *g, const Inputs &x) { return graft_softmax (g, x[0]); } });
  cases.push_back ({ "LogSoftmax", "LogSoftmax", GRAFT_DTYPE_FLOAT64, { { { 2, 3 }, kMatrix } },
                     [] (GraftGraph *g, const Inputs &x) { return graft_log_softmax (g, x[0]); } });

  /* The losses: the loss output, with respect to features and labels. */
  cases.push_back ({ "SoftmaxCrossEntropyWithLogits", "SoftmaxCrossEntropyWithLogits", GRAFT_DTYPE_FLOAT64,
                     { { { 2, 3 }, kMatrix }, { { 2, 3 }, kLabels } },
                     [] (GraftGraph *g, const Inputs &x) {
                       return graft_softmax_cross_entropy_with_logits (g, x[0], x[1]);
                     } });
  /* Features broadcast over the batch: their gradient is summed back. */
  cases.push_back ({ "SoftmaxCrossEntropyWithLogits_broadcast", "SoftmaxCrossEntropyWithLogits", GRAFT_DTYPE_FLOAT64,
                     { { { 1, 3 }, { 0.3, -0.2, 1.1 } }, { { 2, 3 }, kLabels } },
                     [] (GraftGraph *g, const Inputs &x) {
                       return graft_softmax_cross_entropy_with_logits (g, x[0], x[1]);
                     } });
  /* Through the backprop output: the second-order term TensorFlow adds
   * when a gradient flows into it. Labels get TensorFlow's gradient, which
   * ignores that output, so only the features are checked. */
  cases.push_back ({ "SoftmaxCrossEntropyWithLogits_backprop", "SoftmaxCrossEntropyWithLogits", GRAFT_DTYPE_FLOAT64,
                     { { { 2, 3 }, kMatrix }, { { 2, 3 }, kLabels, false } },
                     [] (GraftGraph *g, const Inputs &x) -> GraftOutput * {
                       GraftOutput *loss = graft_softmax_cross_entropy_with_logits (g, x[0], x[1]);
                       return loss ? graft_output_get_sibling (loss, 1) : nullptr;
                     } });
  cases.push_back ({ "SparseSoftmaxCrossEntropyWithLogits", "SparseSoftmaxCrossEntropyWithLogits",
                     GRAFT_DTYPE_FLOAT64, { { { 3, 2 }, kOther } },
                     [] (GraftGraph *g, const Inputs &x) -> GraftOutput * {
                       GraftOutput *labels = int32_labels (g, { 1, 0, 1 });
                       return labels ? graft_sparse_softmax_cross_entropy_with_logits (g, x[0], labels) : nullptr;
                     } });

  cases.push_back ({ "BiasAdd", "BiasAdd", GRAFT_DTYPE_FLOAT64, { { { 2, 3 }, kMatrix }, { { 3 }, { 0.1, -0.4, 2.0 } } },
                     [] (GraftGraph *g, const Inputs &x) { return graft_bias_add (g, x[0], x[1]); } });
  cases.push_back ({ "BiasAdd_nchw", "BiasAdd", GRAFT_DTYPE_FLOAT64,
                     { { { 1, 2, 1, 3 }, kMatrix }, { { 2 }, { 0.5, -1.5 } } },
                     [] (GraftGraph *g, const Inputs &x) {
                       GraftBiasAddAttrs attrs = GRAFT_BIAS_ADD_ATTRS_INIT;
                       attrs.data_format = "NCHW";
                       return graft_bias_add_full (g, x[0], x[1], nullptr, &attrs);
                     } });
  cases.push_back ({ "L2Loss", "L2Loss", GRAFT_DTYPE_FLOAT64, { { { 2, 3 }, kMatrix } },
                     [] (GraftGraph *g, const Inputs &x) { return graft_l2_loss (g, x[0]); } });

  /* Second order: the gradient ops themselves. */
  cases.push_back ({ "ReluGrad", "ReluGrad", GRAFT_DTYPE_FLOAT64, { { { 2, 3 }, kOther }, { { 2, 3 }, kMatrix } },
                     [] (GraftGraph *g, const Inputs &x) { return graft_relu_grad (g, x[0], x[1]); } });
  cases.push_back ({ "SigmoidGrad", "SigmoidGrad", GRAFT_DTYPE_FLOAT64,
                     { { { 2, 3 }, { 0.1, 0.5, 0.7, 0.9, 0.3, 0.45 } }, { { 2, 3 }, kOther } },
                     [] (GraftGraph *g, const Inputs &x) { return graft_sigmoid_grad (g, x[0], x[1]); } });
  cases.push_back ({ "TanhGrad", "TanhGrad", GRAFT_DTYPE_FLOAT64,
                     { { { 2, 3 }, { -0.8, 0.5, 0.1, 0.9, -0.3, 0.0 } }, { { 2, 3 }, kOther } },
                     [] (GraftGraph *g, const Inputs &x) { return graft_tanh_grad (g, x[0], x[1]); } });
}
