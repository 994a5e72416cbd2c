/* test-signature.cc: signatures, op definitions and shape functions.
 *
 * White-box: linked against the library's objects, so the parsed
 * definition (graft-op-def-private.h) is checked field by field.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gtest/gtest.h>

#include <cfloat>
#include <cmath>
#include <cstring>
#include <random>
#include <memory>
#include <string>
#include <vector>

#include "graft-graph-private.h"

namespace {

struct DefDeleter
{
  void operator() (GraftOpDef *def) const { _graft_op_def_free (def); }
};
using DefPtr = std::unique_ptr<GraftOpDef, DefDeleter>;

/* Where a kernel is needed only for its arity; never called. */
void
unused_kernel (void)
{
}

GraftOpInfo
make_info (const char *name,
           const char *signature,
           GCallback   kernel = nullptr,
           guint       arity = 0,
           guint       flags = 0)
{
  GraftOpInfo info = {};

  info.name = name;
  info.signature = signature;
  info.summary = "A definition made by a test";
  info.kernel = kernel;
  info.arity = arity;
  info.flags = flags;
  return info;
}

DefPtr
parse_info (const GraftOpInfo &info,
            GraftOpKind        kind = GRAFT_OP_KIND_OP)
{
  GError *error = nullptr;
  GraftOpDef *def = _graft_op_def_new (kind, &info, "test-plugin", &error);

  EXPECT_EQ (error, nullptr) << info.signature << "\n" << (error ? error->message : "");
  EXPECT_NE (def, nullptr) << info.signature;
  g_clear_error (&error);
  return DefPtr (def);
}

DefPtr
parse (const char  *signature,
       GraftOpKind  kind = GRAFT_OP_KIND_OP,
       guint        flags = 0)
{
  return parse_info (make_info ("Test", signature, nullptr, 0, flags), kind);
}

struct Failure
{
  GQuark domain = 0;
  int code = -1;
  std::string message;
};

Failure
fail_info (const GraftOpInfo &info,
           GraftOpKind        kind = GRAFT_OP_KIND_OP)
{
  GError *error = nullptr;
  GraftOpDef *def = _graft_op_def_new (kind, &info, "test-plugin", &error);
  Failure f;

  EXPECT_EQ (def, nullptr) << (info.signature ? info.signature : "(null)");
  _graft_op_def_free (def);
  EXPECT_NE (error, nullptr) << (info.signature ? info.signature : "(null)");
  if (error != nullptr)
    {
      f.domain = error->domain;
      f.code = error->code;
      f.message = error->message;
    }
  g_clear_error (&error);
  return f;
}

Failure
fail (const char  *signature,
      GraftOpKind  kind = GRAFT_OP_KIND_OP,
      guint        flags = 0)
{
  return fail_info (make_info ("Test", signature, nullptr, 0, flags), kind);
}

/* The three-line message of a signature error pointing at `column`. */
std::string
caret (const char *name,
       const char *signature,
       int         column,
       const char *what)
{
  return std::string ("Invalid signature for ") + name + " at character " + std::to_string (column) +
         ": " + what + "\n  " + signature + "\n  " + std::string (column - 1, ' ') + "^";
}

void
expect_signature_error (const char *signature,
                        int         column,
                        const char *what,
                        GraftOpKind kind = GRAFT_OP_KIND_OP)
{
  Failure f = fail (signature, kind);

  EXPECT_EQ (f.domain, GRAFT_PLUGIN_ERROR) << signature;
  EXPECT_EQ (f.code, GRAFT_PLUGIN_ERROR_INVALID_SIGNATURE) << signature;
  EXPECT_EQ (f.message, caret ("Test", signature, column, what));
}

std::string
attr_default (const GraftOpDef *def,
              const char       *name)
{
  gint a = _graft_op_def_find_attr (def, name);
  char *s;
  std::string out;

  EXPECT_GE (a, 0) << name;
  if (a < 0)
    return "<no such attribute>";
  s = graft_op_def_get_attr_default (def, (guint) a);
  out = s ? s : "<none>";
  g_free (s);
  return out;
}

const GraftAttrDef *
attr (const GraftOpDef *def,
      const char       *name)
{
  gint a = _graft_op_def_find_attr (def, name);

  EXPECT_GE (a, 0) << name;
  return a >= 0 ? &def->attrs[a] : nullptr;
}

std::string
shape_str (const GraftShape *shape)
{
  char *s = graft_shape_to_string (shape);
  std::string out = s;

  g_free (s);
  return out;
}

/* Counts critical warnings (contract violations) instead of printing or
 * aborting on them, whatever G_DEBUG says. */
class CriticalCatcher
{
public:
  CriticalCatcher ()
  {
    old_handler_ = g_log_set_default_handler (handler, this);
    old_fatal_ = g_log_set_always_fatal (G_LOG_LEVEL_ERROR);
  }
  ~CriticalCatcher ()
  {
    g_log_set_default_handler (old_handler_, nullptr);
    g_log_set_always_fatal (old_fatal_);
  }
  int count = 0;
  std::string last;

private:
  static void
  handler (const char *, GLogLevelFlags level, const char *message, gpointer data)
  {
    auto *self = static_cast<CriticalCatcher *> (data);

    if (level & G_LOG_LEVEL_CRITICAL)
      {
        self->count++;
        self->last = message;
      }
  }
  GLogFunc old_handler_;
  GLogLevelFlags old_fatal_;
};

const char *const kMatMul =
  "(a: T, b: T, transpose_a: bool = false, transpose_b: bool = false) -> (product: T), "
  "T in {float32, float64}";

}  // namespace

/* ---- parsing ---- */

TEST (Signature, RefInputs)
{
  DefPtr def = parse ("(var: ref T, m: ref float32, grad: T, ref: int = 0) -> (out: T)");

  ASSERT_TRUE (def);
  ASSERT_EQ (def->n_inputs, 3u);
  EXPECT_TRUE (def->inputs[0].is_ref);
  EXPECT_TRUE (def->inputs[1].is_ref);
  EXPECT_EQ (def->inputs[1].dtype, GRAFT_DTYPE_FLOAT32);
  EXPECT_FALSE (def->inputs[2].is_ref);
  EXPECT_EQ (def->ref_inputs, 3u);
  /* `ref` alone is still an ordinary type variable. */
  DefPtr plain = parse ("(x: ref) -> (y: ref)");
  ASSERT_TRUE (plain);
  EXPECT_FALSE (plain->inputs[0].is_ref);
  EXPECT_EQ (plain->ref_inputs, 0u);

  Failure f = fail ("(var: ref int) -> ()");
  EXPECT_EQ (f.code, GRAFT_PLUGIN_ERROR_INVALID_SIGNATURE);
  EXPECT_NE (f.message.find ("'ref' takes a dtype or a type variable, not the attribute kind int"),
             std::string::npos) << f.message;
}

TEST (Signature, ParsesMatMul)
{
  GraftOpInfo info = make_info ("MatMul", kMatMul, G_CALLBACK (unused_kernel), 6);
  DefPtr def = parse_info (info);

  ASSERT_TRUE (def);
  EXPECT_STREQ (def->name, "MatMul");
  EXPECT_NE (def->name, info.name);
  EXPECT_STREQ (def->signature, kMatMul);
  EXPECT_NE (def->signature, info.signature);
  EXPECT_STREQ (def->summary, "A definition made by a test");
  EXPECT_STREQ (def->default_name, "MatMul");
  EXPECT_STREQ (def->plugin_name, "test-plugin");
  EXPECT_EQ (def->kind, GRAFT_OP_KIND_OP);
  EXPECT_EQ (def->kernel, G_CALLBACK (unused_kernel));
  EXPECT_EQ (def->arity, 6u);

  ASSERT_EQ (def->n_inputs, 2u);
  EXPECT_STREQ (def->inputs[0].name, "a");
  EXPECT_STREQ (def->inputs[1].name, "b");
  ASSERT_EQ (def->n_outputs, 1u);
  EXPECT_STREQ (def->outputs[0].name, "product");

  ASSERT_EQ (def->n_attrs, 3u);
  EXPECT_STREQ (def->attrs[0].name, "transpose_a");
  EXPECT_EQ (def->attrs[0].kind, GRAFT_ATTR_BOOL);
  EXPECT_TRUE (def->attrs[0].has_default);
  EXPECT_FALSE (def->attrs[0].default_value.b);
  EXPECT_FALSE (def->attrs[0].inferred);
  EXPECT_STREQ (def->attrs[1].name, "transpose_b");
  EXPECT_STREQ (def->attrs[2].name, "T");
  EXPECT_EQ (def->attrs[2].kind, GRAFT_ATTR_TYPE);
  EXPECT_TRUE (def->attrs[2].inferred);
  EXPECT_FALSE (def->attrs[2].has_default);
  EXPECT_FALSE (def->attrs[2].is_internal);
  EXPECT_EQ (def->attrs[2].allowed_dtypes,
             GRAFT_DTYPE_BIT (GRAFT_DTYPE_FLOAT32) | GRAFT_DTYPE_BIT (GRAFT_DTYPE_FLOAT64));

  for (guint i = 0; i < 2; i++)
    {
      EXPECT_EQ (def->inputs[i].type_attr, 2);
      EXPECT_EQ (def->inputs[i].dtype, GRAFT_DTYPE_INVALID);
    }
  EXPECT_EQ (def->outputs[0].type_attr, 2);

  ASSERT_EQ (def->n_params, 4u);
  EXPECT_EQ (def->params[0].kind, GRAFT_PARAM_INPUT);
  EXPECT_EQ (def->params[0].index, 0);
  EXPECT_EQ (def->params[1].kind, GRAFT_PARAM_INPUT);
  EXPECT_EQ (def->params[1].index, 1);
  EXPECT_EQ (def->params[2].kind, GRAFT_PARAM_ATTR);
  EXPECT_EQ (def->params[2].index, 0);
  EXPECT_EQ (def->params[3].kind, GRAFT_PARAM_ATTR);
  EXPECT_EQ (def->params[3].index, 1);

  ASSERT_NE (def->ffi_args, nullptr);
  EXPECT_EQ (def->cif.nargs, 6u);
  EXPECT_EQ (def->cif.rtype, &ffi_type_void);
  EXPECT_EQ (def->cif.arg_types, def->ffi_args);
  ffi_type *expected[] = { &ffi_type_pointer, &ffi_type_pointer, &ffi_type_pointer,
                           &ffi_type_sint, &ffi_type_sint, &ffi_type_pointer };
  for (guint i = 0; i < 6; i++)
    EXPECT_EQ (def->ffi_args[i], expected[i]) << "argument " << i;
}

TEST (Signature, DefaultNameAndNullPlugin)
{
  GraftOpInfo info = make_info ("Mul", "(x: T, y: T) -> (z: T)");
  GError *error = nullptr;

  info.default_name = "mul";
  DefPtr def (_graft_op_def_new (GRAFT_OP_KIND_OP, &info, nullptr, &error));
  ASSERT_TRUE (def) << error->message;
  EXPECT_STREQ (def->default_name, "mul");
  EXPECT_NE (def->default_name, info.default_name);
  EXPECT_EQ (def->plugin_name, nullptr);
  EXPECT_EQ (graft_op_def_get_plugin_name (def.get ()), nullptr);
}

TEST (Signature, KeepsShapeFunctionAndFlags)
{
  GraftOpInfo info = make_info ("Add", "(x: T, y: T) -> (z: T)", nullptr, 0, GRAFT_OP_FLAGS_STATEFUL);

  info.shape = graft_shape_broadcast;
  DefPtr def = parse_info (info);
  ASSERT_TRUE (def);
  EXPECT_EQ (def->shape_fn, graft_shape_broadcast);
  EXPECT_EQ (def->flags, (guint) GRAFT_OP_FLAGS_STATEFUL);
  /* STATEFUL alone adds no seeds. */
  EXPECT_EQ (def->n_attrs, 1u);
}

