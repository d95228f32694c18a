#!/usr/bin/env python3
"""numpy side of `npm run bench -- --fcnets`: the FullyConnectedNets notebook's cells in numpy.

  python bench/numpy_fcnets.py --spec bench/spec.json --data DIR

The same cells as bench/fcNetsCells.ts at bench/spec.json's `fcnets` budget, with the course's
algorithms written out here (assignment 2's layers.py: batchnorm, layernorm and dropout forward
and backward; fc_net.FullyConnectedNet; optim.py: sgd_momentum, rmsprop, adam; gradient_check's
eval_numerical_gradient), on top of bench/numpy_ref.py's data loading, affine/relu/softmax layers
and Solver. Seeded as the notebook is (np.random.seed(231) in the gradient-check cell, nothing
after), so both sides draw the same initial weights, minibatches and dropout masks.

Prints one JSON object on stdout: the wall time of every cell and of all of them (`seconds`, from
the data cell to the last prediction; interpreter start and imports are not in it), the FLOPs of
each cell's matrix products (`cellFlops`, counted in the layers) and their sum, the rate of the net's largest product measured back
to back after the cells, and the results (accuracies, gradient-check errors). The Solvers' log goes
to stderr. Charts and the live view are display, not compute: left out, as on our side.
"""
import argparse
import json
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import numpy_ref as ref  # noqa: E402
from numpy_ref import (  # noqa: E402
    FLOPS, Solver, affine_backward, affine_forward, affine_relu_backward, affine_relu_forward,
    relu_backward, relu_forward, sgd, softmax_loss,
)

# ---------------------------------------------------------------------------------------------
# Normalization and dropout layers (assignment 2's layers.py).


def batchnorm_forward(x, gamma, beta, bn_param):
    mode = bn_param["mode"]
    eps = bn_param.get("eps", 1e-5)
    momentum = bn_param.get("momentum", 0.9)
    N, D = x.shape
    running_mean = bn_param.get("running_mean", np.zeros(D, dtype=x.dtype))
    running_var = bn_param.get("running_var", np.zeros(D, dtype=x.dtype))
    if mode == "train":
        mu = x.mean(axis=0)
        var = x.var(axis=0)
        std = np.sqrt(var + eps)
        x_hat = (x - mu) / std
        out = gamma * x_hat + beta
        running_mean = momentum * running_mean + (1 - momentum) * mu
        running_var = momentum * running_var + (1 - momentum) * var
        cache = (x_hat, std, gamma, "train")
    elif mode == "test":
        std = np.sqrt(running_var + eps)
        x_hat = (x - running_mean) / std
        out = gamma * x_hat + beta
        cache = (x_hat, std, gamma, "test")
    else:
        raise ValueError('Invalid forward batchnorm mode "%s"' % mode)
    bn_param["running_mean"] = running_mean
    bn_param["running_var"] = running_var
    return out, cache


def batchnorm_backward(dout, cache):
    """Through the forward graph node by node: xhat = xc * inv, inv = 1 / sqrt(var + eps), ..."""
    x_hat, std, gamma, mode = cache
    N = dout.shape[0]
    dbeta = dout.sum(axis=0)
    dgamma = (dout * x_hat).sum(axis=0)
    dx_hat = dout * gamma
    if mode == "test":
        return dx_hat / std, dgamma, dbeta
    xc = x_hat * std
    inv = 1 / std
    dinv = (dx_hat * xc).sum(axis=0)
    dstd = -dinv / std ** 2
    dvar = dstd / (2 * std)
    dxc = dx_hat * inv + dvar * 2 * xc / N
    dmu = -dxc.sum(axis=0)
    dx = dxc + dmu / N
    return dx, dgamma, dbeta


def layernorm_forward(x, gamma, beta, ln_param):
    eps = ln_param.get("eps", 1e-5)
    mu = x.mean(axis=1, keepdims=True)
    std = np.sqrt(x.var(axis=1, keepdims=True) + eps)
    x_hat = (x - mu) / std
    return gamma * x_hat + beta, (x_hat, std, gamma, "layernorm")


def layernorm_backward(dout, cache):
    x_hat, std, gamma, _ = cache
    D = dout.shape[1]
    dbeta = dout.sum(axis=0)
    dgamma = (dout * x_hat).sum(axis=0)
    dx_hat = dout * gamma
    dx = (D * dx_hat - dx_hat.sum(axis=1, keepdims=True)
          - x_hat * (dx_hat * x_hat).sum(axis=1, keepdims=True)) / (D * std)
    return dx, dgamma, dbeta


