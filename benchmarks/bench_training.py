"""Training throughput (characters per second) of the batched CharLM against a per-sample loop.

Both sides train the same vanilla-RNN character model (hidden 128, one-hot inputs over the
names corpus' vocabulary, 25 steps of truncated BPTT with the state carried from one chunk to
the next, gradient clipping, Adagrad) on the names corpus read as one stream ".aaron.abbey...":

- batched:    rnncourse.models.CharLM, 32 streams at once: rows (32, 26) -> 32 x 25 characters per update;
- per-sample: the classic column-vector loop (min-char-rnn style, written here from scratch): one
              stream, one character at a time, hand-written BPTT -> 25 characters per update.

Every case runs interleaved, REPS times, and the median is reported, so a slow spell of the
machine hits every case alike. The goal is a batched throughput at least 20x the per-sample one.
A third case runs only the matrix products of a batched update: its rate over the per-sample
rate ("ceiling") is the best ratio a batched numpy implementation that multiplies its one-hot
inputs could reach on this BLAS.

    PYTHONPATH=src python3 benchmarks/bench_training.py [--threads N]

For matrices this small, one BLAS thread is usually fastest, and on a busy machine much more
stable. numpy's BLAS kernel matters too: see benchmarks/blas.py on OPENBLAS_CORETYPE.
"""
import statistics
import time

import numpy as np

from blas import configure_threads, describe
from rnncourse.data import load_first_names
from rnncourse.models import CharLM, detach_state, train_step
from rnncourse.optim import Adagrad
from rnncourse.text import Vocabulary

H, B, T = 128, 32, 25
LR, CLIP = 0.1, 5.0
REPS = 15
BATCHED_UPDATES, PER_SAMPLE_UPDATES = 10, 40  # per repetition: 8,000 and 1,000 characters


# ----------------------------------------------------------------------------- data

def corpus():
    """The names as one stream of ids (".aaron.abbey...") and the vocabulary."""
    names = load_first_names()
    vocab = Vocabulary("".join(names), specials=(".",))
    return vocab.encode("." + ".".join(names) + "."), vocab


# ----------------------------------------------------------------------------- batched: rnncourse.models.CharLM

