#!/usr/bin/env python3
"""numpy side of `npm run bench`: the same work as bench/ours.ts, defined by bench/spec.json.

  python bench/numpy_ref.py --spec bench/spec.json [--data DIR] [--gemm-only]

  python bench/numpy_ref.py --spec bench/spec.json --data DIR --sweep   (also the full sweep)

Prints one JSON object on stdout: numpy and BLAS details (threadpoolctl when installed), GEMM
GFLOP/s per shape, and the wall time of the Solver cell and of the shortened tuning cell (and of
the notebook's full sweep with --sweep), each with `flops`, the floating-point operations of its
matrix products (counted in the layers), from which the bench derives the compute floor.

The training code is the assignment's algorithm (cs231n layers.py, layer_utils.py, fc_net.py,
optim.py, solver.py), written out here so the reference needs nothing but numpy: affine - relu -
affine - softmax, L2 regularisation, sgd with the learning rate decayed after each epoch,
minibatches sampled with replacement, and accuracy checks (1000 training samples, all validation
samples, batches of 100) at the first iteration, after each epoch and at the last iteration.
"""
import argparse
import json
import os
import sys
import time

import numpy as np

# ---------------------------------------------------------------------------------------------
# Data: CIFAR-10 binary batches -> get_CIFAR10_data (49000 train, 1000 val, 1000 test, mean
# subtracted, shape (N, 3, 32, 32)).


def load_batch(path):
    raw = np.fromfile(path, dtype=np.uint8).reshape(-1, 3073)
    return raw[:, 1:].reshape(-1, 3, 32, 32).astype(np.float64), raw[:, 0].astype(np.int64)


def get_cifar10_data(cifar_dir, num_training=49000, num_validation=1000, num_test=1000):
    xs, ys = zip(*(load_batch(os.path.join(cifar_dir, f"data_batch_{i}.bin")) for i in range(1, 6)))
    X, y = np.concatenate(xs), np.concatenate(ys)
    X_test, y_test = load_batch(os.path.join(cifar_dir, "test_batch.bin"))
    X_train, y_train = X[:num_training], y[:num_training]
    X_val = X[num_training:num_training + num_validation]
    y_val = y[num_training:num_training + num_validation]
    X_test, y_test = X_test[:num_test], y_test[:num_test]
    mean_image = np.mean(X_train, axis=0)
    X_train -= mean_image
    X_val -= mean_image
    X_test -= mean_image
    return {"X_train": X_train, "y_train": y_train, "X_val": X_val, "y_val": y_val,
            "X_test": X_test, "y_test": y_test}


# ---------------------------------------------------------------------------------------------
# Layers (layers.py, layer_utils.py).

FLOPS = [0]  # floating-point operations of the matrix products, 2 m n k each


def affine_forward(x, w, b):
    FLOPS[0] += 2 * x.shape[0] * w.shape[0] * w.shape[1]
    out = x.reshape(x.shape[0], -1).dot(w) + b
    return out, (x, w, b)


def affine_backward(dout, cache):
    x, w, b = cache
    FLOPS[0] += 4 * x.shape[0] * w.shape[0] * w.shape[1]
    dx = dout.dot(w.T).reshape(x.shape)
    dw = x.reshape(x.shape[0], -1).T.dot(dout)
    db = np.sum(dout, axis=0)
    return dx, dw, db


def relu_forward(x):
    return np.maximum(0, x), x


def relu_backward(dout, cache):
    return dout * (cache > 0)


def affine_relu_forward(x, w, b):
    a, fc_cache = affine_forward(x, w, b)
    out, relu_cache = relu_forward(a)
    return out, (fc_cache, relu_cache)


def affine_relu_backward(dout, cache):
    fc_cache, relu_cache = cache
    da = relu_backward(dout, relu_cache)
    return affine_backward(da, fc_cache)


def softmax_loss(x, y):
    shifted_logits = x - np.max(x, axis=1, keepdims=True)
    Z = np.sum(np.exp(shifted_logits), axis=1, keepdims=True)
    log_probs = shifted_logits - np.log(Z)
    probs = np.exp(log_probs)
    N = x.shape[0]
    loss = -np.sum(log_probs[np.arange(N), y]) / N
    dx = probs.copy()
    dx[np.arange(N), y] -= 1
    dx /= N
    return loss, dx


# ---------------------------------------------------------------------------------------------
# Model (classifiers/fc_net.py) and optimiser (optim.py).


