"""The d2l book's CPU training loops: ember vs torch (1 thread and default threads) vs hand-written NumPy.

    python benchmarks/bench_workloads.py            # ~5 min on the 2-core project machine
    python benchmarks/bench_workloads.py --quick    # ~1 min: fewer rounds and batches
    python benchmarks/bench_workloads.py -k mlp --rounds 5
    python benchmarks/bench_workloads.py --real     # Fashion-MNIST from /work/shared/data if present
    OPENBLAS_NUM_THREADS=1 python benchmarks/run.py workloads   # one batch / iteration of each, run.py's per_call

Workloads (random data of the book's shapes unless --real): softmax regression (d2l 3.7, ``train_ch3``, one
epoch of 60k x 784 float32, batch 256, DataLoader shuffle), the MLP of d2l 4.3 (784-256-10, ReLU), LeNet (d2l
6.6, sigmoid + avg pool and ReLU + max pool; a fixed number of batches), and the RNN / GRU language models of d2l
8.6 / 9.1 (one-hot inputs of len(vocab) = 28, 256 hidden, batch 32, 35 steps, d2l's ``grad_clipping``; a fixed
number of iterations). Each round runs every implementation once, interleaved, and the best round counts, so a
busy machine does not favour whoever ran in a quiet moment. Ratios are printed, never pass/fail.
"""

from __future__ import annotations

import argparse
import gc
import gzip
import math
import os
import pathlib
import sys
import time
import warnings

# One BLAS thread for NumPy (so ember and the NumPy floor compare with torch at 1 intra-op thread); on a shared 2-core
# machine OpenBLAS's default threads make every GEMM several times slower. Set the variable yourself to override.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402

# torch warns about d2l's float(l.sum()) on a loss that requires grad; the book's code does it every batch
warnings.filterwarnings("ignore", message="Converting a tensor with requires_grad=True to a scalar")

DATA = pathlib.Path("/work/shared/data/fashion-mnist")
VOCAB = 28  # d2l's time machine character vocabulary: 26 letters, space, <unk>


# --------------------------------------------------------------------------- data


def _fashion(n: int | None):
    """Fashion-MNIST train images (n, 1, 28, 28) float32 in [0, 1] and labels int64, or None when not available."""
    img, lab = DATA / "train-images-idx3-ubyte.gz", DATA / "train-labels-idx1-ubyte.gz"
    if not (img.exists() and lab.exists()):
        return None
    with gzip.open(img) as f:
        x = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 1, 28, 28)
    with gzip.open(lab) as f:
        y = np.frombuffer(f.read(), np.uint8, offset=8)
    n = len(y) if n is None else n
    return (x[:n].astype(np.float32) / 255), y[:n].astype(np.int64)


def image_data(n: int, real: bool):
    """(X, y) NumPy arrays of Fashion-MNIST's shapes: real data when asked for and present, else random."""
    if real:
        got = _fashion(n)
        if got is not None:
            return got
        print(f"# {DATA} not found: random data instead", file=sys.stderr)
    rng = np.random.default_rng(0)
    return rng.random((n, 1, 28, 28), dtype=np.float32), rng.integers(0, 10, n)


def token_batches(n: int, batch: int = 32, steps: int = 35):
    """n (X, Y) minibatches of character ids, (batch, steps) int64, Y the next character (d2l's random iter)."""
    rng = np.random.default_rng(1)
    corpus = rng.integers(0, VOCAB, n * batch * (steps + 1) + 1)
    out = []
    for i in range(n):
        s = corpus[i * batch * (steps + 1):(i + 1) * batch * (steps + 1) + 1]
        x = s[:-1].reshape(batch, steps + 1)[:, :steps]
        y = s[1:].reshape(batch, steps + 1)[:, :steps]
        out.append((np.ascontiguousarray(x), np.ascontiguousarray(y)))
    return out


# --------------------------------------------------------------------------- the book's loops, for m = ember or torch


def _accuracy(m, y_hat, y):
    """d2l.accuracy: the number of correct predictions."""
    y_hat = y_hat.argmax(axis=1)
    cmp = y_hat.type(y.dtype) == y
    return float(cmp.type(y.dtype).sum())


