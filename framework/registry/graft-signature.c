/* graft-signature.c: parsing op signatures into definitions.
 *
 * A plugin declares an op as data: a signature string such as
 *
 *   (a: T, b: T, transpose_a: bool = false) -> (product: T), T in {float32, float64}
 *
 * Parsing happens once, at registration, and produces everything later code
 * needs without looking at the text again: the inputs, outputs and
 * attributes, the order of the kernel's C parameters, and a libffi call
 * interface for the kernel.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>

#include "graft-registry-private.h"

/* GraftParam stores indexes in a byte. */
#define MAX_ARGS 255

static const char *const attr_kind_names[] = {
  [GRAFT_ATTR_BOOL] = "bool",
  [GRAFT_ATTR_INT] = "int",
  [GRAFT_ATTR_FLOAT] = "float",
  [GRAFT_ATTR_STRING] = "string",
  [GRAFT_ATTR_TYPE] = "type",
  [GRAFT_ATTR_SHAPE] = "shape",
  [GRAFT_ATTR_TENSOR] = "tensor",
  [GRAFT_ATTR_INT_LIST] = "list(int)",
  [GRAFT_ATTR_FLOAT_LIST] = "list(float)",
};

/**
 * graft_attr_kind_get_name:
 * @kind: a #GraftAttrKind
 *
 * Returns: (transfer none): how signatures spell @kind: `bool`, `int`,
 *   `float`, `string`, `type`, `shape`, `tensor`, `list(int)` or
 *   `list(float)`; `unknown` for a value outside the enumeration
 */
const char *
graft_attr_kind_get_name (GraftAttrKind kind)
{
  return (guint) kind < G_N_ELEMENTS (attr_kind_names) ? attr_kind_names[kind] : "unknown";
}

static inline gboolean
is_ident_start (char c)
{
  return g_ascii_isalpha (c) || c == '_';
}

static inline gboolean
is_ident_char (char c)
{
  return g_ascii_isalnum (c) || c == '_';
}

static inline const char *
skip_ws (const char *p)
{
  while (g_ascii_isspace (*p))
    p++;
  return p;
}

/* Signatures spell dtypes by their canonical names only: `float` is an
 * attribute kind there, and accepting `double` alone would be odd. */
static GraftDType
dtype_from_token (const char *name,
                  gsize       len)
{
  char buf[16];

  if (len >= sizeof buf)
    return GRAFT_DTYPE_INVALID;
  memcpy (buf, name, len);
  buf[len] = '\0';
  if (strcmp (buf, "float") == 0 || strcmp (buf, "double") == 0)
    return GRAFT_DTYPE_INVALID;
  return graft_dtype_from_name (buf);
}

/* Says what to write instead of an alias, or "" for other unknown names. */
static const char *
dtype_hint (const char *name,
            gsize       len)
{
  if (len == 5 && strncmp (name, "float", 5) == 0)
    return " (write float32)";
  if (len == 6 && strncmp (name, "double", 6) == 0)
    return " (write float64)";
  return "";
}

/* Edit distance with adjacent transpositions counted as one edit (the
 * optimal string alignment distance), for "did you mean" hints. Names in
 * signatures are short; longer ones are never close. */
