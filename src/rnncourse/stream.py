"""A language model on one long stream of text: batching, stateful training, evaluation, baselines.

    split_stream         the stream cut by position into train / validation / test
    lanes                the stream cut into B contiguous lanes (B, L + 1)
    sequential_batches   B contiguous lanes read chunk after chunk: the state can be carried over
    random_batches       chunks from random places: the state must start from zero in each
    train_on_stream      truncated BPTT over a stream, state carried ("detach") or not ("reset")
    evaluate_stream      held-out bits per character, the state carried across the whole stream
    NGramCounts          a character n-gram model with interpolated Kneser-Ney smoothing
    best_ngram           the n-gram baseline, order and discount chosen on validation
    structure_signals    what a unit could track in Python source: strings, comments, brackets, ...
    unit_correlations    Pearson correlation of every hidden unit with one such signal

The state and the gradient are two different things. "detach" carries the final state of one
chunk into the next chunk as plain numbers (models.detach_state): the model keeps its memory of
the text so far, but the gradient stops at the chunk boundary — that is stateful truncated BPTT.
"reset" starts every chunk from zeros: the model never sees more than k characters back, the
classic bug of a stateful loop.

The other classic bug, "never detached", is not a mode here. In numpy there is no autograd graph
to keep by accident: a layer's backward only reaches the chunk it has just run, so the gradient is
cut at the boundary unless one writes the backward through the earlier chunks on purpose. In an
autograd framework the bug either raises an error (PyTorch: "Trying to backward through the graph
a second time") or, with retain_graph=True, makes the n-th update backpropagate through all n
chunks seen so far: its cost is time and memory that grow without bound, not worse bits per
character.
"""
import math
import numbers
import sys
import time

import numpy as np

from .init import as_rng
from .losses import log_softmax
from .models import detach_state, train_step
from .validation import positive_int

CARRY_MODES = ("detach", "reset")
PARTITIONS = ("sequential", "random")


# ----------------------------------------------------------------------------- checks

def _check_ids(ids, name="ids", minimum=2):
    """ids as a 1-d int64 array of at least `minimum` ids."""
    ids = np.asarray(ids)
    if ids.ndim != 1 or (ids.size and ids.dtype.kind not in "iu"):
        raise ValueError(f"{name}: expected a 1-d array of integer ids (time,), got shape {ids.shape} dtype {ids.dtype}")
    if len(ids) < minimum:
        raise ValueError(f"{name}: expected at least {minimum} ids, got {len(ids)}")
    return ids.astype(np.int64, copy=False)


# ----------------------------------------------------------------------------- splitting and batching

def split_stream(ids, valid=0.05, test=0.05):
    """Cut a stream of ids by position: (train, valid, test), 1-d arrays, in that order in the text.

    valid, test: fractions of the stream (the last `test` part is the test set, the `valid` part
    before it the validation set). Views of `ids`, not copies.
    """
    ids = _check_ids(ids)
    for name, fraction in (("valid", valid), ("test", test)):
        if not (isinstance(fraction, numbers.Real) and 0 <= fraction < 1):
            raise ValueError(f"{name}: expected a fraction in [0, 1), got {fraction!r}")
    n = len(ids)
    n_valid, n_test = round(n * valid), round(n * test)
    if n - n_valid - n_test < 2:
        raise ValueError(f"valid + test: expected fractions that leave at least 2 training ids, "
                         f"got {valid} + {test} of {n} ids")
    cut_valid, cut_test = n - n_valid - n_test, n - n_test
    return ids[:cut_valid], ids[cut_valid:cut_test], ids[cut_test:]


def lanes(ids, batch_size, offset=0):
    """The stream from `offset` on, cut into `batch_size` contiguous lanes: (B, L + 1) ids.

    Lane b holds ids[offset + b L : offset + (b + 1) L + 1]: its last id is the next lane's first,
    so the L predictions of every lane are disjoint and together cover B L of the stream.
    """
    ids = _check_ids(ids)
    B = positive_int(batch_size, "batch_size")
    if not (isinstance(offset, numbers.Integral) and 0 <= offset < len(ids) - 1):
        raise ValueError(f"offset: expected an int in [0, {len(ids) - 1}), got {offset!r}")
    L = (len(ids) - offset - 1) // B
    if L < 1:
        raise ValueError(f"batch_size: expected at most {len(ids) - offset - 1} lanes for "
                         f"{len(ids) - offset} ids, got {B}")
    starts = offset + np.arange(B) * L  # (B,)
    return ids[starts[:, None] + np.arange(L + 1)]  # (B, L + 1)


