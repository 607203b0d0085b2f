"""The vanilla (Elman) RNN, plus what every recurrent layer of the course shares.

One step, with row vectors (batch-first, like PyTorch):

    h<t> = f(x<t> W_xh + h<t-1> W_hh + b_h),   f = tanh or relu

`rnn_step_forward` / `rnn_step_backward` do one step plainly; `RNN` runs a whole sequence.
`RecurrentLayer` (sizes, dtype, checks, zero state) and `sigmoid` are also used by GRU and LSTM.
"""
import numbers

import numpy as np

from .init import as_rng, pytorch_default
from .layers import sum_rows_by_id
from .validation import (as_float_array, check_finite, check_gradient, check_ids, check_nonempty,
                         check_sequence_input, check_shape, require_forward)


def sigmoid(a, out=None):
    """σ(a) = 1 / (1 + exp(-a)). For very negative a, exp(-a) overflows to inf and σ is exactly 0.

    out: optional float array to write into, without temporaries (it may be `a` itself).
    """
    with np.errstate(over="ignore"):
        if out is None:
            return 1.0 / (1.0 + np.exp(-a))
        np.negative(a, out=out)
        np.exp(out, out=out)
        out += 1
        return np.reciprocal(out, out=out)


def batch_first(steps):
    """A read-only (B, T, ...) view of a time-major (T, B, ...) buffer: a layer's hidden states and
    gates, which its backward pass reads, so editing them in place must not be possible."""
    view = steps.swapaxes(0, 1)
    view.flags.writeable = False
    return view


def relu(a, out=None):
    return np.maximum(a, 0, out=out)


# name -> (f, f' written in terms of the output h = f(a))
NONLINEARITIES = {
    "tanh": (np.tanh, lambda h: 1 - h * h),
    "relu": (relu, lambda h: h > 0),
}


def _nonlinearity(name):
    if name not in NONLINEARITIES:
        raise ValueError(f"nonlinearity: expected one of {sorted(NONLINEARITIES)}, got {name!r}")
    return NONLINEARITIES[name]


def check_step_inputs(x, h_prev, W_xh, W_hh):
    """Shapes of one step's inputs: x (B, D) and h_prev (B, H) must fit W_xh (D, ·) and W_hh (H, ·)."""
    check_shape(x, (None, W_xh.shape[0]), "x", ("batch", "features"))
    check_shape(h_prev, (np.shape(x)[0], W_hh.shape[0]), "h_prev", ("batch", "hidden"))


# ----------------------------------------------------------------------------- one step

def rnn_step_forward(x, h_prev, params, nonlinearity="tanh"):
    """One RNN step.

    x: (B, D); h_prev: (B, H); params: W_xh (D, H), W_hh (H, H), b_h (H,).
    Returns h (B, H) and the cache for rnn_step_backward.
    """
    f, _ = _nonlinearity(nonlinearity)
    W_xh, W_hh, b_h = params["W_xh"], params["W_hh"], params["b_h"]
    check_step_inputs(x, h_prev, W_xh, W_hh)
    h = f(x @ W_xh + h_prev @ W_hh + b_h)  # (B, H)
    return h, (x, h_prev, h, W_xh, W_hh, nonlinearity)


def rnn_step_backward(dh, cache):
    """Gradients of one RNN step.

    dh: (B, H), the loss gradient with respect to this step's h.
    Returns dx (B, D), dh_prev (B, H) and dparams {W_xh (D, H), W_hh (H, H), b_h (H,)}.
    """
    x, h_prev, h, W_xh, W_hh, nonlinearity = cache
    _, f_prime = _nonlinearity(nonlinearity)
    check_gradient(dh, h.shape, "dh")
    da = dh * f_prime(h)  # gradient of the pre-activation a = x W_xh + h_prev W_hh + b_h
    dparams = {"W_xh": x.T @ da, "W_hh": h_prev.T @ da, "b_h": da.sum(axis=0)}
    return da @ W_xh.T, da @ W_hh.T, dparams


# ----------------------------------------------------------------------------- shared layer parts

