{
  "targets": [
    {
      "target_name": "cs231n_blas",
      "sources": ["blas.c"],
      "cflags": ["-O2"],
      "conditions": [
        [
          "OS=='mac'",
          {
            "defines": ["USE_ACCELERATE", "ACCELERATE_NEW_LAPACK"],
            "libraries": ["-framework Accelerate"]
          }
        ],
        [
          "OS!='mac' and OS!='win'",
          {
            "libraries": ["-lopenblas"]
          }
        ]
      ]
    }
  ]
}