def sequential_batches(ids, batch_size, k, offset=0):
    """One pass (epoch) over the stream in chunks of k predictions: yields (B, k + 1) ids.

    The stream (from `offset`) is cut into B contiguous lanes (see `lanes`); chunk j holds
    positions j k .. j k + k of every lane, so row b of chunk j + 1 continues exactly where row b of
    chunk j ended (the last id of one chunk is the first of the next). The final state of a chunk
    is therefore the right initial state for the next one. The generator stops after the last
    complete chunk; make a new one (a new `offset` moves the chunk boundaries) for the next epoch.
    """
    k = positive_int(k, "k")
    rows = lanes(ids, batch_size, offset)  # (B, L + 1)
    count = (rows.shape[1] - 1) // k
    if count < 1:
        raise ValueError(f"k: expected at most {rows.shape[1] - 1} steps (the lane length for "
                         f"batch_size={batch_size}), got {k}")
    for j in range(count):
        yield rows[:, j * k:j * k + k + 1]  # (B, k + 1)


def random_batches(ids, batch_size, k, rng):
    """Endless chunks of k + 1 consecutive ids from random places: yields (B, k + 1) ids.

    Each row starts at an independent uniform position, so rows of consecutive batches do not
    continue each other: train on these with the state reset (zeros) for every batch.
    rng: an int seed or a numpy.random.Generator.
    """
    ids = _check_ids(ids)
    B, k = positive_int(batch_size, "batch_size"), positive_int(k, "k")
    if len(ids) < k + 1:
        raise ValueError(f"k: expected at most {len(ids) - 1} steps for a stream of {len(ids)} ids, got {k}")
    rng = as_rng(rng)
    while True:
        starts = rng.integers(0, len(ids) - k, size=B)  # (B,)
        yield ids[starts[:, None] + np.arange(k + 1)]  # (B, k + 1)


# ----------------------------------------------------------------------------- training and evaluation

def _stream_chunks(ids, batch_size, k, partition, rng):
    """Endless (chunk, new_epoch) pairs: sequential epochs (each from a random offset < k), or random chunks."""
    if partition == "random":
        yield from ((chunk, True) for chunk in random_batches(ids, batch_size, k, rng))
    while True:  # sequential: epoch after epoch
        new_epoch = True
        for chunk in sequential_batches(ids, batch_size, k, offset=int(rng.integers(k))):
            yield chunk, new_epoch
            new_epoch = False


def train_on_stream(model, ids, optimiser, steps, batch_size, k, carry="detach", clip=5.0,
                    log_every=None, on_log=None, rng=0, partition="sequential", lr_at=None):
    """Truncated BPTT over one stream of ids: `steps` updates of B x k characters each.

    model: a CharLM (boundary None). optimiser: built over model.layers.
    carry: "detach" — the final state of a chunk starts the next chunk, as values only (the
        gradient is cut at the boundary): stateful truncated BPTT;
        "reset" — every chunk starts from zeros (the classic bug: memory never exceeds k).
    partition: "sequential" (sequential_batches, epoch after epoch, each epoch starting at a random
        offset below k so that the chunk boundaries move), or "random" (random_batches; needs
        carry="reset", since random chunks do not continue each other).
    clip: max global gradient norm (None: no clipping). rng: int seed or Generator (offsets, chunks).
    lr_at: optional function step -> learning rate (steps count from 1), set before each update.
    on_log(step, model, history): called every `log_every` steps, after the update (it may run the
        model, e.g. to sample: the carried state is already saved).
    Returns the history [{"step", "loss" (nats per character, of that update's chunk), "chars"
        (characters trained on so far)}].
    """
    if carry not in CARRY_MODES:
        raise ValueError(f"carry: expected one of {CARRY_MODES}, got {carry!r} (see the module docstring "
                         "for why 'never detached' is not a mode)")
    if partition not in PARTITIONS:
        raise ValueError(f"partition: expected one of {PARTITIONS}, got {partition!r}")
    if partition == "random" and carry != "reset":
        raise ValueError("carry: expected 'reset' with partition='random' (random chunks do not continue "
                         f"each other, so there is no state to carry), got {carry!r}")
    if getattr(model, "boundary", None) is not None:
        raise ValueError(f"model: expected a CharLM without a boundary token (boundary=None) for a stream, "
                         f"got boundary={model.boundary!r}")
    steps = positive_int(steps, "steps")
    if log_every is not None:
        log_every = positive_int(log_every, "log_every")
    chunks = _stream_chunks(_check_ids(ids), batch_size, k, partition, as_rng(rng))
    history, state, chars = [], None, 0
    for step in range(1, steps + 1):
        chunk, new_epoch = next(chunks)  # (B, k + 1)
        if carry == "reset" or new_epoch:
            state = None
        if lr_at is not None:
            optimiser.lr = lr_at(step)
        loss, _ = train_step(model, chunk, optimiser, clip, state)
        state = detach_state(model.final_state)  # values only: the gradient stops here
        chars += chunk.shape[0] * (chunk.shape[1] - 1)
        history.append({"step": step, "loss": float(loss), "chars": chars})
        if log_every and step % log_every == 0 and on_log is not None:
            on_log(step, model, history)
    return history