TEST (Signature, EveryAttrKindAndDefault)
{
  const char *sig =
    "(b: bool = true, i: int = -42, f: float = 1.5, fi: float = 3, s: string = \"fan_\\\"in\\\\\", "
    "t: type = int64, sh: shape = [2, ?, -1], su: shape = ?, sc: shape = [], te: tensor, "
    "li: list(int) = [1, -2, 3], lf: list(float) = [0.5, 2, -inf], le: list(int) = [], "
    "nd: int) -> ()";
  DefPtr def = parse (sig);

  ASSERT_TRUE (def);
  ASSERT_EQ (def->n_attrs, 14u);
  EXPECT_EQ (def->n_inputs, 0u);
  EXPECT_EQ (def->n_outputs, 0u);
  EXPECT_EQ (def->n_params, 14u);

  EXPECT_EQ (attr (def.get (), "b")->kind, GRAFT_ATTR_BOOL);
  EXPECT_TRUE (attr (def.get (), "b")->default_value.b);
  EXPECT_EQ (attr (def.get (), "i")->kind, GRAFT_ATTR_INT);
  EXPECT_EQ (attr (def.get (), "i")->default_value.i, -42);
  EXPECT_EQ (attr (def.get (), "f")->kind, GRAFT_ATTR_FLOAT);
  EXPECT_DOUBLE_EQ (attr (def.get (), "f")->default_value.f, 1.5);
  EXPECT_DOUBLE_EQ (attr (def.get (), "fi")->default_value.f, 3.0);
  EXPECT_EQ (attr (def.get (), "s")->kind, GRAFT_ATTR_STRING);
  EXPECT_STREQ (attr (def.get (), "s")->default_value.s, "fan_\"in\\");
  EXPECT_EQ (attr (def.get (), "t")->kind, GRAFT_ATTR_TYPE);
  EXPECT_EQ (attr (def.get (), "t")->default_value.type, GRAFT_DTYPE_INT64);
  EXPECT_FALSE (attr (def.get (), "t")->inferred);

  EXPECT_EQ (attr (def.get (), "sh")->kind, GRAFT_ATTR_SHAPE);
  EXPECT_EQ (shape_str (attr (def.get (), "sh")->default_value.shape), "(2, ?, ?)");
  EXPECT_EQ (graft_shape_get_rank (attr (def.get (), "su")->default_value.shape), GRAFT_RANK_UNKNOWN);
  EXPECT_EQ (graft_shape_get_rank (attr (def.get (), "sc")->default_value.shape), 0);

  EXPECT_EQ (attr (def.get (), "te")->kind, GRAFT_ATTR_TENSOR);
  EXPECT_FALSE (attr (def.get (), "te")->has_default);
  EXPECT_FALSE (attr (def.get (), "nd")->has_default);

  const GraftAttrDef *li = attr (def.get (), "li");
  EXPECT_EQ (li->kind, GRAFT_ATTR_INT_LIST);
  ASSERT_EQ (li->default_value.list.n, 3u);
  const gint64 *iv = static_cast<const gint64 *> (li->default_value.list.v);
  EXPECT_EQ (iv[0], 1);
  EXPECT_EQ (iv[1], -2);
  EXPECT_EQ (iv[2], 3);

  const GraftAttrDef *lf = attr (def.get (), "lf");
  EXPECT_EQ (lf->kind, GRAFT_ATTR_FLOAT_LIST);
  ASSERT_EQ (lf->default_value.list.n, 3u);
  const double *fv = static_cast<const double *> (lf->default_value.list.v);
  EXPECT_DOUBLE_EQ (fv[0], 0.5);
  EXPECT_DOUBLE_EQ (fv[1], 2.0);
  EXPECT_TRUE (std::isinf (fv[2]) && fv[2] < 0);

  EXPECT_TRUE (attr (def.get (), "le")->has_default);
  EXPECT_EQ (attr (def.get (), "le")->default_value.list.n, 0u);

  /* The defaults as a signature writes them. */
  EXPECT_EQ (attr_default (def.get (), "b"), "true");
  EXPECT_EQ (attr_default (def.get (), "i"), "-42");
  EXPECT_EQ (attr_default (def.get (), "f"), "1.5");
  EXPECT_EQ (attr_default (def.get (), "fi"), "3.0");
  EXPECT_EQ (attr_default (def.get (), "s"), "\"fan_\\\"in\\\\\"");
  EXPECT_EQ (attr_default (def.get (), "t"), "int64");
  EXPECT_EQ (attr_default (def.get (), "sh"), "[2, ?, ?]");
  EXPECT_EQ (attr_default (def.get (), "su"), "?");
  EXPECT_EQ (attr_default (def.get (), "sc"), "[]");
  EXPECT_EQ (attr_default (def.get (), "te"), "<none>");
  EXPECT_EQ (attr_default (def.get (), "li"), "[1, -2, 3]");
  EXPECT_EQ (attr_default (def.get (), "lf"), "[0.5, 2.0, -inf]");
  EXPECT_EQ (attr_default (def.get (), "le"), "[]");
  EXPECT_EQ (attr_default (def.get (), "nd"), "<none>");
}

TEST (Signature, FloatDefaults)
{
  DefPtr def = parse ("(a: float = 0.1, b: float = -1e-3, c: float = inf, d: float = nan, "
                      "e: float = 1e300, g: float = -0.0, h: float = 2.5e10, i: float = 100000, "
                      "j: float = 1e16, k: float = 1.5e-5, l: float = 123456.75) -> ()");

  ASSERT_TRUE (def);
  EXPECT_DOUBLE_EQ (attr (def.get (), "a")->default_value.f, 0.1);
  EXPECT_DOUBLE_EQ (attr (def.get (), "b")->default_value.f, -0.001);
  EXPECT_TRUE (std::isinf (attr (def.get (), "c")->default_value.f));
  EXPECT_TRUE (std::isnan (attr (def.get (), "d")->default_value.f));
  /* Shortest text that reads back the same. */
  EXPECT_EQ (attr_default (def.get (), "a"), "0.1");
  EXPECT_EQ (attr_default (def.get (), "b"), "-0.001");
  EXPECT_EQ (attr_default (def.get (), "c"), "inf");
  EXPECT_EQ (attr_default (def.get (), "d"), "nan");
  EXPECT_EQ (attr_default (def.get (), "e"), "1e+300");
  EXPECT_EQ (attr_default (def.get (), "g"), "-0.0");
  EXPECT_EQ (attr_default (def.get (), "h"), "25000000000.0");
  EXPECT_EQ (attr_default (def.get (), "i"), "100000.0");
  EXPECT_EQ (attr_default (def.get (), "j"), "1e+16");
  EXPECT_EQ (attr_default (def.get (), "k"), "1.5e-05");
  EXPECT_EQ (attr_default (def.get (), "l"), "123456.75");
}

TEST (Signature, WhitespaceBetweenTokens)
{
  DefPtr def = parse ("  ( x :T ,n: list ( int )=[ 1 ,2 ] ,s:string=\"a b\" )->( y : T ) ,"
                      "T in{ float32 ,int32 }  ");

  ASSERT_TRUE (def);
  EXPECT_EQ (def->n_inputs, 1u);
  EXPECT_EQ (attr (def.get (), "n")->kind, GRAFT_ATTR_INT_LIST);
  EXPECT_EQ (attr_default (def.get (), "n"), "[1, 2]");
  EXPECT_STREQ (attr (def.get (), "s")->default_value.s, "a b");
  EXPECT_EQ (attr (def.get (), "T")->allowed_dtypes,
             GRAFT_DTYPE_BIT (GRAFT_DTYPE_FLOAT32) | GRAFT_DTYPE_BIT (GRAFT_DTYPE_INT32));
}

TEST (Signature, EmptyLists)
{
  DefPtr def = parse ("() -> ()");

  ASSERT_TRUE (def);
  EXPECT_EQ (def->n_inputs, 0u);
  EXPECT_EQ (def->n_outputs, 0u);
  EXPECT_EQ (def->n_attrs, 0u);
  EXPECT_EQ (def->n_params, 0u);
}

TEST (Signature, SyntaxErrorPointsAtTheCharacter)
{
  Failure f = fail_info (make_info ("MatMul", "(a T, b: T) -> (product: T)"));

  EXPECT_EQ (f.domain, GRAFT_PLUGIN_ERROR);
  EXPECT_EQ (f.code, GRAFT_PLUGIN_ERROR_INVALID_SIGNATURE);
  EXPECT_EQ (f.message,
             "Invalid signature for MatMul at character 4: expected ':'\n"
             "  (a T, b: T) -> (product: T)\n"
             "     ^");
}

TEST (Signature, SyntaxErrors)
{
  expect_signature_error ("a: T) -> ()", 1, "expected '('");
  expect_signature_error ("(a: T) (b: T)", 8, "expected '->'");
  expect_signature_error ("(a: T) - > (b: T)", 8, "expected '->'");
  expect_signature_error ("(a: T,) -> ()", 7, "expected a name");
  expect_signature_error ("(1a: T) -> ()", 2, "expected a name");
  expect_signature_error ("(a: ) -> ()", 5, "expected a type");
  expect_signature_error ("(a: T b: T) -> ()", 7, "expected ',' or ')'");
  expect_signature_error ("(a: T) -> (b: T", 16, "expected ',' or ')'");
  expect_signature_error ("(a: T) -> (b: T) x", 18, "expected ',' or the end of the signature");
  expect_signature_error ("(a: T) -> (b: T),", 18, "expected a type attribute");
  expect_signature_error ("(a: T) -> (b: T), T of {int32}", 21, "expected 'in'");
  expect_signature_error ("(a: T) -> (b: T), T in (int32)", 24, "expected '{'");
  expect_signature_error ("(a: T) -> (b: T), T in {int32", 30, "expected ',' or '}'");
  expect_signature_error ("(a: list(str)) -> ()", 10, "expected 'int' or 'float'");
  expect_signature_error ("(a: list(int -> ()", 14, "expected ')'");
  expect_signature_error ("(a: T) -> (b: 3)", 15, "expected a dtype or a type variable");
}

TEST (Signature, MultiLineSignatureIsShownOnOneLine)
{
  Failure f = fail ("(x: T,\n\tn: int = x)\n-> (y: T)");

  EXPECT_EQ (f.code, GRAFT_PLUGIN_ERROR_INVALID_SIGNATURE);
  EXPECT_EQ (f.message, "Invalid signature for Test at character 18: bad default for int attribute 'n': "
                        "expected an integer, not 'x'\n"
                        "  (x: T,  n: int = x) -> (y: T)\n"
                        "                   ^");
}

TEST (Signature, BadDefaults)
{
  expect_signature_error ("(x: int = 1.5) -> ()", 11,
                          "bad default for int attribute 'x': expected an integer, not '1.5'");
  expect_signature_error ("(x: int = ) -> ()", 11, "bad default for int attribute 'x': expected an integer");
  expect_signature_error ("(x: int = 99999999999999999999) -> ()", 11,
                          "bad default for int attribute 'x': integer 99999999999999999999 is out of range");
  expect_signature_error ("(x: bool = yes) -> ()", 12, "bad default for bool attribute 'x': expected true or false");
  expect_signature_error ("(x: bool = 1) -> ()", 12, "bad default for bool attribute 'x': expected true or false");
  expect_signature_error ("(x: float = fast) -> ()", 13,
                          "bad default for float attribute 'x': expected a number, not 'fast'");
  expect_signature_error ("(x: float = 1e999) -> ()", 13,
                          "bad default for float attribute 'x': number 1e999 is out of range");
  expect_signature_error ("(x: string = abc) -> ()", 14,
                          "bad default for string attribute 'x': expected a string in double quotes");
  expect_signature_error ("(x: string = \"abc) -> ()", 25,
                          "bad default for string attribute 'x': unterminated string");
  expect_signature_error ("(x: string = \"a\\nb\") -> ()", 16,
                          "bad default for string attribute 'x': invalid escape: only \\\" and \\\\ are allowed");
  expect_signature_error ("(x: type = float) -> ()", 12,
                          "bad default for type attribute 'x': unknown dtype 'float' (write float32)");
  expect_signature_error ("(x: type = float8) -> ()", 12, "bad default for type attribute 'x': unknown dtype 'float8'");
  expect_signature_error ("(x: shape = [2, x]) -> ()", 17,
                          "bad default for shape attribute 'x': expected a dimension (an integer ≥ 0, -1 or ?)");
  expect_signature_error ("(x: shape = [-2]) -> ()", 14,
                          "bad default for shape attribute 'x': a dimension must be ≥ 0, -1 or ?, not -2");
  expect_signature_error ("(x: shape = [2 3]) -> ()", 16, "bad default for shape attribute 'x': expected ',' or ']'");
  expect_signature_error ("(x: shape = 2) -> ()", 13,
                          "bad default for shape attribute 'x': expected a shape: ? or [dim, ...]");
  expect_signature_error ("(x: tensor = 1) -> ()", 14,
                          "bad default for tensor attribute 'x': a tensor attribute cannot have a default");
  expect_signature_error ("(x: list(int) = [1, 2.5]) -> ()", 21,
                          "bad default for list(int) attribute 'x': expected an integer, not '2.5'");
  expect_signature_error ("(x: list(int) = [1,]) -> ()", 20, "bad default for list(int) attribute 'x': expected an integer");
  expect_signature_error ("(x: list(float) = 1.0) -> ()", 19, "bad default for list(float) attribute 'x': expected '['");
  expect_signature_error ("(x: list(float) = [1, true]) -> ()", 23,
                          "bad default for list(float) attribute 'x': expected a number, not 'true'");
  expect_signature_error ("(x: float32 = 1) -> ()", 13, "the tensor input 'x' cannot have a default");
}

