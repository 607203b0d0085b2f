"""Exercises of notebooks 03-05: the vanilla RNN forward, backward through time, gradient clipping."""
import numpy as np

from ..optim import clip_by_global_norm, clip_by_value, global_norm
from ..rnn import RNN, rnn_step_backward, rnn_step_forward

from .compare import as_outputs, Case, Mistake, check_function, only
from .registry import register


def _name(student, default):
    return getattr(student, "__name__", default)


def _rnn_params(rng, D, H, scale=0.5):
    return {"W_xh": scale * rng.standard_normal((D, H)), "W_hh": scale * rng.standard_normal((H, H)),
            "b_h": scale * rng.standard_normal(H)}


def _tanh_h(x, h_prev, p):
    """One tanh step: x (B, D), h_prev (B, H) -> h (B, H)."""
    return np.tanh(x @ p["W_xh"] + h_prev @ p["W_hh"] + p["b_h"])


def _from_da(da, x, h_prev, p):
    """(dx (B, D), dh_prev (B, H), dparams) of one step, from the gradient da (B, H) of its pre-activation."""
    return da @ p["W_xh"].T, da @ p["W_hh"].T, {"W_xh": x.T @ da, "W_hh": h_prev.T @ da, "b_h": da.sum(axis=0)}



# ---------------------------------------------------------------- vanilla RNN: step and sequence

def _rnn_step_reference(x, h_prev, params):
    return rnn_step_forward(x, h_prev, params)[0]


RNN_STEP_MISTAKES = (
    Mistake("W_hh is used transposed (h_prev @ W_hh.T)",
            lambda x, h, p: np.tanh(x @ p["W_xh"] + h @ p["W_hh"].T + p["b_h"])),
    Mistake("the bias b_h is left out", lambda x, h, p: np.tanh(x @ p["W_xh"] + h @ p["W_hh"])),
    Mistake("np.tanh is left out", lambda x, h, p: x @ p["W_xh"] + h @ p["W_hh"] + p["b_h"]),
    Mistake("W_h stacks W_hh above W_xh while the row is [x, h_prev]: the blocks must be in the same order",
            lambda x, h, p: np.tanh(np.concatenate([x, h], axis=1) @ np.concatenate([p["W_hh"], p["W_xh"]])
                                    + p["b_h"])),
    Mistake("the step uses the sigmoid instead of tanh",
            lambda x, h, p: 1 / (1 + np.exp(-(x @ p["W_xh"] + h @ p["W_hh"] + p["b_h"])))),
)


def check_rnn_step(student_fn):
    """Self-check for student_fn(x (B, D), h_prev (B, H), params) -> h (B, H).

    h = tanh(x W_xh + h_prev W_hh + b_h), params W_xh (D, H), W_hh (H, H), b_h (H,).
    """
    rng = np.random.default_rng(30)
    B, D, H = 4, 3, 5
    p = _rnn_params(rng, D, H)
    x, h = rng.standard_normal((B, D)), 0.8 * rng.standard_normal((B, H))
    cases = [Case("only W_xh is non-zero: h = tanh(x W_xh)", (x, h, only(p, {"W_xh"}))),
             Case("only W_hh is non-zero: h = tanh(h_prev W_hh)", (x, h, only(p, {"W_hh"}))),
             Case("only b_h is non-zero: h = tanh(b_h) in every row", (x, h, only(p, {"b_h"}))),
             Case("a batch of 1", (x[:1], h[:1], p)),
             Case("all parameters at once", (x, h, p))]
    return check_function(student_fn, _rnn_step_reference, cases, _name(student_fn, "rnn_step"),
                          arg_names=("x", "h_prev", "params"), mistakes=RNN_STEP_MISTAKES)


def rnn_layer(params):
    """A float64 RNN layer holding copies of `params` (W_xh (D, H), W_hh (H, H), b_h (H,))."""
    layer = RNN(params["W_xh"].shape[0], params["W_hh"].shape[0])
    layer.params = {key: np.array(value, dtype=np.float64) for key, value in params.items()}
    return layer


