/*
 * A minimal Node-API addon exposing a BLAS's cblas_dgemm (and axpy, dot, row-gather, im2col and
 * col2im loops) to
 * index.ts beside this file, with the argument order of ComputeBackend (row-major packed Float64Arrays),
 * plus `info()` describing the library and `setThreads(n)` / `threads()` for OpenBLAS's pool.
 *
 * Three builds (chosen by binding.gyp's `blas` variable, set by scripts/build-backends.js):
 *   USE_SCIPY_OPENBLAS  the OpenBLAS of PyPI's scipy-openblas32 wheel; its symbols carry a
 *                       `scipy_` prefix (scipy_cblas_dgemm, scipy_openblas_get_config, ...)
 *   USE_ACCELERATE      Apple's Accelerate on macOS
 *   neither             the system CBLAS (Debian's libopenblas-dev, ...)
 */
#define NAPI_VERSION 8
#include <node_api.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>

#if defined(USE_ACCELERATE)
#include <Accelerate/Accelerate.h>
#define BLAS(name) name
#define BLAS_SOURCE "Accelerate"
#elif defined(USE_SCIPY_OPENBLAS)
#include <cblas.h> /* the wheel's header (include path set by binding.gyp) */
#define BLAS(name) scipy_##name
#define BLAS_SOURCE "scipy-openblas32 wheel"
#define HAVE_OPENBLAS_EXTRAS 1
#else
#include <cblas.h>
#define BLAS(name) name
#define BLAS_SOURCE "system CBLAS"
/* OpenBLAS extras; weak so that another CBLAS still links and loads. */
extern char *openblas_get_config(void) __attribute__((weak));
extern char *openblas_get_corename(void) __attribute__((weak));
extern int openblas_get_num_threads(void) __attribute__((weak));
extern void openblas_set_num_threads(int) __attribute__((weak));
#endif

#define THROW(env, msg)                        \
  do {                                         \
    napi_throw_type_error((env), NULL, (msg)); \
    return NULL;                               \
  } while (0)

static bool get_matrix(napi_env env, napi_value v, double **data, size_t *length) {
  bool is_typed = false;
  if (napi_is_typedarray(env, v, &is_typed) != napi_ok || !is_typed) return false;
  napi_typedarray_type type;
  napi_value buffer;
  size_t offset;
  void *raw = NULL;
  if (napi_get_typedarray_info(env, v, &type, length, &raw, &buffer, &offset) != napi_ok) return false;
  if (type != napi_float64_array) return false;
  *data = (double *)raw;
  return true;
}

static bool get_dim(napi_env env, napi_value v, int64_t *out) {
  double d;
  if (napi_get_value_double(env, v, &d) != napi_ok) return false;
  if (!(d >= 0 && d <= 2147483647.0) || d != (double)(int64_t)d) return false;
  *out = (int64_t)d;
  return true;
}

/* Reads exactly `want` call arguments into argv. */
static bool get_args(napi_env env, napi_callback_info info, size_t want, napi_value *argv) {
  size_t argc = want;
  return napi_get_cb_info(env, info, &argc, argv, NULL, NULL) == napi_ok && argc == want;
}

