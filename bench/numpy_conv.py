#!/usr/bin/env python3
"""numpy side of `npm run bench -- --conv`: the ConvolutionalNetworks notebook's fast-layer timing
cell and its one-epoch training cell, on the course's own fast_layers.py.

  python bench/numpy_conv.py --prepare --course DIR --build DIR
  python bench/numpy_conv.py --cell timing --course DIR --build DIR --spec bench/spec.json
  python bench/numpy_conv.py --cell epoch --course DIR --build DIR --spec bench/spec.json --data DIR

DIR of --course is the course's cs231n package (read only: fast_layers.py, im2col.py,
im2col_cython.pyx). --prepare compiles im2col_cython.pyx with Cython (from --build's site folder,
where bench/run.ts installs bench/requirements-bench.txt) into --build; the other commands load
that build as `cs231n.im2col_cython` before importing `cs231n.fast_layers`, so the course's
conv_forward_fast (its strides version) and conv_backward_fast (col2im_6d_cython) run unchanged.

timing: conv_forward_fast / conv_backward_fast on x (100, 3, 31, 31), w (25, 3, 3, 3), stride 2,
pad 1, and max_pool_forward_fast / max_pool_backward_fast on x (100, 3, 32, 32), 2x2 stride 2,
each repeated; the median and best of each, in seconds.

epoch: the notebook's one-epoch cell: the three-layer net of classifiers/cnn.py (conv 7x7 32
filters pad 3 - relu - 2x2 max pool - affine 500 - relu - affine 10 - softmax, L2 reg 1e-3,
weight scale 1e-3, the course's default float32 initial weights) trained by the course's own
solver.py (one epoch, batch 50, Adam 1e-3, verbose off; its accuracy checks on 1000 training
samples and the validation set at the first and last iteration). The starter leaves
ThreeLayerConvNet.loss to students, so the model here is that loss written out on the course's
fast layers, each layer timed as it runs on a training step (the accuracy checks' forward
passes are not split into parts), and the update rule (the starter's optim.adam is also
left to students) is bench/numpy_fcnets.py's Adam, timed, put in the Solver's place: the
JSON gives the seconds spent in conv, relu, pool, affine, loss (softmax and reg), update and the
rest, and the FLOPs of the matrix products of conv and affine, with this process's GEMM rate at
both shapes.
"""
import argparse
import hashlib
import importlib.util
import json
import os
import shutil
import sys
import time

import numpy as np

sys.dont_write_bytecode = True  # the course's folder is read only
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))


