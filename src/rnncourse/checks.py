"""Exercise self-checks: run a student's function and the reference on isolating cases and
explain the first difference precisely (which case, which output, which entry, expected vs got).

A check prints one verdict line and returns a Verdict (true when the function passed, shown as
nothing more in a notebook); it never raises on a wrong answer, so a notebook still runs top to
bottom while an exercise is unfinished.
"""
import copy
import functools
from dataclasses import dataclass, field

import numpy as np

from .gru import gru_step_forward
from .losses import softmax, softmax_cross_entropy
from .lstm import lstm_step_forward
from .optim import clip_by_global_norm
from .rnn import RNN, rnn_step_backward, rnn_step_forward
from .wrappers import Bidirectional


class Verdict:
    """The outcome of a self-check: `bool(verdict)` is whether the function passed. The check has
    already printed what it found, so in a notebook the verdict itself displays nothing."""

    def __init__(self, passed):
        self.passed = bool(passed)

    def __bool__(self):
        return self.passed

    def __repr__(self):
        return f"Verdict(passed={self.passed})"

    def _ipython_display_(self):
        pass


def _returns_verdict(check):
    """Decorator: the True/False a check returns becomes a Verdict."""
    @functools.wraps(check)
    def wrapped(*args, **kwargs):
        return Verdict(check(*args, **kwargs))
    return wrapped


@dataclass(frozen=True)
class Case:
    """One input to try: a description of what it isolates, and the arguments."""
    description: str
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)


def first_difference(got, expected, what="the result", rtol=1e-6, atol=1e-9):
    """A sentence describing the first way `got` differs from `expected`, or None if they agree.

    Handles numbers, arrays, strings, tuples (outputs by position), lists and dicts (by key).
    """
    if isinstance(expected, dict):
        if not isinstance(got, dict) or set(got) != set(expected):
            return f"{what}: expected a dict with keys {sorted(expected)}, got {_describe(got)}"
        for key in expected:
            found = first_difference(got[key], expected[key], f"{what}[{key!r}]", rtol, atol)
            if found:
                return found
        return None
    if isinstance(expected, tuple) or (isinstance(expected, list) and not _is_numeric(expected)):
        if not isinstance(got, (tuple, list)) or len(got) != len(expected):
            return f"{what}: expected {len(expected)} values, got {_describe(got)}"
        for i, (g, e) in enumerate(zip(got, expected)):
            found = first_difference(g, e, f"{what}, output {i}", rtol, atol)
            if found:
                return found
        return None
    if isinstance(expected, str) or expected is None:
        return None if got == expected else f"{what}: expected {expected!r}, got {got!r}"
    return _array_difference(got, np.asarray(expected), what, rtol, atol)


def _is_numeric(value):
    try:
        return np.asarray(value).dtype.kind in "biuf"
    except (ValueError, TypeError):
        return False


def _describe(value):
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    if isinstance(value, dict):
        return f"a dict with keys {sorted(value)}"
    return f"{type(value).__name__} {value!r}"[:120]


def _array_difference(got, expected, what, rtol, atol):
    if got is None or not _is_numeric(got):
        return f"{what}: expected {'a number' if expected.ndim == 0 else f'an array of shape {expected.shape}'}, got {_describe(got)}"
    got = np.asarray(got)
    if got.shape != expected.shape:
        return f"{what}: expected shape {expected.shape}, got {got.shape}"
    wrong = ~np.isclose(got, expected, rtol=rtol, atol=atol)
    if not wrong.any():
        return None
    if expected.ndim == 0:
        return f"{what}: expected {expected.item():.6g}, got {got.item():.6g}"
    index = tuple(int(i) for i in np.argwhere(wrong)[0])
    return (f"{what}: {int(wrong.sum())} of {wrong.size} entries differ; first at index {index}: "
            f"expected {expected[index]:.6g}, got {got[index]:.6g}")


class ChangedArgument(Exception):
    """The student's function modified one of its arguments in place."""