def _rnn_forward_reference(x, h0, params):
    return rnn_layer(params).forward(x, h0)[0]


def check_rnn_forward(student_fn):
    """Self-check for student_fn(x (B, T, D), h0 (B, H), params) -> every hidden state (B, T, H)."""
    rng = np.random.default_rng(31)
    B, T, D, H = 3, 4, 2, 5
    p = _rnn_params(rng, D, H)
    x, h0 = rng.standard_normal((B, T, D)), 0.8 * rng.standard_normal((B, H))
    first_only = np.zeros_like(x)
    first_only[:, 0] = x[:, 0]
    cases = [Case("one step (T = 1): the same as one RNN step", (x[:, :1], h0, p)),
             Case("only W_xh is non-zero: each step sees its own input only", (x, h0, only(p, {"W_xh"}))),
             Case("only W_hh is non-zero and h0 is not zero: the state must be carried from step to step",
                  (np.zeros_like(x), h0, only(p, {"W_hh"}))),
             Case("x is zero except at the first step, h0 = 0: later states must still depend on it",
                  (first_only, np.zeros_like(h0), p)),
             Case("a batch of 1", (x[:1], h0[:1], p)),
             Case("all parameters at once", (x, h0, p))]
    return check_function(student_fn, _rnn_forward_reference, cases, _name(student_fn, "rnn_forward"),
                          arg_names=("x", "h0", "params"))


STEP_GRADIENTS = ("dW_xh", "dW_hh", "db_h", "dx", "dh_prev")


def _step_gradients(result):
    """(dx, dh_prev, dparams) -> {"dW_xh", "dW_hh", "db_h", "dx", "dh_prev"}; dparams keys with or without d."""
    out = as_outputs(result, ("dx", "dh_prev", "dparams"))
    dparams = out.pop("dparams")
    if not isinstance(dparams, dict):
        raise TypeError(f"dparams: expected a dict with keys 'W_xh', 'W_hh', 'b_h', got a {type(dparams).__name__}")
    for key in ("W_xh", "W_hh", "b_h"):
        if key not in dparams and "d" + key not in dparams:
            raise TypeError(f"dparams: expected a dict with keys 'W_xh', 'W_hh', 'b_h', got keys {sorted(dparams)}")
        out["d" + key] = dparams[key] if key in dparams else dparams["d" + key]
    return {key: out[key] for key in STEP_GRADIENTS}


def _rnn_step_backward_reference(dh, x, h_prev, params):
    _, cache = rnn_step_forward(x, h_prev, params)
    return rnn_step_backward(dh, cache)


def _tanh_da(dh, x, h_prev, p):
    """The gradient of one tanh step's pre-activation, dh * (1 - h**2): (B, H)."""
    return dh * (1 - _tanh_h(x, h_prev, p) ** 2)


def _untransposed_dh_prev(dh, x, h_prev, p):
    dx, _, dparams = _from_da(_tanh_da(dh, x, h_prev, p), x, h_prev, p)
    return dx, _tanh_da(dh, x, h_prev, p) @ p["W_hh"], dparams


def _batch_mean_db(dh, x, h_prev, p):
    dx, dh_prev, dparams = _from_da(_tanh_da(dh, x, h_prev, p), x, h_prev, p)
    return dx, dh_prev, {**dparams, "b_h": _tanh_da(dh, x, h_prev, p).mean(axis=0)}


def _swapped_dx_dh_prev(dh, x, h_prev, p):
    dx, dh_prev, dparams = _from_da(_tanh_da(dh, x, h_prev, p), x, h_prev, p)
    return dh_prev, dx, dparams