TEST (Signature, ShapeDefaultRankLimit)
{
  std::string sig = "(s: shape = [";
  for (int i = 0; i < GRAFT_MAX_RANK; i++)
    sig += "1, ";
  int column = (int) sig.size () + 1;
  sig += "1]) -> ()";
  expect_signature_error (sig.c_str (), column, "bad default for shape attribute 's': more than 32 dimensions");

  std::string ok = "(s: shape = [1";
  for (int i = 1; i < GRAFT_MAX_RANK; i++)
    ok += ", 1";
  ok += "]) -> ()";
  DefPtr def = parse (ok.c_str ());
  ASSERT_TRUE (def);
  EXPECT_EQ (graft_shape_get_rank (def->attrs[0].default_value.shape), GRAFT_MAX_RANK);
}

/* ---- type variables and dtypes ---- */

TEST (Signature, FixedDtypes)
{
  DefPtr def = parse ("(x: float32, y: int64, z: complex64, w: float64, v: int32) -> (out: bool)");

  ASSERT_TRUE (def);
  ASSERT_EQ (def->n_inputs, 5u);
  EXPECT_EQ (def->n_attrs, 0u);
  GraftDType expected[] = { GRAFT_DTYPE_FLOAT32, GRAFT_DTYPE_INT64, GRAFT_DTYPE_COMPLEX64,
                            GRAFT_DTYPE_FLOAT64, GRAFT_DTYPE_INT32 };
  for (guint i = 0; i < 5; i++)
    {
      EXPECT_EQ (def->inputs[i].dtype, expected[i]);
      EXPECT_EQ (def->inputs[i].type_attr, -1);
    }
  EXPECT_EQ (def->outputs[0].dtype, GRAFT_DTYPE_BOOL);
  EXPECT_EQ (def->outputs[0].type_attr, -1);
}

TEST (Signature, BoolAndFloatAsParameterTypesAreAttributeKinds)
{
  DefPtr def = parse ("(b: bool, f: float) -> (y: bool)");

  ASSERT_TRUE (def);
  EXPECT_EQ (def->n_inputs, 0u);
  ASSERT_EQ (def->n_attrs, 2u);
  EXPECT_EQ (def->attrs[0].kind, GRAFT_ATTR_BOOL);
  EXPECT_EQ (def->attrs[1].kind, GRAFT_ATTR_FLOAT);
  EXPECT_EQ (def->outputs[0].dtype, GRAFT_DTYPE_BOOL);
}

TEST (Signature, AliasesAreNotDtypes)
{
  expect_signature_error ("(x: double) -> ()", 5, "unknown dtype 'double' (write float64)");
  expect_signature_error ("(x: T) -> (y: float)", 15, "unknown dtype 'float' (write float32)");
  expect_signature_error ("(x: T) -> (y: int)", 15,
                          "'int' is an attribute kind, but outputs are tensors: give a dtype or a type variable");
}

/* A misspelt kind or dtype is not taken for a new type variable (which
 * made `factor: flaot` a tensor input); names far from any stay
 * variables. */
TEST (Signature, MisspeltKindsAndDtypesAreErrorsWithAHint)
{
  expect_signature_error ("(x: T, factor: flaot) -> (y: T)", 16, "unknown type 'flaot': did you mean 'float'?");
  expect_signature_error ("(x: T, n: itn = 1) -> (y: T)", 11, "unknown type 'itn': did you mean 'int'?");
  expect_signature_error ("(x: flaot32) -> (y: x)", 5, "unknown type 'flaot32': did you mean 'float32'?");
  expect_signature_error ("(x: T) -> (y: in64)", 15, "unknown type 'in64': did you mean 'int64'?");
  for (const char *ok : { "(x: T) -> (y: T)", "(x: Tidx, y: T) -> (z: T)", "(x: Tin) -> (y: Tin)",
                          "(a: T, b: U) -> (c: T)", "(x: dtype) -> (y: dtype)" })
    EXPECT_TRUE (parse (ok)) << ok;
}

TEST (Signature, ImplicitAndExplicitTypeVariables)
{
  DefPtr def = parse ("(x: T, dtype: type = float32) -> (y: dtype, z: T)");

  ASSERT_TRUE (def);
  ASSERT_EQ (def->n_attrs, 2u);
  EXPECT_STREQ (def->attrs[0].name, "dtype");
  EXPECT_FALSE (def->attrs[0].inferred);
  EXPECT_TRUE (def->attrs[0].has_default);
  EXPECT_EQ (def->attrs[0].default_value.type, GRAFT_DTYPE_FLOAT32);
  EXPECT_STREQ (def->attrs[1].name, "T");
  EXPECT_TRUE (def->attrs[1].inferred);
  EXPECT_EQ (def->inputs[0].type_attr, 1);
  EXPECT_EQ (def->outputs[0].type_attr, 0);
  EXPECT_EQ (def->outputs[1].type_attr, 1);
  /* The type variable is not a kernel parameter; the explicit one is. */
  ASSERT_EQ (def->n_params, 2u);
  EXPECT_EQ (def->params[0].kind, GRAFT_PARAM_INPUT);
  EXPECT_EQ (def->params[1].kind, GRAFT_PARAM_ATTR);
  EXPECT_EQ (def->params[1].index, 0);
}

TEST (Signature, ExplicitTypeAttributeDeclaredAfterItsUse)
{
  DefPtr def = parse ("(x: D, D: type) -> (y: D)");

  ASSERT_TRUE (def);
  ASSERT_EQ (def->n_attrs, 1u);
  EXPECT_STREQ (def->attrs[0].name, "D");
  EXPECT_FALSE (def->attrs[0].inferred);
  EXPECT_FALSE (def->attrs[0].has_default);
  EXPECT_EQ (def->inputs[0].type_attr, 0);
  EXPECT_EQ (def->outputs[0].type_attr, 0);
}

TEST (Signature, ImplicitAttributesFollowExplicitOnesInOrderOfAppearance)
{
  DefPtr def = parse ("(a: U, b: T, c: U, n: int) -> (y: T, z: U)");

  ASSERT_TRUE (def);
  ASSERT_EQ (def->n_attrs, 3u);
  EXPECT_STREQ (def->attrs[0].name, "n");
  EXPECT_STREQ (def->attrs[1].name, "U");
  EXPECT_STREQ (def->attrs[2].name, "T");
  EXPECT_EQ (def->inputs[0].type_attr, 1);
  EXPECT_EQ (def->inputs[1].type_attr, 2);
  EXPECT_EQ (def->inputs[2].type_attr, 1);
  EXPECT_EQ (def->outputs[0].type_attr, 2);
  EXPECT_EQ (def->outputs[1].type_attr, 1);
}

TEST (Signature, OutputTypeVariableMustBeBound)
{
  expect_signature_error ("(x: T) -> (y: U)", 15,
                          "the type variable 'U' of output 'y' is not bound by any input");
  expect_signature_error ("() -> (y: T)", 11, "the type variable 'T' of output 'y' is not bound by any input");
}

TEST (Signature, TypeTokensNamingOtherThings)
{
  expect_signature_error ("(n: int, x: n) -> ()", 13, "'n' is an attribute of kind int, not a type");
  expect_signature_error ("(x: T, y: x) -> ()", 11, "'x' is an input, not a type");
  expect_signature_error ("(x: T) -> (y: T, z: y)", 21, "'y' is an output, not a type");
  expect_signature_error ("(x: _T) -> ()", 5, "'_T' is reserved: names starting with '_' belong to Graft");
}

TEST (Signature, Constraints)
{
  DefPtr def = parse ("(x: T, dtype: type = int32) -> (y: dtype), dtype in {int32, int64}, T in {float32}");

  ASSERT_TRUE (def);
  EXPECT_EQ (attr (def.get (), "dtype")->allowed_dtypes,
             GRAFT_DTYPE_BIT (GRAFT_DTYPE_INT32) | GRAFT_DTYPE_BIT (GRAFT_DTYPE_INT64));
  EXPECT_EQ (attr (def.get (), "T")->allowed_dtypes, GRAFT_DTYPE_BIT (GRAFT_DTYPE_FLOAT32));

  DefPtr open = parse ("(x: T) -> (y: T)");
  ASSERT_TRUE (open);
  EXPECT_EQ (open->attrs[0].allowed_dtypes, GRAFT_DTYPES_ALL);
}

TEST (Signature, ConstraintErrors)
{
  expect_signature_error ("(x: T) -> (y: T), U in {float32}", 19, "'U' is not a type attribute of the signature");
  expect_signature_error ("(n: int) -> (), n in {int32}", 17, "'n' is an attribute of kind int, not a type");
  expect_signature_error ("(x: T) -> (y: T), T in {float32}, T in {int32}", 35, "duplicate constraint on 'T'");
  expect_signature_error ("(x: T) -> (y: T), T in {float32, float}", 34, "unknown dtype 'float' (write float32)");
  expect_signature_error ("(x: T) -> (y: T), T in {float8}", 25, "unknown dtype 'float8'");
  expect_signature_error ("(t: type = int32) -> (), t in {float32}", 26,
                          "the default of 't', int32, is not an allowed dtype");
  expect_signature_error ("(x: T) -> (y: T), x in {float32}", 19, "'x' is not a type attribute of the signature");
}

TEST (Signature, ParamsFollowSignatureOrder)
{
  DefPtr def = parse_info (make_info ("Test", "(n: int, a: T, s: string, b: T, l: list(float)) -> (y: T)",
                                      G_CALLBACK (unused_kernel), 8));

  ASSERT_TRUE (def);
  ASSERT_EQ (def->n_params, 5u);
  GraftParamKind kinds[] = { GRAFT_PARAM_ATTR, GRAFT_PARAM_INPUT, GRAFT_PARAM_ATTR, GRAFT_PARAM_INPUT,
                             GRAFT_PARAM_ATTR };
  int indexes[] = { 0, 0, 1, 1, 2 };
  for (guint i = 0; i < 5; i++)
    {
      EXPECT_EQ (def->params[i].kind, kinds[i]) << i;
      EXPECT_EQ (def->params[i].index, indexes[i]) << i;
    }
  EXPECT_STREQ (def->attrs[def->params[4].index].name, "l");
  EXPECT_STREQ (def->inputs[def->params[3].index].name, "b");

  ASSERT_EQ (def->cif.nargs, 8u);
  ffi_type *gsize_type = sizeof (gsize) == 8 ? &ffi_type_uint64 : &ffi_type_uint32;
  ffi_type *expected[] = { &ffi_type_pointer, &ffi_type_sint64, &ffi_type_pointer, &ffi_type_pointer,
                           &ffi_type_pointer, &ffi_type_pointer, gsize_type, &ffi_type_pointer };
  for (guint i = 0; i < 8; i++)
    EXPECT_EQ (def->ffi_args[i], expected[i]) << "argument " << i;
}

