"""Exercises of notebooks 03-05: the vanilla RNN forward, backward through time, gradient clipping."""
import numpy as np

from ..optim import clip_by_global_norm
from ..rnn import RNN, rnn_step_backward, rnn_step_forward

from .compare import _as_outputs, Case, Mistake, check_function, only, returns_verdict  # noqa: F401
from .registry import exercise, register


def _name(student, default):
    return getattr(student, "__name__", default)


def _rnn_params(rng, D, H, scale=0.5):
    return {"W_xh": scale * rng.standard_normal((D, H)), "W_hh": scale * rng.standard_normal((H, H)),
            "b_h": scale * rng.standard_normal(H)}



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


def _rnn_forward_reference(x, h0, params):
    layer = RNN(params["W_xh"].shape[0], params["W_hh"].shape[0])
    layer.params = {key: np.array(value, dtype=np.float64) for key, value in params.items()}
    return layer.forward(x, h0)[0]


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
    out = _as_outputs(result, ("dx", "dh_prev", "dparams"))
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
                          arg_names=("dh", "x", "h_prev", "params"), outputs=_step_gradients)


SEQUENCE_GRADIENTS = ("dW_xh", "dW_hh", "db_h", "dx", "dh0")


def _sequence_gradients(result):
    """(dx, dh0, dparams) -> {"dW_xh", "dW_hh", "db_h", "dx", "dh0"}; dparams keys with or without d."""
    named = _step_gradients(result)
    named["dh0"] = named.pop("dh_prev")
    return {key: named[key] for key in SEQUENCE_GRADIENTS}


def _rnn_backward_reference(d_hs, x, h0, params):
    layer = RNN(params["W_xh"].shape[0], params["W_hh"].shape[0])
    layer.params = {key: np.array(value, dtype=np.float64) for key, value in params.items()}
    layer.forward(x, h0)
    dx, dh0 = layer.backward(d_hs)
    return dx, dh0, dict(layer.grads)


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
                          arg_names=("d_hs", "x", "h0", "params"), outputs=_sequence_gradients)



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
                          arg_names=("grads", "max_norm"), outputs=("grads", "norm"))



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