STEP_BACKWARD_MISTAKES = (
    Mistake("the tanh slope is left out (da = dh instead of dh * (1 - h**2))",
            lambda dh, x, h_prev, p: _from_da(dh, x, h_prev, p)),
    Mistake("the slope is taken at h_prev instead of at the new h",
            lambda dh, x, h_prev, p: _from_da(dh * (1 - h_prev ** 2), x, h_prev, p)),
    Mistake("the slope applies tanh twice: h is already tanh(a), so tanh' = 1 - h**2, not 1 - tanh(h)**2",
            lambda dh, x, h_prev, p: _from_da(dh * (1 - np.tanh(_tanh_h(x, h_prev, p)) ** 2), x, h_prev, p)),
    Mistake("dh_prev multiplies by W_hh instead of its transpose W_hh.T", _untransposed_dh_prev),
    Mistake("db_h is the mean over the batch instead of the sum", _batch_mean_db),
    Mistake("dx and dh_prev are returned in swapped order: (dx, dh_prev, dparams) is expected", _swapped_dx_dh_prev),
)


def check_rnn_step_backward(student_fn):
    """Self-check for student_fn(dh (B, H), x (B, D), h_prev (B, H), params) -> (dx, dh_prev, dparams).

    dparams: {"W_xh" (D, H), "W_hh" (H, H), "b_h" (H,)} (keys "dW_xh", ... are accepted too).
    A mismatch is reported by the gradient's name: dW_xh, dW_hh, db_h, dx or dh_prev.
    """
    rng = np.random.default_rng(32)
    B, D, H = 4, 3, 5
    p = _rnn_params(rng, D, H)
    x, h, dh = rng.standard_normal((B, D)), 0.8 * rng.standard_normal((B, H)), rng.standard_normal((B, H))
    zero = only(p, set())
    cases = [Case("all parameters zero, so h = 0 and tanh'(0) = 1: the plain products", (dh, x, h, zero)),
             Case("only W_xh is non-zero: dx = da W_xh^T, dW_xh = x^T da, with da = dh ⊙ (1 - h²)",
                  (dh, x, h, only(p, {"W_xh"}))),
             Case("only W_hh is non-zero: dh_prev = da W_hh^T, dW_hh = h_prev^T da",
                  (dh, x, h, only(p, {"W_hh"}))),
             Case("only b_h is non-zero: db_h sums da over the batch", (dh, x, h, only(p, {"b_h"}))),
             Case("a batch of 1", (dh[:1], x[:1], h[:1], p)),
             Case("all parameters at once", (dh, x, h, p))]
    return check_function(student_fn, _rnn_step_backward_reference, cases, _name(student_fn, "rnn_step_backward"),
                          arg_names=("dh", "x", "h_prev", "params"), outputs=_step_gradients,
                          mistakes=STEP_BACKWARD_MISTAKES)


SEQUENCE_GRADIENTS = ("dW_xh", "dW_hh", "db_h", "dx", "dh0")


def _sequence_gradients(result):
    """(dx, dh0, dparams) -> {"dW_xh", "dW_hh", "db_h", "dx", "dh0"}; dparams keys with or without d."""
    named = _step_gradients(result)
    named["dh0"] = named.pop("dh_prev")
    return {key: named[key] for key in SEQUENCE_GRADIENTS}


def _rnn_backward_reference(d_hs, x, h0, params):
    layer = rnn_layer(params)
    layer.forward(x, h0)
    dx, dh0 = layer.backward(d_hs)
    return dx, dh0, dict(layer.grads)