TEST (Signature, DuplicateNames)
{
  expect_signature_error ("(a: T, a: T) -> ()", 8, "duplicate name 'a'");
  expect_signature_error ("(a: T) -> (a: T)", 12, "duplicate name 'a'");
  expect_signature_error ("(a: T, b: int) -> (b: T)", 20, "duplicate name 'b'");
  expect_signature_error ("(a: T) -> (y: T, y: T)", 18, "duplicate name 'y'");
}

TEST (Signature, ReservedNames)
{
  expect_signature_error ("(_x: T) -> ()", 2, "'_x' is reserved: names starting with '_' belong to Graft");
  expect_signature_error ("(x: T) -> (_y: T)", 12, "'_y' is reserved: names starting with '_' belong to Graft");
  expect_signature_error ("(_seed: int) -> ()", 2, "'_seed' is reserved: names starting with '_' belong to Graft");
}

TEST (Signature, DefinitionNames)
{
  const char *valid[] = { "acme.Scale", "glorot_uniform", "MatMul", "a.b.C1_2", "x" };
  const char *invalid[] = { "1abc", "_x", "acme..Scale", "acme.", ".acme", "a-b", "acme._x", "a b", "a/b" };

  for (const char *name : valid)
    {
      DefPtr def = parse_info (make_info (name, "() -> ()"));
      ASSERT_TRUE (def) << name;
      EXPECT_STREQ (def->name, name);
    }
  for (const char *name : invalid)
    {
      Failure f = fail_info (make_info (name, "() -> ()"));
      EXPECT_EQ (f.domain, GRAFT_PLUGIN_ERROR) << name;
      EXPECT_EQ (f.code, GRAFT_PLUGIN_ERROR_INVALID_DEFINITION) << name;
      EXPECT_NE (f.message.find (std::string ("'") + name + "' is not a valid op name"), std::string::npos)
        << f.message;
    }
  Failure f = fail_info (make_info ("", "() -> ()"));
  EXPECT_EQ (f.code, GRAFT_PLUGIN_ERROR_INVALID_DEFINITION);
  f = fail_info (make_info (nullptr, "() -> ()"));
  EXPECT_EQ (f.code, GRAFT_PLUGIN_ERROR_INVALID_DEFINITION);
  f = fail_info (make_info ("1x", "() -> (y: float32)"), GRAFT_OP_KIND_INITIALIZER);
  EXPECT_NE (f.message.find ("is not a valid initializer name"), std::string::npos) << f.message;
}

TEST (Signature, EmptySignatureOrSummary)
{
  Failure f = fail_info (make_info ("Op", nullptr));
  EXPECT_EQ (f.domain, GRAFT_PLUGIN_ERROR);
  EXPECT_EQ (f.code, GRAFT_PLUGIN_ERROR_INVALID_DEFINITION);
  EXPECT_EQ (f.message, "Op: the definition has no signature");

  f = fail_info (make_info ("Op", ""));
  EXPECT_EQ (f.code, GRAFT_PLUGIN_ERROR_INVALID_DEFINITION);

  GraftOpInfo info = make_info ("Op", "() -> ()");
  info.summary = nullptr;
  f = fail_info (info);
  EXPECT_EQ (f.code, GRAFT_PLUGIN_ERROR_INVALID_DEFINITION);
  EXPECT_EQ (f.message, "Op: the definition has no summary");
  info.summary = "";
  f = fail_info (info);
  EXPECT_EQ (f.code, GRAFT_PLUGIN_ERROR_INVALID_DEFINITION);

  /* Only spaces: it parses, and fails where '(' is missing. */
  expect_signature_error ("   ", 4, "expected '('");
}

/* ---- initializers and internal attributes ---- */

TEST (Signature, InitializerGetsInternalAttributes)
{
  GraftOpInfo info = make_info ("random_normal", "(mean: float = 0.0, stddev: float = 1.0) -> (y: T), "
                                "T in {float32, float64}", G_CALLBACK (unused_kernel), 4);
  DefPtr def = parse_info (info, GRAFT_OP_KIND_INITIALIZER);

  ASSERT_TRUE (def);
  EXPECT_EQ (def->kind, GRAFT_OP_KIND_INITIALIZER);
  ASSERT_EQ (def->n_attrs, 6u);
  const char *names[] = { "mean", "stddev", "T", "_shape", "_seed", "_seed2" };
  for (guint a = 0; a < 6; a++)
    EXPECT_STREQ (def->attrs[a].name, names[a]);

  /* The output's type variable is bound by Graft, not by an input. */
  EXPECT_TRUE (def->attrs[2].inferred);
  EXPECT_FALSE (def->attrs[2].is_internal);
  EXPECT_EQ (def->attrs[2].allowed_dtypes,
             GRAFT_DTYPE_BIT (GRAFT_DTYPE_FLOAT32) | GRAFT_DTYPE_BIT (GRAFT_DTYPE_FLOAT64));
  EXPECT_EQ (def->outputs[0].type_attr, 2);

  EXPECT_EQ (def->attrs[3].kind, GRAFT_ATTR_SHAPE);
  EXPECT_TRUE (def->attrs[3].is_internal);
  EXPECT_FALSE (def->attrs[3].has_default);
  for (guint a = 4; a < 6; a++)
    {
      EXPECT_EQ (def->attrs[a].kind, GRAFT_ATTR_INT);
      EXPECT_TRUE (def->attrs[a].is_internal);
      EXPECT_TRUE (def->attrs[a].has_default);
      EXPECT_EQ (def->attrs[a].default_value.i, 0);
    }
  /* Internal attributes are not kernel parameters. */
  EXPECT_EQ (def->n_params, 2u);
  EXPECT_EQ (def->cif.nargs, 4u);
  EXPECT_EQ (def->ffi_args[1], &ffi_type_double);
}

TEST (Signature, InitializerWithFixedOrExplicitOutputType)
{
  DefPtr fixed = parse ("() -> (y: float32)", GRAFT_OP_KIND_INITIALIZER);
  ASSERT_TRUE (fixed);
  EXPECT_EQ (fixed->outputs[0].dtype, GRAFT_DTYPE_FLOAT32);
  EXPECT_EQ (fixed->n_attrs, 3u);

  DefPtr explicit_type = parse ("(dtype: type = float32) -> (y: dtype)", GRAFT_OP_KIND_INITIALIZER);
  ASSERT_TRUE (explicit_type);
  EXPECT_EQ (explicit_type->outputs[0].type_attr, 0);
  EXPECT_FALSE (explicit_type->attrs[0].inferred);
  EXPECT_EQ (explicit_type->n_attrs, 4u);
}

TEST (Signature, InitializerShapeRules)
{
  Failure f = fail ("(x: float32) -> (y: float32)", GRAFT_OP_KIND_INITIALIZER);
  EXPECT_EQ (f.domain, GRAFT_PLUGIN_ERROR);
  EXPECT_EQ (f.code, GRAFT_PLUGIN_ERROR_INVALID_DEFINITION);
  EXPECT_EQ (f.message, "Initializer Test must take no tensor inputs, but its signature has 1: "
                        "(x: float32) -> (y: float32)");

  f = fail ("() -> (y: float32, z: float32)", GRAFT_OP_KIND_INITIALIZER);
  EXPECT_EQ (f.code, GRAFT_PLUGIN_ERROR_INVALID_DEFINITION);
  EXPECT_EQ (f.message, "Initializer Test must have exactly one output, but its signature has 2: "
                        "() -> (y: float32, z: float32)");

  f = fail ("(scale: float) -> ()", GRAFT_OP_KIND_INITIALIZER);
  EXPECT_EQ (f.code, GRAFT_PLUGIN_ERROR_INVALID_DEFINITION);
}

TEST (Signature, RandomFlagAddsSeeds)
{
  DefPtr def = parse ("(shape: list(int)) -> (y: float32)", GRAFT_OP_KIND_OP, GRAFT_OP_FLAGS_RANDOM);

  ASSERT_TRUE (def);
  ASSERT_EQ (def->n_attrs, 3u);
  EXPECT_STREQ (def->attrs[1].name, "_seed");
  EXPECT_STREQ (def->attrs[2].name, "_seed2");
  for (guint a = 1; a < 3; a++)
    {
      EXPECT_TRUE (def->attrs[a].is_internal);
      EXPECT_EQ (def->attrs[a].kind, GRAFT_ATTR_INT);
      EXPECT_TRUE (def->attrs[a].has_default);
    }
  EXPECT_EQ (def->n_params, 1u);
  EXPECT_EQ (attr_default (def.get (), "_seed2"), "0");

  DefPtr plain = parse ("(shape: list(int)) -> (y: float32)");
  ASSERT_TRUE (plain);
  EXPECT_EQ (plain->n_attrs, 1u);
  EXPECT_EQ (_graft_op_def_find_attr (plain.get (), "_seed"), -1);

  /* Seeds once, even for random initializers. */
  DefPtr init = parse ("() -> (y: T)", GRAFT_OP_KIND_INITIALIZER, GRAFT_OP_FLAGS_RANDOM);
  ASSERT_TRUE (init);
  EXPECT_EQ (init->n_attrs, 4u);
}

/* ---- kernels ---- */

TEST (Signature, ArityMismatchSpellsThePrototype)
{
  Failure f = fail_info (make_info ("MatMul", kMatMul, G_CALLBACK (unused_kernel), 5));

  EXPECT_EQ (f.domain, GRAFT_PLUGIN_ERROR);
  EXPECT_EQ (f.code, GRAFT_PLUGIN_ERROR_ARITY_MISMATCH);
  EXPECT_EQ (f.message, "MatMul: the kernel is declared with 5 parameters, but the signature needs 6: "
                        "(GraftKernel *k, const GraftTensor *a, const GraftTensor *b, gboolean transpose_a, "
                        "gboolean transpose_b, GraftTensor *product)");
}

TEST (Signature, ArityMismatchWithEveryKind)
{
  const char *sig = "(x: T, b: bool, i: int, f: float, s: string, t: type, sh: shape, te: tensor, "
                    "li: list(int), lf: list(float)) -> (y: T)";
  Failure f = fail_info (make_info ("Test", sig, G_CALLBACK (unused_kernel), 1));

  EXPECT_EQ (f.code, GRAFT_PLUGIN_ERROR_ARITY_MISMATCH);
  EXPECT_EQ (f.message, "Test: the kernel is declared with 1 parameter, but the signature needs 14: "
                        "(GraftKernel *k, const GraftTensor *x, gboolean b, gint64 i, double f, const char *s, "
                        "GraftDType t, const GraftShape *sh, const GraftTensor *te, const gint64 *li, "
                        "gsize n_li, const double *lf, gsize n_lf, GraftTensor *y)");

  DefPtr def = parse_info (make_info ("Test", sig, G_CALLBACK (unused_kernel), 14));
  ASSERT_TRUE (def);
  ASSERT_EQ (def->cif.nargs, 14u);
  ffi_type *gsize_type = sizeof (gsize) == 8 ? &ffi_type_uint64 : &ffi_type_uint32;
  ffi_type *expected[] = { &ffi_type_pointer, &ffi_type_pointer, &ffi_type_sint, &ffi_type_sint64,
                           &ffi_type_double, &ffi_type_pointer, &ffi_type_sint, &ffi_type_pointer,
                           &ffi_type_pointer, &ffi_type_pointer, gsize_type, &ffi_type_pointer,
                           gsize_type, &ffi_type_pointer };
  for (guint i = 0; i < 14; i++)
    EXPECT_EQ (def->ffi_args[i], expected[i]) << "argument " << i;
}

/* `inputs: N * T`: a list input, its length an inferred int attribute
 * shared by every list of the signature, passed to the kernel as an array
 * and a count. */