/* gemm(transA, transB, m, n, k, alpha, a, b, beta, c): C = alpha op(A) op(B) + beta C. */
static napi_value Gemm(napi_env env, napi_callback_info info) {
  napi_value argv[10];
  if (!get_args(env, info, 10, argv)) THROW(env, "blas gemm: expected 10 arguments");
  bool ta, tb;
  if (napi_get_value_bool(env, argv[0], &ta) != napi_ok) THROW(env, "blas gemm: transA must be a boolean");
  if (napi_get_value_bool(env, argv[1], &tb) != napi_ok) THROW(env, "blas gemm: transB must be a boolean");
  int64_t m, n, k;
  if (!get_dim(env, argv[2], &m) || !get_dim(env, argv[3], &n) || !get_dim(env, argv[4], &k))
    THROW(env, "blas gemm: m, n, k must be non-negative 32-bit integers");
  double alpha, beta;
  if (napi_get_value_double(env, argv[5], &alpha) != napi_ok || napi_get_value_double(env, argv[8], &beta) != napi_ok)
    THROW(env, "blas gemm: alpha and beta must be numbers");
  double *a, *b, *c;
  size_t la, lb, lc;
  if (!get_matrix(env, argv[6], &a, &la) || !get_matrix(env, argv[7], &b, &lb) || !get_matrix(env, argv[9], &c, &lc))
    THROW(env, "blas gemm: a, b and c must be Float64Arrays");
  if ((int64_t)la < m * k || (int64_t)lb < k * n || (int64_t)lc < m * n)
    THROW(env, "blas gemm: a buffer is shorter than its matrix");
  if (m == 0 || n == 0) return NULL;
  int lda = (int)(ta ? m : k), ldb = (int)(tb ? k : n), ldc = (int)n;
  if (lda < 1) lda = 1;
  if (ldb < 1) ldb = 1;
  BLAS(cblas_dgemm)(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, (int)m, (int)n,
              (int)k, alpha, a, lda, b, ldb, beta, c, ldc);
  return NULL;
}

/* Reads two Float64Arrays of equal length from argv[0] and argv[1]. */
static bool get_vectors(napi_env env, napi_value *argv, double **x, double **y, size_t *n) {
  size_t nx, ny;
  if (!get_matrix(env, argv[0], x, &nx) || !get_matrix(env, argv[1], y, &ny)) return false;
  if (nx != ny || nx > 2147483647u) return false;
  *n = nx;
  return true;
}

/*
 * axpy and dot are plain loops, not cblas_daxpy / cblas_ddot: they are memory-bound, and OpenBLAS
 * splits long vectors between its threads, whose hand-off costs more than the work (many times
 * more when other processes hold the cores). The loops also round as numpy's `w -= lr * dw` does.
 */

/* axpy(alpha, x, y): y += alpha x, in place. */
static napi_value Axpy(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  if (!get_args(env, info, 3, argv)) THROW(env, "blas axpy: expected 3 arguments");
  double alpha;
  if (napi_get_value_double(env, argv[0], &alpha) != napi_ok) THROW(env, "blas axpy: alpha must be a number");
  double *x, *y;
  size_t n;
  if (!get_vectors(env, argv + 1, &x, &y, &n))
    THROW(env, "blas axpy: x and y must be Float64Arrays of the same length");
  for (size_t i = 0; i < n; i++) y[i] += alpha * x[i];
  return NULL;
}

/* dot(x, y): sum of x[i] y[i] (four running sums, so the loop is not one long dependency chain). */
static napi_value Dot(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  if (!get_args(env, info, 2, argv)) THROW(env, "blas dot: expected 2 arguments");
  double *x, *y;
  size_t n;
  if (!get_vectors(env, argv, &x, &y, &n)) THROW(env, "blas dot: x and y must be Float64Arrays of the same length");
  double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    s0 += x[i] * y[i];
    s1 += x[i + 1] * y[i + 1];
    s2 += x[i + 2] * y[i + 2];
    s3 += x[i + 3] * y[i + 3];
  }
  for (; i < n; i++) s0 += x[i] * y[i];
  napi_value out;
  napi_create_double(env, (s0 + s1) + (s2 + s3), &out);
  return out;
}

/*
 * gatherRows(src, rowSize, rows, dst): copies row rows[i] of src (rows of rowSize doubles) to row i
 * of dst, for every i: the minibatch gather `X[batch]`, one memcpy per row. (Measured on the
 * two-layer net's Solver cell: faster than the same copies from JavaScript, and faster on one
 * thread than split between two, since OpenBLAS's threads still hold the other core.)
 */