def _tanh_bptt(d_hs, x, h0, p, accumulate=True, carry=True, slope_first=False, state_lag=1, order=reversed):
    """BPTT of a tanh RNN -> (dx (B, T, D), dh0 (B, H), grads); each argument changed gives a common mistake:
    accumulate=False keeps one step's shares, carry=False drops the gradient from later steps,
    slope_first adds that gradient after the tanh slope, state_lag=0 uses h<t> in dW_hh (off by one
    in time), order=iter walks forward in time."""
    states = [h0]                                                       # states[t] is h<t>, states[0] = h0
    for t in range(x.shape[1]):
        states.append(_tanh_h(x[:, t], states[-1], p))
    grads = {name: np.zeros_like(value) for name, value in p.items()}
    dx, dh_next = np.zeros_like(x), np.zeros_like(h0)
    for t in order(range(x.shape[1])):
        slope = 1 - states[t + 1] ** 2
        g = d_hs[:, t] * slope + dh_next if slope_first else (d_hs[:, t] + carry * dh_next) * slope
        share = {"W_xh": x[:, t].T @ g, "W_hh": states[t + 1 - state_lag].T @ g, "b_h": g.sum(axis=0)}
        grads = {name: grads[name] + share[name] for name in grads} if accumulate else share
        dx[:, t], dh_next = g @ p["W_xh"].T, g @ p["W_hh"].T
    return dx, dh_next, grads


BPTT_MISTAKES = (
    Mistake("each step's shares replace the totals (=) instead of being added to them (+=)",
            lambda *args: _tanh_bptt(*args, accumulate=False)),
    Mistake("the gradient coming back from step t+1 is not added: each step sees only d_hs[:, t]",
            lambda *args: _tanh_bptt(*args, carry=False)),
    Mistake("the gradient from step t+1 is added after the tanh slope instead of before it",
            lambda *args: _tanh_bptt(*args, slope_first=True)),
    Mistake("dW_hh multiplies by h<t> instead of h<t-1> (off by one in time)",
            lambda *args: _tanh_bptt(*args, state_lag=0)),
    Mistake("the backward loop runs forward in time: use reversed(range(T))",
            lambda *args: _tanh_bptt(*args, order=iter)),
)


def check_rnn_backward(student_fn):
    """Self-check for backpropagation through time of a tanh RNN:
    student_fn(d_hs (B, T, H), x (B, T, D), h0 (B, H), params) -> (dx (B, T, D), dh0 (B, H), dparams).

    d_hs is the loss gradient with respect to every hidden state; dparams as in
    check_rnn_step_backward. A mismatch is named: dW_xh, dW_hh, db_h, dx or dh0.
    """
    rng = np.random.default_rng(38)
    B, T, D, H = 3, 4, 2, 5
    p = _rnn_params(rng, D, H)
    x, h0, d_hs = rng.standard_normal((B, T, D)), 0.8 * rng.standard_normal((B, H)), rng.standard_normal((B, T, H))
    last_only = np.zeros_like(d_hs)
    last_only[:, -1] = d_hs[:, -1]
    cases = [Case("one step (T = 1): the same as one step's backward", (d_hs[:, :1], x[:, :1], h0, p)),
             Case("W_hh = 0, so no gradient flows between steps: the weight gradients are the SUM of "
                  "every step's contribution", (d_hs, x, h0, only(p, {"W_xh", "b_h"}))),
             Case("gradient only at the last step: it must flow back through W_hh to every earlier step "
                  "and to h0", (last_only, x, h0, p)),
             Case("a batch of 1", (d_hs[:1], x[:1], h0[:1], p)),
             Case("all parameters at once", (d_hs, x, h0, p))]
    return check_function(student_fn, _rnn_backward_reference, cases, _name(student_fn, "rnn_backward"),
                          arg_names=("d_hs", "x", "h0", "params"), outputs=_sequence_gradients,
                          mistakes=BPTT_MISTAKES)



def _norm(grads):
    """The global norm of a dict of arrays: the length of all their entries as one vector."""
    return float(np.sqrt(sum(np.sum(g ** 2) for g in grads.values())))