guint
_graft_edit_distance (const char *a,
                      const char *b)
{
  guint la = strlen (a), lb = strlen (b);
  guint d[17][17];

  if (la > 16 || lb > 16)
    return G_MAXUINT;
  for (guint i = 0; i <= la; i++)
    d[i][0] = i;
  for (guint j = 0; j <= lb; j++)
    d[0][j] = j;
  for (guint i = 1; i <= la; i++)
    for (guint j = 1; j <= lb; j++)
      {
        guint cost = a[i - 1] != b[j - 1];

        d[i][j] = MIN (MIN (d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
          d[i][j] = MIN (d[i][j], d[i - 2][j - 2] + 1);
      }
  return d[la][lb];
}

/* Whether `word` may be a slip for `name`: close, but not `name` with
 * letters added at one end, which is how type variables are often named
 * (`dtype`, `Tint`). */
static gboolean
is_slip (const char *word,
         const char *name,
         guint       limit,
         guint      *distance)
{
  gsize lw = strlen (word), ln = strlen (name);

  if (lw > ln && (g_str_has_prefix (word, name) || g_str_has_suffix (word, name)))
    return FALSE;
  *distance = _graft_edit_distance (word, name);
  return *distance > 0 && *distance <= limit && *distance < lw;
}

/* The attribute kind (parameters only) or dtype that `word`, a name about
 * to become a new type variable, is a misspelling of, or NULL. Type
 * variables are written as free names (`T`, `Tidx`, `dtype`), so only a
 * word one edit away from a known name (two for names of six letters or
 * more) counts as a typo: `flaot`, `in32`, `flaot32`. */
static const char *
misspelt_type (const char *word,
               gboolean    is_param)
{
  guint limit = strlen (word) >= 6 ? 2 : 1;
  const char *best = NULL;
  guint best_d = limit + 1;

  if (dtype_from_token (word, strlen (word)) != GRAFT_DTYPE_INVALID)
    return NULL;

  if (is_param)
    for (guint k = 0; k < G_N_ELEMENTS (attr_kind_names); k++)
      {
        guint d;

        if (attr_kind_names[k] != NULL && is_slip (word, attr_kind_names[k], limit, &d) && d < best_d)
          {
            best = attr_kind_names[k];
            best_d = d;
          }
      }
  for (guint t = GRAFT_DTYPE_INVALID + 1; t < 64; t++)
    {
      const char *name = graft_dtype_get_name ((GraftDType) t);
      guint d;

      if (strcmp (name, "invalid") == 0)
        break;
      if (is_slip (word, name, limit, &d) && d < best_d)
        {
          best = name;
          best_d = d;
        }
    }
  return best;
}

/* ---- values ---- */

/* A failed value parse: where, and what was wrong there. */
typedef struct {
  const char *at;
  char *what;
} ValueError;

G_GNUC_PRINTF (3, 4)
static gboolean
value_error (ValueError *verr,
             const char *at,
             const char *format,
             ...)
{
  va_list args;

  va_start (args, format);
  verr->at = at;
  verr->what = g_strdup_vprintf (format, args);
  va_end (args);
  return FALSE;
}

/* Scalars are delimited like tokens of the signature, so a malformed one
 * is reported whole ("expected an integer, not '1.5'") instead of as a
 * stray character after a valid prefix. */
static const char *
word_end (const char *p)
{
  while (*p != '\0' && !g_ascii_isspace (*p) && strchr (",)]}", *p) == NULL)
    p++;
  return p;
}

static gboolean
parse_int_at (const char  *p,
              const char **end,
              gint64      *out,
              ValueError  *verr)
{
  const char *e = word_end (p), *q = p;
  g_autofree char *word = g_strndup (p, e - p);
  gint64 v;

  if (*q == '-')
    q++;
  if (q == e)
    return value_error (verr, p, "expected an integer");
  for (; q < e; q++)
    if (!g_ascii_isdigit (*q))
      return value_error (verr, p, "expected an integer, not '%s'", word);
  errno = 0;
  v = g_ascii_strtoll (word, NULL, 10);
  if (errno == ERANGE)
    return value_error (verr, p, "integer %s is out of range", word);
  *out = v;
  *end = e;
  return TRUE;
}

static gboolean
parse_float_at (const char  *p,
                const char **end,
                double      *out,
                ValueError  *verr)
{
  const char *e = word_end (p);
  g_autofree char *word = g_strndup (p, e - p);
  char *stop = NULL;
  double v;

  if (p == e)
    return value_error (verr, p, "expected a number");
  /* g_ascii_strtod() would skip leading spaces; word_end() saw none. */
  errno = 0;
  v = g_ascii_strtod (word, &stop);
  if (stop == word || *stop != '\0')
    return value_error (verr, p, "expected a number, not '%s'", word);
  if (errno == ERANGE && isinf (v))
    return value_error (verr, p, "number %s is out of range", word);
  *out = v;
  *end = e;
  return TRUE;
}

static gboolean
parse_string_at (const char  *p,
                 const char **end,
                 char       **out,
                 ValueError  *verr)
{
  g_autoptr(GString) s = NULL;
  const char *q;

  if (*p != '"')
    return value_error (verr, p, "expected a string in double quotes");
  s = g_string_new (NULL);
  for (q = p + 1; *q != '"'; q++)
    {
      if (*q == '\0')
        return value_error (verr, q, "unterminated string");
      if (*q == '\\')
        {
          q++;
          if (*q != '"' && *q != '\\')
            return value_error (verr, q - 1, "invalid escape: only \\\" and \\\\ are allowed");
        }
      g_string_append_c (s, *q);
    }
  *out = g_string_free (g_steal_pointer (&s), FALSE);
  *end = q + 1;
  return TRUE;
}

static gboolean
parse_bool_at (const char  *p,
               const char **end,
               gboolean    *out,
               ValueError  *verr)
{
  const char *e = word_end (p);

  if (e - p == 4 && strncmp (p, "true", 4) == 0)
    *out = TRUE;
  else if (e - p == 5 && strncmp (p, "false", 5) == 0)
    *out = FALSE;
  else
    return value_error (verr, p, "expected true or false");
  *end = e;
  return TRUE;
}

static gboolean
parse_type_at (const char  *p,
               const char **end,
               GraftDType  *out,
               ValueError  *verr)
{
  const char *e = word_end (p);
  GraftDType dtype;

  if (p == e)
    return value_error (verr, p, "expected a dtype");
  dtype = dtype_from_token (p, e - p);
  if (dtype == GRAFT_DTYPE_INVALID)
    return value_error (verr, p, "unknown dtype '%.*s'%s", (int) (e - p), p, dtype_hint (p, e - p));
  *out = dtype;
  *end = e;
  return TRUE;
}

typedef gboolean (*ElementFunc) (const char *p, const char **end, gint64 *out, ValueError *verr);

static gboolean
parse_dim_at (const char  *p,
              const char **end,
              gint64      *out,
              ValueError  *verr)
{
  if (*p == '?')
    {
      *out = GRAFT_DIM_UNKNOWN;
      *end = p + 1;
      return TRUE;
    }
  if (!parse_int_at (p, end, out, verr))
    {
      g_free (verr->what);
      return value_error (verr, p, "expected a dimension (an integer ≥ 0, -1 or ?)");
    }
  if (*out < -1)
    return value_error (verr, p, "a dimension must be ≥ 0, -1 or ?, not %" G_GINT64_FORMAT, *out);
  return TRUE;
}

static gboolean
parse_double_elem_at (const char  *p,
                      const char **end,
                      gint64      *out,
                      ValueError  *verr)
{
  double v;

  if (!parse_float_at (p, end, &v, verr))
    return FALSE;
  memcpy (out, &v, sizeof v);
  return TRUE;
}

/* `[` [elem (`,` elem)*] `]`; every element is 8 bytes (gint64 or double,
 * the layout of GraftAttrValue.list). */
static gboolean
parse_list_at (const char  *p,
               const char **end,
               ElementFunc  elem,
               guint        max_len,
               const char  *noun,
               GArray     **out,
               ValueError  *verr)
{
  g_autoptr(GArray) values = g_array_new (FALSE, FALSE, sizeof (gint64));

  if (*p != '[')
    return value_error (verr, p, "expected '['");
  p = skip_ws (p + 1);
  if (*p != ']')
    for (;;)
      {
        gint64 v;

        if (values->len == max_len)
          return value_error (verr, p, "more than %u %s", max_len, noun);
        if (!elem (p, &p, &v, verr))
          return FALSE;
        g_array_append_val (values, v);
        p = skip_ws (p);
        if (*p == ']')
          break;
        if (*p != ',')
          return value_error (verr, p, "expected ',' or ']'");
        p = skip_ws (p + 1);
      }
  *end = p + 1;
  *out = g_steal_pointer (&values);
  return TRUE;
}

/* Moves a list's elements into `value`. An empty list has no array, as
 * the op builder's list setters store one. */
static void
take_list (GArray         *values,
           GraftAttrValue *value)
{
  value->list.n = values->len;
  if (values->len > 0)
    value->list.v = g_array_free (values, FALSE);
  else
    {
      value->list.v = NULL;
      g_array_free (values, TRUE);
    }
}

/* Parses one value of `kind` at `p` (no leading space). On success `out`
 * owns what it points to and `end` is just past the value. */
static gboolean
parse_value_at (GraftAttrKind   kind,
                const char     *p,
                const char    **end,
                GraftAttrValue *out,
                ValueError     *verr)
{
  GraftAttrValue v = { 0 };
  GArray *list = NULL;

  switch (kind)
    {
    case GRAFT_ATTR_BOOL:
      if (!parse_bool_at (p, end, &v.b, verr))
        return FALSE;
      break;
    case GRAFT_ATTR_INT:
      if (!parse_int_at (p, end, &v.i, verr))
        return FALSE;
      break;
    case GRAFT_ATTR_FLOAT:
      if (!parse_float_at (p, end, &v.f, verr))
        return FALSE;
      break;
    case GRAFT_ATTR_STRING:
      {
        char *s = NULL;

        if (!parse_string_at (p, end, &s, verr))
          return FALSE;
        v.s = s;
      }
      break;
    case GRAFT_ATTR_TYPE:
      if (!parse_type_at (p, end, &v.type, verr))
        return FALSE;
      break;
    case GRAFT_ATTR_SHAPE:
      if (*p == '?')
        {
          v.shape = graft_shape_new_unknown ();
          *end = p + 1;
          break;
        }
      if (*p != '[')
        return value_error (verr, p, "expected a shape: ? or [dim, ...]");
      if (!parse_list_at (p, end, parse_dim_at, GRAFT_MAX_RANK, "dimensions", &list, verr))
        return FALSE;
      v.shape = graft_shape_new ((const gint64 *) (gpointer) list->data, list->len);
      g_array_free (list, TRUE);
      break;
    case GRAFT_ATTR_TENSOR:
      return value_error (verr, p, "a tensor attribute cannot have a default");
    case GRAFT_ATTR_INT_LIST:
      if (!parse_list_at (p, end, parse_int_at, G_MAXUINT, "elements", &list, verr))
        return FALSE;
      take_list (list, &v);
      break;
    case GRAFT_ATTR_FLOAT_LIST:
      if (!parse_list_at (p, end, parse_double_elem_at, G_MAXUINT, "elements", &list, verr))
        return FALSE;
      take_list (list, &v);
      break;
    default:
      g_assert_not_reached ();
    }
  *out = v;
  return TRUE;
}

/**
 * _graft_attr_value_parse:
 * @kind: the kind of the value
 * @text: the value as written in a signature: `true`, `-3`, `1.5`, `"a\"b"`,
 *   `float32`, `[2, ?]`, `?`, `[1, 2]`; spaces around it are ignored
 * @out: (out caller-allocates): where the value goes; it then owns its
 *   string, list, or shape reference (free it with _graft_attr_value_clear())
 * @error: return location for a #GError
 *
 * Returns: %FALSE with @error set (#GRAFT_GRAPH_ERROR_INVALID_ATTR) and @out
 *   untouched when @text is not a value of @kind; tensors have no text form
 */
gboolean
_graft_attr_value_parse (GraftAttrKind   kind,
                         const char     *text,
                         GraftAttrValue *out,
                         GError        **error)
{
  GraftAttrValue v;
  ValueError verr = { NULL, NULL };
  const char *p, *end;

  g_return_val_if_fail ((guint) kind < G_N_ELEMENTS (attr_kind_names), FALSE);
  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  p = skip_ws (text);
  if (!parse_value_at (kind, p, &end, &v, &verr))
    goto fail;
  end = skip_ws (end);
  if (*end != '\0')
    {
      _graft_attr_value_clear (kind, &v);
      value_error (&verr, end, "unexpected text after the value");
      goto fail;
    }
  *out = v;
  return TRUE;

fail:
  g_set_error (error, GRAFT_GRAPH_ERROR, GRAFT_GRAPH_ERROR_INVALID_ATTR,
               "Invalid %s value '%s' at character %d: %s", attr_kind_names[kind], text,
               (int) (verr.at - text) + 1, verr.what);
  g_free (verr.what);
  return FALSE;
}

/**
 * _graft_attr_value_clear:
 * @kind: the kind of @value
 * @value: a value that owns what it points to
 *
 * Frees what @value owns (a string, a list, a reference on a shape or a
 * tensor) and zeroes it.
 */
void
_graft_attr_value_clear (GraftAttrKind   kind,
                         GraftAttrValue *value)
{
  g_return_if_fail (value != NULL);

  switch (kind)
    {
    case GRAFT_ATTR_STRING:
      g_free ((char *) value->s);
      break;
    case GRAFT_ATTR_SHAPE:
      g_clear_pointer (&value->shape, graft_shape_unref);
      break;
    case GRAFT_ATTR_TENSOR:
      g_clear_pointer (&value->tensor, graft_tensor_unref);
      break;
    case GRAFT_ATTR_INT_LIST:
    case GRAFT_ATTR_FLOAT_LIST:
      g_free ((gpointer) value->list.v);
      break;
    default:
      break;
    }
  memset (value, 0, sizeof *value);
}

/* The shortest text that reads back as the same double, positional for
 * exponents in [-4, 16) like Python's repr(), with a ".0" on integral
 * values so that a float default never looks like an int. */
static void
append_double (GString *s,
               double   v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE], format[8];
  int precision, exponent;

  if (isnan (v))
    {
      g_string_append (s, "nan");
      return;
    }
  if (isinf (v))
    {
      g_string_append (s, v < 0 ? "-inf" : "inf");
      return;
    }
  for (precision = 1; precision < 17; precision++)
    {
      g_snprintf (format, sizeof format, "%%.%dg", precision);
      g_ascii_formatd (buf, sizeof buf, format, v);
      if (g_ascii_strtod (buf, NULL) == v)
        break;
    }
  g_snprintf (format, sizeof format, "%%.%de", precision - 1);
  g_ascii_formatd (buf, sizeof buf, format, v);
  exponent = atoi (strchr (buf, 'e') + 1);
  /* %g switches to an exponent from `precision` digits on (2.5e+10); more
   * precision keeps such integral values positional without changing them. */
  g_snprintf (format, sizeof format, "%%.%dg", exponent >= precision && exponent < 16 ? exponent + 1 : precision);
  g_ascii_formatd (buf, sizeof buf, format, v);
  g_string_append (s, buf);
  if (strpbrk (buf, ".eEn") == NULL)
    g_string_append (s, ".0");
}

/**
 * _graft_attr_value_to_string:
 * @kind: the kind of @value
 * @value: a value
 *
 * Formats @value as it is written in a signature, so that
 * _graft_attr_value_parse() reads it back: `false`, `-3`, `1.5`, `2.0`,
 * `"fan_in"`, `float32`, `[2, ?]`, `?`, `[1, 2]`. Tensors, which have no
 * signature form, are formatted by graft_tensor_to_string().
 *
 * Returns: (transfer full): a newly allocated string
 */
char *
_graft_attr_value_to_string (GraftAttrKind         kind,
                             const GraftAttrValue *value)
{
  GString *s;

  g_return_val_if_fail (value != NULL, NULL);

  s = g_string_new (NULL);
  switch (kind)
    {
    case GRAFT_ATTR_BOOL:
      g_string_append (s, value->b ? "true" : "false");
      break;
    case GRAFT_ATTR_INT:
      g_string_append_printf (s, "%" G_GINT64_FORMAT, value->i);
      break;
    case GRAFT_ATTR_FLOAT:
      append_double (s, value->f);
      break;
    case GRAFT_ATTR_STRING:
      g_string_append_c (s, '"');
      for (const char *p = value->s ? value->s : ""; *p; p++)
        {
          if (*p == '"' || *p == '\\')
            g_string_append_c (s, '\\');
          g_string_append_c (s, *p);
        }
      g_string_append_c (s, '"');
      break;
    case GRAFT_ATTR_TYPE:
      g_string_append (s, graft_dtype_get_name (value->type));
      break;
    case GRAFT_ATTR_SHAPE:
      {
        gint rank = value->shape ? graft_shape_get_rank (value->shape) : GRAFT_RANK_UNKNOWN;

        if (rank < 0)
          {
            g_string_append_c (s, '?');
            break;
          }
        g_string_append_c (s, '[');
        for (gint i = 0; i < rank; i++)
          {
            gint64 d = graft_shape_get_dim (value->shape, i);

            if (i > 0)
              g_string_append (s, ", ");
            if (d < 0)
              g_string_append_c (s, '?');
            else
              g_string_append_printf (s, "%" G_GINT64_FORMAT, d);
          }
        g_string_append_c (s, ']');
      }
      break;
    case GRAFT_ATTR_TENSOR:
      if (value->tensor)
        {
          g_autofree char *t = graft_tensor_to_string (value->tensor);
          g_string_append (s, t);
        }
      else
        g_string_append (s, "<none>");
      break;
    case GRAFT_ATTR_INT_LIST:
    case GRAFT_ATTR_FLOAT_LIST:
      g_string_append_c (s, '[');
      for (gsize i = 0; i < value->list.n; i++)
        {
          if (i > 0)
            g_string_append (s, ", ");
          if (kind == GRAFT_ATTR_INT_LIST)
            g_string_append_printf (s, "%" G_GINT64_FORMAT, ((const gint64 *) value->list.v)[i]);
          else
            append_double (s, ((const double *) value->list.v)[i]);
        }
      g_string_append_c (s, ']');
      break;
    default:
      g_return_val_if_reached (g_string_free (s, TRUE));
    }
  return g_string_free (s, FALSE);
}

/* ---- the parser ---- */

/* A parameter or output as written. Offsets are into the signature, for
 * messages that point at a token. */
typedef struct {
  char *name;
  gsize name_pos;
  gboolean is_attr;
  GraftAttrKind kind;           /* attributes */
  char *type;                   /* inputs and outputs: the type token */
  gsize type_pos;
  gboolean is_ref;              /* inputs: `ref T`, a variable updated in place */
  char *number;                 /* list inputs (`N * T`): the length's name */
  gsize number_pos;
  gboolean has_default;
  GraftAttrValue default_value; /* owned until moved into the definition */
} SigArg;

typedef struct {
  char *name;
  gsize name_pos;
  guint32 dtypes;
} SigConstraint;

typedef struct {
  const char *def_name;
  const char *sig;
  const char *p;
  GArray *params;               /* SigArg */
  GArray *outputs;              /* SigArg */
  GArray *constraints;          /* SigConstraint */
} Parser;

static void
sig_arg_clear (gpointer data)
{
  SigArg *arg = data;

  g_free (arg->name);
  g_free (arg->type);
  g_free (arg->number);
  if (arg->has_default)
    _graft_attr_value_clear (arg->kind, &arg->default_value);
}

static void
sig_constraint_clear (gpointer data)
{
  g_free (((SigConstraint *) data)->name);
}

static void
parser_init (Parser     *ps,
             const char *def_name,
             const char *sig)
{
  ps->def_name = def_name;
  ps->sig = ps->p = sig;
  ps->params = g_array_new (FALSE, TRUE, sizeof (SigArg));
  g_array_set_clear_func (ps->params, sig_arg_clear);
  ps->outputs = g_array_new (FALSE, TRUE, sizeof (SigArg));
  g_array_set_clear_func (ps->outputs, sig_arg_clear);
  ps->constraints = g_array_new (FALSE, TRUE, sizeof (SigConstraint));
  g_array_set_clear_func (ps->constraints, sig_constraint_clear);
}

static void
parser_clear (Parser *ps)
{
  g_array_unref (ps->params);
  g_array_unref (ps->outputs);
  g_array_unref (ps->constraints);
}

/* Every error tied to a place in the signature looks like
 *
 *   Invalid signature for MatMul at character 7: expected ':'
 *     (a T, b: T) -> (product: T)
 *           ^
 */
G_GNUC_PRINTF (4, 5)
static gboolean
sig_error_at (Parser     *ps,
              gsize       pos,
              GError    **error,
              const char *format,
              ...)
{
  g_autofree char *what = NULL;
  g_autofree char *line = g_strdup (ps->sig);
  va_list args;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);
  /* A signature split over lines is shown on one, so the caret lines up. */
  for (char *c = line; *c; c++)
    if (g_ascii_isspace (*c))
      *c = ' ';
  g_set_error (error, GRAFT_PLUGIN_ERROR, GRAFT_PLUGIN_ERROR_INVALID_SIGNATURE,
               "Invalid signature for %s at character %" G_GSIZE_FORMAT ": %s\n  %s\n  %*s^",
               ps->def_name, pos + 1, what, line, (int) pos, "");
  return FALSE;
}

