"""Training throughput (characters per second) of notebook 11's character LSTM, three ways.

All three train the shipped model's size (rnncourse.train_lm.CONFIG: LSTM, one-hot inputs over
the corpus' 96 characters, hidden 256) on the Python standard library corpus with truncated
BPTT of k steps, the state carried from one chunk to the next, gradient clipping, float32:

- course:      rnncourse's batched CharLM as `python3 course.py train-lm` trains it
               (B lanes at once, Adam): B x k characters per update;
- one stream:  the classic single-sequence numpy character model, written here from scratch in the
               style of min-char-rnn: one stream, column vectors, a Python loop over the characters
               with a hand-written backward pass, Adagrad: k characters per update. The input is a
               one-hot column multiplied by W_x (and its gradient an outer product), as min-char-rnn
               writes it; "lookup" is a stronger loop that reads and updates W_x's column instead.
               Three cases: the same LSTM, that LSTM with lookup, and the vanilla RNN of the
               original (same hidden size);
- torch:       torch.nn.LSTM + torch.nn.Linear, same B, k, one-hot inputs, Adam, clipping, as many
               threads as numpy's BLAS.

Every case runs interleaved, REPS times, and the median is reported, so a slow spell of the
machine hits every case alike. Targets: the course at least 20x the one-stream LSTM loop, and
within 1.5x of torch.

    PYTHONPATH=src python3 benchmarks/bench_lm_training.py [--threads N]
"""
import statistics
import time

import numpy as np

from blas import configure_threads, describe
from rnncourse.models import detach_state, train_step
from rnncourse.stream import sequential_batches
from rnncourse.train_lm import CONFIG, build, corpus_splits

REPS = 7
UPDATES = {"course": 3, "torch": 3, "one stream, LSTM": 6, "one stream, LSTM, lookup": 6,
           "one stream, RNN": 12}  # per repetition
EPS = 1e-8


def endless_chunks(ids, batch_size, k):
    while True:
        yield from sequential_batches(ids, batch_size, k)


# ----------------------------------------------------------------------------- the course: batched CharLM

class Course:
    def __init__(self, vocab, ids, config=CONFIG):
        self.model, self.optimiser = build(config, vocab)
        self.chunks, self.state, self.clip = endless_chunks(ids, config.batch_size, config.k), None, config.clip
        self.chars_per_update = config.batch_size * config.k

    def update(self):
        loss, _ = train_step(self.model, next(self.chunks), self.optimiser, self.clip, self.state)
        self.state = detach_state(self.model.final_state)
        return loss


# ----------------------------------------------------------------------------- the classic: one stream

def sigmoid(a):
    return 1 / (1 + np.exp(-a))


class OneStream:
    """One stream, one character at a time, column vectors (so W_x is the transpose of the course's
    W_xh), hand-written BPTT, Adagrad. cell "lstm": gates i, f, g, o stacked in 4H rows; "rnn": tanh."""

    def __init__(self, ids, vocab_size, cell, lookup=False, hidden=CONFIG.hidden_size, k=CONFIG.k, clip=CONFIG.clip,
                 lr=0.01):
        rng = np.random.default_rng(0)
        V, H, G = vocab_size, hidden, 4 if cell == "lstm" else 1
        scale = lambda fan_in: 1 / np.sqrt(fan_in)  # noqa: E731
        self.p = {"W_x": rng.uniform(-1, 1, (G * H, V)) * scale(V), "W_h": rng.uniform(-1, 1, (G * H, H)) * scale(H),
                  "b": np.zeros((G * H, 1)), "W_y": rng.uniform(-1, 1, (V, H)) * scale(H), "b_y": np.zeros((V, 1))}
        self.p = {name: value.astype(np.float32) for name, value in self.p.items()}
        self.memory = {name: np.zeros_like(value) for name, value in self.p.items()}  # Adagrad's sums of squares
        self.ids, self.V, self.H, self.k, self.clip, self.lr, self.cell = ids, V, H, k, clip, lr, cell
        self.lookup = lookup  # False: W_x times a one-hot column, as min-char-rnn; True: W_x's column i
        self.position = 0
        self.h, self.c = np.zeros((H, 1), np.float32), np.zeros((H, 1), np.float32)
        self.chars_per_update = k

    def one_hot(self, i):
        x = np.zeros((self.V, 1), np.float32)
        x[i] = 1
        return x

    def W_x_times(self, i):
        """W_x @ one_hot(i) (G H, 1): multiplied out as min-char-rnn does, or its column i looked up."""
        return self.p["W_x"][:, i:i + 1] if self.lookup else self.p["W_x"] @ self.one_hot(i)

    def step(self, i, h, c):
        """One character in: its id i, the previous h and c (H, 1) -> h, c and what backward needs."""
        a = self.W_x_times(i) + self.p["W_h"] @ h + self.p["b"]
        if self.cell == "rnn":
            h = np.tanh(a)
            return h, c, (h,)
        H = self.H
        i_, f, o, g = sigmoid(a[:H]), sigmoid(a[H:2 * H]), sigmoid(a[3 * H:]), np.tanh(a[2 * H:3 * H])
        c = f * c + i_ * g
        tanh_c = np.tanh(c)
        return o * tanh_c, c, (i_, f, g, o, tanh_c)

    def step_backward(self, dh, dc, c_prev, cache):
        """Gradient of a step's pre-activation a (G H, 1) and of c_prev, from dh and dc."""
        if self.cell == "rnn":
            (h,) = cache
            return (1 - h * h) * dh, dc
        i, f, g, o, tanh_c = cache
        dc = dc + dh * o * (1 - tanh_c * tanh_c)
        da = np.concatenate([dc * g * i * (1 - i), dc * c_prev * f * (1 - f), dc * i * (1 - g * g),
                             dh * tanh_c * o * (1 - o)])
        return da, dc * f

    def update(self):
        if self.position + self.k + 1 > len(self.ids):
            self.position = 0
        chunk = self.ids[self.position:self.position + self.k + 1]
        p, loss = self.p, 0.0
        hs, cs, caches, probs = [self.h], [self.c], [], []
        for t in range(self.k):  # forward, one character at a time
            h, c, cache = self.step(chunk[t], hs[-1], cs[-1])
            y = p["W_y"] @ h + p["b_y"]  # (V, 1)
            e = np.exp(y - y.max())
            probs.append(e / e.sum())
            loss -= float(np.log(probs[-1][chunk[t + 1], 0]))
            hs.append(h), cs.append(c), caches.append(cache)
        grads = {name: np.zeros_like(value) for name, value in p.items()}
        dh_next, dc_next = np.zeros_like(self.h), np.zeros_like(self.c)
        for t in reversed(range(self.k)):  # backward through the chunk
            dy = probs[t].copy()
            dy[chunk[t + 1]] -= 1
            grads["W_y"] += dy @ hs[t + 1].T
            grads["b_y"] += dy
            da, dc_next = self.step_backward(p["W_y"].T @ dy + dh_next, dc_next, cs[t], caches[t])
            if self.lookup:
                grads["W_x"][:, chunk[t]:chunk[t] + 1] += da
            else:
                grads["W_x"] += da @ self.one_hot(chunk[t]).T
            grads["W_h"] += da @ hs[t].T
            grads["b"] += da
            dh_next = p["W_h"].T @ da
        norm = np.sqrt(sum(float(np.sum(g * g)) for g in grads.values()))
        scale = min(1.0, self.clip / max(norm, EPS))  # clip by global norm, like the course
        for name, g in grads.items():
            g *= scale
            self.memory[name] += g * g
            p[name] -= self.lr * g / (np.sqrt(self.memory[name]) + EPS)
        self.h, self.c, self.position = hs[-1], cs[-1], self.position + self.k
        return loss / self.k