CLIP_MISTAKES = (
    Mistake("each array is scaled by its own norm instead of the one global norm of all arrays",
            lambda grads, m: ({k: g * min(1.0, m / np.linalg.norm(g)) for k, g in grads.items()}, _norm(grads))),
    Mistake("the arrays are scaled by max_norm / norm even when norm is already below max_norm",
            lambda grads, m: ({k: g * m / _norm(grads) for k, g in grads.items()}, _norm(grads))),
    Mistake("the norm returned is measured after clipping: return the norm before clipping",
            lambda grads, m: (clip_by_global_norm(grads, m)[0], _norm(clip_by_global_norm(grads, m)[0]))),
    Mistake("the scale is inverted: norm / max_norm instead of max_norm / norm",
            lambda grads, m: ({k: g * max(1.0, _norm(grads) / m) for k, g in grads.items()}, _norm(grads))),
)


def check_clip_by_global_norm(student_fn):
    """Self-check for student_fn(grads dict, max_norm) -> (clipped grads dict, norm before clipping).

    All arrays are scaled by the same factor max_norm / norm when norm > max_norm, where norm is
    sqrt(sum of every squared entry of every array); the input arrays must not change.
    """
    rng = np.random.default_rng(36)
    grads = {"W_xh": rng.standard_normal((3, 4)), "W_hh": rng.standard_normal((4, 4)), "b_h": rng.standard_normal(4)}
    lopsided = {"W": 10 * rng.standard_normal((4, 4)), "b": 0.1 * rng.standard_normal(4)}
    cases = [Case("the norm is below max_norm: nothing changes", (grads, 100.0)),
             Case("a single array whose norm is above max_norm: it is scaled by max_norm / norm",
                  ({"W": grads["W_hh"]}, 0.5)),
             Case("three arrays, global norm above max_norm: the norm is over ALL arrays together, and every "
                  "array is scaled by the same factor max_norm / norm", (grads, 1.0)),
             Case("one large and one small array", (lopsided, 5.0))]
    return check_function(student_fn, clip_by_global_norm, cases, _name(student_fn, "clip_by_global_norm"),
                          arg_names=("grads", "max_norm"), outputs=("grads", "norm"), mistakes=CLIP_MISTAKES)



register("rnn_step", "def rnn_step(x, h_prev, params) -> h (B, H)",
         "two matrix products, x @ W_xh and h_prev @ W_hh, plus the bias b_h, then np.tanh.",
         _rnn_step_reference, check_rnn_step)
register("rnn_step_one_product", "def rnn_step_one_product(x, h_prev, params) -> h (B, H)",
         "np.concatenate the weights along axis 0 and the inputs along axis 1, in the same order (x first).",
         _rnn_step_reference, check_rnn_step)
register("rnn_forward", "def rnn_forward(x, h0, params) -> hidden states (B, T, H)",
         "loop over t in range(T); each step reads x[:, t] and the state of the step before; np.stack the states "
         "on axis 1.", _rnn_forward_reference, check_rnn_forward)
register("rnn_step_backward_from_inputs", "def rnn_step_backward_from_inputs(dh, x, h_prev, params) -> (dx, dh_prev, dparams)",
         "recompute h, then da = dh * (1 - h**2); every other gradient is a product of da with an input or a "
         "transposed weight, and db_h sums da over the batch.",
         _rnn_step_backward_reference, check_rnn_step_backward)
register("clip_by_global_norm", "def clip_by_global_norm(grads, max_norm) -> (clipped grads, norm)",
         "the norm is the square root of the sum of squares over ALL arrays together; scale every array by "
         "max_norm / norm only when norm > max_norm, into new arrays.", clip_by_global_norm, check_clip_by_global_norm)


# ---------------------------------------------------------------- notebook 04: backward through time

def _relu_step_backward_reference(dh, x, h_prev, params):
    _, cache = rnn_step_forward(x, h_prev, params, nonlinearity="relu")
    return rnn_step_backward(dh, cache)


def _relu_h(x, h_prev, p):
    return np.maximum(x @ p["W_xh"] + h_prev @ p["W_hh"] + p["b_h"], 0)