TEST (Signature, ListInputs)
{
  DefPtr def = parse ("(a: float32, inputs: N * T, b: T) -> (y: T), T in {float32, float64}");

  ASSERT_TRUE (def);
  ASSERT_EQ (graft_op_def_get_num_inputs (def.get ()), 3u);
  EXPECT_EQ (graft_op_def_get_input_number_attr (def.get (), 0), -1);
  EXPECT_EQ (graft_op_def_get_input_number_attr (def.get (), 2), -1);
  gint n = graft_op_def_get_input_number_attr (def.get (), 1);
  ASSERT_GE (n, 0);
  EXPECT_STREQ (graft_op_def_get_attr_name (def.get (), (guint) n), "N");
  EXPECT_EQ (graft_op_def_get_attr_kind (def.get (), (guint) n), GRAFT_ATTR_INT);
  EXPECT_TRUE (graft_op_def_is_attr_inferred (def.get (), (guint) n));
  EXPECT_EQ (graft_op_def_get_input_type_attr (def.get (), 1), graft_op_def_get_input_type_attr (def.get (), 2));
  EXPECT_EQ (def->number_attr, n);
  EXPECT_EQ (def->n_list_inputs, 1u);

  /* Two lists share their length. */
  DefPtr two = parse ("(keys: N * int32, values: N * T) -> (y: T)");
  ASSERT_TRUE (two);
  EXPECT_EQ (graft_op_def_get_input_number_attr (two.get (), 0), graft_op_def_get_input_number_attr (two.get (), 1));
  EXPECT_EQ (two->n_list_inputs, 2u);
  EXPECT_EQ (graft_op_def_get_input_dtype (two.get (), 0), GRAFT_DTYPE_INT32);

  /* The flat positions of the arguments for a given length. */
  EXPECT_EQ (_graft_op_def_list_len (def.get (), 1), -1);
  EXPECT_EQ (_graft_op_def_list_len (def.get (), 2), 0);
  EXPECT_EQ (_graft_op_def_list_len (def.get (), 6), 4);
  EXPECT_EQ (_graft_op_def_input_offset (def.get (), 4, 2), 5u);
  EXPECT_EQ (_graft_op_def_input_arg (def.get (), 4, 0), 0u);
  EXPECT_EQ (_graft_op_def_input_arg (def.get (), 4, 4), 1u);
  EXPECT_EQ (_graft_op_def_input_arg (def.get (), 4, 5), 2u);
  EXPECT_EQ (_graft_op_def_list_len (two.get (), 5), -1);
  EXPECT_EQ (_graft_op_def_list_len (two.get (), 6), 3);
}

TEST (Signature, ListInputErrors)
{
  expect_signature_error ("(x: 3 * T) -> ()", 5,
                          "the length of a list input is an attribute name (N * T), not a number");
  expect_signature_error ("(x: N * ) -> ()", 9, "expected the dtype or type variable of the list's tensors");
  expect_signature_error ("(x: N * int) -> ()", 9,
                          "a list input holds tensors, not int attributes: give a dtype or a type variable "
                          "(a list attribute is written list(int))");
  expect_signature_error ("(x: N * list(int)) -> ()", 9,
                          "a list input holds tensors, not attribute lists: give a dtype or a type variable");
  expect_signature_error ("(x: N * T = 1) -> ()", 11, "the list input 'x' cannot have a default");
  expect_signature_error ("(x: T) -> (y: N * T)", 15, "outputs cannot be lists: only inputs may be written N * T");
  expect_signature_error ("(x: N * T, N: int) -> ()", 5,
                          "the length 'N' of list input 'x' is inferred from the inputs given; it cannot also be "
                          "a parameter");
  expect_signature_error ("(x: N * T, y: M * T) -> ()", 15,
                          "list input 'y' has length 'M', but an earlier list has 'N': the list inputs of an op "
                          "share one length");
  expect_signature_error ("(x: N * T, y: N) -> ()", 15, "'N' is the length of a list input, not a type");
  expect_signature_error ("(y: T, x: T * float32) -> ()", 11, "'T' is a type variable, not the length of a list");
  expect_signature_error ("(x: float32 * T) -> ()", 5,
                          "the length of list input 'x' must be a name, not the dtype float32");
  expect_signature_error ("(x: _N * T) -> ()", 5, "'_N' is reserved: names starting with '_' belong to Graft");
}

TEST (Signature, ListInputArity)
{
  Failure f = fail_info (make_info ("Test", "(a: T, inputs: N * T) -> (y: T)", G_CALLBACK (unused_kernel), 4));

  EXPECT_EQ (f.code, GRAFT_PLUGIN_ERROR_ARITY_MISMATCH);
  EXPECT_EQ (f.message, "Test: the kernel is declared with 4 parameters, but the signature needs 5: "
                        "(GraftKernel *k, const GraftTensor *a, const GraftTensor *const *inputs, gsize n_inputs, "
                        "GraftTensor *y)");

  DefPtr def = parse_info (make_info ("Test", "(a: T, inputs: N * T) -> (y: T)", G_CALLBACK (unused_kernel), 5));
  ASSERT_TRUE (def);
  ffi_type *gsize_type = sizeof (gsize) == 8 ? &ffi_type_uint64 : &ffi_type_uint32;
  ffi_type *expected[] = { &ffi_type_pointer, &ffi_type_pointer, &ffi_type_pointer, gsize_type, &ffi_type_pointer };
  ASSERT_EQ (def->cif.nargs, 5u);
  for (guint i = 0; i < 5; i++)
    EXPECT_EQ (def->ffi_args[i], expected[i]) << "argument " << i;
}

TEST (Signature, NoKernelSkipsTheArityCheck)
{
  DefPtr def = parse_info (make_info ("Test", kMatMul, nullptr, 99));

  ASSERT_TRUE (def);
  EXPECT_EQ (def->kernel, nullptr);
  EXPECT_EQ (def->ffi_args, nullptr);
  EXPECT_EQ (def->arity, 0u);
}

namespace {

struct KernelCall
{
  gpointer k;
  const GraftTensor *x;
  gboolean flag;
  gint64 n;
  double factor;
  GraftDType dtype;
  std::vector<gint64> axes;
  std::vector<double> weights;
  const char *label;
  GraftTensor *y;
  int calls;
} kernel_call;

void
recording_kernel (gpointer           k,
                  const GraftTensor *x,
                  gboolean           flag,
                  gint64             n,
                  double             factor,
                  GraftDType         dtype,
                  const gint64      *axes,
                  gsize              n_axes,
                  const double      *weights,
                  gsize              n_weights,
                  const char        *label,
                  GraftTensor       *y)
{
  kernel_call.k = k;
  kernel_call.x = x;
  kernel_call.flag = flag;
  kernel_call.n = n;
  kernel_call.factor = factor;
  kernel_call.dtype = dtype;
  kernel_call.axes.assign (axes, axes + n_axes);
  kernel_call.weights.assign (weights, weights + n_weights);
  kernel_call.label = label;
  kernel_call.y = y;
  kernel_call.calls++;
}

}  // namespace

TEST (Signature, PreparedCifCallsTheKernel)
{
  DefPtr def = parse_info (make_info ("Test", "(x: T, flag: bool, n: int, factor: float, dtype: type, "
                                      "axes: list(int), weights: list(float), label: string) -> (y: T)",
                                      G_CALLBACK (recording_kernel), 12));
  ASSERT_TRUE (def);
  ASSERT_EQ (def->cif.nargs, 12u);

  gpointer k = GSIZE_TO_POINTER (0x1000);
  const GraftTensor *x = reinterpret_cast<const GraftTensor *> (GSIZE_TO_POINTER (0x2000));
  gboolean flag = TRUE;
  gint64 n = -(G_GINT64_CONSTANT (1) << 40);
  double factor = 2.25;
  GraftDType dtype = GRAFT_DTYPE_COMPLEX64;
  gint64 axes[] = { 3, -1 };
  const gint64 *axes_p = axes;
  gsize n_axes = 2;
  double weights[] = { 0.5 };
  const double *weights_p = weights;
  gsize n_weights = 1;
  const char *label = "hello";
  GraftTensor *y = reinterpret_cast<GraftTensor *> (GSIZE_TO_POINTER (0x3000));
  void *args[] = { &k, &x, &flag, &n, &factor, &dtype, &axes_p, &n_axes, &weights_p, &n_weights, &label, &y };

  kernel_call = {};
  ffi_call (&def->cif, FFI_FN (def->kernel), nullptr, args);
  EXPECT_EQ (kernel_call.calls, 1);
  EXPECT_EQ (kernel_call.k, k);
  EXPECT_EQ (kernel_call.x, x);
  EXPECT_TRUE (kernel_call.flag);
  EXPECT_EQ (kernel_call.n, n);
  EXPECT_DOUBLE_EQ (kernel_call.factor, 2.25);
  EXPECT_EQ (kernel_call.dtype, GRAFT_DTYPE_COMPLEX64);
  EXPECT_EQ (kernel_call.axes, (std::vector<gint64>{ 3, -1 }));
  EXPECT_EQ (kernel_call.weights, (std::vector<double>{ 0.5 }));
  EXPECT_STREQ (kernel_call.label, "hello");
  EXPECT_EQ (kernel_call.y, y);
}

namespace {

void
closure_finalized (gpointer data, GClosure *)
{
  *static_cast<gboolean *> (data) = TRUE;
}

}  // namespace

TEST (Signature, FreeReleasesTheClosure)
{
  gboolean finalized = FALSE;
  GraftOpInfo info = make_info ("Test", "() -> ()");
  GraftOpDef *def = _graft_op_def_new (GRAFT_OP_KIND_OP, &info, nullptr, nullptr);

  ASSERT_NE (def, nullptr);
  def->closure = g_cclosure_new (G_CALLBACK (unused_kernel), nullptr, nullptr);
  g_closure_add_finalize_notifier (def->closure, &finalized, closure_finalized);
  _graft_op_def_free (def);
  EXPECT_TRUE (finalized);
  _graft_op_def_free (nullptr);
}

TEST (Signature, FreeReleasesDefaultShapes)
{
  DefPtr def = parse ("(s: shape = [2, 3]) -> ()");
  ASSERT_TRUE (def);
  GraftShape *shape = graft_shape_ref (def->attrs[0].default_value.shape);
  def.reset ();
  /* Only our reference is left: it can be dropped exactly once more. */
  EXPECT_EQ (shape_str (shape), "(2, 3)");
  graft_shape_unref (shape);
}

TEST (Signature, FindAttr)
{
  DefPtr def = parse ("(x: T, n: int) -> (y: T)", GRAFT_OP_KIND_OP, GRAFT_OP_FLAGS_RANDOM);

  ASSERT_TRUE (def);
  EXPECT_EQ (_graft_op_def_find_attr (def.get (), "n"), 0);
  EXPECT_EQ (_graft_op_def_find_attr (def.get (), "T"), 1);
  EXPECT_EQ (_graft_op_def_find_attr (def.get (), "_seed"), 2);
  EXPECT_EQ (_graft_op_def_find_attr (def.get (), "_seed2"), 3);
  EXPECT_EQ (_graft_op_def_find_attr (def.get (), "x"), -1);
  EXPECT_EQ (_graft_op_def_find_attr (def.get (), "N"), -1);
  EXPECT_EQ (_graft_op_def_find_attr (def.get (), ""), -1);
}

/* ---- attribute values ---- */

TEST (AttrValue, ParsesEveryKind)
{
  GraftAttrValue v;
  GError *error = nullptr;

  ASSERT_TRUE (_graft_attr_value_parse (GRAFT_ATTR_BOOL, " false ", &v, &error));
  EXPECT_FALSE (v.b);
  ASSERT_TRUE (_graft_attr_value_parse (GRAFT_ATTR_INT, "-9223372036854775808", &v, &error));
  EXPECT_EQ (v.i, G_MININT64);
  ASSERT_TRUE (_graft_attr_value_parse (GRAFT_ATTR_FLOAT, "-inf", &v, &error));
  EXPECT_TRUE (std::isinf (v.f) && v.f < 0);
  ASSERT_TRUE (_graft_attr_value_parse (GRAFT_ATTR_FLOAT, "7", &v, &error));
  EXPECT_DOUBLE_EQ (v.f, 7.0);
  ASSERT_TRUE (_graft_attr_value_parse (GRAFT_ATTR_TYPE, "bool", &v, &error));
  EXPECT_EQ (v.type, GRAFT_DTYPE_BOOL);

  ASSERT_TRUE (_graft_attr_value_parse (GRAFT_ATTR_STRING, "\"a\\\\b\"", &v, &error));
  EXPECT_STREQ (v.s, "a\\b");
  _graft_attr_value_clear (GRAFT_ATTR_STRING, &v);
  EXPECT_EQ (v.s, nullptr);

  ASSERT_TRUE (_graft_attr_value_parse (GRAFT_ATTR_SHAPE, "[?, 4]", &v, &error));
  EXPECT_EQ (shape_str (v.shape), "(?, 4)");
  _graft_attr_value_clear (GRAFT_ATTR_SHAPE, &v);
  EXPECT_EQ (v.shape, nullptr);

  ASSERT_TRUE (_graft_attr_value_parse (GRAFT_ATTR_FLOAT_LIST, "[1e-3,2]", &v, &error));
  ASSERT_EQ (v.list.n, 2u);
  EXPECT_DOUBLE_EQ (static_cast<const double *> (v.list.v)[0], 0.001);
  _graft_attr_value_clear (GRAFT_ATTR_FLOAT_LIST, &v);
  EXPECT_EQ (v.list.v, nullptr);
  EXPECT_EQ (v.list.n, 0u);

  ASSERT_TRUE (_graft_attr_value_parse (GRAFT_ATTR_INT_LIST, "[]", &v, &error));
  EXPECT_EQ (v.list.n, 0u);
  _graft_attr_value_clear (GRAFT_ATTR_INT_LIST, &v);
  EXPECT_EQ (error, nullptr);
}