static inline gsize
pos_of (Parser     *ps,
        const char *p)
{
  return (gsize) (p - ps->sig);
}

static gboolean
expect_char (Parser  *ps,
             char     c,
             GError **error)
{
  ps->p = skip_ws (ps->p);
  if (*ps->p != c)
    return sig_error_at (ps, pos_of (ps, ps->p), error, "expected '%c'", c);
  ps->p++;
  return TRUE;
}

/* Reads an identifier; `what` names it in the error. */
static gboolean
parse_ident (Parser      *ps,
             const char  *what,
             const char **start,
             gsize       *len,
             GError     **error)
{
  const char *p = skip_ws (ps->p);
  const char *q = p;

  if (!is_ident_start (*q))
    return sig_error_at (ps, pos_of (ps, p), error, "expected %s", what);
  while (is_ident_char (*q))
    q++;
  *start = p;
  *len = q - p;
  ps->p = q;
  return TRUE;
}

/* Names starting with '_' belong to Graft (_shape, _seed, …), and every
 * parameter, output and type variable shares one namespace, as in
 * TensorFlow's OpDef. */
static gboolean
check_new_name (Parser       *ps,
                const SigArg *self,
                GError      **error)
{
  GArray *lists[] = { ps->params, ps->outputs };

  if (self->name[0] == '_')
    return sig_error_at (ps, self->name_pos, error,
                         "'%s' is reserved: names starting with '_' belong to Graft", self->name);
  for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
    for (guint i = 0; i < lists[l]->len; i++)
      {
        const SigArg *other = &g_array_index (lists[l], SigArg, i);

        if (other != self && strcmp (other->name, self->name) == 0)
          return sig_error_at (ps, self->name_pos, error, "duplicate name '%s'", self->name);
      }
  return TRUE;
}