def _first_change(before, after, name):
    """The name of the first part of `after` that differs from `before`, or None."""
    if isinstance(before, dict):
        for key in before:
            found = _first_change(before[key], after.get(key) if isinstance(after, dict) else None,
                                  f"{name}[{key!r}]")
            if found:
                return found
        return None
    if isinstance(before, (tuple, list)):
        for i, (b, a) in enumerate(zip(before, after)):
            found = _first_change(b, a, f"{name}[{i}]")
            if found:
                return found
        return None
    if isinstance(before, np.ndarray):
        same = (isinstance(after, np.ndarray) and after.shape == before.shape
                and np.array_equal(after, before, equal_nan=True))
        return None if same else name
    return None


def _guarded(student, arg_names=None):
    """Call `student` on copies of the arguments; raise ChangedArgument if it changed one."""
    def call(*args, **kwargs):
        copies, kwarg_copies = copy.deepcopy(args), copy.deepcopy(kwargs)
        result = student(*copies, **kwarg_copies)
        names = arg_names or [f"number {i + 1}" for i in range(len(args))]
        pairs = [*zip(names, args, copies), *((k, kwargs[k], kwarg_copies[k]) for k in kwargs)]
        for name, original, used in pairs:
            changed = _first_change(original, used, name)
            if changed:
                raise ChangedArgument(f"your function changed its argument {changed} in place; "
                                      "work on new arrays (e.g. a = a * 2, not a *= 2)")
        return result
    return call


@_returns_verdict
def check_function(student, reference, cases, name=None, rtol=1e-6, atol=1e-9, arg_names=None):
    """Compare `student(*case.args)` with `reference(*case.args)` on each case; print the verdict.

    The student's function gets copies of the arguments: changing one in place is reported,
    naming it by `arg_names` (or by position).
    """
    name = name or getattr(student, "__name__", "your function")
    guarded = _guarded(student, arg_names)
    for case in cases:
        expected = reference(*copy.deepcopy(case.args), **copy.deepcopy(case.kwargs))
        try:
            got = guarded(*case.args, **case.kwargs)
        except NotImplementedError:
            print(f"✗ {name} is not written yet.")
            return False
        except Exception as error:  # a student's bug is reported, not raised
            print(f"✗ {name} raised {type(error).__name__}: {error}\n  on the case: {case.description}")
            return False
        found = first_difference(got, expected, "the result", rtol, atol)
        if found:
            print(f"✗ {name}: on the case '{case.description}',\n  {found}")
            return False
    print(f"✓ {name} agrees with the reference on all {len(cases)} cases.")
    return True


# ---------------------------------------------------------------- notebook 00: notation

def rnn_parameter_count(input_size, hidden_size, output_size):
    """Reference: W_xh (D,H) + W_hh (H,H) + b_h (H,) + W_hy (H,O) + b_y (O,)."""
    return input_size * hidden_size + hidden_size * hidden_size + hidden_size + hidden_size * output_size + output_size


def check_parameter_count(student):
    """Self-check for a function (input_size, hidden_size, output_size) -> number of parameters."""
    cases = [Case("no inputs and no outputs: only W_hh and b_h count", (0, 4, 0)),
             Case("one input, one hidden unit, no outputs", (1, 1, 0)),
             Case("no inputs: the output layer W_hy and b_y", (0, 2, 3)),
             Case("the worked example: 3 inputs, 7 hidden, 1 output", (3, 7, 1))]
    return check_function(student, rnn_parameter_count, cases, "count_parameters")


def torch_rnn_to_course(weight_ih, weight_hh, bias_ih, bias_hh):
    """Reference: PyTorch's (H,D)/(H,H) weights and two biases -> the course's W_xh, W_hh, b_h."""
    return {"W_xh": np.asarray(weight_ih).T, "W_hh": np.asarray(weight_hh).T,
            "b_h": np.asarray(bias_ih) + np.asarray(bias_hh)}


