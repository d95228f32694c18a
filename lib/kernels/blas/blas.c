/*
 * A minimal Node-API addon exposing the system BLAS's cblas_dgemm (OpenBLAS on Linux, Accelerate
 * on macOS) to lib/kernels/blas/index.ts: `gemm`, `axpy` and `dot` with the argument order of
 * ComputeBackend's methods (row-major packed Float64Arrays), plus `info()` describing the library.
 */
#define NAPI_VERSION 8
#include <node_api.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdint.h>

#ifdef USE_ACCELERATE
#include <Accelerate/Accelerate.h>
#else
#include <cblas.h>
/* OpenBLAS extras; weak so that another CBLAS still links and loads. */
extern char *openblas_get_config(void) __attribute__((weak));
extern char *openblas_get_corename(void) __attribute__((weak));
extern int openblas_get_num_threads(void) __attribute__((weak));
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
  cblas_dgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, (int)m, (int)n,
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
  cblas_daxpy((int)n, alpha, x, 1, y, 1);
  return NULL;
}

/* dot(x, y): sum of x[i] y[i]. */
static napi_value Dot(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  if (!get_args(env, info, 2, argv)) THROW(env, "blas dot: expected 2 arguments");
  double *x, *y;
  size_t n;
  if (!get_vectors(env, argv, &x, &y, &n)) THROW(env, "blas dot: x and y must be Float64Arrays of the same length");
  napi_value out;
  napi_create_double(env, cblas_ddot((int)n, x, 1, y, 1), &out);
  return out;
}

/* info(): one line naming the library, its kernel and its threads. */
static napi_value Info(napi_env env, napi_callback_info info) {
  (void)info;
  char line[256];
#ifdef USE_ACCELERATE
  snprintf(line, sizeof line, "Accelerate cblas_dgemm");
#else
  if (openblas_get_config && openblas_get_corename && openblas_get_num_threads)
    snprintf(line, sizeof line, "%s cblas_dgemm, %s kernel, %d threads", openblas_get_config(),
             openblas_get_corename(), openblas_get_num_threads());
  else
    snprintf(line, sizeof line, "system CBLAS cblas_dgemm");
#endif
  napi_value out;
  napi_create_string_utf8(env, line, NAPI_AUTO_LENGTH, &out);
  return out;
}

static napi_value Init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"gemm", NULL, Gemm, NULL, NULL, NULL, napi_default, NULL},
      {"axpy", NULL, Axpy, NULL, NULL, NULL, napi_default, NULL},
      {"dot", NULL, Dot, NULL, NULL, NULL, napi_default, NULL},
      {"info", NULL, Info, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, 4, props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