/* `name: type`; the caller has the type token's kind decided by position
 * (parameters accept attribute kinds, outputs only dtypes and variables). */
static gboolean
parse_arg_head (Parser   *ps,
                SigArg   *arg,
                GError  **error)
{
  const char *start;
  gsize len;

  if (!parse_ident (ps, "a name", &start, &len, error))
    return FALSE;
  arg->name = g_strndup (start, len);
  arg->name_pos = pos_of (ps, start);
  if (!check_new_name (ps, arg, error))
    return FALSE;
  return expect_char (ps, ':', error);
}

static gboolean
parse_param (Parser  *ps,
             SigArg  *arg,
             GError **error)
{
  static const struct {
    const char *name;
    GraftAttrKind kind;
  } kinds[] = {
    { "bool", GRAFT_ATTR_BOOL },
    { "int", GRAFT_ATTR_INT },
    { "float", GRAFT_ATTR_FLOAT },
    { "string", GRAFT_ATTR_STRING },
    { "type", GRAFT_ATTR_TYPE },
    { "shape", GRAFT_ATTR_SHAPE },
    { "tensor", GRAFT_ATTR_TENSOR },
  };
  const char *start, *p;
  gsize len;

  if (!parse_arg_head (ps, arg, error))
    return FALSE;
  /* `3 * T`: TensorFlow's number_attr is a name, and so is Graft's. */
  p = skip_ws (ps->p);
  if (g_ascii_isdigit (*p))
    {
      const char *q = p;

      while (g_ascii_isdigit (*q))
        q++;
      if (*skip_ws (q) == '*')
        return sig_error_at (ps, pos_of (ps, p), error,
                             "the length of a list input is an attribute name (N * T), not a number");
    }
  if (!parse_ident (ps, "a type", &start, &len, error))
    return FALSE;
  /* `ref T`: an input naming a variable that the kernel updates in place
   * (TensorFlow's Ref(T)). `ref` alone is an ordinary type variable. */
  p = skip_ws (ps->p);
  if (len == 3 && strncmp (start, "ref", 3) == 0 && p != ps->p && is_ident_start (*p))
    {
      arg->is_ref = TRUE;
      if (!parse_ident (ps, "a type", &start, &len, error))
        return FALSE;
    }
  arg->type_pos = pos_of (ps, start);

  /* `inputs: N * T`: a list of N tensors of dtype T, N inferred from how
   * many are given (TensorFlow's number_attr). */
  p = skip_ws (ps->p);
  if (*p == '*')
    {
      arg->number = g_strndup (start, len);
      arg->number_pos = arg->type_pos;
      ps->p = p + 1;
      if (!parse_ident (ps, "the dtype or type variable of the list's tensors", &start, &len, error))
        return FALSE;
      arg->type_pos = pos_of (ps, start);
      for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
        if (strlen (kinds[i].name) == len && strncmp (kinds[i].name, start, len) == 0)
          return sig_error_at (ps, arg->type_pos, error,
                               "a list input holds tensors, not %s attributes: give a dtype or a type "
                               "variable (a list attribute is written list(int))", kinds[i].name);
      if (len == 4 && strncmp (start, "list", 4) == 0 && *skip_ws (ps->p) == '(')
        return sig_error_at (ps, arg->type_pos, error,
                             "a list input holds tensors, not attribute lists: give a dtype or a type variable");
      arg->type = g_strndup (start, len);
      p = skip_ws (ps->p);
      if (*p == '=')
        return sig_error_at (ps, pos_of (ps, p), error, "the list input '%s' cannot have a default", arg->name);
      return TRUE;
    }

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    if (strlen (kinds[i].name) == len && strncmp (kinds[i].name, start, len) == 0)
      {
        arg->is_attr = TRUE;
        arg->kind = kinds[i].kind;
      }
  /* `list` followed by '(' is the list kind; alone it is a type variable. */
  p = skip_ws (ps->p);
  if (len == 4 && strncmp (start, "list", 4) == 0 && *p == '(')
    {
      const char *elem;
      gsize elem_len;

      ps->p = p + 1;
      if (!parse_ident (ps, "'int' or 'float'", &elem, &elem_len, error))
        return FALSE;
      if (elem_len == 3 && strncmp (elem, "int", 3) == 0)
        arg->kind = GRAFT_ATTR_INT_LIST;
      else if (elem_len == 5 && strncmp (elem, "float", 5) == 0)
        arg->kind = GRAFT_ATTR_FLOAT_LIST;
      else
        return sig_error_at (ps, pos_of (ps, elem), error, "expected 'int' or 'float'");
      arg->is_attr = TRUE;
      if (!expect_char (ps, ')', error))
        return FALSE;
    }
  if (arg->is_ref && arg->is_attr)
    return sig_error_at (ps, arg->type_pos, error, "'ref' takes a dtype or a type variable, not the attribute kind %s",
                         attr_kind_names[arg->kind]);
  if (!arg->is_attr)
    arg->type = g_strndup (start, len);

  p = skip_ws (ps->p);
  if (*p != '=')
    return TRUE;
  if (!arg->is_attr)
    {
      /* `n: itn = 1` is a misspelt attribute, not a tensor input. */
      const char *meant = misspelt_type (arg->type, TRUE);

      if (meant != NULL)
        return sig_error_at (ps, arg->type_pos, error, "unknown type '%s': did you mean '%s'?", arg->type, meant);
      return sig_error_at (ps, pos_of (ps, p), error, "the tensor input '%s' cannot have a default", arg->name);
    }

  {
    ValueError verr = { NULL, NULL };
    const char *end;

    p = skip_ws (p + 1);
    if (!parse_value_at (arg->kind, p, &end, &arg->default_value, &verr))
      {
        sig_error_at (ps, pos_of (ps, verr.at), error, "bad default for %s attribute '%s': %s",
                      attr_kind_names[arg->kind], arg->name, verr.what);
        g_free (verr.what);
        return FALSE;
      }
    arg->has_default = TRUE;
    ps->p = end;
  }
  return TRUE;
}

