"""Exercises of notebook 11: a character model on one long stream of text — batching the stream into
lanes, stateful truncated BPTT, and the correlation of hidden units with the text's structure."""
import numpy as np

from ..models import CharLM, detach_state, train_step
from ..optim import Adam
from ..stream import lanes, sequential_batches, unit_correlations
from ..text import Vocabulary

from .compare import Case, Mistake, check_function
from .recurrent import _name
from .registry import register


# ---------------------------------------------------------------- sequential partitioning into lanes

def _sequential_reference(ids, batch_size, k):
    return list(sequential_batches(ids, batch_size, k))


def _interleaved(ids, batch_size, k):
    """Lane b takes every B-th character (b, b + B, ...) instead of a contiguous stretch."""
    L = (len(ids) - 1) // batch_size
    rows = np.asarray(ids)[:batch_size * L].reshape(L, batch_size).T  # (B, L)
    return [rows[:, j * k:j * k + k + 1] for j in range(L // k)]


def _not_overlapping(ids, batch_size, k):
    """Chunks of k + 1 ids side by side: the last target of a chunk is not the next chunk's first input."""
    rows = lanes(ids, batch_size)  # (B, L + 1)
    return [rows[:, s:s + k + 1] for s in range(0, rows.shape[1] - k, k + 1)]


def _inputs_only(ids, batch_size, k):
    return [c[:, :-1] for c in _sequential_reference(ids, batch_size, k)]


SEQUENTIAL_MISTAKES = (
    Mistake("lane b takes every B-th character (reshape(-1, B).T): a lane must be one contiguous stretch of the "
            "stream, ids[b L : b L + L + 1]", _interleaved),
    Mistake("neighbouring chunks do not share an id: chunk j + 1 must start with the id chunk j ended on (its last "
            "target is the next input), so step from k to k, not k + 1", _not_overlapping),
    Mistake("each chunk holds only the k inputs: it needs k + 1 ids, the inputs and one more target", _inputs_only),
)


def check_sequential_batches(student_fn):
    """Self-check for student_fn(ids (N,), batch_size, k) -> list of (B, k + 1) chunks, as
    stream.sequential_batches gives them (a generator there; a list or any iterable here)."""
    cases = [Case("one lane (B = 1), 13 ids, k = 4: chunks [0..4], [4..8], [8..12]", (np.arange(13), 1, 4)),
             Case("two lanes of 12 predictions each (25 ids), k = 4", (np.arange(25), 2, 4)),
             Case("three lanes of 13 predictions (41 ids), k = 3: four chunks; the ids that fill no lane or no "
                  "chunk are left out", (np.arange(100, 141), 3, 3)),
             Case("k = 1: every chunk is one (input, target) pair", (np.arange(11), 2, 1))]
    return check_function(lambda *a: list(student_fn(*a)), _sequential_reference, cases,
                          _name(student_fn, "sequential_batches"), arg_names=("ids", "batch_size", "k"),
                          mistakes=SEQUENTIAL_MISTAKES)


# ---------------------------------------------------------------- stateful truncated BPTT

def train_stateful(model, chunks, optimiser, clip=5.0):
    """One update per chunk, each chunk starting from the previous chunk's final state (values only).
    Returns (losses (n,) array, the final state)."""
    losses, state = [], None
    for chunk in chunks:
        loss, _ = train_step(model, chunk, optimiser, clip, state0=state)
        losses.append(loss)
        state = detach_state(model.final_state)  # carried forward as plain numbers: no gradient crosses
    return np.array(losses), state


def _carried(model, chunk, state):
    return detach_state(model.final_state)


def _train_with(next_state, clip_used=lambda clip: clip):
    """A train_stateful variant: the state for the next chunk is next_state(model, chunk, state)."""
    def train(model, chunks, optimiser, clip=5.0):
        losses, state = [], None
        for chunk in chunks:
            loss, _ = train_step(model, chunk, optimiser, clip_used(clip), state0=state)
            losses.append(loss)
            final = detach_state(model.final_state)
            state = next_state(model, chunk, state)
        return np.array(losses), final
    return train


def _recomputed_after_update(model, chunks, optimiser, clip=5.0):
    """The state to carry (and return) is recomputed by a second forward pass, after the update."""
    losses, state = [], None
    for chunk in chunks:
        loss, _ = train_step(model, chunk, optimiser, clip, state0=state)
        losses.append(loss)
        model.forward(chunk[:, :-1], state)  # with the weights the update has just changed
        state = detach_state(model.final_state)
    return np.array(losses), state


def _cell_state_dropped(model, chunk, state):
    if not isinstance(model.final_state, tuple):  # a GRU's state is h alone
        return detach_state(model.final_state)
    h, c = model.final_state
    return h.copy(), np.zeros_like(c)


STATEFUL_MISTAKES = (
    Mistake("every chunk starts from zeros (state0=None each time): that is the classic bug — pass the previous "
            "chunk's final state, models.detach_state(model.final_state), as state0", _train_with(lambda m, c, s: None)),
    Mistake("the LSTM's cell state c is reset: carry the whole state, the pair (h, c)",
            _train_with(_cell_state_dropped)),
    Mistake("the state was recomputed by running the chunk again after the update: carry model.final_state from "
            "the training step itself, with the weights that produced the loss", _recomputed_after_update),
    Mistake("the gradient is not clipped: pass clip to models.train_step",
            _train_with(_carried, clip_used=lambda clip: None)),
)


def _stream_setup(cell, hidden, batch, k, n_chunks, seed):
    """(model, chunks, optimiser): a small CharLM over a short code-like stream, lanes of `batch` rows."""
    source = "def f(x):\n    return (x + 1) * 2  # 'a' [b]\n" * 4
    vocab = Vocabulary(sorted(set(source)))
    model = CharLM(vocab, hidden, cell=cell, rng=seed)
    chunks = list(sequential_batches(vocab.encode(source), batch, k))[:n_chunks]
    return model, chunks, Adam(model.layers, lr=0.05)


def _stateful_outputs(result):
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise TypeError(f"expected 2 return values (losses, final state), got {type(result).__name__}")
    return {"losses": np.asarray(result[0], dtype=np.float64), "final state": result[1]}


def check_train_stateful(student_fn):
    """Self-check for student_fn(model, chunks, optimiser, clip=5.0) -> (losses (n,), final state):
    one models.train_step per chunk, each from the previous chunk's final state. Judged on the losses
    (each depends on the state it started from and on the updates before it) and the final state."""
    cases = [Case("one chunk: it starts from zeros, one update", _stream_setup("gru", 8, 2, 6, 1, 0)),
             Case("three chunks of a GRU: chunk 2 starts from chunk 1's final state, chunk 3 from chunk 2's",
                  _stream_setup("gru", 8, 2, 6, 3, 1)),
             Case("three chunks of an LSTM: its state is the pair (h, c), and both are carried",
                  _stream_setup("lstm", 8, 2, 6, 3, 2)),
             Case("an LSTM with clip = 0.05: every gradient is clipped", _stream_setup("lstm", 8, 2, 6, 3, 3),
                  {"clip": 0.05})]
    return check_function(student_fn, train_stateful, cases, _name(student_fn, "train_stateful"),
                          arg_names=("model", "chunks", "optimiser"), outputs=_stateful_outputs,
                          mistakes=STATEFUL_MISTAKES)


# ---------------------------------------------------------------- which unit follows a signal?

def _cosine(hidden, signal):
    norms = np.linalg.norm(hidden, axis=0) * np.linalg.norm(signal)
    return np.divide(hidden.T @ signal, norms, out=np.zeros(hidden.shape[1]), where=norms > 0)


def _covariance(hidden, signal):
    return (hidden - hidden.mean(axis=0)).T @ (signal - signal.mean()) / len(signal)


CORRELATION_MISTAKES = (
    Mistake("the means are not subtracted (that is the cosine of the angle, not the correlation)", _cosine),
    Mistake("the covariance is returned: divide it by both standard deviations", _covariance),
)


def check_unit_correlations(student_fn):
    """Self-check for student_fn(hidden (T, H), signal (T,)) -> (H,) Pearson correlation of each unit with
    the signal, 0 for a unit (or a signal) that never changes."""
    rng = np.random.default_rng(110)
    signal = (rng.random(40) < 0.4).astype(float)  # e.g. "inside quotes"
    exact = np.stack([signal, 3 - 2 * signal, np.full(40, 0.5)], axis=1)  # r = +1, -1, and a constant unit
    noisy = np.tanh(rng.standard_normal((40, 5)) + 2 * signal[:, None] * np.array([1.0, 0.0, -0.5, 0.2, 0.0]))
    cases = [Case("unit 0 is the signal, unit 1 is 3 - 2 * signal (r = -1), unit 2 is constant (r = 0, not NaN)",
                  (exact, signal)),
             Case("five units of tanh values, some following the signal", (noisy, signal)),
             Case("units far from zero mean (tanh values + 5): only how they vary together counts",
                  (noisy + 5.0, signal)),
             Case("a signal that never changes: every correlation is 0", (noisy, np.ones(40)))]
    return check_function(student_fn, unit_correlations, cases, _name(student_fn, "unit_correlations"),
                          arg_names=("hidden", "signal"), mistakes=CORRELATION_MISTAKES)


register("sequential_batches", "def sequential_batches(ids, batch_size, k) -> list of (B, k + 1) chunks",
         "with L = (len(ids) - 1) // batch_size, lane b is ids[b*L : b*L + L + 1] (np.arange(batch_size)[:, None] "
         "* L + np.arange(L + 1) indexes all lanes at once); slice every lane at the offsets 0, k, 2k, ... into "
         "k + 1 ids, so neighbouring chunks share one, and keep only whole chunks.", _sequential_reference, check_sequential_batches)
register("train_stateful", "def train_stateful(model, chunks, optimiser, clip=5.0) -> (losses (n,), final state)",
         "start with state = None; for every chunk call models.train_step(model, chunk, optimiser, clip, "
         "state0=state), keep its loss, and set state = models.detach_state(model.final_state).",
         train_stateful, check_train_stateful)
register("unit_correlations", "def unit_correlations(hidden, signal) -> (H,) correlations",
         "subtract each unit's mean (axis 0) and the signal's mean; the correlation is the sum of their products "
         "divided by the product of their norms — and 0 where a norm is 0.", unit_correlations,
         check_unit_correlations)
