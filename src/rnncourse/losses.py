"""Losses and their gradients, computed together: each loss returns (loss, d_input).

Both losses take an optional mask that switches steps off (padding): a masked step adds
nothing to the loss and receives an exactly zero gradient.
"""
import numpy as np

from .validation import as_float_array, check_finite, check_shape


def log_softmax(logits, axis=-1):
    """log softmax(logits) along `axis`, stable for any finite logits (the maximum is subtracted)."""
    z = np.asarray(logits)
    shifted = z - z.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def softmax(logits, axis=-1):
    """Probabilities along `axis`, stable for any finite logits: exp(z - max z) / sum exp(z - max z)."""
    z = np.asarray(logits)
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _check_mask(mask, shape, name):
    """Return `mask` as a bool array of `shape`; accepts bool or 0/1 values."""
    mask = np.asarray(mask)
    check_shape(mask, shape, name)
    if mask.dtype != bool and not np.isin(mask, (0, 1)).all():
        raise ValueError(f"{name}: expected bool or 0/1 values, got values {np.unique(mask)[:5]}")
    return mask.astype(bool)


def softmax_cross_entropy(logits, targets, mask=None, reduction="mean"):
    """Cross-entropy of softmax(logits) against integer targets, and its gradient.

    logits:  (B, T, V) or (B, V) float, unnormalised scores over V classes.
    targets: (B, T) or (B,) integers in [0, V).
    mask:    optional, shape of targets, bool (True = step counts). None counts every step.
    reduction:
        "mean" - the summed loss over unmasked steps divided by the NUMBER OF UNMASKED STEPS
                 (not by the batch size), so padding does not dilute the loss;
        "sum"  - the summed loss over unmasked steps, not divided.
    Returns (loss: float, dlogits: logits' shape); dlogits = (softmax - one_hot) / N on unmasked
    steps (N = count for "mean", 1 for "sum") and exactly 0 on masked steps.
    """
    logits = as_float_array(logits, "logits")
    if logits.ndim not in (2, 3):
        raise ValueError(f"logits: expected shape (batch, time, vocab) or (batch, vocab), got {logits.shape}")
    check_finite(logits, "logits")
    vocab = logits.shape[-1]
    targets = np.asarray(targets)
    check_shape(targets, logits.shape[:-1], "targets")
    if targets.dtype.kind not in "iu":
        raise TypeError(f"targets: expected integer class ids, got dtype {targets.dtype}")
    if targets.size and (targets.min() < 0 or targets.max() >= vocab):
        bad = targets[(targets < 0) | (targets >= vocab)][0]
        raise ValueError(f"targets: expected ids in [0, {vocab}), got {bad}")
    if reduction not in ("mean", "sum"):
        raise ValueError(f"reduction: expected 'mean' or 'sum', got {reduction!r}")
    keep = np.ones(targets.shape, bool) if mask is None else _check_mask(mask, targets.shape, "mask")
    count = int(keep.sum())
    if count == 0:
        raise ValueError("mask: expected at least one unmasked step, got none")
    scale = 1.0 / count if reduction == "mean" else 1.0

    logp = log_softmax(logits)                                              # (..., V)
    picked = np.take_along_axis(logp, targets[..., None], axis=-1)[..., 0]  # (...)
    loss = -float(np.sum(picked[keep])) * scale
    one_hot = np.arange(vocab) == targets[..., None]                         # (..., V) bool
    dlogits = (np.exp(logp) - one_hot) * (keep * scale)[..., None].astype(logits.dtype)
    return loss, dlogits


def mean_squared_error(pred, target, mask=None):
    """Mean of (pred - target)**2 over unmasked elements, and its gradient.

    pred, target: same shape, e.g. (B, T, D).
    mask: optional bool, either pred's shape or pred's shape without the last axis (a step
          mask such as (B, T)), in which case it applies to every feature of the step.
    Returns (loss: float, dpred: pred's shape) with dpred = 2 (pred - target) / N on unmasked
    elements (N = number of unmasked elements) and 0 elsewhere.
    """
    pred, target = as_float_array(pred, "pred"), as_float_array(target, "target")
    check_shape(target, pred.shape, "target")
    check_finite(pred, "pred")
    check_finite(target, "target")
    if mask is None:
        keep = np.ones(pred.shape, bool)
    else:
        shape = pred.shape if np.ndim(mask) == pred.ndim else pred.shape[:-1]
        keep = np.broadcast_to(_check_mask(mask, shape, "mask").reshape(shape + (1,) * (pred.ndim - len(shape))),
                               pred.shape)
    count = int(keep.sum())
    if count == 0:
        raise ValueError("mask: expected at least one unmasked element, got none")
    diff = np.where(keep, pred - target, 0.0)
    return float(np.sum(diff ** 2)) / count, (2.0 / count) * diff