static gboolean
parse_output (Parser  *ps,
              SigArg  *arg,
              GError **error)
{
  const char *start;
  gsize len;

  if (!parse_arg_head (ps, arg, error))
    return FALSE;
  if (!parse_ident (ps, "a dtype or a type variable", &start, &len, error))
    return FALSE;
  arg->type = g_strndup (start, len);
  arg->type_pos = pos_of (ps, start);
  if (*skip_ws (ps->p) == '*')
    return sig_error_at (ps, arg->type_pos, error,
                         "outputs cannot be lists: only inputs may be written N * T");
  return TRUE;
}

/* `(` [item (`,` item)*] `)` */
static gboolean
parse_arg_list (Parser   *ps,
                GArray   *into,
                gboolean  params,
                GError  **error)
{
  if (!expect_char (ps, '(', error))
    return FALSE;
  ps->p = skip_ws (ps->p);
  if (*ps->p == ')')
    {
      ps->p++;
      return TRUE;
    }
  for (;;)
    {
      SigArg arg = { 0 };
      gboolean ok;

      /* Appended before parsing so that a half-parsed entry is freed
       * with the array. */
      g_array_append_val (into, arg);
      if (params)
        ok = parse_param (ps, &g_array_index (into, SigArg, into->len - 1), error);
      else
        ok = parse_output (ps, &g_array_index (into, SigArg, into->len - 1), error);
      if (!ok)
        return FALSE;
      ps->p = skip_ws (ps->p);
      if (*ps->p == ')')
        break;
      if (*ps->p != ',')
        return sig_error_at (ps, pos_of (ps, ps->p), error, "expected ',' or ')'");
      ps->p++;
    }
  ps->p++;
  return TRUE;
}

/* `T in {float32, float64}`; names are resolved later, once every type
 * variable is known. */
static gboolean
parse_constraint (Parser  *ps,
                  GError **error)
{
  SigConstraint c = { 0 };
  const char *start;
  gsize len;

  if (!parse_ident (ps, "a type attribute", &start, &len, error))
    return FALSE;
  c.name = g_strndup (start, len);
  c.name_pos = pos_of (ps, start);
  g_array_append_val (ps->constraints, c);

  if (!parse_ident (ps, "'in'", &start, &len, error))
    return FALSE;
  if (len != 2 || strncmp (start, "in", 2) != 0)
    return sig_error_at (ps, pos_of (ps, start), error, "expected 'in'");
  if (!expect_char (ps, '{', error))
    return FALSE;
  for (;;)
    {
      GraftDType dtype;

      if (!parse_ident (ps, "a dtype", &start, &len, error))
        return FALSE;
      dtype = dtype_from_token (start, len);
      if (dtype == GRAFT_DTYPE_INVALID)
        return sig_error_at (ps, pos_of (ps, start), error, "unknown dtype '%.*s'%s",
                             (int) len, start, dtype_hint (start, len));
      g_array_index (ps->constraints, SigConstraint, ps->constraints->len - 1).dtypes |= GRAFT_DTYPE_BIT (dtype);
      ps->p = skip_ws (ps->p);
      if (*ps->p == '}')
        break;
      if (*ps->p != ',')
        return sig_error_at (ps, pos_of (ps, ps->p), error, "expected ',' or '}'");
      ps->p++;
    }
  ps->p++;
  return TRUE;
}

static gboolean
parse_signature (Parser  *ps,
                 GError **error)
{
  if (!parse_arg_list (ps, ps->params, TRUE, error))
    return FALSE;
  ps->p = skip_ws (ps->p);
  if (ps->p[0] != '-' || ps->p[1] != '>')
    return sig_error_at (ps, pos_of (ps, ps->p), error, "expected '->'");
  ps->p += 2;
  if (!parse_arg_list (ps, ps->outputs, FALSE, error))
    return FALSE;
  for (;;)
    {
      ps->p = skip_ws (ps->p);
      if (*ps->p == '\0')
        return TRUE;
      if (*ps->p != ',')
        return sig_error_at (ps, pos_of (ps, ps->p), error, "expected ',' or the end of the signature");
      ps->p++;
      if (!parse_constraint (ps, error))
        return FALSE;
    }
}

/* ---- building the definition ---- */

static GraftAttrDef *
add_attr (GraftOpDef    *def,
          const char    *name,
          GraftAttrKind  kind)
{
  GraftAttrDef *a = &def->attrs[def->n_attrs++];

  a->name = g_strdup (name);
  a->kind = kind;
  return a;
}

/* Binds an input's or output's type token: a dtype, an explicit type
 * attribute, or an implicit type variable (created on first use). Outputs
 * of ops may only use variables that an input binds; an initializer's
 * output variable is set by Graft from the variable's dtype. */