TEST (AttrValue, ParseErrors)
{
  GraftAttrValue v;
  GError *error = nullptr;

  v.i = 1234;
  EXPECT_FALSE (_graft_attr_value_parse (GRAFT_ATTR_INT, " 12x", &v, &error));
  ASSERT_NE (error, nullptr);
  EXPECT_TRUE (g_error_matches (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_INVALID_ATTR));
  EXPECT_STREQ (error->message, "Invalid int value ' 12x' at character 2: expected an integer, not '12x'");
  EXPECT_EQ (v.i, 1234);
  g_clear_error (&error);

  EXPECT_FALSE (_graft_attr_value_parse (GRAFT_ATTR_SHAPE, "[1, 2] 3", &v, &error));
  ASSERT_NE (error, nullptr);
  EXPECT_STREQ (error->message, "Invalid shape value '[1, 2] 3' at character 8: unexpected text after the value");
  g_clear_error (&error);

  EXPECT_FALSE (_graft_attr_value_parse (GRAFT_ATTR_TENSOR, "1", &v, &error));
  ASSERT_NE (error, nullptr);
  g_clear_error (&error);

  EXPECT_FALSE (_graft_attr_value_parse (GRAFT_ATTR_BOOL, "", &v, &error));
  ASSERT_NE (error, nullptr);
  EXPECT_STREQ (error->message, "Invalid bool value '' at character 1: expected true or false");
  g_clear_error (&error);
}

TEST (AttrValue, ToStringRoundTrips)
{
  struct
  {
    GraftAttrKind kind;
    const char *text;
  } cases[] = {
    { GRAFT_ATTR_BOOL, "true" },
    { GRAFT_ATTR_INT, "-7" },
    { GRAFT_ATTR_FLOAT, "0.30000000000000004" },
    { GRAFT_ATTR_FLOAT, "1e-300" },
    { GRAFT_ATTR_STRING, "\"q\\\"\\\\\"" },
    { GRAFT_ATTR_STRING, "\"\"" },
    { GRAFT_ATTR_TYPE, "complex64" },
    { GRAFT_ATTR_SHAPE, "[0, ?, 7]" },
    { GRAFT_ATTR_SHAPE, "?" },
    { GRAFT_ATTR_INT_LIST, "[1, 2]" },
    { GRAFT_ATTR_FLOAT_LIST, "[1.5, nan]" },
  };

  for (const auto &c : cases)
    {
      GraftAttrValue v;
      GError *error = nullptr;

      ASSERT_TRUE (_graft_attr_value_parse (c.kind, c.text, &v, &error)) << c.text;
      char *s = _graft_attr_value_to_string (c.kind, &v);
      EXPECT_STREQ (s, c.text);
      g_free (s);
      _graft_attr_value_clear (c.kind, &v);
    }
}

TEST (AttrValue, FloatsRoundTripExactly)
{
  std::mt19937_64 rng (20240611);
  std::vector<double> values = { 1.0 / 3, 2e20 / 3, 5e-324, DBL_MAX, -DBL_MIN, 1e15 + 0.5, 9007199254740993.0,
                                 0.1 + 0.2, -0.0, 1e16, 123456789012345678.0 };

  for (int i = 0; i < 20000; i++)
    {
      guint64 bits = rng ();
      double v;

      memcpy (&v, &bits, sizeof v);
      if (std::isfinite (v))
        values.push_back (v);
    }
  for (double v : values)
    {
      GraftAttrValue in = {}, out = {};
      GError *error = nullptr;

      in.f = v;
      char *text = _graft_attr_value_to_string (GRAFT_ATTR_FLOAT, &in);
      ASSERT_TRUE (_graft_attr_value_parse (GRAFT_ATTR_FLOAT, text, &out, &error)) << text;
      EXPECT_EQ (memcmp (&in.f, &out.f, sizeof (double)), 0) << text << " for " << v;
      g_free (text);
    }
}

TEST (AttrValue, ClearReleasesTensorsAndShapes)
{
  GraftTensor *t = graft_tensor_new_scalar (GRAFT_DTYPE_FLOAT32, 1.0);
  GraftAttrValue v = {};

  v.tensor = graft_tensor_ref (t);
  EXPECT_EQ (t->ref_count, 2);
  char *s = _graft_attr_value_to_string (GRAFT_ATTR_TENSOR, &v);
  char *expected = graft_tensor_to_string (t);
  EXPECT_STREQ (s, expected);
  g_free (s);
  g_free (expected);
  _graft_attr_value_clear (GRAFT_ATTR_TENSOR, &v);
  EXPECT_EQ (v.tensor, nullptr);
  EXPECT_EQ (t->ref_count, 1);
  graft_tensor_unref (t);
}

/* ---- public accessors ---- */

TEST (OpDef, Accessors)
{
  GraftOpInfo info = make_info ("acme.Scale", "(x: T, factor: float = 2.0, mode: string = \"fan_in\", "
                                "dims: shape = [2, ?]) -> (y: T), T in {float64, float32}",
                                nullptr, 0, GRAFT_OP_FLAGS_RANDOM);
  DefPtr def = parse_info (info);
  const GraftOpDef *d = def.get ();

  ASSERT_TRUE (def);
  EXPECT_STREQ (graft_op_def_get_name (d), "acme.Scale");
  EXPECT_EQ (graft_op_def_get_kind (d), GRAFT_OP_KIND_OP);
  EXPECT_STREQ (graft_op_def_get_signature (d), info.signature);
  EXPECT_STREQ (graft_op_def_get_summary (d), "A definition made by a test");
  EXPECT_STREQ (graft_op_def_get_default_name (d), "acme.Scale");
  EXPECT_STREQ (graft_op_def_get_plugin_name (d), "test-plugin");
  EXPECT_EQ (graft_op_def_get_num_inputs (d), 1u);
  EXPECT_STREQ (graft_op_def_get_input_name (d, 0), "x");
  EXPECT_EQ (graft_op_def_get_num_outputs (d), 1u);
  EXPECT_STREQ (graft_op_def_get_output_name (d, 0), "y");

  /* Internal attributes are listed too. */
  ASSERT_EQ (graft_op_def_get_num_attrs (d), 6u);
  const char *names[] = { "factor", "mode", "dims", "T", "_seed", "_seed2" };
  GraftAttrKind kinds[] = { GRAFT_ATTR_FLOAT, GRAFT_ATTR_STRING, GRAFT_ATTR_SHAPE, GRAFT_ATTR_TYPE,
                            GRAFT_ATTR_INT, GRAFT_ATTR_INT };
  const char *defaults[] = { "2.0", "\"fan_in\"", "[2, ?]", nullptr, "0", "0" };
  for (guint a = 0; a < 6; a++)
    {
      EXPECT_STREQ (graft_op_def_get_attr_name (d, a), names[a]);
      EXPECT_EQ (graft_op_def_get_attr_kind (d, a), kinds[a]);
      char *s = graft_op_def_get_attr_default (d, a);
      EXPECT_STREQ (s, defaults[a]) << names[a];
      g_free (s);
      EXPECT_EQ (graft_op_def_is_attr_inferred (d, a), a == 3) << names[a];
    }

  guint n = 99;
  GraftDType *dtypes = graft_op_def_get_attr_allowed_dtypes (d, 3, &n);
  ASSERT_EQ (n, 2u);
  ASSERT_NE (dtypes, nullptr);
  EXPECT_EQ (dtypes[0], GRAFT_DTYPE_FLOAT32);
  EXPECT_EQ (dtypes[1], GRAFT_DTYPE_FLOAT64);
  g_free (dtypes);

  n = 99;
  EXPECT_EQ (graft_op_def_get_attr_allowed_dtypes (d, 0, &n), nullptr);
  EXPECT_EQ (n, 0u);
}

TEST (OpDef, InputAndOutputTypes)
{
  DefPtr def = parse ("(x: T, idx: int64, d: type) -> (y: T, n: int32, z: d)");
  const GraftOpDef *d = def.get ();

  ASSERT_TRUE (def);
  EXPECT_EQ (graft_op_def_get_input_dtype (d, 0), GRAFT_DTYPE_INVALID);
  EXPECT_EQ (graft_op_def_get_input_type_attr (d, 0), 1);
  EXPECT_STREQ (graft_op_def_get_attr_name (d, 1), "T");
  EXPECT_EQ (graft_op_def_get_input_dtype (d, 1), GRAFT_DTYPE_INT64);
  EXPECT_EQ (graft_op_def_get_input_type_attr (d, 1), -1);
  EXPECT_EQ (graft_op_def_get_output_type_attr (d, 0), 1);
  EXPECT_EQ (graft_op_def_get_output_dtype (d, 1), GRAFT_DTYPE_INT32);
  EXPECT_EQ (graft_op_def_get_output_type_attr (d, 1), -1);
  EXPECT_EQ (graft_op_def_get_output_dtype (d, 2), GRAFT_DTYPE_INVALID);
  EXPECT_EQ (graft_op_def_get_output_type_attr (d, 2), 0);
  EXPECT_FALSE (graft_op_def_is_attr_inferred (d, 0));
  EXPECT_TRUE (graft_op_def_is_attr_inferred (d, 1));
}

TEST (OpDef, AllowedDtypesWhenUnconstrained)
{
  DefPtr def = parse ("(x: T, d: type = bool) -> (y: T), d in {bool}");
  guint n = 99;

  ASSERT_TRUE (def);
  EXPECT_EQ (graft_op_def_get_attr_allowed_dtypes (def.get (), 1, &n), nullptr);
  EXPECT_EQ (n, 0u);
  GraftDType *dtypes = graft_op_def_get_attr_allowed_dtypes (def.get (), 0, &n);
  ASSERT_EQ (n, 1u);
  EXPECT_EQ (dtypes[0], GRAFT_DTYPE_BOOL);
  g_free (dtypes);
  char *s = graft_op_def_get_attr_default (def.get (), 0);
  EXPECT_STREQ (s, "bool");
  g_free (s);
}

TEST (OpDef, BoxedCopyIsTheSamePointer)
{
  DefPtr def = parse ("() -> ()");

  ASSERT_TRUE (def);
  EXPECT_STREQ (g_type_name (GRAFT_TYPE_OP_DEF), "GraftOpDef");
  EXPECT_TRUE (G_TYPE_IS_BOXED (GRAFT_TYPE_OP_DEF));
  gpointer copy = g_boxed_copy (GRAFT_TYPE_OP_DEF, def.get ());
  EXPECT_EQ (copy, def.get ());
  g_boxed_free (GRAFT_TYPE_OP_DEF, copy);
  /* Still alive: freeing a boxed definition does nothing. */
  EXPECT_STREQ (graft_op_def_get_signature (def.get ()), "() -> ()");
}

