/* grad-check.h: gradient-check cases, like TensorFlow's
 * compute_gradient_error.
 *
 * A case builds y = f(x0, x1, ...) from placeholders of the given shapes,
 * and the checker (test-gradients.cc) compares the Jacobian graft_gradients()
 * builds with central differences computed in float64 at the given point.
 * Every op with a registered gradient function must be named by at least
 * one case (`op`); a case may build several ops around it (a Sum after an
 * op whose output is not float, for example).
 *
 * Cases live in one file per op family (grad-cases-<family>.cc) and
 * register themselves with GRAFT_GRAD_CASES, so families are added without
 * touching the checker.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <graft.h>

namespace graft_test {

struct GradInput {
  std::vector<gint64> dims;
  std::vector<double> values;     /* the point the Jacobian is taken at */
  bool differentiate = true;      /* false: fed, but not an x */
};

struct GradCase {
  std::string label;              /* unique; names the gtest parameter */
  std::string op;                 /* the op type whose gradient this checks */
  GraftDType dtype = GRAFT_DTYPE_FLOAT64; /* of every input */
  std::vector<GradInput> inputs;
  /* Builds y from the inputs (placeholders of `dtype` and the given
   * shapes, in order); returns NULL if building failed. */
  std::function<GraftOutput *(GraftGraph *, const std::vector<GraftOutput *> &)> build;
  double delta = 1e-3;            /* the finite-difference step */
  double tolerance = 1e-4;        /* max |symbolic - numeric| allowed */
};

std::vector<GradCase> &grad_cases ();

struct GradRegistrar {
  explicit GradRegistrar (void (*add) (std::vector<GradCase> &)) { add (grad_cases ()); }
};

} // namespace graft_test

/* Defines a function filling the case list, run before main(). */
#define GRAFT_GRAD_CASES(id)                                                    \
  static void id (std::vector<graft_test::GradCase> &cases);                   \
  static graft_test::GradRegistrar id##_registrar (id);                         \
  static void id (std::vector<graft_test::GradCase> &cases)