static gboolean
resolve_type (Parser       *ps,
              GraftOpDef   *def,
              const SigArg *arg,
              gboolean      is_output,
              guint         n_explicit,
              gboolean     *bound,
              GraftArgDef  *out,
              GError      **error)
{
  gint a;

  out->name = g_strdup (arg->name);
  out->dtype = dtype_from_token (arg->type, strlen (arg->type));
  out->type_attr = -1;
  out->number_attr = -1;
  if (out->dtype != GRAFT_DTYPE_INVALID)
    return TRUE;
  if (*dtype_hint (arg->type, strlen (arg->type)) != '\0')
    return sig_error_at (ps, arg->type_pos, error, "unknown dtype '%s'%s", arg->type,
                         dtype_hint (arg->type, strlen (arg->type)));

  a = _graft_op_def_find_attr (def, arg->type);
  if (a >= 0 && def->attrs[a].inferred && def->attrs[a].kind == GRAFT_ATTR_INT)
    return sig_error_at (ps, arg->type_pos, error, "'%s' is the length of a list input, not a type", arg->type);
  if (a >= 0 && (guint) a < n_explicit && def->attrs[a].kind != GRAFT_ATTR_TYPE)
    return sig_error_at (ps, arg->type_pos, error, "'%s' is an attribute of kind %s, not a type", arg->type,
                         attr_kind_names[def->attrs[a].kind]);
  if (a < 0)
    {
      for (guint i = 0; i < ps->params->len; i++)
        if (strcmp (g_array_index (ps->params, SigArg, i).name, arg->type) == 0)
          return sig_error_at (ps, arg->type_pos, error, "'%s' is an input, not a type", arg->type);
      for (guint i = 0; i < ps->outputs->len; i++)
        if (strcmp (g_array_index (ps->outputs, SigArg, i).name, arg->type) == 0)
          return sig_error_at (ps, arg->type_pos, error, "'%s' is an output, not a type", arg->type);
      if (arg->type[0] == '_')
        return sig_error_at (ps, arg->type_pos, error,
                             "'%s' is reserved: names starting with '_' belong to Graft", arg->type);
      /* Only outputs get here with these: in parameters they are kinds. */
      for (guint k = 0; k < G_N_ELEMENTS (attr_kind_names); k++)
        if (strcmp (arg->type, attr_kind_names[k]) == 0)
          return sig_error_at (ps, arg->type_pos, error,
                               "'%s' is an attribute kind, but outputs are tensors: give a dtype "
                               "or a type variable", arg->type);
      /* A new type variable that is one slip away from a kind or a dtype
       * is a typo: accepted, `factor: flaot` would be a tensor input. */
      {
        const char *meant = misspelt_type (arg->type, !is_output);

        if (meant != NULL)
          return sig_error_at (ps, arg->type_pos, error, "unknown type '%s': did you mean '%s'?", arg->type,
                               meant);
      }
    }
  if (is_output && def->kind == GRAFT_OP_KIND_OP && (a < 0 || ((guint) a >= n_explicit && !bound[a])))
    return sig_error_at (ps, arg->type_pos, error,
                         "the type variable '%s' of output '%s' is not bound by any input",
                         arg->type, arg->name);
  if (a < 0)
    {
      a = (gint) def->n_attrs;
      add_attr (def, arg->type, GRAFT_ATTR_TYPE)->inferred = TRUE;
    }
  if (!is_output)
    bound[a] = TRUE;
  out->type_attr = a;
  return TRUE;
}

/* Binds a list input's length to an inferred int attribute. Graft infers
 * the length from how many tensors an op is given, so every list input of
 * a signature shares one length (TensorFlow's ops with two lists, such
 * as DynamicStitch, share theirs too). */
static gboolean
resolve_number (Parser       *ps,
                GraftOpDef   *def,
                const SigArg *arg,
                GraftArgDef  *out,
                GError      **error)
{
  gint a = _graft_op_def_find_attr (def, arg->number);

  if (arg->number[0] == '_')
    return sig_error_at (ps, arg->number_pos, error,
                         "'%s' is reserved: names starting with '_' belong to Graft", arg->number);
  if (dtype_from_token (arg->number, strlen (arg->number)) != GRAFT_DTYPE_INVALID)
    return sig_error_at (ps, arg->number_pos, error,
                         "the length of list input '%s' must be a name, not the dtype %s",
                         arg->name, arg->number);
  for (guint i = 0; i < ps->params->len; i++)
    {
      const SigArg *other = &g_array_index (ps->params, SigArg, i);

      if (strcmp (other->name, arg->number) != 0)
        continue;
      if (other->is_attr)
        return sig_error_at (ps, arg->number_pos, error,
                             "the length '%s' of list input '%s' is inferred from the inputs given; "
                             "it cannot also be a parameter", arg->number, arg->name);
      return sig_error_at (ps, arg->number_pos, error, "'%s' is an input, not a length", arg->number);
    }
  for (guint i = 0; i < ps->outputs->len; i++)
    if (strcmp (g_array_index (ps->outputs, SigArg, i).name, arg->number) == 0)
      return sig_error_at (ps, arg->number_pos, error, "'%s' is an output, not a length", arg->number);
  if (a >= 0 && def->attrs[a].kind == GRAFT_ATTR_TYPE)
    return sig_error_at (ps, arg->number_pos, error, "'%s' is a type variable, not the length of a list",
                         arg->number);
  if (a < 0 && def->number_attr >= 0)
    return sig_error_at (ps, arg->number_pos, error,
                         "list input '%s' has length '%s', but an earlier list has '%s': "
                         "the list inputs of an op share one length", arg->name, arg->number,
                         def->attrs[def->number_attr].name);
  if (a < 0)
    {
      a = (gint) def->n_attrs;
      add_attr (def, arg->number, GRAFT_ATTR_INT)->inferred = TRUE;
      def->number_attr = a;
    }
  out->number_attr = a;
  def->n_list_inputs++;
  return TRUE;
}

static gboolean
apply_constraints (Parser     *ps,
                   GraftOpDef *def,
                   GError    **error)
{
  g_autofree gboolean *seen = g_new0 (gboolean, def->n_attrs + 1);

  for (guint i = 0; i < ps->constraints->len; i++)
    {
      const SigConstraint *c = &g_array_index (ps->constraints, SigConstraint, i);
      gint a = _graft_op_def_find_attr (def, c->name);
      GraftAttrDef *ad;

      if (a < 0)
        return sig_error_at (ps, c->name_pos, error, "'%s' is not a type attribute of the signature", c->name);
      ad = &def->attrs[a];
      if (ad->kind != GRAFT_ATTR_TYPE)
        return sig_error_at (ps, c->name_pos, error, "'%s' is an attribute of kind %s, not a type", c->name,
                             attr_kind_names[ad->kind]);
      if (seen[a])
        return sig_error_at (ps, c->name_pos, error, "duplicate constraint on '%s'", c->name);
      seen[a] = TRUE;
      if (ad->has_default && !(c->dtypes & GRAFT_DTYPE_BIT (ad->default_value.type)))
        return sig_error_at (ps, c->name_pos, error, "the default of '%s', %s, is not an allowed dtype",
                             c->name, graft_dtype_get_name (ad->default_value.type));
      ad->allowed_dtypes = c->dtypes;
    }
  return TRUE;
}

static const char *
c_type_of (GraftAttrKind kind)
{
  switch (kind)
    {
    case GRAFT_ATTR_BOOL: return "gboolean ";
    case GRAFT_ATTR_INT: return "gint64 ";
    case GRAFT_ATTR_FLOAT: return "double ";
    case GRAFT_ATTR_STRING: return "const char *";
    case GRAFT_ATTR_TYPE: return "GraftDType ";
    case GRAFT_ATTR_SHAPE: return "const GraftShape *";
    case GRAFT_ATTR_TENSOR: return "const GraftTensor *";
    case GRAFT_ATTR_INT_LIST: return "const gint64 *";
    case GRAFT_ATTR_FLOAT_LIST: return "const double *";
    default: g_return_val_if_reached ("void *");
    }
}

/* The kernel's C prototype as the signature implies it, for the arity
 * message: plugin authors see what to write. */
static char *
expected_prototype (const GraftOpDef *def)
{
  GString *s = g_string_new ("(GraftKernel *k");

  for (guint i = 0; i < def->n_params; i++)
    {
      const GraftParam *p = &def->params[i];

      if (p->kind == GRAFT_PARAM_INPUT && def->inputs[p->index].number_attr >= 0)
        {
          g_string_append_printf (s, ", const GraftTensor *const *%s, gsize n_%s", def->inputs[p->index].name,
                                  def->inputs[p->index].name);
          continue;
        }
      if (p->kind == GRAFT_PARAM_INPUT)
        {
          g_string_append_printf (s, ", const GraftTensor *%s", def->inputs[p->index].name);
          continue;
        }
      g_string_append_printf (s, ", %s%s", c_type_of (def->attrs[p->index].kind), def->attrs[p->index].name);
      if (def->attrs[p->index].kind == GRAFT_ATTR_INT_LIST || def->attrs[p->index].kind == GRAFT_ATTR_FLOAT_LIST)
        g_string_append_printf (s, ", gsize n_%s", def->attrs[p->index].name);
    }
  for (guint o = 0; o < def->n_outputs; o++)
    g_string_append_printf (s, ", GraftTensor *%s", def->outputs[o].name);
  g_string_append_c (s, ')');
  return g_string_free (s, FALSE);
}