def dropout_forward(x, dropout_param):
    p, mode = dropout_param["p"], dropout_param["mode"]
    if "seed" in dropout_param:
        np.random.seed(dropout_param["seed"])
    mask = None
    if mode == "train":
        mask = (np.random.rand(*x.shape) < p) / p
        out = x * mask
    elif mode == "test":
        out = x
    out = out.astype(x.dtype, copy=False)
    return out, (dropout_param, mask)


def dropout_backward(dout, cache):
    dropout_param, mask = cache
    if dropout_param["mode"] == "train":
        return dout * mask
    return dout


def affine_norm_relu_forward(x, w, b, gamma, beta, norm_param, normalization):
    a, fc_cache = affine_forward(x, w, b)
    if normalization == "batchnorm":
        an, norm_cache = batchnorm_forward(a, gamma, beta, norm_param)
    else:
        an, norm_cache = layernorm_forward(a, gamma, beta, norm_param)
    out, relu_cache = relu_forward(an)
    return out, (fc_cache, norm_cache, relu_cache)


def affine_norm_relu_backward(dout, cache, normalization):
    fc_cache, norm_cache, relu_cache = cache
    dan = relu_backward(dout, relu_cache)
    if normalization == "batchnorm":
        da, dgamma, dbeta = batchnorm_backward(dan, norm_cache)
    else:
        da, dgamma, dbeta = layernorm_backward(dan, norm_cache)
    dx, dw, db = affine_backward(da, fc_cache)
    return dx, dw, db, dgamma, dbeta


# ---------------------------------------------------------------------------------------------
# Model (classifiers/fc_net.py).


class FullyConnectedNet:
    """{affine - [batch/layer norm] - relu - [dropout]} x (L - 1) - affine - softmax."""

    def __init__(self, hidden_dims, input_dim=3 * 32 * 32, num_classes=10, dropout_keep_ratio=1,
                 normalization=None, reg=0.0, weight_scale=1e-2, dtype=np.float32, seed=None):
        self.normalization = normalization
        self.use_dropout = dropout_keep_ratio != 1
        self.reg = reg
        self.num_layers = 1 + len(hidden_dims)
        self.dtype = dtype
        self.params = {}
        dims = [input_dim] + list(hidden_dims) + [num_classes]
        for i in range(self.num_layers):
            self.params["W%d" % (i + 1)] = weight_scale * np.random.randn(dims[i], dims[i + 1])
            self.params["b%d" % (i + 1)] = np.zeros(dims[i + 1])
            if normalization is not None and i < self.num_layers - 1:
                self.params["gamma%d" % (i + 1)] = np.ones(dims[i + 1])
                self.params["beta%d" % (i + 1)] = np.zeros(dims[i + 1])
        self.dropout_param = {}
        if self.use_dropout:
            self.dropout_param = {"mode": "train", "p": dropout_keep_ratio}
            if seed is not None:
                self.dropout_param["seed"] = seed
        self.bn_params = []
        if self.normalization == "batchnorm":
            self.bn_params = [{"mode": "train"} for _ in range(self.num_layers - 1)]
        if self.normalization == "layernorm":
            self.bn_params = [{} for _ in range(self.num_layers - 1)]
        for k, v in self.params.items():
            self.params[k] = v.astype(dtype)

    def loss(self, X, y=None):
        X = X.astype(self.dtype)
        mode = "test" if y is None else "train"
        if self.use_dropout:
            self.dropout_param["mode"] = mode
        if self.normalization == "batchnorm":
            for bn_param in self.bn_params:
                bn_param["mode"] = mode
        L = self.num_layers
        caches, dropout_caches = [], []
        h = X
        for i in range(1, L):
            W, b = self.params["W%d" % i], self.params["b%d" % i]
            if self.normalization is None:
                h, cache = affine_relu_forward(h, W, b)
            else:
                h, cache = affine_norm_relu_forward(
                    h, W, b, self.params["gamma%d" % i], self.params["beta%d" % i],
                    self.bn_params[i - 1], self.normalization)
            caches.append(cache)
            if self.use_dropout:
                h, dcache = dropout_forward(h, self.dropout_param)
                dropout_caches.append(dcache)
        scores, scores_cache = affine_forward(h, self.params["W%d" % L], self.params["b%d" % L])
        if mode == "test":
            return scores

        loss, dscores = softmax_loss(scores, y)
        grads = {}
        dh, grads["W%d" % L], grads["b%d" % L] = affine_backward(dscores, scores_cache)
        for i in range(L - 1, 0, -1):
            if self.use_dropout:
                dh = dropout_backward(dh, dropout_caches[i - 1])
            if self.normalization is None:
                dh, grads["W%d" % i], grads["b%d" % i] = affine_relu_backward(dh, caches[i - 1])
            else:
                (dh, grads["W%d" % i], grads["b%d" % i], grads["gamma%d" % i],
                 grads["beta%d" % i]) = affine_norm_relu_backward(dh, caches[i - 1],
                                                                  self.normalization)
        for i in range(1, L + 1):
            W = self.params["W%d" % i]
            loss += 0.5 * self.reg * np.sum(W * W)
            grads["W%d" % i] += self.reg * W
        return loss, grads