TEST (OpDef, OutOfRangeIndexIsAContractViolation)
{
  DefPtr def = parse ("(x: T) -> (y: T)");
  CriticalCatcher catcher;
  guint n = 5;

  ASSERT_TRUE (def);
  EXPECT_EQ (graft_op_def_get_input_name (def.get (), 1), nullptr);
  EXPECT_EQ (graft_op_def_get_attr_name (def.get (), 1), nullptr);
  EXPECT_EQ (graft_op_def_get_attr_allowed_dtypes (def.get (), 7, &n), nullptr);
  EXPECT_EQ (n, 0u);
  EXPECT_EQ (catcher.count, 3);
}

/* ---- shape functions ---- */

namespace {

struct InShape
{
  gint rank;
  std::vector<gint64> dims;
};

InShape
known (std::vector<gint64> dims)
{
  return InShape{ (gint) dims.size (), std::move (dims) };
}

InShape
unknown_rank ()
{
  return InShape{ GRAFT_RANK_UNKNOWN, {} };
}

/* A shape context as the op builder fills one: attribute values start as
 * the defaults, outputs start as garbage so that helpers must set them. */
class ShapeCtx
{
public:
  ShapeCtx (const char *signature, std::vector<InShape> inputs, const char *op_name = "op")
  {
    def_ = parse (signature);
    shapes_ = std::move (inputs);
    for (const auto &s : shapes_)
      {
        dtypes_.push_back (GRAFT_DTYPE_FLOAT32);
        ranks_.push_back (s.rank);
        dims_.push_back (s.dims.empty () ? nullptr : s.dims.data ());
      }
    if (def_)
      {
        attrs_.resize (def_->n_attrs + 1);
        for (guint a = 0; a < def_->n_attrs; a++)
          if (def_->attrs[a].has_default)
            attrs_[a] = def_->attrs[a].default_value;
        out_ranks_.assign (def_->n_outputs + 1, 99);
        out_dims_.assign ((def_->n_outputs + 1) * GRAFT_MAX_RANK, 12345);
      }
    ctx.def = def_.get ();
    ctx.op_name = op_name;
    ctx.n_inputs = (guint) shapes_.size ();
    ctx.in_dtypes = dtypes_.data ();
    ctx.in_ranks = ranks_.data ();
    ctx.in_dims = dims_.data ();
    ctx.in_values = nullptr;
    ctx.attrs = attrs_.data ();
    ctx.out_ranks = out_ranks_.data ();
    ctx.out_dims = out_dims_.data ();
  }

  GraftAttrValue &
  attr (const char *name)
  {
    gint a = _graft_op_def_find_attr (def_.get (), name);
    EXPECT_GE (a, 0) << name;
    return attrs_[a >= 0 ? a : def_->n_attrs];
  }

  void
  set_ints (const char *name, std::vector<gint64> values)
  {
    lists_.push_back (std::move (values));
    attr (name).list.v = lists_.back ().data ();
    attr (name).list.n = lists_.back ().size ();
  }

  std::string
  out (guint o) const
  {
    GString *s = g_string_new (NULL);
    _graft_dims_format (s, ctx.out_ranks[o], ctx.out_dims + o * GRAFT_MAX_RANK);
    std::string r = s->str;
    g_string_free (s, TRUE);
    return r;
  }

  /* Runs `fn`; returns "" or the error message (checking the domain). */
  std::string
  run (GraftShapeFunc fn)
  {
    GError *error = nullptr;
    gboolean ok = fn (&ctx, &error);
    std::string msg;

    EXPECT_EQ (ok, error == nullptr);
    if (error != nullptr)
      {
        EXPECT_TRUE (g_error_matches (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_SHAPE)) << error->message;
        msg = error->message;
        g_clear_error (&error);
      }
    return msg;
  }

  GraftShapeContext ctx = {};

private:
  DefPtr def_;
  std::vector<InShape> shapes_;
  std::vector<GraftDType> dtypes_;
  std::vector<gint> ranks_;
  std::vector<const gint64 *> dims_;
  std::vector<GraftAttrValue> attrs_;
  std::vector<std::vector<gint64>> lists_;
  std::vector<gint> out_ranks_;
  std::vector<gint64> out_dims_;
};

const char *const kUnary2 = "(x: T) -> (y: T, z: T)";
const char *const kBinary = "(x: T, y: T) -> (z: T)";
const char *const kReduce = "(input: T, axis: list(int) = [], keep_dims: bool = false) -> (output: T)";

}  // namespace

TEST (ShapeFn, SameAsInput)
{
  ShapeCtx c (kUnary2, { known ({ 2, -1 }) });
  EXPECT_EQ (c.run (graft_shape_same_as_input), "");
  EXPECT_EQ (c.out (0), "(2, ?)");
  EXPECT_EQ (c.out (1), "(2, ?)");

  ShapeCtx u (kUnary2, { unknown_rank () });
  EXPECT_EQ (u.run (graft_shape_same_as_input), "");
  EXPECT_EQ (u.out (0), "<unknown>");
  EXPECT_EQ (u.out (1), "<unknown>");

  ShapeCtx s (kUnary2, { known ({}) });
  EXPECT_EQ (s.run (graft_shape_same_as_input), "");
  EXPECT_EQ (s.out (1), "()");

  ShapeCtx none ("() -> (y: float32)", {});
  EXPECT_EQ (none.run (graft_shape_same_as_input), "");
  EXPECT_EQ (none.out (0), "<unknown>");
}

TEST (ShapeFn, BroadcastKnownShapes)
{
  struct
  {
    std::vector<gint64> a, b;
    const char *expected;
  } cases[] = {
    { { 2, 3 }, { 3 }, "(2, 3)" },
    { { 4, 1, 3 }, { 2, 1 }, "(4, 2, 3)" },
    { {}, { 5 }, "(5,)" },
    { { 5 }, {}, "(5,)" },
    { { 1 }, { 1 }, "(1,)" },
    { { 0, 3 }, { 1, 3 }, "(0, 3)" },
    { { 2, 1 }, { 1, 2 }, "(2, 2)" },
  };

  for (const auto &t : cases)
    {
      ShapeCtx c (kBinary, { known (t.a), known (t.b) });
      EXPECT_EQ (c.run (graft_shape_broadcast), "");
      EXPECT_EQ (c.out (0), t.expected);
    }
}

TEST (ShapeFn, BroadcastThreeInputs)
{
  ShapeCtx c ("(a: T, b: T, c: T) -> (d: T, e: T)", { known ({ 2, 1, 1 }), known ({ 3, 1 }), known ({ 4 }) });

  EXPECT_EQ (c.run (graft_shape_broadcast), "");
  EXPECT_EQ (c.out (0), "(2, 3, 4)");
  EXPECT_EQ (c.out (1), "(2, 3, 4)");
}

TEST (ShapeFn, BroadcastIncompatible)
{
  ShapeCtx c (kBinary, { known ({ 2, 3 }), known ({ 4 }) });
  EXPECT_EQ (c.run (graft_shape_broadcast), "Incompatible shapes for broadcasting: (2, 3) and (4,)");

  ShapeCtx d (kBinary, { known ({ 2, 3 }), known ({ 3, 3 }) });
  EXPECT_EQ (d.run (graft_shape_broadcast), "Incompatible shapes for broadcasting: (2, 3) and (3, 3)");

  /* Known inputs are checked even when another one's rank is unknown. */
  ShapeCtx e ("(a: T, b: T, c: T) -> (d: T)", { unknown_rank (), known ({ 2 }), known ({ 3 }) });
  EXPECT_EQ (e.run (graft_shape_broadcast), "Incompatible shapes for broadcasting: (2,) and (3,)");
}

TEST (ShapeFn, BroadcastPartialShapes)
{
  struct
  {
    std::vector<gint64> a, b;
    const char *expected;
  } cases[] = {
    { { -1, 3 }, { 2, 1 }, "(2, 3)" },
    { { -1 }, { 1 }, "(?,)" },
    { { -1 }, { 0 }, "(?,)" },
    { { -1 }, { 5 }, "(5,)" },
    { { 5 }, { -1 }, "(5,)" },
    { { -1, -1 }, { -1 }, "(?, ?)" },
    { { 7, -1 }, { 3 }, "(7, 3)" },
    { { 1, 4 }, { -1, 1 }, "(?, 4)" },
  };

  for (const auto &t : cases)
    {
      ShapeCtx c (kBinary, { known (t.a), known (t.b) });
      EXPECT_EQ (c.run (graft_shape_broadcast), "");
      EXPECT_EQ (c.out (0), t.expected);
    }
}

TEST (ShapeFn, BroadcastUnknownRank)
{
  ShapeCtx c (kBinary, { unknown_rank (), known ({ 2, 3 }) });
  EXPECT_EQ (c.run (graft_shape_broadcast), "");
  EXPECT_EQ (c.out (0), "<unknown>");

  ShapeCtx d (kBinary, { known ({ 2, 3 }), unknown_rank () });
  EXPECT_EQ (d.run (graft_shape_broadcast), "");
  EXPECT_EQ (d.out (0), "<unknown>");
}

TEST (ShapeFn, MatMul)
{
  ShapeCtx c (kMatMul, { known ({ 2, 3 }), known ({ 3, 5 }) });
  EXPECT_EQ (c.run (graft_shape_matmul), "");
  EXPECT_EQ (c.out (0), "(2, 5)");

  ShapeCtx ta (kMatMul, { known ({ 3, 2 }), known ({ 3, 5 }) });
  ta.attr ("transpose_a").b = TRUE;
  EXPECT_EQ (ta.run (graft_shape_matmul), "");
  EXPECT_EQ (ta.out (0), "(2, 5)");

  ShapeCtx tb (kMatMul, { known ({ 2, 3 }), known ({ 5, 3 }) });
  tb.attr ("transpose_b").b = TRUE;
  EXPECT_EQ (tb.run (graft_shape_matmul), "");
  EXPECT_EQ (tb.out (0), "(2, 5)");

  /* Without transposition the same shapes do not multiply. */
  ShapeCtx nt (kMatMul, { known ({ 2, 3 }), known ({ 5, 3 }) });
  EXPECT_EQ (nt.run (graft_shape_matmul),
             "Dimensions must be equal, but are 3 and 5 with input shapes: (2, 3), (5, 3).");
}

TEST (ShapeFn, MatMulPartialShapes)
{
  ShapeCtx c (kMatMul, { known ({ -1, 3 }), known ({ 3, -1 }) });
  EXPECT_EQ (c.run (graft_shape_matmul), "");
  EXPECT_EQ (c.out (0), "(?, ?)");

  ShapeCtx inner (kMatMul, { known ({ 2, -1 }), known ({ 4, 5 }) });
  EXPECT_EQ (inner.run (graft_shape_matmul), "");
  EXPECT_EQ (inner.out (0), "(2, 5)");

  ShapeCtx ua (kMatMul, { unknown_rank (), known ({ 3, 5 }) });
  EXPECT_EQ (ua.run (graft_shape_matmul), "");
  EXPECT_EQ (ua.out (0), "(?, 5)");

  ShapeCtx both (kMatMul, { unknown_rank (), unknown_rank () });
  EXPECT_EQ (both.run (graft_shape_matmul), "");
  EXPECT_EQ (both.out (0), "(?, ?)");
}

TEST (ShapeFn, MatMulErrors)
{
  ShapeCtx rank (kMatMul, { known ({ 2, 3, 4 }), known ({ 4, 5 }) });
  EXPECT_EQ (rank.run (graft_shape_matmul),
             "Shape must be rank 2 but is rank 3 for 'a' with input shapes: (2, 3, 4), (4, 5).");

  /* The def's own input names. */
  ShapeCtx named ("(x: T, w: T) -> (y: T)", { known ({ 2, 3 }), known ({ 3 }) });
  EXPECT_EQ (named.run (graft_shape_matmul),
             "Shape must be rank 2 but is rank 1 for 'w' with input shapes: (2, 3), (3,).");

  ShapeCtx unknown ("(x: T, w: T) -> (y: T)", { unknown_rank (), known ({}) });
  EXPECT_EQ (unknown.run (graft_shape_matmul),
             "Shape must be rank 2 but is rank 0 for 'w' with input shapes: <unknown>, ().");

  ShapeCtx dims (kMatMul, { known ({ 2, 3 }), known ({ 4, 5 }) });
  EXPECT_EQ (dims.run (graft_shape_matmul),
             "Dimensions must be equal, but are 3 and 4 with input shapes: (2, 3), (4, 5).");
}