def check_torch_to_course(student):
    """Self-check for a function converting PyTorch's RNN parameters to the course's."""
    rng = np.random.default_rng(0)
    H, D = 3, 2
    w_ih, w_hh, b_ih, b_hh = (rng.standard_normal(s) for s in [(H, D), (H, H), (H,), (H,)])
    zero = np.zeros
    cases = [Case("only weight_ih is non-zero", (w_ih, zero((H, H)), zero(H), zero(H))),
             Case("only weight_hh is non-zero (is it transposed?)", (zero((H, D)), w_hh, zero(H), zero(H))),
             Case("only the two biases are non-zero", (zero((H, D)), zero((H, H)), b_ih, b_hh)),
             Case("everything at once", (w_ih, w_hh, b_ih, b_hh))]
    return check_function(student, torch_rnn_to_course, cases, "torch_to_course")


UVW_TO_COURSE = {"U": "W_xh", "W": "W_hh", "V": "W_hy"}


@_returns_verdict
def check_notation_map(mapping):
    """Self-check for a dict mapping the U/W/V names onto the course's names."""
    found = first_difference(mapping, UVW_TO_COURSE, "your mapping")
    print(f"✗ {found}" if found else "✓ U, W and V are mapped correctly.")
    return found is None


# ---------------------------------------------------------------- notebooks 03-10: recurrent layers
# Each check below runs the student's function and the package's own implementation on cases
# that switch every term off but one (zero weights, zero inputs), so a mismatch names the term.
# Arguments are copied before the student's function sees them; changing one in place is
# reported (upstream gradients modified in place are a classic silent bug).


def _named_outputs(result, names):
    """A tuple of outputs -> {name: output}, or a TypeError saying what was expected."""
    if not isinstance(result, (tuple, list)) or len(result) != len(names):
        got = (f"{len(result)} values" if isinstance(result, (tuple, list))
               else f"a {type(result).__name__}")
        raise TypeError(f"expected {len(names)} return values ({', '.join(names)}), got {got}")
    return dict(zip(names, result))


def _run_check(student, reference, cases, name, arg_names, outputs=None):
    """check_function, with tuple outputs compared by name when `outputs` names them."""
    if outputs is None:
        return check_function(student, reference, cases, name, arg_names=arg_names)
    named_student = lambda *args: outputs(student(*args))  # noqa: E731
    named_reference = lambda *args: outputs(reference(*args))  # noqa: E731
    return check_function(named_student, named_reference, cases, name, arg_names=arg_names)


def _name(student, default):
    return getattr(student, "__name__", default)


def _only(params, keep, blocks=None):
    """A copy of params with everything zero except the names in `keep`.

    blocks: optional (start, stop) column range; within the kept arrays, only those columns
    (last axis) stay non-zero, e.g. one gate of a GRU or LSTM.
    """
    out = {}
    for key, value in params.items():
        if key not in keep:
            out[key] = np.zeros_like(value)
        elif blocks is None:
            out[key] = value.copy()
        else:
            out[key] = np.zeros_like(value)
            out[key][..., blocks[0]:blocks[1]] = value[..., blocks[0]:blocks[1]]
    return out


def _rnn_params(rng, D, H, scale=0.5):
    return {"W_xh": scale * rng.standard_normal((D, H)), "W_hh": scale * rng.standard_normal((H, H)),
            "b_h": scale * rng.standard_normal(H)}


# ---------------------------------------------------------------- vanilla RNN: step and sequence

def _rnn_step_reference(x, h_prev, params):
    return rnn_step_forward(x, h_prev, params)[0]