# ---------------------------------------------------------------------------------------------
# Update rules (optim.py; sgd is numpy_ref's).


def sgd_momentum(w, dw, config=None):
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("momentum", 0.9)
    v = config.get("velocity", np.zeros_like(w))
    v = config["momentum"] * v - config["learning_rate"] * dw
    next_w = w + v
    config["velocity"] = v
    return next_w, config


def rmsprop(w, dw, config=None):
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("decay_rate", 0.99)
    config.setdefault("epsilon", 1e-8)
    config.setdefault("cache", np.zeros_like(w))
    cache = config["decay_rate"] * config["cache"] + (1 - config["decay_rate"]) * dw ** 2
    next_w = w - config["learning_rate"] * dw / (np.sqrt(cache) + config["epsilon"])
    config["cache"] = cache
    return next_w, config


def adam(w, dw, config=None):
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-3)
    config.setdefault("beta1", 0.9)
    config.setdefault("beta2", 0.999)
    config.setdefault("epsilon", 1e-8)
    config.setdefault("m", np.zeros_like(w))
    config.setdefault("v", np.zeros_like(w))
    config.setdefault("t", 0)
    beta1, beta2 = config["beta1"], config["beta2"]
    config["t"] += 1
    t = config["t"]
    config["m"] = beta1 * config["m"] + (1 - beta1) * dw
    mt = config["m"] / (1 - beta1 ** t)
    config["v"] = beta2 * config["v"] + (1 - beta2) * (dw ** 2)
    vt = config["v"] / (1 - beta2 ** t)
    next_w = w - config["learning_rate"] * mt / (np.sqrt(vt) + config["epsilon"])
    return next_w, config


UPDATE_RULES = {"sgd": sgd, "sgd_momentum": sgd_momentum, "rmsprop": rmsprop, "adam": adam}


# ---------------------------------------------------------------------------------------------
# Gradient check (gradient_check.py) and the notebook's rel_error.


def eval_numerical_gradient(f, x, verbose=True, h=0.00001):
    f(x)
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"], op_flags=["readwrite"])
    while not it.finished:
        ix = it.multi_index
        oldval = x[ix]
        x[ix] = oldval + h
        fxph = f(x)
        x[ix] = oldval - h
        fxmh = f(x)
        x[ix] = oldval
        grad[ix] = (fxph - fxmh) / (2 * h)
        if verbose:
            print(ix, grad[ix])
        it.iternext()
    return grad


def rel_error(x, y):
    return np.max(np.abs(x - y) / (np.maximum(1e-8, np.abs(x) + np.abs(y))))


# ---------------------------------------------------------------------------------------------
# The notebook's cells.


def solver(model, data, update_rule, **kwargs):
    """The course's Solver(model, data, update_rule=...) with its log on stderr."""
    return Solver(model, data, update_rule=UPDATE_RULES[update_rule], **kwargs)


def first_training(data, n):
    return {"X_train": data["X_train"][:n], "y_train": data["y_train"][:n],
            "X_val": data["X_val"], "y_val": data["y_val"]}


def gradient_check_cell(results):
    np.random.seed(231)
    N, D, H1, H2, C = 2, 15, 20, 30, 10
    X = np.random.randn(N, D)
    y = np.random.randint(C, size=(N,))
    for reg in [0, 3.14]:
        model = FullyConnectedNet([H1, H2], input_dim=D, num_classes=C, reg=reg,
                                  weight_scale=5e-2, dtype=np.float64)
        loss, grads = model.loss(X, y)
        results["initialLosses"].append(float(loss))
        worst = 0.0
        for name in sorted(grads):
            f = lambda _: model.loss(X, y)[0]  # noqa: E731
            grad_num = eval_numerical_gradient(f, model.params[name], verbose=False, h=1e-5)
            worst = max(worst, float(rel_error(grad_num, grads[name])))
        results["maxRelErrors"].append(worst)