RELU_MISTAKES = (
    Mistake("the slope is 1 everywhere (h >= 0 holds for the units that are off, too: use h > 0)",
            lambda dh, x, h_prev, p: _from_da(dh, x, h_prev, p)),
    Mistake("the tanh slope 1 - h**2 is used: relu's slope is 1 where h > 0 and 0 elsewhere",
            lambda dh, x, h_prev, p: _from_da(dh * (1 - _relu_h(x, h_prev, p) ** 2), x, h_prev, p)),
    Mistake("the slope is taken at h_prev instead of at the new h",
            lambda dh, x, h_prev, p: _from_da(dh * (h_prev > 0), x, h_prev, p)),
    Mistake("the slope is read from the sign of dh instead of from h",
            lambda dh, x, h_prev, p: _from_da(dh * (dh > 0), x, h_prev, p)),
)


def check_relu_step_backward(student_fn):
    """Self-check for student_fn(dh (B, H), x (B, D), h_prev (B, H), params) -> (dx, dh_prev, dparams)
    of a relu step h = max(x W_xh + h_prev W_hh + b_h, 0); dparams as in check_rnn_step_backward."""
    rng = np.random.default_rng(40)
    B, D, H = 4, 3, 5
    p = _rnn_params(rng, D, H, scale=0.7)
    p["b_h"] = np.array([0.8, -0.6, 0.3, -0.9, 0.5])  # mixed signs: some units on, some off
    x, h, dh = rng.standard_normal((B, D)), rng.standard_normal((B, H)), rng.standard_normal((B, H))
    cases = [Case("only b_h is non-zero, with mixed signs: the units with b_h < 0 are off and pass no gradient",
                  (dh, x, h, only(p, {"b_h"}))),
             Case("only W_xh is non-zero: dx = δ W_xh^T, dW_xh = x^T δ, with δ = dh where h > 0, else 0",
                  (dh, x, h, only(p, {"W_xh"}))),
             Case("only W_hh is non-zero: dh_prev = δ W_hh^T, dW_hh = h_prev^T δ", (dh, x, h, only(p, {"W_hh"}))),
             Case("all parameters at once", (dh, x, h, p))]
    return check_function(student_fn, _relu_step_backward_reference, cases, _name(student_fn, "relu_step_backward"),
                          arg_names=("dh", "x", "h_prev", "params"), outputs=_step_gradients, mistakes=RELU_MISTAKES)


def _chunked_gradients(d_hs, x, h0, params, k, restart=None, add=True, short_last=True):
    """The weight gradients {W_xh, W_hh, b_h} of truncated BPTT with chunks of k steps. The keywords give
    common mistakes: restart (an array) starts every chunk from it, add=False keeps the last chunk only,
    short_last=False leaves out a last chunk shorter than k."""
    total = {name: np.zeros_like(value) for name, value in params.items()}
    state, T = h0, x.shape[1]
    for start in range(0, T if short_last else T - T % k, k):
        chunk = slice(start, start + k)
        grads = _rnn_backward_reference(d_hs[:, chunk], x[:, chunk], state, params)[2]  # its dh0 is dropped
        total = {name: (total[name] if add else 0) + grads[name] for name in total}
        state = _rnn_forward_reference(x[:, chunk], state, params)[:, -1] if restart is None else restart
    return total


def _truncated_backward_reference(d_hs, x, h0, params, k):
    return _chunked_gradients(d_hs, x, h0, params, k)