static napi_value GatherRows(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  if (!get_args(env, info, 4, argv)) THROW(env, "blas gatherRows: expected 4 arguments");
  double *src, *dst;
  size_t src_len, dst_len;
  if (!get_matrix(env, argv[0], &src, &src_len) || !get_matrix(env, argv[3], &dst, &dst_len))
    THROW(env, "blas gatherRows: src and dst must be Float64Arrays");
  int64_t row_size;
  if (!get_dim(env, argv[1], &row_size)) THROW(env, "blas gatherRows: rowSize must be a non-negative 32-bit integer");
  bool is_typed = false;
  napi_typedarray_type type;
  size_t count, offset;
  void *raw = NULL;
  napi_value buffer;
  if (napi_is_typedarray(env, argv[2], &is_typed) != napi_ok || !is_typed ||
      napi_get_typedarray_info(env, argv[2], &type, &count, &raw, &buffer, &offset) != napi_ok ||
      type != napi_int32_array)
    THROW(env, "blas gatherRows: rows must be an Int32Array");
  const int32_t *rows = (const int32_t *)raw;
  if (row_size == 0 || count == 0) return NULL;
  size_t row = (size_t)row_size, src_rows = src_len / row;
  if (dst_len / row < count) THROW(env, "blas gatherRows: dst is shorter than the gathered rows");
  for (size_t i = 0; i < count; i++)
    if (rows[i] < 0 || (size_t)rows[i] >= src_rows) THROW(env, "blas gatherRows: a row index is outside src");
  for (size_t i = 0; i < count; i++) memcpy(dst + i * row, src + (size_t)rows[i] * row, row * sizeof(double));
  return NULL;
}

/* The arguments shared by im2colImage and col2imImage: the image buffer and offset, the geometry
 * (Int32Array: channels, height, width, fieldHeight, fieldWidth, stride, pad, outHeight, outWidth),
 * the columns buffer, offset and row stride; checked again here (index.ts checks them first). */
typedef struct {
  double *image, *cols;
  int64_t image_off, cols_off, row_stride;
  int c, h, w, fh, fw, s, p, oh, ow;
} window_args;

static const char *get_window(napi_env env, napi_value image, napi_value image_off, napi_value geometry,
                              napi_value cols, napi_value cols_off, napi_value row_stride, window_args *a) {
  size_t image_len, cols_len;
  if (!get_matrix(env, image, &a->image, &image_len) || !get_matrix(env, cols, &a->cols, &cols_len))
    return "image and cols must be Float64Arrays";
  if (!get_dim(env, image_off, &a->image_off) || !get_dim(env, cols_off, &a->cols_off) ||
      !get_dim(env, row_stride, &a->row_stride))
    return "offsets and the row stride must be non-negative 32-bit integers";
  bool is_typed = false;
  napi_typedarray_type type;
  size_t count, offset;
  void *raw = NULL;
  napi_value buffer;
  if (napi_is_typedarray(env, geometry, &is_typed) != napi_ok || !is_typed ||
      napi_get_typedarray_info(env, geometry, &type, &count, &raw, &buffer, &offset) != napi_ok ||
      type != napi_int32_array || count != 9)
    return "the geometry must be an Int32Array of 9 integers";
  const int32_t *g = (const int32_t *)raw;
  a->c = g[0]; a->h = g[1]; a->w = g[2]; a->fh = g[3]; a->fw = g[4];
  a->s = g[5]; a->p = g[6]; a->oh = g[7]; a->ow = g[8];
  if (a->c < 0 || a->h < 0 || a->w < 0 || a->fh < 1 || a->fw < 1 || a->s < 1 || a->p < 0 ||
      a->oh < 0 || a->ow < 0)
    return "the geometry has a negative size or a zero field or stride";
  if ((int64_t)(a->h + 2 * (int64_t)a->p - a->fh) != (int64_t)(a->oh - 1) * a->s ||
      (int64_t)(a->w + 2 * (int64_t)a->p - a->fw) != (int64_t)(a->ow - 1) * a->s)
    return "the geometry's output size does not match its input, field, stride and pad";
  int64_t positions = (int64_t)a->oh * a->ow, rows = (int64_t)a->c * a->fh * a->fw;
  if (a->row_stride < positions) return "the row stride is smaller than outHeight * outWidth";
  if (a->image_off + (int64_t)a->c * a->h * a->w > (int64_t)image_len) return "the image lies outside its buffer";
  if (rows > 0 && positions > 0 && a->cols_off + (rows - 1) * a->row_stride + positions > (int64_t)cols_len)
    return "the columns lie outside their buffer";
  return NULL;
}

