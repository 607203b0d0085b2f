"""Realistic wrong answers to the exercises of notebook 11, each with the words its ✗ message must contain."""
import numpy as np

from rnncourse import models


# ---------------------------------------------------------------- sequential_batches

def _every_bth_character(ids, batch_size, k):
    L = (len(ids) - 1) // batch_size
    lanes = ids[:batch_size * L].reshape(L, batch_size).T                  # (B, L): ids b, b + B, ...
    return [lanes[:, s:s + k + 1] for s in range(0, L - k + 1, k)]


def _chunks_side_by_side(ids, batch_size, k):
    L = (len(ids) - 1) // batch_size
    lanes = ids[:batch_size * L + 1][np.arange(batch_size)[:, None] * L + np.arange(L + 1)]
    return [lanes[:, s:s + k + 1] for s in range(0, L - k + 1, k + 1)]    # steps k + 1: one target lost


def _inputs_without_the_last_target(ids, batch_size, k):
    L = (len(ids) - 1) // batch_size
    lanes = ids[np.arange(batch_size)[:, None] * L + np.arange(L + 1)]
    return [lanes[:, s:s + k] for s in range(0, L - k + 1, k)]


# ---------------------------------------------------------------- train_stateful

def _reset_every_chunk(model, chunks, optimiser, clip=5.0):
    losses = []
    for chunk in chunks:
        loss, _ = models.train_step(model, chunk, optimiser, clip)          # always from zeros
        losses.append(loss)
    return np.array(losses), models.detach_state(model.final_state)


def _only_h_carried(model, chunks, optimiser, clip=5.0):
    losses, state = [], None
    for chunk in chunks:
        loss, _ = models.train_step(model, chunk, optimiser, clip, state0=state)
        losses.append(loss)
        final = model.final_state
        state = (final[0].copy(), np.zeros_like(final[1])) if isinstance(final, tuple) else final.copy()
    return np.array(losses), models.detach_state(model.final_state)


def _state_from_a_second_pass(model, chunks, optimiser, clip=5.0):
    losses, state = [], None
    for chunk in chunks:
        loss, _ = models.train_step(model, chunk, optimiser, clip, state0=state)
        losses.append(loss)
        model.forward(chunk[:, :-1], state)                                  # after the update
        state = models.detach_state(model.final_state)
    return np.array(losses), state


def _no_clipping(model, chunks, optimiser, clip=5.0):
    losses, state = [], None
    for chunk in chunks:
        loss, _ = models.train_step(model, chunk, optimiser, state0=state)
        losses.append(loss)
        state = models.detach_state(model.final_state)
    return np.array(losses), state


# ---------------------------------------------------------------- unit_correlations

def _not_centred(hidden, signal):
    norms = np.linalg.norm(hidden, axis=0) * np.linalg.norm(signal)
    return np.where(norms > 0, hidden.T @ signal / np.where(norms > 0, norms, 1), 0.0)


def _nan_for_a_constant_unit(hidden, signal):
    h, s = hidden - hidden.mean(axis=0), signal - signal.mean()
    with np.errstate(invalid="ignore", divide="ignore"):
        return h.T @ s / (np.linalg.norm(h, axis=0) * np.linalg.norm(s))


def _covariance(hidden, signal):
    return (hidden - hidden.mean(axis=0)).T @ (signal - signal.mean()) / len(signal)


def _corrcoef_of_the_wrong_axis(hidden, signal):
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.corrcoef(hidden, signal[:hidden.shape[1]])[-1, :-1]    # rows of hidden are steps, not units


WRONG_ANSWERS = {
    "sequential_batches": [
        (_every_bth_character, ["lane b takes every B-th character"]),
        (_chunks_side_by_side, ["13 ids", "neighbouring chunks do not share an id"]),
        (_inputs_without_the_last_target, ["expected shape (3, 1, 5), got (3, 1, 4)", "k + 1 ids"]),
    ],
    "train_stateful": [
        (_reset_every_chunk, ["chunk 2 starts from chunk 1's final state", "the classic bug"]),
        (_only_h_carried, ["both are carried", "carry the whole state, the pair (h, c)"]),
        (_state_from_a_second_pass, ["['final state']", "recomputed by running the chunk again"]),
        (_no_clipping, ["clip = 0.05", "not clipped"]),
    ],
    "unit_correlations": [
        (_not_centred, ["r = -1", "the means are not subtracted"]),
        (_nan_for_a_constant_unit, ["constant (r = 0, not NaN)", "got nan"]),
        (_covariance, ["divide it by both standard deviations"]),
        (_corrcoef_of_the_wrong_axis, ["unit 0 is the signal"]),
    ],
}