TRUNCATION_MISTAKES = (
    Mistake("the gradient crosses the chunk boundaries: that is full BPTT, not truncated",
            lambda d_hs, x, h0, p, k: _rnn_backward_reference(d_hs, x, h0, p)[2]),
    Mistake("every chunk starts from h0 instead of the previous chunk's final state",
            lambda d_hs, x, h0, p, k: _chunked_gradients(d_hs, x, h0, p, k, restart=h0)),
    Mistake("every chunk after the first starts from zeros instead of the previous chunk's final state",
            lambda d_hs, x, h0, p, k: _chunked_gradients(d_hs, x, h0, p, k, restart=np.zeros_like(h0))),
    Mistake("each chunk's gradients replace the totals instead of being added to them",
            lambda d_hs, x, h0, p, k: _chunked_gradients(d_hs, x, h0, p, k, add=False)),
    Mistake("the last chunk, shorter than k, is left out",
            lambda d_hs, x, h0, p, k: _chunked_gradients(d_hs, x, h0, p, k, short_last=False)),
)


def check_truncated_backward(student_fn):
    """Self-check for student_fn(d_hs (B, T, H), x (B, T, D), h0 (B, H), params, k) -> grads
    {"W_xh" (D, H), "W_hh" (H, H), "b_h" (H,)}: truncated BPTT over chunks of k steps, weights fixed."""
    rng = np.random.default_rng(41)
    B, T, D, H = 2, 6, 2, 3
    p = _rnn_params(rng, D, H, scale=0.7)
    x, h0, d_hs = rng.standard_normal((B, T, D)), rng.standard_normal((B, H)), rng.standard_normal((B, T, H))
    last_only = np.zeros_like(d_hs)
    last_only[:, -1] = d_hs[:, -1]
    cases = [Case("k = 6 = T: one chunk, the same as full BPTT", (d_hs, x, h0, p, 6)),
             Case("k = 10 > T: still one chunk", (d_hs, x, h0, p, 10)),
             Case("W_hh = 0 and k = 2, so no gradient could cross a boundary anyway: the three chunks' gradients "
                  "are added, and dW_hh = h_prev^T δ needs each chunk to start from the previous chunk's final "
                  "VALUE", (d_hs, x, h0, only(p, {"W_xh", "b_h"}), 2)),
             Case("k = 1: every step alone, no gradient passes from one step to the one before",
                  (d_hs, x, h0, p, 1)),
             Case("k = 2, gradient at the last step only: only the last chunk (steps 5-6) contributes",
                  (last_only, x, h0, p, 2)),
             Case("k = 4 on T = 6: the last chunk is shorter (2 steps)", (d_hs, x, h0, p, 4)),
             Case("k = 3: two chunks, all parameters at once", (d_hs, x, h0, p, 3))]
    return check_function(student_fn, _truncated_backward_reference, cases, _name(student_fn, "truncated_backward"),
                          arg_names=("d_hs", "x", "h0", "params", "k"), mistakes=TRUNCATION_MISTAKES)


# ---------------------------------------------------------------- notebook 05: the global norm and clipping

GLOBAL_NORM_MISTAKES = (
    Mistake("the norms of the arrays are added: add their squares, then take one square root",
            lambda grads: float(sum(np.linalg.norm(g) for g in grads.values()))),
    Mistake("the square root is left out", lambda grads: float(sum(np.sum(g ** 2) for g in grads.values()))),
    Mistake("a matrix's norm is taken as np.linalg.norm(g, 2), its largest singular value: every entry counts",
            lambda grads: float(np.sqrt(sum(np.linalg.norm(g, 2) ** 2 for g in grads.values())))),
    Mistake("the entries are added without squaring them first",
            lambda grads: float(np.sqrt(sum(np.sum(g) for g in grads.values())))),
)


def check_global_norm(student_fn):
    """Self-check for student_fn(grads: dict of arrays of any shapes) -> float,
    sqrt of the sum of every squared entry of every array."""
    rng = np.random.default_rng(5)
    cases = [Case("one vector (3, 4): length 5", ({"g": np.array([3.0, 4.0])},)),
             Case("a matrix: every entry counts, not just a row or the largest singular value",
                  ({"W": np.array([[3.0, 0.0], [0.0, 4.0]])},)),
             Case("several arrays: squares summed over ALL arrays before the square root",
                  ({"W_xh": rng.standard_normal((3, 4)), "W_hh": rng.standard_normal((4, 4)),
                    "b_h": rng.standard_normal(4)},)),
             Case("negative entries: squared, so the sign does not matter", ({"b": np.array([-2.0, -1.0, 2.0])},))]
    return check_function(student_fn, global_norm, cases, _name(student_fn, "global_norm"), arg_names=("grads",),
                          mistakes=GLOBAL_NORM_MISTAKES)