static ffi_type *
ffi_type_of (GraftAttrKind kind)
{
  switch (kind)
    {
    /* gboolean and enums are ints. */
    case GRAFT_ATTR_BOOL:
    case GRAFT_ATTR_TYPE:
      return &ffi_type_sint;
    case GRAFT_ATTR_INT:
      return &ffi_type_sint64;
    case GRAFT_ATTR_FLOAT:
      return &ffi_type_double;
    default:
      return &ffi_type_pointer;
    }
}

static gboolean
prepare_kernel_call (GraftOpDef *def,
                     guint       arity,
                     GError    **error)
{
  ffi_type *gsize_type = sizeof (gsize) == 8 ? &ffi_type_uint64 : &ffi_type_uint32;
  /* A list input is two parameters, the tensors and their count. */
  guint needed = 1 + def->n_inputs + def->n_list_inputs + def->n_outputs, n = 0;
  ffi_status status;

  for (guint i = 0; i < def->n_params; i++)
    if (def->params[i].kind == GRAFT_PARAM_ATTR)
      {
        GraftAttrKind kind = def->attrs[def->params[i].index].kind;
        needed += kind == GRAFT_ATTR_INT_LIST || kind == GRAFT_ATTR_FLOAT_LIST ? 2 : 1;
      }
  if (arity != needed)
    {
      g_autofree char *proto = expected_prototype (def);

      g_set_error (error, GRAFT_PLUGIN_ERROR, GRAFT_PLUGIN_ERROR_ARITY_MISMATCH,
                   "%s: the kernel is declared with %u parameter%s, but the signature needs %u: %s",
                   def->name, arity, arity == 1 ? "" : "s", needed, proto);
      return FALSE;
    }

  def->ffi_args = g_new (ffi_type *, needed);
  def->ffi_args[n++] = &ffi_type_pointer;
  for (guint i = 0; i < def->n_params; i++)
    {
      const GraftParam *p = &def->params[i];
      GraftAttrKind kind;

      if (p->kind == GRAFT_PARAM_INPUT)
        {
          def->ffi_args[n++] = &ffi_type_pointer;
          if (def->inputs[p->index].number_attr >= 0)
            def->ffi_args[n++] = gsize_type;
          continue;
        }
      kind = def->attrs[p->index].kind;
      def->ffi_args[n++] = ffi_type_of (kind);
      if (kind == GRAFT_ATTR_INT_LIST || kind == GRAFT_ATTR_FLOAT_LIST)
        def->ffi_args[n++] = gsize_type;
    }
  for (guint o = 0; o < def->n_outputs; o++)
    def->ffi_args[n++] = &ffi_type_pointer;
  g_assert (n == needed);

  status = ffi_prep_cif (&def->cif, FFI_DEFAULT_ABI, needed, &ffi_type_void, def->ffi_args);
  if (status != FFI_OK)
    {
      g_set_error (error, GRAFT_PLUGIN_ERROR, GRAFT_PLUGIN_ERROR_INVALID_DEFINITION,
                   "%s: libffi cannot prepare a call to the kernel (status %d)", def->name, (int) status);
      return FALSE;
    }

  /* Calls whose every argument the cif classifies as one integer word can
   * be made directly (see _graft_kernel_call); everything else, doubles
   * included, always goes through ffi_call. */
  def->direct_call = GRAFT_DIRECT_CALLS && needed <= GRAFT_DIRECT_MAX_ARGS;
  for (guint i = 0; i < needed && def->direct_call; i++)
    {
      ffi_type *t = def->ffi_args[i];

      if (t == &ffi_type_sint)
        def->int32_args |= 1u << i;
      else if (t != &ffi_type_pointer && t != &ffi_type_sint64 && t != &ffi_type_uint64)
        def->direct_call = FALSE;
    }
  return TRUE;
}

/* Letters, digits and '_', starting with a letter, optionally namespaced
 * with dots: `MatMul`, `glorot_uniform`, `acme.Scale`. */
static gboolean
valid_def_name (const char *name)
{
  const char *p = name;

  for (;;)
    {
      if (!g_ascii_isalpha (*p))
        return FALSE;
      while (is_ident_char (*p))
        p++;
      if (*p == '\0')
        return TRUE;
      if (*p != '.')
        return FALSE;
      p++;
    }
}

static gboolean
check_info (GraftOpKind        kind,
            const GraftOpInfo *info,
            GError           **error)
{
  const char *what = kind == GRAFT_OP_KIND_OP ? "op" : "initializer";

  if (info->name == NULL || info->name[0] == '\0')
    {
      g_set_error (error, GRAFT_PLUGIN_ERROR, GRAFT_PLUGIN_ERROR_INVALID_DEFINITION,
                   "An %s definition has no name", what);
      return FALSE;
    }
  if (!valid_def_name (info->name))
    {
      g_set_error (error, GRAFT_PLUGIN_ERROR, GRAFT_PLUGIN_ERROR_INVALID_DEFINITION,
                   "'%s' is not a valid %s name: use letters, digits and '_', starting with a letter, "
                   "optionally namespaced with dots (acme.Scale)", info->name, what);
      return FALSE;
    }
  if (info->signature == NULL || info->signature[0] == '\0')
    {
      g_set_error (error, GRAFT_PLUGIN_ERROR, GRAFT_PLUGIN_ERROR_INVALID_DEFINITION,
                   "%s: the definition has no signature", info->name);
      return FALSE;
    }
  if (info->summary == NULL || info->summary[0] == '\0')
    {
      g_set_error (error, GRAFT_PLUGIN_ERROR, GRAFT_PLUGIN_ERROR_INVALID_DEFINITION,
                   "%s: the definition has no summary", info->name);
      return FALSE;
    }
  return TRUE;
}