def check_rnn_step(student_fn):
    """Self-check for student_fn(x (B, D), h_prev (B, H), params) -> h (B, H).

    h = tanh(x W_xh + h_prev W_hh + b_h), params W_xh (D, H), W_hh (H, H), b_h (H,).
    """
    rng = np.random.default_rng(30)
    B, D, H = 4, 3, 5
    p = _rnn_params(rng, D, H)
    x, h = rng.standard_normal((B, D)), 0.8 * rng.standard_normal((B, H))
    cases = [Case("only W_xh is non-zero: h = tanh(x W_xh)", (x, h, _only(p, {"W_xh"}))),
             Case("only W_hh is non-zero: h = tanh(h_prev W_hh)", (x, h, _only(p, {"W_hh"}))),
             Case("only b_h is non-zero: h = tanh(b_h) in every row", (x, h, _only(p, {"b_h"}))),
             Case("a batch of 1", (x[:1], h[:1], p)),
             Case("all parameters at once", (x, h, p))]
    return _run_check(student_fn, _rnn_step_reference, cases, _name(student_fn, "rnn_step"),
                      ("x", "h_prev", "params"))


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
             Case("only W_xh is non-zero: each step sees its own input only", (x, h0, _only(p, {"W_xh"}))),
             Case("only W_hh is non-zero and h0 is not zero: the state must be carried from step to step",
                  (np.zeros_like(x), h0, _only(p, {"W_hh"}))),
             Case("x is zero except at the first step, h0 = 0: later states must still depend on it",
                  (first_only, np.zeros_like(h0), p)),
             Case("a batch of 1", (x[:1], h0[:1], p)),
             Case("all parameters at once", (x, h0, p))]
    return _run_check(student_fn, _rnn_forward_reference, cases, _name(student_fn, "rnn_forward"),
                      ("x", "h0", "params"))


STEP_GRADIENTS = ("dW_xh", "dW_hh", "db_h", "dx", "dh_prev")


def _step_gradients(result):
    """(dx, dh_prev, dparams) -> {"dW_xh", "dW_hh", "db_h", "dx", "dh_prev"}; dparams keys with or without d."""
    out = _named_outputs(result, ("dx", "dh_prev", "dparams"))
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
    zero = _only(p, set())
    cases = [Case("all parameters zero, so h = 0 and tanh'(0) = 1: the plain products", (dh, x, h, zero)),
             Case("only W_xh is non-zero: dx = da W_xh^T, dW_xh = x^T da, with da = dh ⊙ (1 - h²)",
                  (dh, x, h, _only(p, {"W_xh"}))),
             Case("only W_hh is non-zero: dh_prev = da W_hh^T, dW_hh = h_prev^T da",
                  (dh, x, h, _only(p, {"W_hh"}))),
             Case("only b_h is non-zero: db_h sums da over the batch", (dh, x, h, _only(p, {"b_h"}))),
             Case("a batch of 1", (dh[:1], x[:1], h[:1], p)),
             Case("all parameters at once", (dh, x, h, p))]
    return _run_check(student_fn, _rnn_step_backward_reference, cases, _name(student_fn, "rnn_step_backward"),
                      ("dh", "x", "h_prev", "params"), outputs=_step_gradients)


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
                  "every step's contribution", (d_hs, x, h0, _only(p, {"W_xh", "b_h"}))),
             Case("gradient only at the last step: it must flow back through W_hh to every earlier step "
                  "and to h0", (last_only, x, h0, p)),
             Case("a batch of 1", (d_hs[:1], x[:1], h0[:1], p)),
             Case("all parameters at once", (d_hs, x, h0, p))]
    return _run_check(student_fn, _rnn_backward_reference, cases, _name(student_fn, "rnn_backward"),
                      ("d_hs", "x", "h0", "params"), outputs=_sequence_gradients)


# ---------------------------------------------------------------- GRU and LSTM steps

def _gru_step_reference(x, h_prev, params):
    return gru_step_forward(x, h_prev, params)[0]


