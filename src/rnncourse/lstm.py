"""Long short-term memory, with PyTorch's equations and gate order i, f, g, o.

    a = x W_xh + h W_hh + b_h                    (B, 4H), split into four H-wide blocks
    i = σ(a_i)  input gate      f = σ(a_f)  forget gate
    g = tanh(a_g)  candidate    o = σ(a_o)  output gate
    c' = f ⊙ c + i ⊙ g            h' = o ⊙ tanh(c')

The state is the pair (h, c). b_h (4H,) is PyTorch's bias_ih + bias_hh.
"""
import numpy as np

from .rnn import RecurrentLayer, check_step_inputs, sigmoid
from .validation import check_gradient, check_shape


def lstm_cell(a, c_prev):
    """The elementwise part of a step: pre-activations a (B, 4H) and c_prev (B, H) ->
    gates (B, 4H) (i, f, g, o side by side), c (B, H), tanh(c) (B, H), h (B, H)."""
    H = c_prev.shape[1]
    gates = sigmoid(a)  # σ for i, f and o ...
    gates[:, 2 * H:3 * H] = np.tanh(a[:, 2 * H:3 * H])  # ... tanh for g
    i, f, g, o = (gates[:, k * H:(k + 1) * H] for k in range(4))
    c = f * c_prev + i * g
    tanh_c = np.tanh(c)
    return gates, c, tanh_c, o * tanh_c


def lstm_cell_backward(dh, dc, gates, c_prev, tanh_c):
    """Backward of lstm_cell: dh, dc (B, H) -> da (B, 4H) and dc_prev (B, H)."""
    H = c_prev.shape[1]
    i, f, g, o = (gates[:, k * H:(k + 1) * H] for k in range(4))
    dc = dc + dh * o * (1 - tanh_c * tanh_c)  # c reaches the loss directly and through h
    da = np.concatenate([dc * g * i * (1 - i),  # di, then through σ
                         dc * c_prev * f * (1 - f),  # df
                         dc * i * (1 - g * g),  # dg, then through tanh
                         dh * tanh_c * o * (1 - o)], axis=1)  # do
    return da, dc * f


def lstm_step_forward(x, state_prev, params):
    """One LSTM step.

    x: (B, D); state_prev: (h_prev, c_prev), each (B, H);
    params: W_xh (D, 4H), W_hh (H, 4H), b_h (4H,).
    Returns (h, c), each (B, H), and the cache for lstm_step_backward.
    """
    h_prev, c_prev = state_prev
    W_xh, W_hh = params["W_xh"], params["W_hh"]
    check_step_inputs(x, h_prev, W_xh, W_hh)
    check_shape(c_prev, h_prev.shape, "c_prev", ("batch", "hidden"))
    gates, c, tanh_c, h = lstm_cell(x @ W_xh + h_prev @ W_hh + params["b_h"], c_prev)
    return (h, c), (x, h_prev, c_prev, gates, tanh_c, W_xh, W_hh)


def lstm_step_backward(d_state, cache):
    """Gradients of one LSTM step.

    d_state: (dh, dc), each (B, H). Returns dx (B, D), (dh_prev, dc_prev) and
    dparams {W_xh (D, 4H), W_hh (H, 4H), b_h (4H,)}.
    """
    x, h_prev, c_prev, gates, tanh_c, W_xh, W_hh = cache
    dh, dc = d_state
    check_gradient(dh, h_prev.shape, "dh")
    check_gradient(dc, h_prev.shape, "dc")
    da, dc_prev = lstm_cell_backward(dh, dc, gates, c_prev, tanh_c)
    dparams = {"W_xh": x.T @ da, "W_hh": h_prev.T @ da, "b_h": da.sum(axis=0)}
    return da @ W_xh.T, (da @ W_hh.T, dc_prev), dparams


class LSTM(RecurrentLayer):
    """LSTM over a sequence, as torch.nn.LSTM (see the module docstring for the equations).

    params: W_xh (D, 4H), W_hh (H, 4H), b_h (4H,). The state is the pair (h, c).
    After forward, `gates` holds {"i", "f", "g", "o"}, each (B, T, H), and `cell_states` (B, T, H).
    """

    def __init__(self, input_size, hidden_size, rng=0, dtype=np.float64):
        H = hidden_size
        shapes = {"W_xh": (input_size, 4 * H), "W_hh": (H, 4 * H), "b_h": (4 * H,)}
        super().__init__(input_size, hidden_size, shapes, rng, dtype)
        self.gates = self.cell_states = None

    def zero_state(self, batch):
        """The all-zero initial state (h, c), each (batch, H)."""
        return super().zero_state(batch), super().zero_state(batch)

    def _check_state(self, state, batch, name):
        if not isinstance(state, (tuple, list, np.ndarray)) or len(state) != 2:
            got = (f"an array of shape {state.shape}" if isinstance(state, np.ndarray) else
                   f"a {type(state).__name__} of length {len(state)}" if isinstance(state, (tuple, list)) else
                   f"a {type(state).__name__}")
            raise ValueError(f"{name}: expected a pair (h, c) of (batch, hidden) arrays, got {got}")
        return tuple(super(LSTM, self)._check_state(s, batch, f"{name}[{k}]") for k, s in enumerate(state))

    def _forward(self, x, state0):
        (B, T, D), H = x.shape, self.hidden_size
        W_hh = self.params["W_hh"]
        xw = (x.reshape(B * T, D) @ self.params["W_xh"]).reshape(B, T, 4 * H)  # input part of every step
        xw += self.params["b_h"]
        gates = np.empty((B, T, 4 * H), self.dtype)  # i, f, g, o of every step
        hs, cs, tanh_cs = (np.empty((B, T, H), self.dtype) for _ in range(3))
        h, c = state0
        for t in range(T):
            gates[:, t], c, tanh_cs[:, t], h = lstm_cell(xw[:, t] + h @ W_hh, c)  # (B, H) each
            hs[:, t], cs[:, t] = h, c
        self.gates = dict(zip("ifgo", (gates[..., k * H:(k + 1) * H] for k in range(4))))
        self.hidden_states, self.cell_states, self._cache = hs, cs, (x, state0, gates, tanh_cs)
        return hs, (h, c)

    def _backward(self, d_outputs, d_state):
        x, (h0, c0), gates, tanh_cs = self._cache
        hs, cs = self.hidden_states, self.cell_states
        (B, T, D), H = x.shape, self.hidden_size
        W_hh_T = self.params["W_hh"].T
        da = np.empty((B, T, 4 * H), self.dtype)  # gradients of the pre-activations of every step
        dh, dc = d_state
        for t in reversed(range(T)):
            c_prev = cs[:, t - 1] if t > 0 else c0
            da[:, t], dc = lstm_cell_backward(dh + d_outputs[:, t], dc, gates[:, t], c_prev, tanh_cs[:, t])
            dh = da[:, t] @ W_hh_T  # (B, H) flows to step t-1, as does dc
        h_prev = np.concatenate([h0[:, None], hs[:, :-1]], axis=1)  # (B, T, H) h<t-1> for every t
        da = da.reshape(B * T, 4 * H)
        self.grads["W_xh"] = x.reshape(B * T, D).T @ da
        self.grads["W_hh"] = h_prev.reshape(B * T, H).T @ da
        self.grads["b_h"] = da.sum(axis=0)
        return (da @ self.params["W_xh"].T).reshape(B, T, D), (dh, dc)