class Batched:
    """B streams, evenly spaced through the text, each advancing T characters per update."""

    def __init__(self, ids, vocab, dtype):
        self.model = CharLM(vocab, H, cell="rnn", rng=0, dtype=dtype)
        self.optimiser = Adagrad(self.model.layers, lr=LR)
        self.ids = ids
        self.starts = np.arange(B) * ((len(ids) - T - 1) // B)  # (B,)
        self.offset, self.state = 0, None

    def update(self):
        if self.offset + T + 1 > (len(self.ids) - T - 1) // B:
            self.offset, self.state = 0, None
        rows = self.ids[(self.starts + self.offset)[:, None] + np.arange(T + 1)]  # (B, T + 1)
        loss, _ = train_step(self.model, rows, self.optimiser, CLIP, self.state)
        self.state = detach_state(self.model.final_state)
        self.offset += T
        return loss

    chars_per_update = B * T


# ----------------------------------------------------------------------------- per-sample reference

class PerSample:
    """The classic loop: column vectors, one character at a time, hand-written BPTT, Adagrad.

    h<t> = tanh(W_xh x<t> + W_hh h<t-1> + b_h), y<t> = W_hy h<t> + b_y (column-vector form,
    so the matrices are the transposes of the course's).
    """

    def __init__(self, ids, vocab_size, dtype):
        rng = np.random.default_rng(0)
        V = vocab_size
        self.p = {"W_xh": rng.uniform(-1, 1, (H, V)) / np.sqrt(H), "W_hh": rng.uniform(-1, 1, (H, H)) / np.sqrt(H),
                  "W_hy": rng.uniform(-1, 1, (V, H)) / np.sqrt(H), "b_h": np.zeros((H, 1)), "b_y": np.zeros((V, 1))}
        self.p = {k: v.astype(dtype) for k, v in self.p.items()}
        self.memory = {k: np.zeros_like(v) for k, v in self.p.items()}  # Adagrad's sums of squares
        self.ids, self.V, self.dtype = ids, V, dtype
        self.position, self.h = 0, np.zeros((H, 1), dtype)

    def loss_and_gradients(self, inputs, targets, h_prev):
        p, V = self.p, self.V
        xs, hs, ps = {}, {-1: h_prev}, {}
        loss = 0.0
        for t, (i, j) in enumerate(zip(inputs, targets)):
            xs[t] = np.zeros((V, 1), self.dtype)
            xs[t][i] = 1
            hs[t] = np.tanh(p["W_xh"] @ xs[t] + p["W_hh"] @ hs[t - 1] + p["b_h"])  # (H, 1)
            y = p["W_hy"] @ hs[t] + p["b_y"]  # (V, 1)
            e = np.exp(y - y.max())
            ps[t] = e / e.sum()
            loss -= np.log(ps[t][j, 0])
        grads = {k: np.zeros_like(v) for k, v in p.items()}
        dh_next = np.zeros_like(h_prev)
        for t in reversed(range(len(inputs))):
            dy = ps[t].copy()
            dy[targets[t]] -= 1
            grads["W_hy"] += dy @ hs[t].T
            grads["b_y"] += dy
            dh = p["W_hy"].T @ dy + dh_next
            da = (1 - hs[t] * hs[t]) * dh
            grads["b_h"] += da
            grads["W_xh"] += da @ xs[t].T
            grads["W_hh"] += da @ hs[t - 1].T
            dh_next = p["W_hh"].T @ da
        return loss / len(inputs), grads, hs[len(inputs) - 1]

    def update(self):
        if self.position + T + 1 > len(self.ids):
            self.position, self.h = 0, np.zeros_like(self.h)
        chunk = self.ids[self.position:self.position + T + 1]
        loss, grads, self.h = self.loss_and_gradients(chunk[:-1], chunk[1:], self.h)
        norm = np.sqrt(sum(float(np.sum(g * g)) for g in grads.values()))
        scale = min(1.0, CLIP / norm)  # clip by global norm, like the batched side
        for k, g in grads.items():
            g = g * scale
            self.memory[k] += g * g
            self.p[k] -= LR * g / (np.sqrt(self.memory[k]) + 1e-8)
        self.position += T
        return loss

    chars_per_update = T


# ----------------------------------------------------------------------------- the BLAS floor

class MatrixProducts:
    """Only the matrix products a batched update needs (same shapes, same dtype), nothing else:
    no batched implementation on this BLAS that multiplies its one-hot inputs (rather than
    looking their rows up) can update faster, so its rate over the per-sample rate is a
    ceiling for the batched ratio. (dx, which the course's layer also computes, is left out.)
    """

    def __init__(self, vocab_size, dtype):
        rng = np.random.default_rng(0)
        V, N = vocab_size, B * T
        self.x, self.dy = rng.random((N, V)).astype(dtype), rng.random((N, V)).astype(dtype)
        self.hs, self.da = rng.random((N, H)).astype(dtype), rng.random((N, H)).astype(dtype)
        self.h = rng.random((B, H)).astype(dtype)
        self.W_xh, self.W_hh, self.W_hy = (rng.random(shape).astype(dtype) for shape in ((V, H), (H, H), (H, V)))

    def update(self):
        self.x @ self.W_xh  # forward: input part of every step, then the T recurrent steps, then the head
        for _ in range(T):
            self.h @ self.W_hh
        self.hs @ self.W_hy
        self.dy @ self.W_hy.T  # backward: the head, the T recurrent steps, the weight gradients
        self.hs.T @ self.dy
        for _ in range(T):
            self.h @ self.W_hh.T
        self.x.T @ self.da
        self.hs.T @ self.da
        return float("nan")

    chars_per_update = B * T


# ----------------------------------------------------------------------------- timing

def main():
    configure_threads(__doc__.splitlines()[0])
    ids, vocab = corpus()
    cases = {}
    for dtype in (np.float32, np.float64):
        cases["batched", dtype.__name__] = (Batched(ids, vocab, dtype), BATCHED_UPDATES)
        cases["per-sample", dtype.__name__] = (PerSample(ids, len(vocab), dtype), PER_SAMPLE_UPDATES)
        cases["products", dtype.__name__] = (MatrixProducts(len(vocab), dtype), BATCHED_UPDATES)
    print(f"vanilla RNN char-LM: vocab {len(vocab)} (one-hot), hidden {H}, {T} steps per update, "
          f"batched B={B}; {REPS} interleaved repetitions, median")
    print(describe())
    for trainer, _ in cases.values():  # warm up
        trainer.update()
    rates = {case: [] for case in cases}
    losses = {case: [] for case in cases}
    for _ in range(REPS):
        for case, (trainer, updates) in cases.items():
            start = time.perf_counter()
            for _ in range(updates):
                losses[case].append(trainer.update())
            rates[case].append(updates * trainer.chars_per_update / (time.perf_counter() - start))
    print(f"{'dtype':8} {'batched chars/s':>16} {'per-sample chars/s':>19} {'ratio':>7} {'ceiling':>8}   "
          f"{'ms/update (b, p, products)':>27}   loss first -> last (b, p)")
    for dtype in ("float32", "float64"):
        b, p, m = (statistics.median(rates[kind, dtype]) for kind in ("batched", "per-sample", "products"))
        lb, lp = losses["batched", dtype], losses["per-sample", dtype]
        print(f"{dtype:8} {b:16,.0f} {p:19,.0f} {b / p:6.1f}x {m / p:7.1f}x   "
              f"{1e3 * B * T / b:8.2f} {1e3 * T / p:8.2f} {1e3 * B * T / m:9.2f}   "
              f"{lb[0]:.2f} -> {lb[-1]:.2f}, {lp[0]:.2f} -> {lp[-1]:.2f}")
    print("ceiling: the rate of the batched update's matrix products alone, over the per-sample rate")


if __name__ == "__main__":
    main()