/* ow in [lo, hi) reads inside the image for field column j. */
static void inside(int j, int s, int p, int size, int out, int *lo, int *hi) {
  int l = p - j > 0 ? (p - j + s - 1) / s : 0;
  if (l > out) l = out;
  int last = size - 1 + p - j; /* ow * s <= last */
  int h = last < 0 ? 0 : last / s + 1;
  if (h > out) h = out;
  if (h < l) h = l;
  *lo = l;
  *hi = h;
}

static napi_value Im2colImage(napi_env env, napi_callback_info info) {
  napi_value argv[6];
  if (!get_args(env, info, 6, argv)) THROW(env, "blas im2colImage: expected 6 arguments");
  window_args a;
  const char *err = get_window(env, argv[0], argv[1], argv[2], argv[3], argv[4], argv[5], &a);
  if (err) {
    char msg[160];
    snprintf(msg, sizeof msg, "blas im2colImage: %s", err);
    THROW(env, msg);
  }
  const double *x = a.image + a.image_off;
  int64_t row = 0;
  for (int c = 0; c < a.c; c++) {
    const double *plane = x + (int64_t)c * a.h * a.w;
    for (int i = 0; i < a.fh; i++) {
      for (int j = 0; j < a.fw; j++, row++) {
        int lo, hi;
        inside(j, a.s, a.p, a.w, a.ow, &lo, &hi);
        double *dst_row = a.cols + a.cols_off + row * a.row_stride;
        for (int oh = 0; oh < a.oh; oh++) {
          double *dst = dst_row + (int64_t)oh * a.ow;
          int ih = oh * a.s + i - a.p;
          if (ih < 0 || ih >= a.h) {
            memset(dst, 0, (size_t)a.ow * sizeof(double));
            continue;
          }
          const int64_t base = (int64_t)ih * a.w + j - a.p; /* plane[base + ow * s] for ow in [lo, hi) */
          for (int ow = 0; ow < lo; ow++) dst[ow] = 0;
          if (a.s == 1) {
            if (hi > lo) memcpy(dst + lo, plane + base + lo, (size_t)(hi - lo) * sizeof(double));
          } else {
            for (int ow = lo; ow < hi; ow++) dst[ow] = plane[base + (int64_t)ow * a.s];
          }
          for (int ow = hi; ow < a.ow; ow++) dst[ow] = 0;
        }
      }
    }
  }
  return NULL;
}

static napi_value Col2imImage(napi_env env, napi_callback_info info) {
  napi_value argv[6];
  if (!get_args(env, info, 6, argv)) THROW(env, "blas col2imImage: expected 6 arguments");
  window_args a;
  /* argument order: cols, colsOffset, colsRowStride, geometry, dx, dxOffset */
  const char *err = get_window(env, argv[4], argv[5], argv[3], argv[0], argv[1], argv[2], &a);
  if (err) {
    char msg[160];
    snprintf(msg, sizeof msg, "blas col2imImage: %s", err);
    THROW(env, msg);
  }
  double *dx = a.image + a.image_off;
  int64_t row = 0;
  for (int c = 0; c < a.c; c++) {
    double *plane = dx + (int64_t)c * a.h * a.w;
    for (int i = 0; i < a.fh; i++) {
      for (int j = 0; j < a.fw; j++, row++) {
        int lo, hi;
        inside(j, a.s, a.p, a.w, a.ow, &lo, &hi);
        const double *src_row = a.cols + a.cols_off + row * a.row_stride;
        for (int oh = 0; oh < a.oh; oh++) {
          int ih = oh * a.s + i - a.p;
          if (ih < 0 || ih >= a.h) continue;
          const double *src = src_row + (int64_t)oh * a.ow;
          const int64_t base = (int64_t)ih * a.w + j - a.p;
          if (a.s == 1) {
            for (int ow = lo; ow < hi; ow++) plane[base + ow] += src[ow];
          } else {
            for (int ow = lo; ow < hi; ow++) plane[base + (int64_t)ow * a.s] += src[ow];
          }
        }
      }
    }
  }
  return NULL;
}