class RecurrentLayer:
    """Sizes, dtype, parameter set-up and input checks shared by RNN, GRU and LSTM.

    A subclass passes its parameter shapes to __init__ and writes `_forward(x, state0)` and
    `_backward(d_outputs, d_state)`; forward/backward here check and cast the arguments
    first, so the subclasses hold only the maths. The subclasses work time-major: x (T, B, D)
    and d_outputs (T, B, H) arrive so, and dx (T, B, D) goes back so, which keeps each step's
    rows together in memory.
    """

    def __init__(self, input_size, hidden_size, param_shapes, rng=0, dtype=np.float64):
        for name, size in (("input_size", input_size), ("hidden_size", hidden_size)):
            if not isinstance(size, numbers.Integral) or isinstance(size, bool) or size < 1:
                raise ValueError(f"{name}: expected a positive int, got {size!r}")
        if np.dtype(dtype) not in (np.float32, np.float64):
            raise TypeError(f"dtype: expected np.float32 or np.float64, got {dtype!r}")
        self.input_size, self.hidden_size, self.dtype = int(input_size), int(hidden_size), np.dtype(dtype)
        rng = as_rng(rng)
        self.params = {name: pytorch_default(shape, hidden_size, rng, self.dtype)
                       for name, shape in param_shapes.items()}
        self.grads = {name: np.zeros_like(value) for name, value in self.params.items()}
        self.hidden_states = None
        self._cache = None

    def zero_state(self, batch):
        """The all-zero initial state, (batch, H)."""
        return np.zeros((batch, self.hidden_size), self.dtype)

    def _check_state(self, state, batch, name):
        state = as_float_array(state, name)
        check_shape(state, (batch, self.hidden_size), name, ("batch", "hidden"))
        check_finite(state, name)
        return state.astype(self.dtype, copy=True)  # kept for backward: our own copy

    def forward(self, x, state0=None):
        """Run the layer over a batch of sequences.

        x: (B, T, D) floats, or (B, T) integer ids in [0, D) standing for one-hot rows: then
        x<t> W_xh is row x<t> of W_xh, looked up instead of multiplied (the same numbers, faster).
        state0: initial state (zeros when None).
        Returns outputs (B, T, H) (a copy of `hidden_states`) and the final state.
        The layer keeps its own copies of x and the states for backward, so the caller may change
        what it passed or received without changing the gradients.
        """
        if np.ndim(x) == 2 and np.asarray(x).dtype.kind in "iu":
            x = check_ids(x, self.input_size, "x")
            check_nonempty(x.shape, "x")
            x_steps = np.array(x.T, dtype=np.intp, order="C")  # (T, B): our own copy
        else:
            x = check_sequence_input(x, self.input_size)
            x_steps = np.array(x.swapaxes(0, 1), dtype=self.dtype, order="C")  # (T, B, D): our own copy
        batch = x.shape[0]
        state0 = self.zero_state(batch) if state0 is None else self._check_state(state0, batch, "state0")
        outputs, final = self._forward(x_steps, state0)
        return outputs.copy(), final

    def backward(self, d_outputs, d_state=None):
        """Backpropagate through time; fills `grads` (overwrites).

        d_outputs: (B, T, H) gradient of the outputs (None: zeros);
        d_state: gradient of the final state (None: zeros).
        Returns dx (B, T, D) (None when x was ids: they have no gradient) and the gradient of the
        initial state.
        """
        require_forward(self._cache, type(self).__name__)
        shape = self.hidden_states.shape
        d_outputs = (np.zeros(shape, self.dtype) if d_outputs is None
                     else check_gradient(d_outputs, shape, "d_outputs").astype(self.dtype, copy=False))
        d_state = self.zero_state(shape[0]) if d_state is None else self._check_state(d_state, shape[0], "d_state")
        dx_steps, d_state0 = self._backward(d_outputs.swapaxes(0, 1), d_state)  # dx comes back time-major
        return (None if dx_steps is None else dx_steps.swapaxes(0, 1)), d_state0

    def _input_part(self, x):
        """x W_xh + b_h of every step at once, (T, B, G·H): x (T, B, D) floats, or (T, B) ids."""
        W_xh = self.params["W_xh"]
        a = W_xh[x] if x.ndim == 2 else (x.reshape(-1, x.shape[2]) @ W_xh).reshape(*x.shape[:2], -1)
        a += self.params["b_h"]
        return a

    def _input_backward(self, x, da):
        """Fills grads W_xh and b_h from da (T·B, G·H), the gradient of _input_part; returns dx
        (T, B, D), or None for ids. For ids, row v of W_xh's gradient sums da over the steps that read v."""
        self.grads["b_h"] = da.sum(axis=0)
        if x.ndim == 2:
            self.grads["W_xh"] = sum_rows_by_id(x.reshape(-1), da, self.input_size)
            return None
        self.grads["W_xh"] = x.reshape(-1, self.input_size).T @ da
        return (da @ self.params["W_xh"].T).reshape(x.shape)


# ----------------------------------------------------------------------------- the layer

class RNN(RecurrentLayer):
    """Vanilla RNN over a sequence: h<t> = f(x<t> W_xh + h<t-1> W_hh + b_h), as torch.nn.RNN.

    params: W_xh (D, H), W_hh (H, H), b_h (H,) (PyTorch's two biases summed into one).
    """

    def __init__(self, input_size, hidden_size, nonlinearity="tanh", rng=0, dtype=np.float64):
        _nonlinearity(nonlinearity)  # fail early on an unknown name
        self.nonlinearity = nonlinearity
        shapes = {"W_xh": (input_size, hidden_size), "W_hh": (hidden_size, hidden_size), "b_h": (hidden_size,)}
        super().__init__(input_size, hidden_size, shapes, rng, dtype)

    def _forward(self, x, h0):
        T, B, H = *x.shape[:2], self.hidden_size
        f, _ = NONLINEARITIES[self.nonlinearity]
        W_hh = self.params["W_hh"]
        a = self._input_part(x)  # (T, B, H): the input part of every step at once
        hs = np.empty((T + 1, B, H), self.dtype)  # hs[0] is the initial state
        hs[0] = h0
        for t in range(T):
            a[t] += hs[t] @ W_hh
            f(a[t], out=hs[t + 1])  # (B, H)
        self.hidden_states, self._cache = batch_first(hs[1:]), (x, hs)
        return self.hidden_states, hs[T].copy()  # a copy: the caller may change it

    def _backward(self, d_out, dh):
        x, hs = self._cache
        T, B, H = *x.shape[:2], self.hidden_size
        _, f_prime = NONLINEARITIES[self.nonlinearity]
        W_hh_T = self.params["W_hh"].T
        da = np.empty((T, B, H), self.dtype)  # gradients of the pre-activations a<t>
        for t in reversed(range(T)):
            np.add(d_out[t], dh, out=da[t])
            da[t] *= f_prime(hs[t + 1])  # f'(a<t>), from h<t> = f(a<t>)
            dh = da[t] @ W_hh_T  # (B, H) flows to step t-1
        da = da.reshape(T * B, H)
        self.grads["W_hh"] = hs[:-1].reshape(T * B, H).T @ da
        return self._input_backward(x, da), dh
