"""Gated recurrent unit, with PyTorch's equations and gate order r, z, n.

    r = σ(x W_xr + h W_hr + b_r)                 reset gate
    z = σ(x W_xz + h W_hz + b_z)                 update gate
    n = tanh(x W_xn + b_n + r ⊙ (h W_hn + b_hn))  candidate
    h' = (1 - z) ⊙ n + z ⊙ h

The three gates sit side by side in the columns: W_xh (D, 3H), W_hh (H, 3H), b_h (3H,).
b_h is the input-side bias (for r and z it also carries PyTorch's hidden-side bias, since the
two are only ever added); b_hn (H,) is the hidden-side bias of n, which sits inside the
reset product and so cannot be merged. Other texts put the reset gate before the product
with W_hn, or swap the roles of z and 1 - z; the results differ, so check which one you read.
"""
import numpy as np

from .rnn import RecurrentLayer, batch_first, check_step_inputs, sigmoid
from .validation import check_gradient


def gru_cell(xw, hw, h_prev, b_hn):
    """The elementwise part of a step, given xw = x W_xh + b_h (B, 3H) and hw = h_prev W_hh (B, 3H).

    Returns r, z, n, hn = h_prev W_hn + b_hn, and h, each (B, H).
    """
    H = h_prev.shape[1]
    rz = sigmoid(xw[:, :2 * H] + hw[:, :2 * H])  # (B, 2H) r and z together
    r, z = rz[:, :H], rz[:, H:]
    hn = hw[:, 2 * H:] + b_hn
    n = np.tanh(xw[:, 2 * H:] + r * hn)
    h = n + z * (h_prev - n)  # = (1 - z) n + z h_prev
    return r, z, n, hn, h


def gru_cell_backward(dh, r, z, n, hn, h_prev):
    """Backward of gru_cell: dh (B, H) -> d_xw (B, 3H), d_hw (B, 3H) and dh * z, the part of
    dh_prev that skips the matrix product (dh_prev = dh * z + d_hw W_hh^T)."""
    da_n = dh * (1 - z) * (1 - n * n)  # through h = (1-z) n + z h_prev, then tanh
    da_r = da_n * hn * r * (1 - r)  # through r ⊙ hn, then σ
    da_z = dh * (h_prev - n) * z * (1 - z)
    d_xw = np.concatenate([da_r, da_z, da_n], axis=1)
    d_hw = np.concatenate([da_r, da_z, da_n * r], axis=1)
    return d_xw, d_hw, dh * z


def gru_step_forward(x, h_prev, params):
    """One GRU step.

    x: (B, D); h_prev: (B, H); params: W_xh (D, 3H), W_hh (H, 3H), b_h (3H,), b_hn (H,).
    Returns h (B, H) and the cache for gru_step_backward.
    """
    W_xh, W_hh = params["W_xh"], params["W_hh"]
    check_step_inputs(x, h_prev, W_xh, W_hh)
    r, z, n, hn, h = gru_cell(x @ W_xh + params["b_h"], h_prev @ W_hh, h_prev, params["b_hn"])
    return h, (x, h_prev, r, z, n, hn, W_xh, W_hh)


def gru_step_backward(dh, cache):
    """Gradients of one GRU step.

    dh: (B, H). Returns dx (B, D), dh_prev (B, H) and
    dparams {W_xh (D, 3H), W_hh (H, 3H), b_h (3H,), b_hn (H,)}.
    """
    x, h_prev, r, z, n, hn, W_xh, W_hh = cache
    check_gradient(dh, h_prev.shape, "dh")
    d_xw, d_hw, dh_skip = gru_cell_backward(dh, r, z, n, hn, h_prev)
    H = h_prev.shape[1]
    dparams = {"W_xh": x.T @ d_xw, "W_hh": h_prev.T @ d_hw,
               "b_h": d_xw.sum(axis=0), "b_hn": d_hw[:, 2 * H:].sum(axis=0)}
    return d_xw @ W_xh.T, dh_skip + d_hw @ W_hh.T, dparams


class GRU(RecurrentLayer):
    """GRU over a sequence, as torch.nn.GRU (see the module docstring for the equations).

    params: W_xh (D, 3H), W_hh (H, 3H), b_h (3H,), b_hn (H,).
    After forward, `gates` holds {"r", "z", "n"}, each (B, T, H).
    """

    def __init__(self, input_size, hidden_size, rng=0, dtype=np.float64):
        H = hidden_size
        shapes = {"W_xh": (input_size, 3 * H), "W_hh": (H, 3 * H), "b_h": (3 * H,), "b_hn": (H,)}
        super().__init__(input_size, hidden_size, shapes, rng, dtype)
        self.gates = None

    def _forward(self, x, h0):
        T, B, H = *x.shape[:2], self.hidden_size
        W_hh, b_hn = self.params["W_hh"], self.params["b_hn"]
        xw = self._input_part(x)  # (T, B, 3H): the input part of every step at once
        r, z, n, hn = (np.empty((T, B, H), self.dtype) for _ in range(4))
        hs = np.empty((T + 1, B, H), self.dtype)  # hs[0] is the initial state
        hs[0] = h0
        for t in range(T):
            r[t], z[t], n[t], hn[t], hs[t + 1] = gru_cell(xw[t], hs[t] @ W_hh, hs[t], b_hn)  # (B, H) each
        self.gates = {"r": batch_first(r), "z": batch_first(z), "n": batch_first(n)}
        self.hidden_states, self._cache = batch_first(hs[1:]), (x, hs, r, z, n, hn)
        return self.hidden_states, hs[T].copy()  # a copy: the caller may change it

    def _backward(self, d_out, dh):
        x, hs, r, z, n, hn = self._cache
        T, B, H = *x.shape[:2], self.hidden_size
        d_xw, d_hw = np.empty((T, B, 3 * H), self.dtype), np.empty((T, B, 3 * H), self.dtype)
        W_hh_T = self.params["W_hh"].T
        for t in reversed(range(T)):
            d_xw[t], d_hw[t], dh_skip = gru_cell_backward(dh + d_out[t], r[t], z[t], n[t], hn[t], hs[t])
            dh = dh_skip + d_hw[t] @ W_hh_T  # (B, H) flows to step t-1
        d_xw, d_hw = d_xw.reshape(T * B, 3 * H), d_hw.reshape(T * B, 3 * H)
        self.grads["W_hh"] = hs[:-1].reshape(T * B, H).T @ d_hw
        self.grads["b_hn"] = d_hw[:, 2 * H:].sum(axis=0)
        return self._input_backward(x, d_xw), dh
