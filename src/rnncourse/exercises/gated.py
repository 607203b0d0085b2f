"""Exercises of notebooks 06-07: GRU and LSTM."""
import numpy as np

from ..gru import gru_step_forward
from ..lstm import lstm_step_forward

from .compare import Case, Mistake, check_function, only, returns_verdict  # noqa: F401
from .recurrent import _name, _rnn_params  # noqa: F401
from .registry import exercise, register


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
    reset_case = only(p, {"W_hh"}, r)
    reset_case["W_hh"][:, 2 * H:] = p["W_hh"][:, 2 * H:]
    reset_case["b_hn"] = p["b_hn"].copy()
    cases = [Case("all parameters zero: r = z = 1/2 and n = 0, so h' = h_prev / 2", (x, h, only(p, set()))),
             Case("only the n columns (2H:3H) of W_xh: n = tanh(x W_xn), h' = (n + h_prev) / 2",
                  (x, h, only(p, {"W_xh"}, n))),
             Case("only the z columns (H:2H) of W_xh and b_h: n = 0, so h' = z ⊙ h_prev "
                  "(z keeps the old state, 1 - z takes the new)", (x, h, only(p, {"W_xh", "b_h"}, z))),
             Case("only b_hn: the hidden-side bias of n sits inside the reset product, n = tanh(r ⊙ b_hn)",
                  (x, h, only(p, {"b_hn"}))),
             Case("only the r and n columns of W_hh, and b_hn: the reset gate multiplies (h W_hn + b_hn), "
                  "after the product", (x, h, reset_case)),
             Case("a batch of 1", (x[:1], h[:1], p)),
             Case("all parameters at once", (x, h, p))]
    return check_function(student_fn, _gru_step_reference, cases, _name(student_fn, "gru_step"),
                          arg_names=("x", "h_prev", "params"))


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
    i_and_g = only(p, {"W_xh"}, g)
    i_and_g["W_xh"][:, :H] = p["W_xh"][:, :H]
    cases = [Case("all parameters zero: i = f = o = 1/2 and g = 0, so c' = c_prev / 2, h' = tanh(c') / 2",
                  (x, (h, c), only(p, set()))),
             Case("only the g columns (2H:3H) of W_xh: the candidate g = tanh(x W_xg), c' = c_prev / 2 + g / 2",
                  (x, (h, c), only(p, {"W_xh"}, g))),
             Case("only the f columns (H:2H) of W_xh: the forget gate scales c_prev",
                  (x, (h, c), only(p, {"W_xh"}, f))),
             Case("only the i and g columns of W_xh: the input gate scales g", (x, (h, c), i_and_g)),
             Case("only the o columns (3H:4H) of W_xh: h' = o ⊙ tanh(c')", (x, (h, c), only(p, {"W_xh"}, o))),
             Case("only W_hh: the gates also read h_prev", (x, (h, c), only(p, {"W_hh"}))),
             Case("only b_h", (x, (h, c), only(p, {"b_h"}))),
             Case("all parameters at once", (x, (h, c), p))]
    return check_function(student_fn, _lstm_step_reference, cases, _name(student_fn, "lstm_step"),
                          arg_names=("x", "state_prev", "params"), outputs=("h", "c"), compare_order=("c", "h"))



register("gru_step", "def gru_step(x, h_prev, params) -> h (B, H)",
         "split the 3H columns into r, z, n in that order; the reset gate multiplies (h_prev W_hn + b_hn) after "
         "the product; h = (1 - z) * n + z * h_prev.", _gru_step_reference, check_gru_step)
register("lstm_step", "def lstm_step(x, state_prev, params) -> (h, c)",
         "split the 4H columns into i, f, g, o in that order; g uses tanh, the other three the sigmoid; "
         "c = f * c_prev + i * g, h = o * tanh(c).", _lstm_step_reference, check_lstm_step)