def _epoch_ch3(m, net, loader, loss, updater):
    """d2l.train_epoch_ch3 with a torch.optim updater (the loss has reduction='none')."""
    net.train()
    total = [0.0, 0.0, 0]
    for X, y in loader:
        y_hat = net(X)
        l = loss(y_hat, y)
        updater.zero_grad()
        l.mean().backward()
        updater.step()
        total[0] += float(l.sum())
        total[1] += _accuracy(m, y_hat, y)
        total[2] += y.numel()
    return total


def make_ch3(m, X, y, hidden: int | None, batch: int = 256):
    """One epoch of softmax regression (hidden None, d2l 3.7) or the MLP (d2l 4.3) with module m."""
    nn = m.nn
    m.manual_seed(0)
    if hidden is None:
        net = nn.Sequential(nn.Flatten(), nn.Linear(784, 10))
        lr = 0.1
    else:
        net = nn.Sequential(nn.Flatten(), nn.Linear(784, hidden), nn.ReLU(), nn.Linear(hidden, 10))
        lr = 0.1

    def init_weights(mod):
        if type(mod) is nn.Linear:
            nn.init.normal_(mod.weight, std=0.01)

    net.apply(init_weights)
    loss = nn.CrossEntropyLoss(reduction="none")
    updater = m.optim.SGD(net.parameters(), lr=lr)
    loader = m.utils.data.DataLoader(m.utils.data.TensorDataset(m.tensor(X), m.tensor(y)), batch, shuffle=True)
    return lambda: _epoch_ch3(m, net, loader, loss, updater)


def make_lenet(m, X, y, kind: str, n_batches: int, batch: int = 256):
    """n_batches of d2l.train_ch6 on LeNet ('sigmoid': avg pool, as in d2l 6.6; 'relu': max pool)."""
    nn = m.nn
    m.manual_seed(0)
    act, pool = (nn.Sigmoid, nn.AvgPool2d) if kind == "sigmoid" else (nn.ReLU, nn.MaxPool2d)
    net = nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5, padding=2), act(), pool(kernel_size=2, stride=2),
        nn.Conv2d(6, 16, kernel_size=5), act(), pool(kernel_size=2, stride=2),
        nn.Flatten(), nn.Linear(16 * 5 * 5, 120), act(), nn.Linear(120, 84), act(), nn.Linear(84, 10))

    def init_weights(mod):
        if type(mod) is nn.Linear or type(mod) is nn.Conv2d:
            nn.init.xavier_uniform_(mod.weight)

    net.apply(init_weights)
    optimizer = m.optim.SGD(net.parameters(), lr=0.9)
    loss = nn.CrossEntropyLoss()
    n = n_batches * batch
    loader = m.utils.data.DataLoader(m.utils.data.TensorDataset(m.tensor(X[:n]), m.tensor(y[:n])), batch,
                                     shuffle=True)

    def run():
        net.train()
        total = [0.0, 0.0, 0]
        for X_, y_ in loader:
            optimizer.zero_grad()
            y_hat = net(X_)
            l = loss(y_hat, y_)
            l.backward()
            optimizer.step()
            with m.no_grad():
                total[0] += float(l * X_.shape[0])
                total[1] += _accuracy(m, y_hat, y_)
                total[2] += X_.shape[0]
        return total

    return run


def _grad_clipping(m, net, theta):
    """d2l.grad_clipping, as the book writes it."""
    params = [p for p in net.parameters() if p.requires_grad]
    norm = m.sqrt(sum(m.sum(p.grad ** 2) for p in params))
    if norm > theta:
        for param in params:
            param.grad[:] *= theta / norm


def make_rnn_lm(m, batches, cell: str, hidden: int = 256):
    """d2l 8.6 / 9.1: nn.RNN or nn.GRU(28, 256) + Linear, one-hot inputs, SGD(lr=1), clipping at 1, per batch."""
    nn, F = m.nn, m.nn.functional
    m.manual_seed(0)

    class RNNModel(nn.Module):
        def __init__(self, rnn_layer, vocab_size):
            super().__init__()
            self.rnn = rnn_layer
            self.vocab_size = vocab_size
            self.num_hiddens = self.rnn.hidden_size
            self.linear = nn.Linear(self.num_hiddens, self.vocab_size)

        def forward(self, inputs, state):
            X = F.one_hot(inputs.T.long(), self.vocab_size)
            X = X.to(m.float32)
            Y, state = self.rnn(X, state)
            output = self.linear(Y.reshape((-1, Y.shape[-1])))
            return output, state

        def begin_state(self, batch_size=1):
            return m.zeros((self.rnn.num_layers, batch_size, self.num_hiddens))

    net = RNNModel((nn.RNN if cell == "rnn" else nn.GRU)(VOCAB, hidden), VOCAB)
    loss = nn.CrossEntropyLoss()
    updater = m.optim.SGD(net.parameters(), lr=1)
    data = [(m.tensor(x), m.tensor(y)) for x, y in batches]

    def run():
        total = [0.0, 0]
        for X, Y in data:
            state = net.begin_state(batch_size=X.shape[0])  # random iter: a fresh state per minibatch
            y = Y.T.reshape(-1)
            y_hat, state = net(X, state)
            l = loss(y_hat, y.long()).mean()
            updater.zero_grad()
            l.backward()
            _grad_clipping(m, net, 1)
            updater.step()
            total[0] += float(l * y.numel())
            total[1] += y.numel()
        return total

    return run