def overfit_cell(data, hidden_dims, weight_scale, learning_rate):
    model = FullyConnectedNet(hidden_dims, weight_scale=weight_scale, dtype=np.float64)
    s = solver(model, first_training(data, 50), "sgd", print_every=10, num_epochs=20,
               batch_size=25, optim_config={"learning_rate": learning_rate})
    s.train()
    return float(max(s.train_acc_history))


def optimizer_checks():
    N, D = 4, 5
    grid = lambda a, b: np.linspace(a, b, num=N * D).reshape(N, D)  # noqa: E731
    errors = []
    config = {"learning_rate": 1e-3, "velocity": grid(0.6, 0.9)}
    next_w, _ = sgd_momentum(grid(-0.4, 0.6), grid(-0.6, 0.4), config=config)
    errors += [rel_error(next_w, np.asarray(EXPECTED["sgd_momentum"]["next_w"])),
               rel_error(np.asarray(EXPECTED["sgd_momentum"]["velocity"]), config["velocity"])]
    config = {"learning_rate": 1e-2, "cache": grid(0.6, 0.9)}
    next_w, _ = rmsprop(grid(-0.4, 0.6), grid(-0.6, 0.4), config=config)
    errors += [rel_error(np.asarray(EXPECTED["rmsprop"]["next_w"]), next_w),
               rel_error(np.asarray(EXPECTED["rmsprop"]["cache"]), config["cache"])]
    config = {"learning_rate": 1e-2, "m": grid(0.6, 0.9), "v": grid(0.7, 0.5), "t": 5}
    next_w, _ = adam(grid(-0.4, 0.6), grid(-0.6, 0.4), config=config)
    errors += [rel_error(np.asarray(EXPECTED["adam"]["next_w"]), next_w),
               rel_error(np.asarray(EXPECTED["adam"]["v"]), config["v"]),
               rel_error(np.asarray(EXPECTED["adam"]["m"]), config["m"])]
    return float(max(errors))


RULE_RATES = {"sgd": 1e-3, "sgd_momentum": 1e-3, "adam": 1e-3, "rmsprop": 1e-4}


def update_rules_cell(data, budget, results):
    rule_data = first_training(data, budget["ruleTraining"])
    for update_rule in ["sgd", "sgd_momentum", "adam", "rmsprop"]:
        print("Running with ", update_rule, file=sys.stderr)
        model = FullyConnectedNet([100] * 5, weight_scale=5e-2, dtype=np.float64)
        s = solver(model, rule_data, update_rule, num_epochs=budget["ruleEpochs"],
                   batch_size=100, optim_config={"learning_rate": RULE_RATES[update_rule]})
        s.train()
        results["ruleBestValAcc"][update_rule] = float(s.best_val_acc)


def good_model_cell(data, budget, results):
    model = FullyConnectedNet([512, 256], weight_scale=1e-2, normalization="batchnorm",
                              dropout_keep_ratio=0.75, reg=1e-3, dtype=np.float64)
    s = solver(model, data, "adam", num_epochs=budget["bestEpochs"], batch_size=200,
               optim_config={"learning_rate": 1e-3}, lr_decay=0.9, print_every=500)
    s.train()
    results["bestValAcc"] = float(s.best_val_acc)
    return model


def predict_cell(data, model, results):
    y_test_pred = np.argmax(model.loss(data["X_test"]), axis=1)
    y_val_pred = np.argmax(model.loss(data["X_val"]), axis=1)
    results["valAcc"] = float((y_val_pred == data["y_val"]).mean())
    results["testAcc"] = float((y_test_pred == data["y_test"]).mean())


