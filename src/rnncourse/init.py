"""Seeded weight initialisers.

Every function takes `rng`, a numpy.random.Generator or an int seed, so a notebook that
builds the same layer twice gets the same numbers twice. Values are drawn in float64 and
then cast, so a float32 layer starts from (the rounding of) the same weights as a float64 one.
"""
import numbers

import numpy as np


def as_rng(seed_or_rng=0):
    """Return a numpy.random.Generator: passed through as is, or built from an int seed."""
    if isinstance(seed_or_rng, np.random.Generator):
        return seed_or_rng
    if isinstance(seed_or_rng, numbers.Integral) and not isinstance(seed_or_rng, bool):
        return np.random.default_rng(int(seed_or_rng))
    raise TypeError(f"rng: expected a numpy.random.Generator or an int seed, got {seed_or_rng!r}")


def uniform(shape, bound, rng=0, dtype=np.float64):
    """Array of `shape` drawn from U(-bound, bound)."""
    return as_rng(rng).uniform(-bound, bound, size=shape).astype(dtype)


def pytorch_default(shape, hidden_size, rng=0, dtype=np.float64):
    """PyTorch's default for recurrent layers: every weight and bias from U(-1/sqrt(H), 1/sqrt(H))."""
    return uniform(shape, 1.0 / np.sqrt(hidden_size), rng, dtype)


def xavier_uniform(shape, rng=0, dtype=np.float64):
    """Glorot/Xavier uniform for a (fan_in, fan_out) matrix: U(-a, a), a = sqrt(6 / (fan_in + fan_out))."""
    if len(shape) != 2:
        raise ValueError(f"xavier_uniform: expected a 2-d shape (fan_in, fan_out), got {tuple(shape)}")
    fan_in, fan_out = shape
    return uniform(shape, np.sqrt(6.0 / (fan_in + fan_out)), rng, dtype)


def orthogonal(n, rng=0, dtype=np.float64):
    """Random (n, n) orthogonal matrix (all singular values 1), uniform over rotations and reflections."""
    q, r = np.linalg.qr(as_rng(rng).standard_normal((n, n)))
    return (q * np.sign(np.diag(r))).astype(dtype)  # sign fix makes the distribution uniform