# --------------------------------------------------------------------------- hand-written NumPy floor for (1), (2)


def make_numpy_ch3(X, y, hidden: int | None, batch: int = 256):
    """The same epoch as make_ch3, forward and backward written by hand in NumPy (DESIGN.md's floor)."""
    rng = np.random.default_rng(0)
    X = X.reshape(len(X), -1)
    dims = [784, 10] if hidden is None else [784, hidden, 10]
    Ws = [(rng.standard_normal((o, i)) * 0.01).astype(np.float32) for i, o in zip(dims, dims[1:], strict=False)]
    bs = [np.zeros(o, np.float32) for o in dims[1:]]
    lr = np.float32(0.1)

    def run():
        total = [0.0, 0.0, 0]
        perm = rng.permutation(len(X))
        for s in range(0, len(X), batch):
            idx = perm[s:s + batch]
            xb, yb = X[idx], y[idx]
            acts = [xb]
            h = xb
            for k, (W, b) in enumerate(zip(Ws, bs, strict=True)):
                h = h @ W.T + b
                if k < len(Ws) - 1:
                    h = np.maximum(h, 0)
                acts.append(h)
            z = h - h.max(1, keepdims=True)
            e = np.exp(z)
            se = e.sum(1, keepdims=True)
            n = len(yb)
            l = np.log(se[:, 0]) - z[np.arange(n), yb]
            g = e / se
            g[np.arange(n), yb] -= 1
            g /= n
            for k in range(len(Ws) - 1, -1, -1):
                gW, gb = g.T @ acts[k], g.sum(0)
                if k:
                    g = g @ Ws[k]
                    g *= acts[k] > 0
                Ws[k] -= lr * gW
                bs[k] -= lr * gb
            total[0] += float(l.sum())
            total[1] += float((h.argmax(1) == yb).sum())
            total[2] += n
        return total

    return run


# --------------------------------------------------------------------------- run.py's registry: one step of each


def _step_case(kind):
    def make(m):
        X, y = image_data(256, real=False)
        if kind in ("softmax", "mlp"):
            return make_ch3(m, X, y, None if kind == "softmax" else 256)
        if kind.startswith("lenet"):
            return make_lenet(m, X, y, kind.split("-")[1], 1)
        return make_rnn_lm(m, token_batches(1), kind)

    return make


CASES = [
    ("softmax regression, 1 batch", _step_case("softmax"), lambda: make_numpy_ch3(*image_data(256, False), None)),
    ("MLP 784-256-10, 1 batch", _step_case("mlp"), lambda: make_numpy_ch3(*image_data(256, False), 256)),
    ("LeNet sigmoid/avg, 1 batch", _step_case("lenet-sigmoid")),
    ("LeNet relu/max, 1 batch", _step_case("lenet-relu")),
    ("RNN LM, 1 iteration", _step_case("rnn")),
    ("GRU LM, 1 iteration", _step_case("gru")),
]


# --------------------------------------------------------------------------- standalone main


