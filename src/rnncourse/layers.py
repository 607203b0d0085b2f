"""Per-step layers that sit around a recurrent layer: Dense (read-out) and Embedding (read-in).

Both follow the course's layer pattern: parameters in `params`, matching gradients in `grads`,
`forward` caches what `backward` needs, and `backward` overwrites `grads`.
"""
import numpy as np

from .init import as_rng, xavier_uniform
from .validation import as_float_array, check_finite, check_gradient, require_forward


def sum_rows_by_id(ids, values, size):
    """The gradient of a row lookup: (size, F) whose row v sums the rows of `values` (N, F) whose id
    in `ids` (N,) is v. Equal to one_hot(ids)ᵀ values, without its multiplications by zero:
    the rows are grouped by id (a stable sort) and each group summed."""
    order = np.argsort(ids, kind="stable")
    counts = np.bincount(ids, minlength=size)
    ends = np.cumsum(counts)
    grouped = values[order]  # (N, F): the rows of id 0 first, then id 1, ...
    out = np.zeros((size, values.shape[1]), values.dtype)
    for v in np.flatnonzero(counts):
        grouped[ends[v] - counts[v]:ends[v]].sum(axis=0, out=out[v])
    return out


class Dense:
    """Affine map applied at every time step: y = x W + b.

    x: (B, T, H) or (B, H)  ->  y: (B, T, O) or (B, O).
    params: W (H, O) Xavier-uniform, b (O,) zeros.
    """

    def __init__(self, in_features, out_features, rng=0, dtype=np.float64):
        self.in_features, self.out_features = in_features, out_features
        self.params = {"W": xavier_uniform((in_features, out_features), as_rng(rng), dtype),
                       "b": np.zeros(out_features, dtype=dtype)}
        self.grads = {name: np.zeros_like(value) for name, value in self.params.items()}
        self._x = None

    def forward(self, x):
        """x (B, T, H) or (B, H) -> y of the same rank with last axis O."""
        x = as_float_array(x, "Dense.forward x")
        if x.ndim not in (2, 3) or x.shape[-1] != self.in_features:
            raise ValueError(f"Dense.forward x: expected shape (batch, time, {self.in_features}) or "
                             f"(batch, {self.in_features}), got {x.shape}")
        check_finite(x, "Dense.forward x")
        self._x = x.copy()  # the caller may change x before backward
        return x @ self.params["W"] + self.params["b"]

    def backward(self, d_out):
        """d_out (same shape as forward's output) -> d_in (shape of x); fills grads W, b."""
        require_forward(self._x, "Dense")
        x = self._x
        d_out = check_gradient(d_out, x.shape[:-1] + (self.out_features,), "Dense.backward d_out")
        x2, d2 = x.reshape(-1, self.in_features), d_out.reshape(-1, self.out_features)  # (N, H), (N, O)
        self.grads["W"], self.grads["b"] = x2.T @ d2, d2.sum(axis=0)
        return d_out @ self.params["W"].T


class Embedding:
    """Lookup table from integer ids to dense vectors: out[b, t] = E[ids[b, t]].

    ids: integer array of any shape, e.g. (B, T)  ->  out: ids.shape + (dim,).
    params: E (vocab_size, dim), standard normal like torch.nn.Embedding.
    Multiplying a one-hot row by E gives the same result; the lookup skips the zeros.
    """

    def __init__(self, vocab_size, dim, rng=0, dtype=np.float64):
        self.vocab_size, self.dim = vocab_size, dim
        self.params = {"E": as_rng(rng).standard_normal((vocab_size, dim)).astype(dtype)}
        self.grads = {"E": np.zeros_like(self.params["E"])}
        self._ids = None

    def forward(self, ids):
        """ids (B, T) integers in [0, vocab_size) -> (B, T, dim)."""
        ids = np.asarray(ids)
        if ids.dtype.kind not in "iu":
            raise TypeError(f"Embedding.forward ids: expected an integer array, got dtype {ids.dtype} "
                            "(encode tokens with Vocabulary.encode first)")
        if ids.size and (ids.min() < 0 or ids.max() >= self.vocab_size):
            bad = ids[(ids < 0) | (ids >= self.vocab_size)].flat[0]
            raise ValueError(f"Embedding.forward ids: expected ids in [0, {self.vocab_size}), got {bad}")
        self._ids = ids.copy()
        return self.params["E"][ids]

    def backward(self, d_out):
        """d_out (ids.shape + (dim,)) -> None (ids are not differentiable); fills grads E.

        Ids that repeat accumulate their gradients (sum_rows_by_id), so fancy assignment would be wrong.
        """
        require_forward(self._ids, "Embedding")
        d_out = check_gradient(d_out, self._ids.shape + (self.dim,), "Embedding.backward d_out")
        self.grads["E"] = sum_rows_by_id(self._ids.reshape(-1), d_out.reshape(-1, self.dim).astype(
            self.params["E"].dtype, copy=False), self.vocab_size)
        return None
