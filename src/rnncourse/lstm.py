"""Long short-term memory, with PyTorch's equations and gate order i, f, g, o.

    a = x W_xh + h W_hh + b_h                    (B, 4H), split into four H-wide blocks
    i = σ(a_i)  input gate      f = σ(a_f)  forget gate
    g = tanh(a_g)  candidate    o = σ(a_o)  output gate
    c' = f ⊙ c + i ⊙ g            h' = o ⊙ tanh(c')

The state is the pair (h, c). b_h (4H,) is PyTorch's bias_ih + bias_hh.
"""
import numpy as np

from .rnn import RecurrentLayer, batch_first, check_step_inputs, sigmoid
from .validation import check_gradient, check_shape


def lstm_cell(a, c_prev, out=None):
    """The elementwise part of a step: pre-activations a (B, 4H) and c_prev (B, H) ->
    gates (B, 4H) (i, f, g, o side by side), c (B, H), tanh(c) (B, H), h (B, H).

    out: optional arrays (gates, c, tanh_c, h) to write into; gates may be `a` itself.
    """
    H = c_prev.shape[1]
    if out is None:
        dtype = np.result_type(a, c_prev)
        out = np.empty(a.shape, dtype), *(np.empty(c_prev.shape, dtype) for _ in range(3))
    gates, c, tanh_c, h = out
    sigmoid(a[:, :2 * H], out=gates[:, :2 * H])  # i and f
    np.tanh(a[:, 2 * H:3 * H], out=gates[:, 2 * H:3 * H])  # g
    sigmoid(a[:, 3 * H:], out=gates[:, 3 * H:])  # o
    i, f, g, o = (gates[:, k * H:(k + 1) * H] for k in range(4))
    np.multiply(f, c_prev, out=c)
    c += i * g  # c' = f ⊙ c + i ⊙ g
    np.tanh(c, out=tanh_c)
    np.multiply(o, tanh_c, out=h)
    return gates, c, tanh_c, h


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
        T, B, H = *x.shape[:2], self.hidden_size
        W_hh = self.params["W_hh"]
        gates = self._input_part(x)  # (T, B, 4H) the input part of every step at once; the loop adds
        hs, cs = (np.empty((T + 1, B, H), self.dtype) for _ in range(2))  # h<t-1> W_hh and turns each
        tanh_cs = np.empty((T, B, H), self.dtype)  # step's row into its gates. hs[0], cs[0]: the initial state
        hs[0], cs[0] = state0
        recurrent = np.empty((B, 4 * H), self.dtype)
        for t in range(T):
            gates[t] += np.matmul(hs[t], W_hh, out=recurrent)
            lstm_cell(gates[t], cs[t], out=(gates[t], cs[t + 1], tanh_cs[t], hs[t + 1]))
        self.gates = dict(zip("ifgo", (batch_first(gates[..., k * H:(k + 1) * H]) for k in range(4))))
        self.hidden_states, self.cell_states = batch_first(hs[1:]), batch_first(cs[1:])
        self._cache = (x, gates, hs, cs, tanh_cs)
        return self.hidden_states, (hs[T].copy(), cs[T].copy())  # copies: the caller may change them

    def _backward(self, d_out, d_state):
        x, gates, hs, cs, tanh_cs = self._cache
        T, B, H = *x.shape[:2], self.hidden_size
        i, f, g, o = (gates[..., k * H:(k + 1) * H] for k in range(4))  # (T, B, H) each
        # What a step's pre-activations get from dc (i, f, g) or dh (o) does not depend on the
        # upstream gradient, so compute it for all steps at once; the loop only carries dh and dc.
        local, slope = np.empty((T, B, 4, H), self.dtype), np.empty((T, B, H), self.dtype)
        for k, (gate, factor) in enumerate(((i, g), (f, cs[:-1]), (g, i), (o, tanh_cs))):
            if k == 2:  # d a_g / d c = i (1 - g²), through tanh
                np.multiply(gate, gate, out=slope)
                np.subtract(1, slope, out=slope)
            else:  # d a_i / d c = g σ'(a_i), d a_f / d c = c_prev σ'(a_f), d a_o / d h = tanh(c) σ'(a_o)
                np.subtract(1, gate, out=slope)
                slope *= gate
            np.multiply(slope, factor, out=local[:, :, k])  # (computed contiguous, then written once: faster)
        dc_dh = tanh_cs * tanh_cs  # c also reaches the loss through h: d c / d h = o (1 - tanh²(c))
        np.subtract(1, dc_dh, out=dc_dh)
        dc_dh *= o
        W_hh_T = self.params["W_hh"].T
        da = np.empty((T, B, 4, H), self.dtype)  # gradients of the pre-activations of every step
        dh, dc = d_state  # our own arrays (RecurrentLayer.backward made them): updated in place
        through_h = np.empty((B, H), self.dtype)
        for t in reversed(range(T)):
            dh += d_out[t]
            dc += np.multiply(dh, dc_dh[t], out=through_h)
            np.multiply(dc[:, None], local[t, :, :3], out=da[t, :, :3])
            np.multiply(dh, local[t, :, 3], out=da[t, :, 3])
            dc *= f[t]  # (B, H) flows to step t-1 ...
            np.matmul(da[t].reshape(B, 4 * H), W_hh_T, out=dh)  # ... and so does dh
        da = da.reshape(T * B, 4 * H)
        self.grads["W_hh"] = hs[:-1].reshape(T * B, H).T @ da
        return self._input_backward(x, da), (dh, dc)