/* The thread count of OpenBLAS's pool, or 0 when the library does not tell. */
static int blas_threads(void) {
#if defined(HAVE_OPENBLAS_EXTRAS)
  return BLAS(openblas_get_num_threads)();
#elif defined(USE_ACCELERATE)
  return 0;
#else
  return openblas_get_num_threads ? openblas_get_num_threads() : 0;
#endif
}

/* info(): one line naming where the library comes from, its kernel and its threads. */
static napi_value Info(napi_env env, napi_callback_info info) {
  (void)info;
  char line[320];
#if defined(HAVE_OPENBLAS_EXTRAS)
  snprintf(line, sizeof line, "%s: %s cblas_dgemm, %s kernel, %d threads", BLAS_SOURCE,
           BLAS(openblas_get_config)(), BLAS(openblas_get_corename)(), blas_threads());
#elif defined(USE_ACCELERATE)
  snprintf(line, sizeof line, "%s cblas_dgemm", BLAS_SOURCE);
#else
  if (openblas_get_config && openblas_get_corename && openblas_get_num_threads)
    snprintf(line, sizeof line, "%s: %s cblas_dgemm, %s kernel, %d threads", BLAS_SOURCE,
             openblas_get_config(), openblas_get_corename(), blas_threads());
  else
    snprintf(line, sizeof line, "%s cblas_dgemm", BLAS_SOURCE);
#endif
  napi_value out;
  napi_create_string_utf8(env, line, NAPI_AUTO_LENGTH, &out);
  return out;
}

/* threads(): OpenBLAS's current thread count (0 when unknown). */
static napi_value Threads(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value out;
  napi_create_int32(env, blas_threads(), &out);
  return out;
}

/* setThreads(n): OpenBLAS's thread count for the following calls; false when it cannot be set. */
static napi_value SetThreads(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!get_args(env, info, 1, argv)) THROW(env, "blas setThreads: expected 1 argument");
  int64_t n;
  if (!get_dim(env, argv[0], &n) || n < 1 || n > 1024)
    THROW(env, "blas setThreads: n must be an integer from 1 to 1024");
  bool ok = true;
#if defined(HAVE_OPENBLAS_EXTRAS)
  BLAS(openblas_set_num_threads)((int)n);
#elif defined(USE_ACCELERATE)
  ok = false;
#else
  if (openblas_set_num_threads)
    openblas_set_num_threads((int)n);
  else
    ok = false;
#endif
  napi_value out;
  napi_get_boolean(env, ok, &out);
  return out;
}

static napi_value Init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"gemm", NULL, Gemm, NULL, NULL, NULL, napi_default, NULL},
      {"axpy", NULL, Axpy, NULL, NULL, NULL, napi_default, NULL},
      {"dot", NULL, Dot, NULL, NULL, NULL, napi_default, NULL},
      {"info", NULL, Info, NULL, NULL, NULL, napi_default, NULL},
      {"threads", NULL, Threads, NULL, NULL, NULL, napi_default, NULL},
      {"setThreads", NULL, SetThreads, NULL, NULL, NULL, napi_default, NULL},
      {"gatherRows", NULL, GatherRows, NULL, NULL, NULL, napi_default, NULL},
      {"im2colImage", NULL, Im2colImage, NULL, NULL, NULL, napi_default, NULL},
      {"col2imImage", NULL, Col2imImage, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