def check_gru_step(student_fn):
    """Self-check for student_fn(x (B, D), h_prev (B, H), params) -> h (B, H), PyTorch's GRU.

    params: W_xh (D, 3H), W_hh (H, 3H), b_h (3H,), b_hn (H,); gate columns in the order r, z, n:
    r = σ(x W_xr + h W_hr + b_r), z = σ(x W_xz + h W_hz + b_z),
    n = tanh(x W_xn + b_n + r ⊙ (h W_hn + b_hn)), h' = (1 - z) ⊙ n + z ⊙ h.
    """
    rng = np.random.default_rng(33)
    B, D, H = 4, 3, 2
    p = {"W_xh": rng.standard_normal((D, 3 * H)), "W_hh": rng.standard_normal((H, 3 * H)),
         "b_h": rng.standard_normal(3 * H), "b_hn": rng.standard_normal(H)}
    x, h = rng.standard_normal((B, D)), 0.8 * rng.standard_normal((B, H))
    r, z, n = (0, H), (H, 2 * H), (2 * H, 3 * H)
    reset_case = _only(p, {"W_hh"}, r)
    reset_case["W_hh"][:, 2 * H:] = p["W_hh"][:, 2 * H:]
    reset_case["b_hn"] = p["b_hn"].copy()
    cases = [Case("all parameters zero: r = z = 1/2 and n = 0, so h' = h_prev / 2", (x, h, _only(p, set()))),
             Case("only the n columns (2H:3H) of W_xh: n = tanh(x W_xn), h' = (n + h_prev) / 2",
                  (x, h, _only(p, {"W_xh"}, n))),
             Case("only the z columns (H:2H) of W_xh and b_h: n = 0, so h' = z ⊙ h_prev "
                  "(z keeps the old state, 1 - z takes the new)", (x, h, _only(p, {"W_xh", "b_h"}, z))),
             Case("only b_hn: the hidden-side bias of n sits inside the reset product, n = tanh(r ⊙ b_hn)",
                  (x, h, _only(p, {"b_hn"}))),
             Case("only the r and n columns of W_hh, and b_hn: the reset gate multiplies (h W_hn + b_hn), "
                  "after the product", (x, h, reset_case)),
             Case("a batch of 1", (x[:1], h[:1], p)),
             Case("all parameters at once", (x, h, p))]
    return _run_check(student_fn, _gru_step_reference, cases, _name(student_fn, "gru_step"),
                      ("x", "h_prev", "params"))


def _lstm_step_reference(x, state_prev, params):
    return lstm_step_forward(x, state_prev, params)[0]


def check_lstm_step(student_fn):
    """Self-check for student_fn(x (B, D), (h_prev, c_prev), params) -> (h, c), PyTorch's LSTM.

    params: W_xh (D, 4H), W_hh (H, 4H), b_h (4H,); gate columns in the order i, f, g, o:
    c' = f ⊙ c + i ⊙ g, h' = o ⊙ tanh(c'). A mismatch names the output, h or c.
    """
    rng = np.random.default_rng(34)
    B, D, H = 4, 3, 2
    p = {"W_xh": rng.standard_normal((D, 4 * H)), "W_hh": rng.standard_normal((H, 4 * H)),
         "b_h": rng.standard_normal(4 * H)}
    x, h, c = rng.standard_normal((B, D)), 0.8 * rng.standard_normal((B, H)), rng.standard_normal((B, H))
    i, f, g, o = ((k * H, (k + 1) * H) for k in range(4))
    i_and_g = _only(p, {"W_xh"}, g)
    i_and_g["W_xh"][:, :H] = p["W_xh"][:, :H]
    cases = [Case("all parameters zero: i = f = o = 1/2 and g = 0, so c' = c_prev / 2, h' = tanh(c') / 2",
                  (x, (h, c), _only(p, set()))),
             Case("only the g columns (2H:3H) of W_xh: the candidate g = tanh(x W_xg), c' = c_prev / 2 + g / 2",
                  (x, (h, c), _only(p, {"W_xh"}, g))),
             Case("only the f columns (H:2H) of W_xh: the forget gate scales c_prev",
                  (x, (h, c), _only(p, {"W_xh"}, f))),
             Case("only the i and g columns of W_xh: the input gate scales g", (x, (h, c), i_and_g)),
             Case("only the o columns (3H:4H) of W_xh: h' = o ⊙ tanh(c')", (x, (h, c), _only(p, {"W_xh"}, o))),
             Case("only W_hh: the gates also read h_prev", (x, (h, c), _only(p, {"W_hh"}))),
             Case("only b_h", (x, (h, c), _only(p, {"b_h"}))),
             Case("all parameters at once", (x, (h, c), p))]
    def c_then_h(result):  # c is compared first: when c is wrong, h is wrong too, and c is the cause
        named = _named_outputs(result, ("h", "c"))
        return {"c": named["c"], "h": named["h"]}
    return _run_check(student_fn, _lstm_step_reference, cases, _name(student_fn, "lstm_step"),
                      ("x", "state_prev", "params"), outputs=c_then_h)


# ---------------------------------------------------------------- loss, clipping, sampling