def run_cells(data_dir, budget):
    """The cells in the notebook's order, each timed; returns seconds and FLOPs per cell, results."""
    results = {"initialLosses": [], "maxRelErrors": [], "overfitTrainAcc": [],
               "ruleBestValAcc": {}}
    state = {}

    def load():
        state["data"] = ref.get_cifar10_data(data_dir, num_training=budget["numTraining"])

    def good():
        state["model"] = good_model_cell(state["data"], budget, results)

    cells = [
        ("data", load),
        ("gradient check", lambda: gradient_check_cell(results)),
        ("overfit 3-layer", lambda: results["overfitTrainAcc"].append(
            overfit_cell(state["data"], [100, 100], 1e-2, 1e-2))),
        ("overfit 5-layer", lambda: results["overfitTrainAcc"].append(
            overfit_cell(state["data"], [100, 100, 100, 100], 1e-1, 2e-3))),
        ("optimizer checks", lambda: results.update(optimCheckMaxError=optimizer_checks())),
        ("update rules", lambda: update_rules_cell(state["data"], budget, results)),
        ("good model", good),
        ("predict val and test", lambda: predict_cell(state["data"], state["model"], results)),
    ]
    cell_seconds, cell_flops = {}, {}
    for name, run in cells:
        FLOPS[0] = 0
        t = time.perf_counter()
        run()
        cell_seconds[name] = time.perf_counter() - t
        cell_flops[name] = FLOPS[0]
    return cell_seconds, cell_flops, results


EXPECTED = {
    "sgd_momentum": {
        "next_w": [[0.1406, 0.20738947, 0.27417895, 0.34096842, 0.40775789],
                   [0.47454737, 0.54133684, 0.60812632, 0.67491579, 0.74170526],
                   [0.80849474, 0.87528421, 0.94207368, 1.00886316, 1.07565263],
                   [1.14244211, 1.20923158, 1.27602105, 1.34281053, 1.4096]],
        "velocity": [[0.5406, 0.55475789, 0.56891579, 0.58307368, 0.59723158],
                     [0.61138947, 0.62554737, 0.63970526, 0.65386316, 0.66802105],
                     [0.68217895, 0.69633684, 0.71049474, 0.72465263, 0.73881053],
                     [0.75296842, 0.76712632, 0.78128421, 0.79544211, 0.8096]],
    },
    "rmsprop": {
        "next_w": [[-0.39223849, -0.34037513, -0.28849239, -0.23659121, -0.18467247],
                   [-0.132737, -0.08078555, -0.02881884, 0.02316247, 0.07515774],
                   [0.12716641, 0.17918792, 0.23122175, 0.28326742, 0.33532447],
                   [0.38739248, 0.43947102, 0.49155973, 0.54365823, 0.59576619]],
        "cache": [[0.5976, 0.6126277, 0.6277108, 0.64284931, 0.65804321],
                  [0.67329252, 0.68859723, 0.70395734, 0.71937285, 0.73484377],
                  [0.75037008, 0.7659518, 0.78158892, 0.79728144, 0.81302936],
                  [0.82883269, 0.84469141, 0.86060554, 0.87657507, 0.8926]],
    },
    "adam": {
        "next_w": [[-0.40094747, -0.34836187, -0.29577703, -0.24319299, -0.19060977],
                   [-0.1380274, -0.08544591, -0.03286534, 0.01971428, 0.0722929],
                   [0.1248705, 0.17744702, 0.23002243, 0.28259667, 0.33516969],
                   [0.38774145, 0.44031188, 0.49288093, 0.54544852, 0.59801459]],
        "v": [[0.69966, 0.68908382, 0.67851319, 0.66794809, 0.65738853],
              [0.64683452, 0.63628604, 0.6257431, 0.61520571, 0.60467385],
              [0.59414753, 0.58362676, 0.57311152, 0.56260183, 0.55209767],
              [0.54159906, 0.53110598, 0.52061845, 0.51013645, 0.49966]],
        "m": [[0.48, 0.49947368, 0.51894737, 0.53842105, 0.55789474],
              [0.57736842, 0.59684211, 0.61631579, 0.63578947, 0.65526316],
              [0.67473684, 0.69421053, 0.71368421, 0.73315789, 0.75263158],
              [0.77210526, 0.79157895, 0.81105263, 0.83052632, 0.85]],
    },
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--spec", required=True)
    parser.add_argument("--data", required=True, help="CIFAR-10 binary directory")
    args = parser.parse_args()
    with open(args.spec) as f:
        spec = json.load(f)
    budget = spec["fcnets"]
    out = {"python": sys.version.split()[0], "numpy": np.__version__, "blas": ref.blas_info()}
    t = time.perf_counter()
    cell_seconds, cell_flops, results = run_cells(args.data, budget)
    seconds = time.perf_counter() - t
    flops = sum(cell_flops.values())
    g = spec["gemm"]
    out["gemm"] = [ref.time_gemm(s, g["minSeconds"], g["minReps"]) for s in budget["gemm"]]
    out["fcnets"] = {"seconds": seconds, "flops": flops, "cellSeconds": cell_seconds,
                     "cellFlops": cell_flops, **results}
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