static gboolean
build_def (Parser            *ps,
           GraftOpDef        *def,
           const GraftOpInfo *info,
           GError           **error)
{
  g_autofree gboolean *bound = NULL;
  guint n_inputs = 0, n_explicit = 0, cap;
  gboolean needs_seeds;

  for (guint i = 0; i < ps->params->len; i++)
    {
      if (g_array_index (ps->params, SigArg, i).is_attr)
        n_explicit++;
      else
        n_inputs++;
    }

  if (def->kind == GRAFT_OP_KIND_INITIALIZER && (n_inputs != 0 || ps->outputs->len != 1))
    {
      if (n_inputs != 0)
        g_set_error (error, GRAFT_PLUGIN_ERROR, GRAFT_PLUGIN_ERROR_INVALID_DEFINITION,
                     "Initializer %s must take no tensor inputs, but its signature has %u: %s",
                     def->name, n_inputs, def->signature);
      else
        g_set_error (error, GRAFT_PLUGIN_ERROR, GRAFT_PLUGIN_ERROR_INVALID_DEFINITION,
                     "Initializer %s must have exactly one output, but its signature has %u: %s",
                     def->name, ps->outputs->len, def->signature);
      return FALSE;
    }
  if (n_inputs > MAX_ARGS || n_explicit > MAX_ARGS)
    {
      g_set_error (error, GRAFT_PLUGIN_ERROR, GRAFT_PLUGIN_ERROR_INVALID_DEFINITION,
                   "%s: the signature has more than %d inputs or attributes", def->name, MAX_ARGS);
      return FALSE;
    }

  /* Implicit type variables come from input and output types only. */
  cap = n_explicit + 2 * n_inputs + ps->outputs->len + 3;
  def->attrs = g_new0 (GraftAttrDef, cap);
  def->inputs = g_new0 (GraftArgDef, MAX (n_inputs, 1));
  def->outputs = g_new0 (GraftArgDef, MAX (ps->outputs->len, 1));
  def->params = g_new0 (GraftParam, MAX (ps->params->len, 1));
  bound = g_new0 (gboolean, cap);

  /* Explicit attributes first, so that inputs may name a type attribute
   * declared after them. Defaults move into the definition. */
  for (guint i = 0; i < ps->params->len; i++)
    {
      SigArg *arg = &g_array_index (ps->params, SigArg, i);
      GraftParam *param = &def->params[def->n_params++];

      if (!arg->is_attr)
        {
          param->kind = GRAFT_PARAM_INPUT;
          param->index = (guint8) def->n_inputs++;
          continue;
        }
      param->kind = GRAFT_PARAM_ATTR;
      param->index = (guint8) def->n_attrs;
      {
        GraftAttrDef *ad = add_attr (def, arg->name, arg->kind);

        ad->has_default = arg->has_default;
        ad->default_value = arg->default_value;
        arg->has_default = FALSE;
        memset (&arg->default_value, 0, sizeof arg->default_value);
      }
    }

  for (guint i = 0, in = 0; i < ps->params->len; i++)
    {
      const SigArg *arg = &g_array_index (ps->params, SigArg, i);

      if (arg->is_attr)
        continue;
      if (arg->is_ref)
        {
          if (in >= 32)
            return sig_error_at (ps, arg->name_pos, error, "only the first 32 inputs may be 'ref'");
          def->inputs[in].is_ref = TRUE;
          def->ref_inputs |= 1u << in;
        }
      if (!resolve_type (ps, def, arg, FALSE, n_explicit, bound, &def->inputs[in], error))
        return FALSE;
      if (arg->number != NULL && !resolve_number (ps, def, arg, &def->inputs[in], error))
        return FALSE;
      in++;
    }
  /* Counted up front like the inputs: the names of unresolved ones are
   * still NULL, which _graft_op_def_free() copes with. */
  def->n_outputs = ps->outputs->len;
  for (guint o = 0; o < ps->outputs->len; o++)
    if (!resolve_type (ps, def, &g_array_index (ps->outputs, SigArg, o), TRUE, n_explicit, bound,
                       &def->outputs[o], error))
      return FALSE;
  if (!apply_constraints (ps, def, error))
    return FALSE;

  /* Attributes Graft fills in itself: the variable's shape for
   * initializers, and the seed pair for anything random. */
  if (def->kind == GRAFT_OP_KIND_INITIALIZER)
    add_attr (def, "_shape", GRAFT_ATTR_SHAPE)->is_internal = TRUE;
  needs_seeds = def->kind == GRAFT_OP_KIND_INITIALIZER || (def->flags & GRAFT_OP_FLAGS_RANDOM) != 0;
  if (needs_seeds)
    {
      GraftAttrDef *seed = add_attr (def, "_seed", GRAFT_ATTR_INT);
      GraftAttrDef *seed2;

      seed->is_internal = seed->has_default = TRUE;
      seed2 = add_attr (def, "_seed2", GRAFT_ATTR_INT);
      seed2->is_internal = seed2->has_default = TRUE;
    }

  if (def->kernel != NULL)
    return prepare_kernel_call (def, info->arity, error);
  return TRUE;
}

/**
 * _graft_op_def_new:
 * @kind: an op or an initializer
 * @info: the definition as the plugin declared it
 * @plugin_name: (nullable): the name of the plugin that provides it
 * @error: return location for a #GError
 *
 * Parses @info's signature and builds the definition: inputs, outputs and
 * attributes (explicit ones, then implicit type variables, then Graft's
 * internal ones), the kernel's parameter order, and a libffi call interface
 * checked against @info's arity.
 *
 * Returns: (transfer full) (nullable): a new definition, or %NULL with
 *   @error set in #GRAFT_PLUGIN_ERROR: INVALID_SIGNATURE (pointing at the
 *   character), ARITY_MISMATCH (with the expected C prototype) or
 *   INVALID_DEFINITION
 */
GraftOpDef *
_graft_op_def_new (GraftOpKind        kind,
                   const GraftOpInfo *info,
                   const char        *plugin_name,
                   GError           **error)
{
  GraftOpDef *def;
  Parser ps;
  gboolean ok;

  g_return_val_if_fail (kind == GRAFT_OP_KIND_OP || kind == GRAFT_OP_KIND_INITIALIZER, NULL);
  g_return_val_if_fail (info != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_info (kind, info, error))
    return NULL;

  def = g_new0 (GraftOpDef, 1);
  def->name = g_strdup (info->name);
  def->signature = g_strdup (info->signature);
  def->summary = g_strdup (info->summary);
  def->default_name = g_strdup (info->default_name ? info->default_name : info->name);
  def->plugin_name = g_strdup (plugin_name);
  def->kind = kind;
  def->flags = info->flags;
  def->number_attr = -1;
  def->shape_fn = info->shape;
  def->kernel = info->kernel;
  /* Without a kernel there is nothing to call, so no arity to keep. */
  def->arity = info->kernel != NULL ? info->arity : 0;

  parser_init (&ps, def->name, def->signature);
  ok = parse_signature (&ps, error) && build_def (&ps, def, info, error);
  parser_clear (&ps);
  if (!ok)
    {
      _graft_op_def_free (def);
      return NULL;
    }
  /* Attribute positions the builder and the session ask for on every op:
   * found once here instead of by name each time. */
  def->seed_attr = _graft_op_def_find_attr (def, "_seed");
  def->seed2_attr = _graft_op_def_find_attr (def, "_seed2");
  def->value_attr = strcmp (def->name, "Const") == 0 ? _graft_op_def_find_attr (def, "value") : -1;
  return def;
}

/**
 * _graft_op_def_free:
 * @def: (transfer full): a definition made by _graft_op_def_new()
 *
 * Frees @def with its default values, libffi types and closure.
 */
void
_graft_op_def_free (GraftOpDef *def)
{
  if (def == NULL)
    return;

  for (guint a = 0; a < def->n_attrs; a++)
    {
      g_free (def->attrs[a].name);
      if (def->attrs[a].has_default)
        _graft_attr_value_clear (def->attrs[a].kind, &def->attrs[a].default_value);
    }
  for (guint i = 0; i < def->n_inputs; i++)
    g_free (def->inputs[i].name);
  for (guint o = 0; o < def->n_outputs; o++)
    g_free (def->outputs[o].name);
  g_free (def->attrs);
  g_free (def->inputs);
  g_free (def->outputs);
  g_free (def->params);
  g_free (def->ffi_args);
  g_clear_pointer (&def->closure, g_closure_unref);
  g_free (def->name);
  g_free (def->signature);
  g_free (def->summary);
  g_free (def->default_name);
  g_free (def->plugin_name);
  g_free (def);
}

/**
 * _graft_op_def_find_attr:
 * @def: a definition
 * @name: an attribute name
 *
 * Definitions have few attributes, so a scan beats a hash table.
 *
 * Returns: the index of the attribute called @name, or -1
 */
gint
_graft_op_def_find_attr (const GraftOpDef *def,
                         const char       *name)
{
  g_return_val_if_fail (def != NULL, -1);
  g_return_val_if_fail (name != NULL, -1);

  for (guint a = 0; a < def->n_attrs; a++)
    if (strcmp (def->attrs[a].name, name) == 0)
      return (gint) a;
  return -1;
}