def evaluate_stream(model, ids, batch_size=32, k=256, return_states=False):
    """Bits per character of `model` on a held-out stream, carrying the state across all of it.

    The stream is cut into `batch_size` lanes (the last few ids that do not fill a lane are left
    out) and each lane is read from beginning to end in chunks of k steps, the state carried from
    chunk to chunk: every character is predicted from everything before it in its lane. Only
    forward passes: the model's parameters and gradients are untouched.
    return_states=True also returns the top layer's hidden states (B, L, H) of the lanes (for
    finding what units track), with the lanes' ids (B, L + 1).
    """
    rows = lanes(ids, batch_size)  # (B, L + 1)
    k = positive_int(k, "k")
    total, state, states = 0.0, None, []
    for start in range(0, rows.shape[1] - 1, k):
        chunk = rows[:, start:start + k + 1]  # (B, <= k + 1)
        logits = model.forward(chunk[:, :-1], state)  # (B, t, V)
        state = detach_state(model.final_state)
        total -= float(np.take_along_axis(log_softmax(logits.astype(np.float64)), chunk[:, 1:, None], -1).sum())
        if return_states:
            states.append(np.array(model.rnn.hidden_states))  # (B, t, H) of the top layer
    model.discard_loss()
    bpc = total / (rows.shape[0] * (rows.shape[1] - 1)) / math.log(2)
    return (bpc, np.concatenate(states, axis=1), rows) if return_states else bpc


# ----------------------------------------------------------------------------- n-gram baselines

