"""Optimisers and gradient clipping.

An optimiser is built over a list of layers (anything with `params` and `grads` dicts with the
same keys) and owns their parameters: `step()` reads every `layer.grads[name]` and updates
`layer.params[name]` in place. Clipping functions return new arrays and never touch their input.
"""
import numpy as np

from .validation import check_finite, check_shape


# ---------------------------------------------------------------- optimisers

class _Optimizer:
    """Shared bookkeeping: the layers, the learning rate, one state slot per parameter."""

    def __init__(self, layers, lr):
        layers = [layers] if hasattr(layers, "params") else list(layers)
        for i, layer in enumerate(layers):
            if not (hasattr(layer, "params") and hasattr(layer, "grads")):
                raise TypeError(f"layers[{i}]: expected an object with params and grads dicts, "
                                f"got {type(layer).__name__}")
            if set(layer.params) != set(layer.grads):
                raise ValueError(f"layers[{i}]: expected grads with the same keys as params "
                                 f"{sorted(layer.params)}, got {sorted(layer.grads)}")
        if not lr > 0:
            raise ValueError(f"lr: expected a positive learning rate, got {lr}")
        self.layers, self.lr, self.t = layers, lr, 0

    def _pairs(self):
        """Yield (key, param, grad) for every parameter; key identifies its optimiser state."""
        for i, layer in enumerate(self.layers):
            for name, param in layer.params.items():
                grad = layer.grads[name]
                check_shape(grad, param.shape, f"layers[{i}].grads[{name!r}]")
                check_finite(grad, f"layers[{i}].grads[{name!r}]")
                yield (i, name), param, grad

    def step(self):
        """Update every parameter in place from its current gradient (all checked before any change)."""
        pairs = list(self._pairs())  # raises on a bad gradient before anything changes, self.t included
        self.t += 1
        for key, param, grad in pairs:
            param -= self._update(key, grad)


class SGD(_Optimizer):
    """Stochastic gradient descent, with optional momentum (PyTorch's form):

    v <- momentum * v + g;   p <- p - lr * v        (momentum = 0 gives p <- p - lr * g)
    """

    def __init__(self, layers, lr, momentum=0.0):
        super().__init__(layers, lr)
        if not 0 <= momentum < 1:
            raise ValueError(f"momentum: expected a value in [0, 1), got {momentum}")
        self.momentum, self.velocity = momentum, {}

    def _update(self, key, grad):
        v = self.momentum * self.velocity.get(key, 0.0) + grad
        self.velocity[key] = v
        return self.lr * v


class Adagrad(_Optimizer):
    """Per-parameter step sizes that shrink with the accumulated squared gradient:

    G <- G + g**2;   p <- p - lr * g / (sqrt(G) + eps)
    """

    def __init__(self, layers, lr, eps=1e-8):
        super().__init__(layers, lr)
        self.eps, self.sum_sq = eps, {}

    def _update(self, key, grad):
        self.sum_sq[key] = self.sum_sq.get(key, 0.0) + grad ** 2
        return self.lr * grad / (np.sqrt(self.sum_sq[key]) + self.eps)


class Adam(_Optimizer):
    """Adam with bias correction (t counts steps from 1):

    m <- b1 m + (1 - b1) g;   v <- b2 v + (1 - b2) g**2
    p <- p - lr * m_hat / (sqrt(v_hat) + eps),  m_hat = m / (1 - b1**t),  v_hat = v / (1 - b2**t)
    The first step moves every parameter by about lr, whatever the gradient's scale.
    """

    def __init__(self, layers, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
        super().__init__(layers, lr)
        if len(betas) != 2 or not all(0 <= b < 1 for b in betas):
            raise ValueError(f"betas: expected two values in [0, 1), got {betas}")
        self.betas, self.eps, self.m, self.v = tuple(betas), eps, {}, {}

    def _update(self, key, grad):
        b1, b2 = self.betas
        self.m[key] = b1 * self.m.get(key, 0.0) + (1 - b1) * grad
        self.v[key] = b2 * self.v.get(key, 0.0) + (1 - b2) * grad ** 2
        m_hat = self.m[key] / (1 - b1 ** self.t)
        v_hat = self.v[key] / (1 - b2 ** self.t)
        return self.lr * m_hat / (np.sqrt(v_hat) + self.eps)


# ---------------------------------------------------------------- clipping

def _as_dicts(grads):
    """grads as a list of dicts, checking the structure (a dict, or a list/tuple of dicts)."""
    dicts = [grads] if isinstance(grads, dict) else grads
    if not isinstance(dicts, (list, tuple)) or not all(isinstance(d, dict) for d in dicts):
        raise TypeError(f"grads: expected a dict of arrays or a list of such dicts, got {type(grads).__name__}")
    return dicts


def _map(grads, fn):
    """Apply fn to every array, returning new arrays in the same structure as `grads`."""
    mapped = [{name: fn(np.asarray(g)) for name, g in d.items()} for d in _as_dicts(grads)]
    return mapped[0] if isinstance(grads, dict) else type(grads)(mapped)


def global_norm(grads):
    """sqrt of the sum of squares of every entry of every array: the norm of all gradients as one vector."""
    squares = (np.sum(np.square(g, dtype=np.float64)) for d in _as_dicts(grads) for g in d.values())
    return float(np.sqrt(sum(squares)))


def clip_by_global_norm(grads, max_norm):
    """Rescale all gradients together so that their global norm is at most `max_norm`.

    The direction of the combined gradient is kept. Returns (new grads, norm before clipping).
    """
    if not (np.isfinite(max_norm) and max_norm > 0):
        raise ValueError(f"max_norm: expected a positive finite number, got {max_norm}")
    total = global_norm(grads)
    if not np.isfinite(total):
        raise ValueError(f"grads: expected finite gradients, got global norm {total}")
    scale = float(max_norm / total) if total > max_norm else 1.0
    return _map(grads, lambda g: g * scale), total


def clip_by_value(grads, limit):
    """Clip every entry to [-limit, limit] independently (this can change the direction)."""
    if not (np.isfinite(limit) and limit > 0):
        raise ValueError(f"limit: expected a positive finite number, got {limit}")
    return _map(grads, lambda g: np.clip(g, -limit, limit))