# ----------------------------------------------------------------------------- torch

class Torch:
    def __init__(self, torch, vocab_size, ids, config=CONFIG):
        torch.manual_seed(config.seed)
        self.torch, self.V = torch, vocab_size
        self.lstm = torch.nn.LSTM(vocab_size, config.hidden_size, batch_first=True)
        self.head = torch.nn.Linear(config.hidden_size, vocab_size)
        self.parameters = [*self.lstm.parameters(), *self.head.parameters()]
        self.optimiser = torch.optim.Adam(self.parameters, lr=config.lr)
        self.chunks, self.state, self.clip = endless_chunks(ids, config.batch_size, config.k), None, config.clip
        self.chars_per_update = config.batch_size * config.k

    def update(self):
        torch = self.torch
        chunk = torch.from_numpy(next(self.chunks))  # (B, k + 1)
        x = torch.nn.functional.one_hot(chunk[:, :-1], self.V).float()  # (B, k, V)
        out, state = self.lstm(x, self.state)
        loss = torch.nn.functional.cross_entropy(self.head(out).reshape(-1, self.V), chunk[:, 1:].reshape(-1))
        self.optimiser.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(self.parameters, self.clip)
        self.optimiser.step()
        self.state = tuple(s.detach() for s in state)  # carried, the gradient cut
        return loss.item()


# ----------------------------------------------------------------------------- timing

def main():
    threads = configure_threads(__doc__.splitlines()[0])
    vocab, train, _, _ = corpus_splits()
    cases = {"course": Course(vocab, train),
             "one stream, LSTM": OneStream(train, len(vocab), "lstm"),
             "one stream, LSTM, lookup": OneStream(train, len(vocab), "lstm", lookup=True),
             "one stream, RNN": OneStream(train, len(vocab), "rnn")}
    try:
        import torch
    except ImportError:
        print("PyTorch not installed (pip install torch==2.13.0): no torch case")
    else:
        torch.set_num_threads(threads)
        cases["torch"] = Torch(torch, len(vocab), train)
        print(f"torch {torch.__version__}, {torch.get_num_threads()} thread(s)")
    c = CONFIG
    print(f"{c.cell.upper()} char-LM: vocab {len(vocab)} (one-hot), hidden {c.hidden_size}, k = {c.k} steps per update, "
          f"batched B = {c.batch_size}, float32; {REPS} interleaved repetitions, median")
    print(describe())
    for trainer in cases.values():  # warm up
        trainer.update()
    rates = {case: [] for case in cases}
    losses = {case: [] for case in cases}
    for _ in range(REPS):
        for case, trainer in cases.items():
            start = time.perf_counter()
            for _ in range(UPDATES[case]):
                losses[case].append(trainer.update())
            rates[case].append(UPDATES[case] * trainer.chars_per_update / (time.perf_counter() - start))
    course = statistics.median(rates["course"])
    print(f"{'case':24} {'chars/s':>10} {'course / case':>14}   loss first -> last")
    for case in cases:
        rate = statistics.median(rates[case])
        print(f"{case:24} {rate:10,.0f} {course / rate:13.2f}x   {losses[case][0]:.2f} -> {losses[case][-1]:.2f}")
    print("targets: course / one stream, LSTM >= 20x; course / torch >= 1/1.5 = 0.67x")


if __name__ == "__main__":
    main()