TEST (ShapeFn, ReduceAlongAxes)
{
  struct
  {
    std::vector<gint64> axis;
    gboolean keep_dims;
    const char *expected;
  } cases[] = {
    { { 1 }, FALSE, "(2, 4)" },
    { { -1 }, FALSE, "(2, 3)" },
    { { 0, 2 }, FALSE, "(3,)" },
    { {}, FALSE, "()" },
    { { 1 }, TRUE, "(2, 1, 4)" },
    { {}, TRUE, "(1, 1, 1)" },
    { { 1, -2 }, FALSE, "(2, 4)" },
    { { 0, 1, 2 }, FALSE, "()" },
  };

  for (const auto &t : cases)
    {
      ShapeCtx c (kReduce, { known ({ 2, 3, 4 }) });
      c.set_ints ("axis", t.axis);
      c.attr ("keep_dims").b = t.keep_dims;
      EXPECT_EQ (c.run (graft_shape_reduce), "");
      EXPECT_EQ (c.out (0), t.expected);
    }
}

TEST (ShapeFn, ReduceErrors)
{
  ShapeCtx c (kReduce, { known ({ 2, 3 }) });
  c.set_ints ("axis", { 3 });
  EXPECT_EQ (c.run (graft_shape_reduce), "Invalid reduction dimension 3 for input with 2 dimensions");

  ShapeCtx n (kReduce, { known ({ 2, 3 }) });
  n.set_ints ("axis", { 0, -3 });
  EXPECT_EQ (n.run (graft_shape_reduce), "Invalid reduction dimension -3 for input with 2 dimensions");

  ShapeCtx s (kReduce, { known ({}) });
  s.set_ints ("axis", { 0 });
  EXPECT_EQ (s.run (graft_shape_reduce), "Invalid reduction dimension 0 for input with 0 dimensions");
}

TEST (ShapeFn, ReducePartialShapes)
{
  ShapeCtx p (kReduce, { known ({ -1, 3 }) });
  p.set_ints ("axis", { 0 });
  EXPECT_EQ (p.run (graft_shape_reduce), "");
  EXPECT_EQ (p.out (0), "(3,)");

  ShapeCtx k (kReduce, { known ({ -1, 3 }) });
  k.set_ints ("axis", { 1 });
  k.attr ("keep_dims").b = TRUE;
  EXPECT_EQ (k.run (graft_shape_reduce), "");
  EXPECT_EQ (k.out (0), "(?, 1)");

  ShapeCtx u (kReduce, { unknown_rank () });
  u.set_ints ("axis", { 5 });
  u.attr ("keep_dims").b = TRUE;
  EXPECT_EQ (u.run (graft_shape_reduce), "");
  EXPECT_EQ (u.out (0), "<unknown>");
}

TEST (ShapeFn, ReduceWithoutAxisOrKeepDimsAttributes)
{
  ShapeCtx c ("(x: T) -> (y: T)", { known ({ 2, 3 }) });
  EXPECT_EQ (c.run (graft_shape_reduce), "");
  EXPECT_EQ (c.out (0), "()");

  ShapeCtx k ("(x: T, keep_dims: bool = true) -> (y: T)", { known ({ 2, 3 }) });
  EXPECT_EQ (k.run (graft_shape_reduce), "");
  EXPECT_EQ (k.out (0), "(1, 1)");

  ShapeCtx i ("(x: T, axis: int = -1) -> (y: T)", { known ({ 2, 3 }) });
  EXPECT_EQ (i.run (graft_shape_reduce), "");
  EXPECT_EQ (i.out (0), "(2,)");
}

TEST (ShapeFn, ScalarAndUnknown)
{
  ShapeCtx c (kUnary2, { known ({ 2, 3 }) });
  EXPECT_EQ (c.run (graft_shape_scalar), "");
  EXPECT_EQ (c.out (0), "()");
  EXPECT_EQ (c.out (1), "()");

  ShapeCtx u (kUnary2, { known ({ 2, 3 }) });
  EXPECT_EQ (u.run (graft_shape_unknown), "");
  EXPECT_EQ (u.out (0), "<unknown>");
  EXPECT_EQ (u.out (1), "<unknown>");
}

/* ---- the shape context ---- */

TEST (ShapeContext, InputAccessors)
{
  ShapeCtx c ("(a: T, b: int32, s: U) -> (y: T)", { known ({ 2, -1 }), unknown_rank (), known ({}) }, "scope/op");
  GraftShapeContext *ctx = &c.ctx;
  GraftDType dtypes[] = { GRAFT_DTYPE_FLOAT64, GRAFT_DTYPE_INT32, GRAFT_DTYPE_BOOL };

  ctx->in_dtypes = dtypes;
  EXPECT_STREQ (graft_shape_context_get_op_name (ctx), "scope/op");
  EXPECT_EQ (graft_shape_context_get_num_inputs (ctx), 3u);
  EXPECT_EQ (graft_shape_context_get_input_dtype (ctx, 0), GRAFT_DTYPE_FLOAT64);
  EXPECT_EQ (graft_shape_context_get_input_dtype (ctx, 2), GRAFT_DTYPE_BOOL);
  EXPECT_EQ (graft_shape_context_get_input_rank (ctx, 0), 2);
  EXPECT_EQ (graft_shape_context_get_input_rank (ctx, 1), GRAFT_RANK_UNKNOWN);
  EXPECT_EQ (graft_shape_context_get_input_rank (ctx, 2), 0);
  const gint64 *dims = graft_shape_context_get_input_dims (ctx, 0);
  ASSERT_NE (dims, nullptr);
  EXPECT_EQ (dims[0], 2);
  EXPECT_EQ (dims[1], GRAFT_DIM_UNKNOWN);
  EXPECT_EQ (graft_shape_context_get_input_dims (ctx, 1), nullptr);
  EXPECT_EQ (graft_shape_context_get_input_dims (ctx, 2), nullptr);

  /* Values: none at all, then only some. */
  EXPECT_EQ (graft_shape_context_get_input_value (ctx, 0), nullptr);
  GraftTensor *t = graft_tensor_new_scalar (GRAFT_DTYPE_INT32, 4);
  const GraftTensor *values[] = { nullptr, t, nullptr };
  ctx->in_values = values;
  EXPECT_EQ (graft_shape_context_get_input_value (ctx, 0), nullptr);
  EXPECT_EQ (graft_shape_context_get_input_value (ctx, 1), t);
  graft_tensor_unref (t);
}

TEST (ShapeContext, AttrAccessors)
{
  ShapeCtx c ("(x: T, b: bool = true, i: int = -3, f: float = 0.25, s: string = \"same\", d: type = int64, "
              "sh: shape = [4, ?], te: tensor, li: list(int) = [5, 6], lf: list(float) = [1.5]) -> (y: T)",
              { known ({ 1 }) });
  GraftShapeContext *ctx = &c.ctx;
  gsize n = 0;

  GraftTensor *t = graft_tensor_new_scalar (GRAFT_DTYPE_FLOAT32, 3);
  c.attr ("te").tensor = t;
  c.attr ("T").type = GRAFT_DTYPE_FLOAT64;

  EXPECT_TRUE (graft_shape_context_get_attr_bool (ctx, "b"));
  EXPECT_EQ (graft_shape_context_get_attr_int (ctx, "i"), -3);
  EXPECT_DOUBLE_EQ (graft_shape_context_get_attr_float (ctx, "f"), 0.25);
  EXPECT_STREQ (graft_shape_context_get_attr_string (ctx, "s"), "same");
  EXPECT_EQ (graft_shape_context_get_attr_type (ctx, "d"), GRAFT_DTYPE_INT64);
  EXPECT_EQ (graft_shape_context_get_attr_type (ctx, "T"), GRAFT_DTYPE_FLOAT64);
  EXPECT_EQ (shape_str (graft_shape_context_get_attr_shape (ctx, "sh")), "(4, ?)");
  EXPECT_EQ (graft_shape_context_get_attr_tensor (ctx, "te"), t);
  const gint64 *li = graft_shape_context_get_attr_ints (ctx, "li", &n);
  ASSERT_EQ (n, 2u);
  EXPECT_EQ (li[0], 5);
  EXPECT_EQ (li[1], 6);
  const double *lf = graft_shape_context_get_attr_floats (ctx, "lf", &n);
  ASSERT_EQ (n, 1u);
  EXPECT_DOUBLE_EQ (lf[0], 1.5);
  graft_tensor_unref (t);
}

TEST (ShapeContext, ContractViolations)
{
  ShapeCtx c ("(x: T, i: int = 7, li: list(int) = [1]) -> (y: T)", { known ({ 2 }) });
  GraftShapeContext *ctx = &c.ctx;
  CriticalCatcher catcher;
  gsize n = 9;
  gint64 dims[GRAFT_MAX_RANK + 1] = { 0 };

  EXPECT_EQ (graft_shape_context_get_input_rank (ctx, 1), GRAFT_RANK_UNKNOWN);
  EXPECT_EQ (graft_shape_context_get_input_dtype (ctx, 1), GRAFT_DTYPE_INVALID);
  EXPECT_EQ (graft_shape_context_get_input_dims (ctx, 1), nullptr);
  EXPECT_EQ (graft_shape_context_get_input_value (ctx, 1), nullptr);
  EXPECT_EQ (catcher.count, 4);

  EXPECT_EQ (graft_shape_context_get_attr_int (ctx, "nope"), 0);
  EXPECT_EQ (catcher.count, 5);
  EXPECT_NE (catcher.last.find ("has no attribute 'nope'"), std::string::npos) << catcher.last;
  EXPECT_FALSE (graft_shape_context_get_attr_bool (ctx, "i"));
  EXPECT_EQ (catcher.count, 6);
  EXPECT_EQ (graft_shape_context_get_attr_ints (ctx, "i", &n), nullptr);
  EXPECT_EQ (n, 0u);
  EXPECT_EQ (catcher.count, 7);
  EXPECT_EQ (graft_shape_context_get_attr_int (ctx, "i"), 7);
  EXPECT_EQ (catcher.count, 7);

  ctx->out_ranks[0] = 5;
  graft_shape_context_set_output (ctx, 0, GRAFT_MAX_RANK + 1, dims);
  EXPECT_EQ (catcher.count, 8);
  EXPECT_EQ (ctx->out_ranks[0], 5);
  graft_shape_context_set_output (ctx, 1, 1, dims);
  EXPECT_EQ (catcher.count, 9);
}

TEST (ShapeContext, SetOutput)
{
  ShapeCtx c ("(x: T) -> (y: T, z: T)", { known ({ 2 }) });
  GraftShapeContext *ctx = &c.ctx;
  gint64 dims[] = { 3, -7, 0, -1 };

  graft_shape_context_set_output (ctx, 1, 4, dims);
  EXPECT_EQ (ctx->out_ranks[1], 4);
  EXPECT_EQ (c.out (1), "(3, ?, 0, ?)");
  EXPECT_EQ (ctx->out_dims[GRAFT_MAX_RANK + 1], GRAFT_DIM_UNKNOWN);
  /* Output 0 untouched. */
  EXPECT_EQ (ctx->out_ranks[0], 99);

  graft_shape_context_set_output (ctx, 0, GRAFT_RANK_UNKNOWN, nullptr);
  EXPECT_EQ (ctx->out_ranks[0], GRAFT_RANK_UNKNOWN);
  graft_shape_context_set_output (ctx, 0, 0, nullptr);
  EXPECT_EQ (c.out (0), "()");

  gint64 full[GRAFT_MAX_RANK];
  for (int i = 0; i < GRAFT_MAX_RANK; i++)
    full[i] = i;
  graft_shape_context_set_output (ctx, 0, GRAFT_MAX_RANK, full);
  EXPECT_EQ (ctx->out_ranks[0], GRAFT_MAX_RANK);
  EXPECT_EQ (ctx->out_dims[GRAFT_MAX_RANK - 1], GRAFT_MAX_RANK - 1);
  /* Output 1 is next to output 0 and was not overwritten. */
  EXPECT_EQ (c.out (1), "(3, ?, 0, ?)");
}