def check_softmax_cross_entropy(student_fn, masked=False):
    """Self-check for a softmax cross-entropy that returns (loss, dlogits), the mean over examples.

    masked=False: student_fn(logits (B, V), targets (B,)).
    masked=True:  student_fn(logits (B, T, V), targets (B, T), mask (B, T)) - the mean over the
                  unmasked steps; masked steps add nothing and get a zero gradient.
    """
    rng = np.random.default_rng(35)
    V = 4
    logits = rng.standard_normal((4, V))
    targets = np.array([0, 3, 1, 3])
    if not masked:
        reference = lambda z, y: softmax_cross_entropy(z, y)  # noqa: E731
        cases = [Case("one example, all logits equal: loss = log V", (np.zeros((1, V)), np.array([2]))),
                 Case("one example", (logits[:1], targets[:1])),
                 Case("a batch of 4: the loss is the MEAN over the examples, so dlogits is divided by 4",
                      (logits, targets)),
                 Case("huge logits (about 1000): subtract the maximum before exp", (logits + 1000, targets)),
                 Case("very negative logits (about -1000)", (logits - 1000, targets))]
        arg_names = ("logits", "targets")
    else:
        reference = lambda z, y, m: softmax_cross_entropy(z, y, m)  # noqa: E731
        B, T = 2, 3
        z3, y3 = rng.standard_normal((B, T, V)), rng.integers(0, V, size=(B, T))
        full, padded = np.ones((B, T), bool), np.array([[True, True, True], [True, False, False]])
        cases = [Case("no padding: the mean over all B·T steps", (z3, y3, full)),
                 Case("padded steps: they add nothing to the loss and get zero gradient, and the mean "
                      "divides by the number of real steps (4), not by B·T", (z3, y3, padded)),
                 Case("huge logits (about 1000): subtract the maximum before exp", (z3 + 1000, y3, padded))]
        arg_names = ("logits", "targets", "mask")
    return _run_check(student_fn, reference, cases, _name(student_fn, "softmax_cross_entropy"), arg_names,
                      outputs=lambda result: _named_outputs(result, ("loss", "dlogits")))


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
    return _run_check(student_fn, clip_by_global_norm, cases, _name(student_fn, "clip_by_global_norm"),
                      ("grads", "max_norm"), outputs=lambda result: _named_outputs(result, ("grads", "norm")))


SAMPLING_LOGITS = np.array([2.0, 1.0, 0.2, -1.0, 0.5])


