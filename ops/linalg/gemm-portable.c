/* gemm-portable.c: the portable GEMMs of one variant (GEMM_VARIANT), one
 * per element type, from gemm-template.h. The build compiles this file
 * once per variant with that variant's instruction-set flags; the vector
 * width, and so the register tile, follows from what the compiler may
 * use.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "gemm.h"

#ifndef GEMM_VARIANT
#error "GEMM_VARIANT must name the variant (generic, avx2, avx512)"
#endif

#define GEMM_CONCAT_(a, b) a##_##b
#define GEMM_CONCAT(a, b) GEMM_CONCAT_ (a, b)
#define GEMM_NAME(type) GEMM_CONCAT (GEMM_CONCAT (gemm, type), GEMM_VARIANT)

/* Vector registers: bytes, and how many tile rows they afford. Two
 * vectors per row, so MR · 2 accumulators plus two B vectors and a
 * broadcast must fit the register file: 16 registers for SSE/AVX2,
 * 32 for AVX-512. */
#if defined (__AVX512F__)
#define VECTOR_BYTES 64
#define TILE_ROWS 8
#elif defined (__AVX__)
#define VECTOR_BYTES 32
#define TILE_ROWS 6
#else
#define VECTOR_BYTES 16
#define TILE_ROWS 4
#endif

/* GCC and Clang vector extensions make the vectorisation explicit, so it
 * does not hinge on the auto-vectoriser's cost model; other compilers get
 * the same code on scalars. Unaligned (aligned to the element) because
 * rows of C start anywhere. */
#if defined (__GNUC__)
typedef float vec_f32 __attribute__ ((vector_size (VECTOR_BYTES), aligned (4)));
typedef double vec_f64 __attribute__ ((vector_size (VECTOR_BYTES), aligned (8)));
typedef guint32 vec_u32 __attribute__ ((vector_size (VECTOR_BYTES), aligned (4)));
typedef guint64 vec_u64 __attribute__ ((vector_size (VECTOR_BYTES), aligned (8)));
#define LANES(type) (VECTOR_BYTES / sizeof (type))
#else
typedef float vec_f32;
typedef double vec_f64;
typedef guint32 vec_u32;
typedef guint64 vec_u64;
#define LANES(type) 1
#endif

#define GEMM_T float
#define GEMM_FUNC GEMM_NAME (f32)
#define GEMM_VEC vec_f32
#define GEMM_VL LANES (float)
#define GEMM_MR TILE_ROWS
#include "gemm-template.h"
#undef GEMM_T
#undef GEMM_FUNC
#undef GEMM_VEC
#undef GEMM_VL

#define GEMM_T double
#define GEMM_FUNC GEMM_NAME (f64)
#define GEMM_VEC vec_f64
#define GEMM_VL LANES (double)
#include "gemm-template.h"
#undef GEMM_T
#undef GEMM_FUNC
#undef GEMM_VEC
#undef GEMM_VL

const GemmVariant GEMM_CONCAT (gemm_variant, GEMM_VARIANT) = {
  G_STRINGIFY (GEMM_VARIANT), GEMM_NAME (f32), GEMM_NAME (f64),
  GEMM_CONCAT (cols, GEMM_NAME (f32)), GEMM_CONCAT (cols, GEMM_NAME (f64)),
};

#if defined (GEMM_VARIANT_IS_GENERIC)
#define GEMM_T guint32
#define GEMM_FUNC gemm_u32_generic
#define GEMM_VEC vec_u32
#define GEMM_VL LANES (guint32)
#include "gemm-template.h"
#undef GEMM_T
#undef GEMM_FUNC
#undef GEMM_VEC
#undef GEMM_VL

#define GEMM_T guint64
#define GEMM_FUNC gemm_u64_generic
#define GEMM_VEC vec_u64
#define GEMM_VL LANES (guint64)
#include "gemm-template.h"
#endif