class TwoLayerNet:
    def __init__(self, input_dim=3 * 32 * 32, hidden_dim=100, num_classes=10, weight_scale=1e-3,
                 reg=0.0):
        self.reg = reg
        self.params = {
            "W1": weight_scale * np.random.randn(input_dim, hidden_dim),
            "b1": np.zeros(hidden_dim),
            "W2": weight_scale * np.random.randn(hidden_dim, num_classes),
            "b2": np.zeros(num_classes),
        }

    def loss(self, X, y=None):
        W1, b1, W2, b2 = (self.params[k] for k in ("W1", "b1", "W2", "b2"))
        hidden, hidden_cache = affine_relu_forward(X, W1, b1)
        scores, scores_cache = affine_forward(hidden, W2, b2)
        if y is None:
            return scores
        loss, dscores = softmax_loss(scores, y)
        loss += 0.5 * self.reg * (np.sum(W1 ** 2) + np.sum(W2 ** 2))
        grads = {}
        dhidden, grads["W2"], grads["b2"] = affine_backward(dscores, scores_cache)
        _, grads["W1"], grads["b1"] = affine_relu_backward(dhidden, hidden_cache)
        grads["W1"] += self.reg * W1
        grads["W2"] += self.reg * W2
        return loss, grads


def sgd(w, dw, config=None):
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    w -= config["learning_rate"] * dw
    return w, config


# ---------------------------------------------------------------------------------------------
# Solver (solver.py, no checkpoints; update rule sgd unless another is given, as
# bench/numpy_fcnets.py does).


