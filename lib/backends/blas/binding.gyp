{
  "variables": {
    "blas%": "system",
    "blas_include%": "",
    "blas_libdir%": ""
  },
  "targets": [
    {
      "target_name": "cs231n_blas",
      "sources": ["blas.c"],
      "cflags": ["-O2"],
      "conditions": [
        [
          "blas=='wheel'",
          {
            "defines": ["USE_SCIPY_OPENBLAS"],
            "include_dirs": ["<(blas_include)"],
            "libraries": ["-L<(blas_libdir)", "-lscipy_openblas", "-Wl,-rpath,<(blas_libdir)"]
          }
        ],
        [
          "blas=='system' and OS=='mac'",
          {
            "defines": ["USE_ACCELERATE", "ACCELERATE_NEW_LAPACK"],
            "libraries": ["-framework Accelerate"]
          }
        ],
        [
          "blas=='system' and OS!='mac' and OS!='win'",
          {
            "libraries": ["-lopenblas"]
          }
        ]
      ]
    }
  ]
}