@_returns_verdict
def check_sample_with_temperature(student_fn, draws=3000):
    """Self-check for student_fn(logits (V,), temperature, rng) -> one index in [0, V).

    The index must be drawn from softmax(logits / temperature) with the Generator `rng` only
    (no np.random.seed, no np.random.* functions, no new generator inside), and a temperature
    <= 0 must raise ValueError. Frequencies over `draws` draws are compared with the
    expected probabilities, so any correct way of drawing passes.
    """
    name = _name(student_fn, "sample_with_temperature")
    logits = SAMPLING_LOGITS
    V = len(logits)

    def fail(message):
        print(f"✗ {name}: {message}")
        return False

    def run(temperature, seed, n):
        rng = np.random.default_rng(seed)
        return [student_fn(logits.copy(), temperature, rng) for _ in range(n)]

    saved = np.random.get_state()  # numpy's global generator, restored below
    try:
        np.random.seed(1)  # if the draws depend on the global generator, the two seeds change them
        first = run(1.0, 7, 50)
        bad = [i for i in first if not (isinstance(i, (int, np.integer)) and 0 <= i < V)]
        if bad:
            return fail(f"expected an integer index in [0, {V}), got {bad[0]!r}")
        np.random.seed(2)
        again = run(1.0, 7, 50)
        if again != first:
            return fail("two generators made with the same seed gave different draws: the function uses "
                        "randomness other than the rng it is given (np.random.* or a generator made inside)")
        if run(1.0, 8, 50) == first:
            return fail("generators with different seeds gave the same 50 draws: the function ignores the rng "
                        "it is given (is it reseeding, or always returning the argmax?)")
        greedy = run(0.01, 9, 20)
        if any(i != logits.argmax() for i in greedy):
            return fail(f"at temperature 0.01 expected the argmax (index {logits.argmax()}) every time, "
                        f"got {sorted(set(greedy))}")
        for temperature in (1.0, 0.5, 2.0):
            counts = np.bincount(run(temperature, 100, draws), minlength=V)
            freq = counts / draws
            expected = softmax(logits / temperature)
            tolerance = 5 * np.sqrt(expected * (1 - expected) / draws) + 0.005
            wrong = np.abs(freq - expected) > tolerance
            if wrong.any():
                k = int(np.argmax(np.abs(freq - expected) - tolerance))
                hint = ""
                for label, p in (("softmax(logits): is the temperature applied?", softmax(logits)),
                                 ("softmax(logits * temperature): divide by the temperature, don't multiply",
                                  softmax(logits * temperature))):
                    if np.all(np.abs(freq - p) <= 5 * np.sqrt(p * (1 - p) / draws) + 0.005):
                        hint = f"\n  your frequencies match {label}"
                        break
                return fail(f"at temperature {temperature}, index {k} was drawn {100 * freq[k]:.1f}% of the time; "
                            f"expected {100 * expected[k]:.1f}% = softmax(logits / {temperature})[{k}]{hint}")
    except NotImplementedError:
        return fail("is not written yet.")
    except Exception as error:  # a student's bug is reported, not raised
        return fail(f"raised {type(error).__name__}: {error}")
    finally:
        np.random.set_state(saved)
    for temperature in (0, -1.0):
        try:
            with np.errstate(all="ignore"):
                got = student_fn(logits.copy(), temperature, np.random.default_rng(0))
        except ValueError:
            continue
        except Exception as error:
            return fail(f"temperature {temperature}: expected a ValueError, got {type(error).__name__}: {error}")
        return fail(f"temperature {temperature}: expected a ValueError (the temperature must be > 0), "
                    f"got the result {got!r}")
    print(f"✓ {name} draws from softmax(logits / temperature) with the given rng only "
          f"(checked at temperatures 0.01, 0.5, 1 and 2).")
    return True


# ---------------------------------------------------------------- bidirectional layer

def _bidirectional_reference(x, params_fwd, params_bwd):
    layers = []
    for params in (params_fwd, params_bwd):
        layer = RNN(params["W_xh"].shape[0], params["W_hh"].shape[0])
        layer.params = {key: np.array(value, dtype=np.float64) for key, value in params.items()}
        layers.append(layer)
    return Bidirectional(*layers).forward(x)[0]


def check_bidirectional_forward(student_fn):
    """Self-check for student_fn(x (B, T, D), params_fwd, params_bwd) -> outputs (B, T, H_fwd + H_bwd).

    Two tanh RNNs with zero initial states: the first reads x<1> ... x<T>, the second
    x<T> ... x<1>; outputs<t> = [forward h<t>, backward h<t>], both in time order.
    The forward layer has 3 hidden units and the backward one 2, so the halves can't be swapped silently.
    """
    rng = np.random.default_rng(37)
    B, T, D = 2, 4, 3
    pf, pb = _rnn_params(rng, D, 3, 0.7), _rnn_params(rng, D, 2, 0.7)
    x = rng.standard_normal((B, T, D))
    last_only = np.zeros_like(x)
    last_only[:, -1] = x[:, -1]
    cases = [Case("only the forward layer's parameters are non-zero: the last 2 columns must be 0",
                  (x, pf, _only(pb, set()))),
             Case("only the backward layer's parameters are non-zero: it reads x from the last step to the "
                  "first, and its outputs are stored back in time order", (x, _only(pf, set()), pb)),
             Case("x is zero except at the last step: the backward half sees it at every step, the forward "
                  "half only at the last", (last_only, pf, pb)),
             Case("one step (T = 1)", (x[:, :1], pf, pb)),
             Case("all parameters at once", (x, pf, pb))]
    return _run_check(student_fn, _bidirectional_reference, cases, _name(student_fn, "bidirectional_forward"),
                      ("x", "params_fwd", "params_bwd"))