def build_tag(course):
    with open(os.path.join(course, "im2col_cython.pyx"), "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()[:12]
    return f"im2col_cython-{digest}-py{sys.version_info[0]}{sys.version_info[1]}-np{np.__version__}"


def prepare(course, build):
    """Compiles the course's im2col_cython.pyx into build/<tag>/ (once per source and python)."""
    site = os.path.join(build, "site")
    sys.path.insert(0, site)
    from Cython.Build import cythonize  # noqa: E402
    from setuptools import Extension  # noqa: E402
    from setuptools.dist import Distribution  # noqa: E402
    import Cython  # noqa: E402

    out = os.path.join(build, build_tag(course))
    if not os.path.isdir(out):
        tmp = out + ".partial"
        shutil.rmtree(tmp, ignore_errors=True)
        os.makedirs(tmp)
        pyx = os.path.join(tmp, "im2col_cython.pyx")
        shutil.copyfile(os.path.join(course, "im2col_cython.pyx"), pyx)
        ext = Extension("im2col_cython", [pyx], include_dirs=[np.get_include()])
        dist = Distribution({"ext_modules": cythonize([ext], quiet=True, build_dir=tmp),
                             "script_name": "setup.py"})
        cmd = dist.get_command_obj("build_ext")
        cmd.build_lib = tmp
        cmd.build_temp = os.path.join(tmp, "obj")
        cmd.ensure_finalized()
        cmd.run()
        os.rename(tmp, out)
    print(json.dumps({"cython": Cython.__version__, "build": out}))


def load_course(course, build):
    """The course's fast_layers module with its Cython extension from `build`."""
    out = os.path.join(build, build_tag(course))
    so = [f for f in os.listdir(out) if f.startswith("im2col_cython") and f.endswith((".so", ".pyd"))]
    if not so:
        raise SystemExit(f"numpy_conv: no compiled im2col_cython in {out}: run with --prepare first")
    spec = importlib.util.spec_from_file_location("cs231n.im2col_cython", os.path.join(out, so[0]))
    ext = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(ext)
    sys.path.insert(0, os.path.dirname(os.path.abspath(course)))
    package = os.path.basename(os.path.abspath(course))
    if package != "cs231n":
        raise SystemExit(f"numpy_conv: --course must be the course's cs231n folder, got {course}")
    import cs231n  # noqa: E402,F401
    sys.modules["cs231n.im2col_cython"] = ext
    from cs231n import fast_layers  # noqa: E402
    return fast_layers


def median(xs):
    return float(np.median(xs))


def timing_cell(fl, reps):
    """The notebook's fast-layer timing cell, each call repeated `reps` times after a warm-up."""
    np.random.seed(231)
    x = np.random.randn(100, 3, 31, 31)
    w = np.random.randn(25, 3, 3, 3)
    b = np.random.randn(25)
    dout = np.random.randn(100, 25, 16, 16)
    conv_param = {"stride": 2, "pad": 1}
    xp = np.random.randn(100, 3, 32, 32)
    doutp = np.random.randn(100, 3, 16, 16)
    pool_param = {"pool_height": 2, "pool_width": 2, "stride": 2}
    calls = {
        "convForward": lambda: fl.conv_forward_fast(x, w, b, conv_param),
        "convBackward": lambda: fl.conv_backward_fast(dout, cache),
        "poolForward": lambda: fl.max_pool_forward_fast(xp, pool_param),
        "poolBackward": lambda: fl.max_pool_backward_fast(doutp, pcache),
    }
    _, cache = fl.conv_forward_fast(x, w, b, conv_param)
    _, pcache = fl.max_pool_forward_fast(xp, pool_param)
    result = {}
    for name, call in calls.items():
        for _ in range(2):
            call()
        times = []
        for _ in range(reps):
            t = time.perf_counter()
            call()
            times.append(time.perf_counter() - t)
        result[name] = {"median": median(times), "best": min(times), "reps": reps}
    return result


def gemm_rate(m, k, n, min_seconds=0.5):
    rng = np.random.RandomState(0)
    a, b = rng.randn(m, k), rng.randn(k, n)
    for _ in range(2):
        a @ b
    best, start = float("inf"), time.perf_counter()
    while time.perf_counter() - start < min_seconds:
        t = time.perf_counter()
        a @ b
        best = min(best, time.perf_counter() - t)
    return 2.0 * m * n * k / best / 1e9


def epoch_cell(fl, data_dir, cell):
    import numpy_ref as ref  # noqa: E402

    data = ref.get_cifar10_data(data_dir)
    steps = cell.get("steps")
    batch = cell["batchSize"]
    X_train, y_train = data["X_train"], data["y_train"]
    if steps:  # a shortened epoch: the same steps on the first steps * batch images
        X_train, y_train = X_train[: steps * batch], y_train[: steps * batch]
    X_val, y_val = data["X_val"], data["y_val"]
    seconds = {k: 0.0 for k in ("conv", "relu", "pool", "affine", "loss", "update")}
    flops = {"conv": 0, "affine": 0}

    def timed(part, f, *args):
        t = time.perf_counter()
        r = f(*args)
        seconds[part] += time.perf_counter() - t
        return r

    F, fs, hidden, C = cell["numFilters"], cell["filterSize"], cell["hiddenDim"], 10
    ws, reg = cell["weightScale"], cell["reg"]
    np.random.seed(cell["seed"])
    params = {
        "W1": ws * np.random.randn(F, 3, fs, fs), "b1": np.zeros(F),
        "W2": ws * np.random.randn(F * 16 * 16, hidden), "b2": np.zeros(hidden),
        "W3": ws * np.random.randn(hidden, C), "b3": np.zeros(C),
    }
    params = {k: v.astype(np.float32) for k, v in params.items()}  # the course's default dtype
    conv_param = {"stride": 1, "pad": (fs - 1) // 2}
    pool_param = {"pool_height": 2, "pool_width": 2, "stride": 2}
    k_conv = 3 * fs * fs

    def untimed_scores(X):
        p = params
        a, _ = fl.conv_forward_fast(X, p["W1"], p["b1"], conv_param)
        h1, _ = fl.max_pool_forward_fast(ref.relu_forward(a)[0], pool_param)
        h2, _ = ref.relu_forward(ref.affine_forward(h1, p["W2"], p["b2"])[0])
        return ref.affine_forward(h2, p["W3"], p["b3"])[0]

    def loss(X, y=None):
        """ThreeLayerConvNet.loss: conv - relu - pool - affine - relu - affine - softmax."""
        p = params
        n = X.shape[0]
        # parts are timed on training steps only (as ours profiles them); the accuracy checks'
        # forward passes count as "other"
        if y is None:
            return untimed_scores(X)
        a, conv_cache = timed("conv", fl.conv_forward_fast, X, p["W1"], p["b1"], conv_param)
        flops["conv"] += 2 * n * F * k_conv * 32 * 32
        r, relu1 = timed("relu", ref.relu_forward, a)
        h1, pool_cache = timed("pool", fl.max_pool_forward_fast, r, pool_param)
        z2, fc2 = timed("affine", ref.affine_forward, h1, p["W2"], p["b2"])
        h2, relu2 = timed("relu", ref.relu_forward, z2)
        scores, fc3 = timed("affine", ref.affine_forward, h2, p["W3"], p["b3"])
        flops["affine"] += 2 * n * (F * 256 * hidden + hidden * C)
        t = time.perf_counter()
        data_loss, dscores = ref.softmax_loss(scores, y)
        reg_loss = 0.5 * reg * sum(np.sum(p[w] * p[w]) for w in ("W1", "W2", "W3"))
        seconds["loss"] += time.perf_counter() - t
        grads = {}
        dh2, grads["W3"], grads["b3"] = timed("affine", ref.affine_backward, dscores, fc3)
        dz2 = timed("relu", ref.relu_backward, dh2, relu2)
        dh1, grads["W2"], grads["b2"] = timed("affine", ref.affine_backward, dz2, fc2)
        flops["affine"] += 4 * n * (F * 256 * hidden + hidden * C)
        dr = timed("pool", fl.max_pool_backward_fast, dh1, pool_cache)
        da = timed("relu", ref.relu_backward, dr, relu1)
        _, grads["W1"], grads["b1"] = timed("conv", fl.conv_backward_fast, da, conv_cache)
        flops["conv"] += 4 * n * F * k_conv * 32 * 32
        t = time.perf_counter()
        for w in ("W1", "W2", "W3"):
            grads[w] = grads[w] + reg * p[w]
        seconds["loss"] += time.perf_counter() - t
        return data_loss + reg_loss, grads

    class Net:
        """The model the course's Solver trains: its params, reg and the loss above."""

        def __init__(self):
            self.params = params
            self.reg = reg

        def loss(self, X, y=None):
            return loss(X, y)

    if importlib.util.find_spec("future") is None:
        # solver.py's first lines call the Python 2 compatibility package `future`, whose
        # install_aliases() does nothing on Python 3; without it installed, a stand-in.
        import types  # noqa: E402

        future = types.ModuleType("future")
        future.standard_library = types.SimpleNamespace(install_aliases=lambda: None)
        sys.modules["future"] = future
    from cs231n.solver import Solver  # noqa: E402

    model = Net()
    solver = Solver(model, {"X_train": X_train, "y_train": y_train, "X_val": X_val, "y_val": y_val},
                    num_epochs=1, batch_size=batch, update_rule="adam",
                    optim_config={"learning_rate": cell["learningRate"]}, verbose=False)
    # the starter's optim.adam is left to students: the written-out solution of bench/numpy_fcnets.py
    from numpy_fcnets import adam  # noqa: E402

    def timed_adam(w, dw, config=None):
        t = time.perf_counter()
        r = adam(w, dw, config)
        seconds["update"] += time.perf_counter() - t
        return r

    solver.update_rule = timed_adam
    start = time.perf_counter()
    solver.train()
    total = time.perf_counter() - start
    iterations = len(solver.loss_history)
    accuracies = [{"iteration": 1 if i == 0 else iterations, "train": float(tr), "val": float(va)}
                  for i, (tr, va) in enumerate(zip(solver.train_acc_history, solver.val_acc_history))]
    seconds["other"] = total - sum(seconds.values())
    gemm = {"conv": gemm_rate(F, k_conv, 32 * 32 * batch), "affine": gemm_rate(batch, F * 256, hidden)}
    return {"seconds": total, "iterations": iterations, "partSeconds": seconds, "partFlops": flops,
            "gemmGflops": gemm, "flops": flops["conv"] + flops["affine"],
            "accuracies": accuracies, "finalLoss": float(solver.loss_history[-1])}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--course", required=True, help="the course's cs231n folder")
    parser.add_argument("--build", required=True, help="where the Cython build lives")
    parser.add_argument("--prepare", action="store_true", help="compile im2col_cython.pyx only")
    parser.add_argument("--cell", choices=["timing", "epoch"])
    parser.add_argument("--spec", default=os.path.join(os.path.dirname(__file__), "spec.json"))
    parser.add_argument("--data", help="CIFAR-10 binary directory (for --cell epoch)")
    parser.add_argument("--steps", type=int, help="shorten the epoch to this many steps")
    args = parser.parse_args()
    if args.prepare:
        prepare(args.course, args.build)
        return
    with open(args.spec) as f:
        spec = json.load(f)["conv"]
    fl = load_course(args.course, args.build)
    import numpy_ref as ref  # noqa: E402

    out = {"python": sys.version.split()[0], "numpy": np.__version__, "blas": ref.blas_info()}
    if args.cell == "timing":
        out["timing"] = timing_cell(fl, spec["timing"]["reps"])
    elif args.cell == "epoch":
        cell = dict(spec["epoch"])
        if args.steps:
            cell["steps"] = args.steps
        out["epoch"] = epoch_cell(fl, args.data, cell)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