def workloads(quick: bool, real: bool):
    """(name, {impl: make}) for every workload; make(m) / make() returns a no-argument callable."""
    n_img = 20_000 if quick else 60_000
    X, y = image_data(n_img, real)
    lenet_batches = 4 if quick else 8
    rnn_iters = 5 if quick else 10
    tok = token_batches(rnn_iters)
    ep = "1/3 epoch" if quick else "1 epoch"
    return [
        (f"softmax regression, {ep}", "softmax",
         lambda m: make_ch3(m, X, y, None), lambda: make_numpy_ch3(X, y, None)),
        (f"MLP 784-256-10, {ep}", "mlp",
         lambda m: make_ch3(m, X, y, 256), lambda: make_numpy_ch3(X, y, 256)),
        (f"LeNet sigmoid/avg, {lenet_batches} batches", "lenet-sigmoid",
         lambda m: make_lenet(m, X, y, "sigmoid", lenet_batches), None),
        (f"LeNet relu/max, {lenet_batches} batches", "lenet-relu",
         lambda m: make_lenet(m, X, y, "relu", lenet_batches), None),
        (f"RNN LM, {rnn_iters} iterations", "rnn", lambda m: make_rnn_lm(m, tok, "rnn"), None),
        (f"GRU LM, {rnn_iters} iterations", "gru", lambda m: make_rnn_lm(m, tok, "gru"), None),
    ]


def _fmt(s):
    return f"{s * 1e3:9.1f} ms" if s < 10 else f"{s:9.2f} s "


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="~1 minute: 1/3 epoch, fewer batches and iterations")
    ap.add_argument("--rounds", type=int, default=None,
                    help="interleaved rounds, the best counts (default 5; torch at default threads runs once)")
    ap.add_argument("-k", action="append", default=[], help="only workloads whose key/name contains this")
    ap.add_argument("--real", action="store_true", help="real Fashion-MNIST from /work/shared/data when present")
    ap.add_argument("--no-threads", action="store_true", help="skip torch at its default threads (the slowest column)")
    ap.add_argument("--no-numpy", action="store_true", help="skip the hand-written NumPy floor")
    args = ap.parse_args(argv)
    rounds = args.rounds or 5

    import torch

    import ember

    default_threads = torch.get_num_threads()
    print(f"# ember {ember.__version__}, torch {torch.__version__}, numpy {np.__version__}, "
          f"torch default threads {default_threads}, OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS')}, "
          f"load average {' '.join(f'{v:.2f}' for v in os.getloadavg())}, best of {rounds} interleaved rounds")
    head = (f"{'workload':<34} {'ember':>12} {'torch 1t':>12} {f'torch {default_threads}t':>12} {'numpy':>12} "
            f"{'e/t(1t)':>8} {'e/t(' + str(default_threads) + 't)':>8} {'np/t(1t)':>8}")
    print(head)
    ratios = []
    for name, key, make, np_make in workloads(args.quick, args.real):
        if args.k and not any(f in key or f in name for f in args.k):
            continue
        # (label, callable, torch threads or None)
        impls = [("ember", make(ember), None), ("torch1", make(torch), 1)]
        if not args.no_threads:
            impls.append(("torchN", make(torch), default_threads))
        if np_make is not None and not args.no_numpy:
            impls.append(("numpy", np_make(), None))
        best = {label: math.inf for label, _, _ in impls}
        for label, fn, th in impls:  # warm: imports, lazy attributes, first-call caches
            if label != "torchN":  # torch 1t warmed the same code; spare the slowest column a whole extra run
                torch.set_num_threads(th or 1)
                fn()
        for r in range(rounds):
            for label, fn, th in impls:
                if label == "torchN" and r >= 1:  # one timed run: on a loaded machine its threads spin, 5-20x slower
                    continue
                if th:
                    torch.set_num_threads(th)
                gc.collect()
                t0 = time.perf_counter()
                fn()
                best[label] = min(best[label], time.perf_counter() - t0)
        torch.set_num_threads(default_threads)
        t1, tn = best["torch1"], best.get("torchN", math.nan)
        npc = best.get("numpy")
        ratios.append(best["ember"] / t1)
        print(f"{name:<34} {_fmt(best['ember'])} {_fmt(t1)} {_fmt(tn) if tn == tn else '-'.rjust(12)} "
              f"{_fmt(npc) if npc else '-'.rjust(12)} {best['ember'] / t1:8.2f} {best['ember'] / tn:8.2f} "
              f"{npc / t1 if npc else float('nan'):8.2f}", flush=True)
    if ratios:
        geo = math.exp(sum(map(math.log, ratios)) / len(ratios))
        print(f"{'geometric mean (ember / torch 1t)':<34} {'':>12} {'':>12} {'':>12} {'':>12} {geo:8.2f}")
    print(f"# load average after: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