class Solver:
    def __init__(self, model, data, update_rule=sgd, optim_config=None, lr_decay=1.0,
                 batch_size=100, num_epochs=10, num_train_samples=1000, num_val_samples=None,
                 print_every=10, verbose=True):
        self.model = model
        self.update_rule = update_rule
        self.X_train, self.y_train = data["X_train"], data["y_train"]
        self.X_val, self.y_val = data["X_val"], data["y_val"]
        self.optim_config = optim_config or {}
        self.lr_decay = lr_decay
        self.batch_size = batch_size
        self.num_epochs = num_epochs
        self.num_train_samples = num_train_samples
        self.num_val_samples = num_val_samples
        self.print_every = print_every
        self.verbose = verbose
        self.epoch = 0
        self.best_val_acc = 0
        self.best_params = {}
        self.loss_history = []
        self.train_acc_history = []
        self.val_acc_history = []
        self.optim_configs = {p: dict(self.optim_config) for p in self.model.params}

    def _step(self):
        num_train = self.X_train.shape[0]
        batch_mask = np.random.choice(num_train, self.batch_size)
        X_batch = self.X_train[batch_mask]
        y_batch = self.y_train[batch_mask]
        loss, grads = self.model.loss(X_batch, y_batch)
        self.loss_history.append(loss)
        for p, w in self.model.params.items():
            next_w, next_config = self.update_rule(w, grads[p], self.optim_configs[p])
            self.model.params[p] = next_w
            self.optim_configs[p] = next_config

    def check_accuracy(self, X, y, num_samples=None, batch_size=100):
        N = X.shape[0]
        if num_samples is not None and N > num_samples:
            mask = np.random.choice(N, num_samples)
            N = num_samples
            X = X[mask]
            y = y[mask]
        num_batches = N // batch_size
        if N % batch_size != 0:
            num_batches += 1
        y_pred = []
        for i in range(num_batches):
            start, end = i * batch_size, (i + 1) * batch_size
            scores = self.model.loss(X[start:end])
            y_pred.append(np.argmax(scores, axis=1))
        return np.mean(np.hstack(y_pred) == y)

    def train(self):
        num_train = self.X_train.shape[0]
        iterations_per_epoch = max(num_train // self.batch_size, 1)
        num_iterations = self.num_epochs * iterations_per_epoch
        for t in range(num_iterations):
            self._step()
            if self.verbose and t % self.print_every == 0:
                print("(Iteration %d / %d) loss: %f" % (t + 1, num_iterations, self.loss_history[-1]),
                      file=sys.stderr)
            epoch_end = (t + 1) % iterations_per_epoch == 0
            if epoch_end:
                self.epoch += 1
                for k in self.optim_configs:
                    self.optim_configs[k]["learning_rate"] *= self.lr_decay
            if t == 0 or t == num_iterations - 1 or epoch_end:
                train_acc = self.check_accuracy(self.X_train, self.y_train,
                                                num_samples=self.num_train_samples)
                val_acc = self.check_accuracy(self.X_val, self.y_val,
                                              num_samples=self.num_val_samples)
                self.train_acc_history.append(train_acc)
                self.val_acc_history.append(val_acc)
                if self.verbose:
                    print("(Epoch %d / %d) train acc: %f; val_acc: %f" % (
                        self.epoch, self.num_epochs, train_acc, val_acc), file=sys.stderr)
                if val_acc > self.best_val_acc:
                    self.best_val_acc = val_acc
                    self.best_params = {k: v.copy() for k, v in self.model.params.items()}
        self.model.params = self.best_params


# ---------------------------------------------------------------------------------------------
# The bench.


def blas_info():
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return {"note": "threadpoolctl not installed (pip install threadpoolctl) - BLAS kernel unknown"}
    libs = [i for i in threadpool_info() if i.get("user_api") == "blas"]
    return {"libraries": [{k: i.get(k) for k in ("internal_api", "version", "architecture",
                                                 "num_threads", "threading_layer", "filepath")}
                          for i in libs]}


def time_gemm(shape, min_seconds, min_reps):
    rng = np.random.RandomState(0)
    m, n, k = shape["m"], shape["n"], shape["k"]
    if shape["transA"]:
        a = rng.randn(k, m)
        run = lambda: a.T @ b  # noqa: E731
    else:
        a = rng.randn(m, k)
        run = lambda: a @ b  # noqa: E731
    b = rng.randn(k, n)
    for _ in range(2):
        run()
    times = []
    start = time.perf_counter()
    while len(times) < min_reps or time.perf_counter() - start < min_seconds:
        t = time.perf_counter()
        run()
        times.append(time.perf_counter() - t)
    best = min(times)
    return {"name": shape["name"], "reps": len(times), "bestSeconds": best,
            "medianSeconds": float(np.median(times)), "gflops": 2.0 * m * n * k / best / 1e9}


def solver_cell(data, cell):
    np.random.seed(cell["seed"])
    model = TwoLayerNet(3 * 32 * 32, cell["hiddenDim"], 10, reg=cell["reg"])
    solver = Solver(model, data, optim_config={"learning_rate": cell["learningRate"]},
                    lr_decay=cell["lrDecay"], num_epochs=cell["numEpochs"],
                    batch_size=cell["batchSize"], print_every=100, verbose=False)
    FLOPS[0] = 0
    t = time.perf_counter()
    solver.train()
    return {"seconds": time.perf_counter() - t, "flops": FLOPS[0],
            "iterations": len(solver.loss_history),
            "bestValAcc": float(solver.best_val_acc), "finalLoss": float(solver.loss_history[-1])}


def tuning_cell(data, cell):
    np.random.seed(cell["seed"])
    results = []
    FLOPS[0] = 0
    t = time.perf_counter()
    for lr, reg in cell["pairs"]:
        model = TwoLayerNet(hidden_dim=cell["hiddenDim"], reg=reg)
        solver = Solver(model, data, optim_config={"learning_rate": lr}, lr_decay=cell["lrDecay"],
                        num_epochs=cell["numEpochs"], batch_size=cell["batchSize"], verbose=False)
        solver.train()
        results.append({"lr": lr, "reg": reg, "bestValAcc": float(solver.best_val_acc)})
    return {"seconds": time.perf_counter() - t, "flops": FLOPS[0], "results": results}


def sweep(data, cell):
    """The notebook's sweep, every run trained to the end as the assignment's Solver does."""
    np.random.seed(cell["seed"])
    results = []
    FLOPS[0] = 0
    t = time.perf_counter()
    with np.errstate(all="ignore"):  # the lr = 4 runs overflow, as in the assignment
        for lr in cell["learningRates"]:
            for reg in cell["regs"]:
                model = TwoLayerNet(hidden_dim=cell["hiddenDim"], reg=reg)
                solver = Solver(model, data, optim_config={"learning_rate": lr},
                                lr_decay=cell["lrDecay"], num_epochs=cell["numEpochs"],
                                batch_size=cell["batchSize"], verbose=False)
                solver.train()
                results.append({"lr": lr, "reg": reg, "bestValAcc": float(solver.best_val_acc)})
    return {"seconds": time.perf_counter() - t, "flops": FLOPS[0], "results": results}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--spec", required=True)
    parser.add_argument("--data", help="CIFAR-10 binary directory (needed unless --gemm-only)")
    parser.add_argument("--gemm-only", action="store_true")
    parser.add_argument("--sweep", action="store_true", help="also the notebook's full sweep")
    args = parser.parse_args()
    with open(args.spec) as f:
        spec = json.load(f)
    out = {
        "python": sys.version.split()[0],
        "numpy": np.__version__,
        "env": {k: os.environ.get(k) for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE",
                                               "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")},
        "blas": blas_info(),
    }
    g = spec["gemm"]
    out["gemm"] = [time_gemm(s, g["minSeconds"], g["minReps"]) for s in g["shapes"]]
    if not args.gemm_only:
        t = time.perf_counter()
        data = get_cifar10_data(args.data)
        out["loadSeconds"] = time.perf_counter() - t
        out["solverCell"] = solver_cell(data, spec["solverCell"])
        out["tuningCell"] = tuning_cell(data, spec["tuningCell"])
        if args.sweep:
            out["sweep"] = sweep(data, spec["sweep"])
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