class NGramCounts:
    """Counts of every n-gram (n = 1 .. max_order) of a training stream, for interpolated Kneser-Ney.

    The probability of the next id w after the context u (the previous n - 1 ids) is

        P_n(w | u) = max(c(u w) - D, 0) / c(u .)  +  D N(u .) / c(u .) * P_{n-1}(w | u')

    where u' is u without its first id, c(u .) the sum of c(u w) over w, N(u .) the number of
    distinct w seen after u, and P_0 the uniform distribution. A context never seen (c(u .) = 0)
    passes P_{n-1} on unchanged. The highest order counts occurrences; every lower order counts
    the distinct ids seen before the n-gram (Kneser-Ney's continuation counts: "Francisco" is
    frequent, but only after "San", so it should get little weight as a fallback). Each P_n sums
    to 1 over the vocabulary. One discount D in (0, 1) for every order.

    Contexts are hashed into int64 (ids in base V) and looked up in sorted arrays (np.unique,
    np.searchsorted): a few seconds for a few million characters.
    """

    def __init__(self, train_ids, max_order, vocab_size):
        ids = _check_ids(train_ids, "train_ids")
        self.V = positive_int(vocab_size, "vocab_size")
        self.max_order = positive_int(max_order, "max_order")
        if ids.max() >= self.V:
            raise ValueError(f"train_ids: expected ids in [0, {vocab_size}), got {ids.max()}")
        if len(ids) <= self.max_order:
            raise ValueError(f"train_ids: expected more than max_order={max_order} ids, got {len(ids)}")
        if float(self.V) ** (self.max_order + 1) >= 2.0 ** 62:
            raise ValueError(f"max_order: expected V^(order + 1) < 2^62 for int64 hashing, got V={self.V}, "
                             f"order={self.max_order}")
        self.tables = {}
        longer = np.unique(self._hashes(ids, 1), return_counts=True)
        for n in range(1, self.max_order + 1):  # two orders in memory at a time: a notebook kernel stays small
            (keys, counts), longer = longer, np.unique(self._hashes(ids, n + 1), return_counts=True)
            suffixes = longer[0] % self.V ** n  # the n-gram ending each distinct (n + 1)-gram
            cont_keys, cont_counts = np.unique(suffixes, return_counts=True)
            continuation = np.zeros_like(counts)
            continuation[np.searchsorted(keys, cont_keys)] = cont_counts
            self.tables[n, "count"] = self._table(keys, counts)
            self.tables[n, "continuation"] = self._table(keys, continuation)

    def _hashes(self, ids, n):
        """(N - n + 1,) int64: the n-gram ending at each position i >= n - 1, ids read in base V."""
        h = ids[n - 1:].copy()
        for j in range(1, n):
            h += ids[n - 1 - j:len(ids) - j] * self.V ** j
        return h

    def _table(self, keys, counts):
        """Sorted n-gram keys with their counts, and per context: total count and number of distinct ids."""
        seen = counts > 0
        keys, counts = keys[seen], counts[seen]
        contexts, first = np.unique(keys // self.V, return_index=True)
        return {"keys": keys, "counts": counts, "contexts": contexts,
                "totals": np.add.reduceat(counts, first), "types": np.diff(np.append(first, len(keys)))}

    @staticmethod
    def _lookup(sorted_keys, values, queries):
        """values[i] where sorted_keys[i] == query, 0 where the query is absent."""
        i = np.minimum(np.searchsorted(sorted_keys, queries), len(sorted_keys) - 1)
        return np.where(sorted_keys[i] == queries, values[i], 0)

    def level_stats(self, ids, order):
        """For every target ids[t], t >= 1, and each n = 1 .. order: (c(u w), c(u .), N(u .)) as float arrays
        (T - 1,), with the counts of the kind order n uses in an order-`order` model (0 where the context
        is shorter than n - 1 ids, i.e. near the start of `ids`)."""
        ids = _check_ids(ids, "ids")
        if not 1 <= order <= self.max_order:
            raise ValueError(f"order: expected 1 .. {self.max_order} (the max_order counted), got {order}")
        if ids.max() >= self.V:
            raise ValueError(f"ids: expected ids in [0, {self.V}), got {ids.max()}")
        stats = []
        for n in range(1, order + 1):
            table = self.tables[n, "count" if n == order else "continuation"]
            grams = np.full(len(ids) - 1, -1, np.int64)  # -1: no context of n - 1 ids yet
            grams[max(n - 2, 0):] = self._hashes(ids, n)[1 if n == 1 else 0:]  # the n-gram ending at ids[t]
            valid = grams >= 0
            c = np.where(valid, self._lookup(table["keys"], table["counts"], grams), 0)
            context = grams // self.V
            total = np.where(valid, self._lookup(table["contexts"], table["totals"], context), 0)
            types = np.where(valid, self._lookup(table["contexts"], table["types"], context), 0)
            stats.append(tuple(a.astype(np.float64) for a in (c, total, types)))
        return stats

    def probabilities(self, stats, discount):
        """P(ids[t] | context), (T - 1,), from level_stats(...) and the discount D in (0, 1)."""
        if not (isinstance(discount, numbers.Real) and 0 < discount < 1):
            raise ValueError(f"discount: expected a number in (0, 1), got {discount!r}")
        p = np.full(len(stats[0][0]), 1.0 / self.V)
        for c, total, types in stats:
            with np.errstate(divide="ignore", invalid="ignore"):
                mixed = (np.maximum(c - discount, 0) + discount * types * p) / total
            p = np.where(total > 0, mixed, p)
        return p

    def bits_per_char(self, ids, order, discount):
        """Mean -log2 P over the targets ids[1:] of a held-out stream."""
        return float(-np.log2(self.probabilities(self.level_stats(ids, order), discount)).mean())


def ngram_bits_per_char(train_ids, eval_ids, order, vocab_size, discount=0.75):
    """Held-out bits per character of an interpolated Kneser-Ney character n-gram (see NGramCounts).

    train_ids, eval_ids: 1-d id streams. order: n (the context is the n - 1 previous ids; order 1
    is the unigram). The targets are eval_ids[1:], as for evaluate_stream.
    """
    return NGramCounts(train_ids, order, vocab_size).bits_per_char(eval_ids, order, discount)


def best_ngram(train, valid, test, vocab_size, orders=range(1, 7), discounts=(0.5, 0.6, 0.7, 0.8, 0.9, 0.95)):
    """The strongest n-gram baseline: the order and discount with the lowest validation bits per
    character, and its bits per character on the test stream.

    Returns {"order", "discount", "valid_bpc", "test_bpc", "valid_by_order": {order: best valid bpc}}.
    """
    orders = sorted(orders)
    counts = NGramCounts(train, max(orders), vocab_size)
    by_order, best = {}, None
    for order in orders:
        stats = counts.level_stats(valid, order)
        for discount in discounts:
            bpc = float(-np.log2(counts.probabilities(stats, discount)).mean())
            if best is None or bpc < best[0]:
                best = (bpc, order, discount)
            by_order[order] = min(bpc, by_order.get(order, math.inf))
    valid_bpc, order, discount = best
    return {"order": order, "discount": discount, "valid_bpc": valid_bpc,
            "test_bpc": counts.bits_per_char(test, order, discount), "valid_by_order": by_order}


# ----------------------------------------------------------------------------- what units track

SIGNALS = ("inside string", "inside comment", "bracket depth", "position in line", "indentation")


def structure_signals(text):
    """Long-range structure of Python source, one value per character: {name: (T,) float array}.

    Each value describes the text up to and including that character (what a hidden state that has
    just read it could know):
    "inside string"    1 inside a string literal ('...', "...", or triple-quoted), its quotes included;
    "inside comment"   1 from a # outside a string to the end of its line;
    "bracket depth"    how many (, [ or { are open (outside strings and comments);
    "position in line" characters read since the last newline (0 on the newline itself);
    "indentation"      leading spaces read so far on the current line (0 on the newline).
    A short scanner, not a parser: it reads any slice of source, also one cut in mid-string.
    """
    if not isinstance(text, str):
        raise TypeError(f"text: expected a str, got {type(text).__name__}")
    out = {name: np.zeros(len(text)) for name in SIGNALS}
    quote, comment, depth, t = None, False, 0, 0
    while t < len(text):
        ch, width, inside = text[t], 1, quote is not None
        if quote is not None:
            if ch == "\\":
                width = 2  # the escaped character stays inside
            elif text.startswith(quote, t):
                width, quote = len(quote), None  # the closing quote still counts as inside
            elif ch == "\n" and len(quote) == 1:
                quote, inside = None, False  # a one-line string ends at a newline (a slice cut in mid-string)
        elif ch == "\n":
            comment = False
        elif not comment:
            if ch == "#":
                comment = True
            elif ch in "'\"":
                quote = ch * 3 if text.startswith(ch * 3, t) else ch
                width, inside = len(quote), True
            elif ch in "([{":
                depth += 1
            elif ch in ")]}":
                depth = max(depth - 1, 0)
        out["inside string"][t:t + width] = inside
        out["inside comment"][t:t + width] = comment
        out["bracket depth"][t:t + width] = depth
        t += width
    start = 0
    for line in text.split("\n"):  # each line, and the newline that ends it
        spaces = len(line) - len(line.lstrip(" "))
        out["position in line"][start:start + len(line)] = np.arange(1, len(line) + 1)
        out["indentation"][start:start + len(line)] = np.minimum(np.arange(1, len(line) + 1), spaces)
        start += len(line) + 1  # the newline's own values stay 0
    return out


def unit_correlations(hidden, signal):
    """Pearson correlation of every unit with a signal: hidden (T, H), signal (T,) -> (H,).

    A constant unit (or a constant signal) has no correlation to speak of: it gets 0, not NaN.
    """
    hidden = np.asarray(hidden, dtype=np.float64)
    signal = np.asarray(signal, dtype=np.float64)
    if hidden.ndim != 2 or signal.shape != (hidden.shape[0],):
        raise ValueError(f"hidden, signal: expected (T, H) and (T,) with the same T, got {hidden.shape} and "
                         f"{signal.shape}")
    dh = hidden - hidden.mean(axis=0)  # (T, H)
    ds = signal - signal.mean()  # (T,)
    scale = np.sqrt((dh ** 2).sum(axis=0) * (ds ** 2).sum())  # (H,)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = (ds @ dh) / scale
    return np.where(scale > 1e-12, np.clip(r, -1, 1), 0.0)


# ----------------------------------------------------------------------------- progress

class Progress:
    """A one-line progress report rewritten in place (\\r): step, loss, characters per second."""

    def __init__(self, total, stream=sys.stderr):
        self.total, self.stream, self.start = total, stream, time.perf_counter()

    def update(self, step, loss, chars):
        rate = chars / max(time.perf_counter() - self.start, 1e-9)
        done = int(30 * step / self.total)
        self.stream.write(f"\r[{'#' * done}{'.' * (30 - done)}] step {step}/{self.total}  loss {loss:.3f}  "
                          f"{rate:,.0f} chars/s ")
        self.stream.flush()

    def close(self):
        self.stream.write("\n")
        self.stream.flush()