CLIP_BY_VALUE_MISTAKES = (
    Mistake("only the upper side is clipped (np.minimum): entries below -limit must be raised to -limit",
            lambda grads, limit: {k: np.minimum(g, limit) for k, g in grads.items()}),
    Mistake("the entries are clipped to [0, limit]: the lower end is -limit",
            lambda grads, limit: {k: np.clip(g, 0, limit) for k, g in grads.items()}),
    Mistake("the limit is the fixed number 1 instead of the argument limit",
            lambda grads, limit: {k: np.clip(g, -1, 1) for k, g in grads.items()}),
    Mistake("the gradient is clipped by its global norm: by value clips each entry on its own",
            lambda grads, limit: clip_by_global_norm(grads, limit)[0]),
)


def check_clip_by_value(student_fn):
    """Self-check for student_fn(grads: dict of arrays, limit > 0) -> a new dict, every entry clipped to
    [-limit, limit]; the input arrays must not change."""
    cases = [Case("every entry inside the limits: nothing changes", ({"g": np.array([0.5, -0.2])}, 1.0)),
             Case("entries above +limit AND below -limit: both sides are clipped",
                  ({"g": np.array([4.0, -3.0, 0.5])}, 1.0)),
             Case("several arrays of different shapes: every array is clipped",
                  ({"W": np.array([[2.0, -0.1], [-5.0, 0.3]]), "b": np.array([0.9, 1.5])}, 1.0)),
             Case("a limit other than 1 (is 1 hard-coded?)", ({"g": np.array([4.0, 1.0])}, 0.5)),
             Case("all entries equally large: value clipping keeps the direction here",
                  ({"g": np.array([3.0, -3.0, 3.0])}, 2.0))]
    return check_function(student_fn, clip_by_value, cases, _name(student_fn, "clip_by_value"),
                          arg_names=("grads", "limit"), mistakes=CLIP_BY_VALUE_MISTAKES)


register("relu_step_backward", "def relu_step_backward(dh, x, h_prev, params) -> (dx, dh_prev, dparams)",
         "only the slope differs from the tanh step: where is relu flat, and where does it rise with slope 1? "
         "Read that from the step's output h, as 1 - h**2 does for tanh.",
         _relu_step_backward_reference, check_relu_step_backward)
register("rnn_backward", "def rnn_backward(d_hs, x, h0, params) -> (dx (B, T, D), dh0 (B, H), grads)",
         "run the forward pass and keep every state; then walk t from T-1 down to 0, add the gradient coming "
         "back from step t+1 to d_hs[:, t] before the tanh slope, and ADD each step's shares to the totals.",
         _rnn_backward_reference, check_rnn_backward)
register("truncated_backward", "def truncated_backward(d_hs, x, h0, params, k) -> grads {W_xh, W_hh, b_h}",
         "loop over the chunk starts range(0, T, k); each chunk is a short sequence of its own, so your "
         "rnn_backward handles it: keep its grads and drop its dh0. The next chunk starts from this chunk's "
         "last state, so run the chunk forward to get it.", _truncated_backward_reference, check_truncated_backward)
register("global_norm", "def global_norm(grads) -> float",
         "square every entry of every array, add all those squares into one number, and take a single square "
         "root at the end.", global_norm, check_global_norm)
register("clip_by_value", "def clip_by_value(grads, limit) -> a new dict of arrays",
         "np.clip clips one array between two bounds; build the new dict with a comprehension over grads.items().",
         clip_by_value, check_clip_by_value)
