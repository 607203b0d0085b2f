"""Exercises of notebooks 06-07: the GRU and the LSTM, their elementwise cells and the cells' backward passes."""
import numpy as np

from ..gru import gru_cell, gru_cell_backward, gru_step_forward
from ..lstm import lstm_cell, lstm_cell_backward, lstm_step_forward
from ..rnn import sigmoid

from .compare import Case, Mistake, check_function, only
from .recurrent import _name
from .registry import register


# ---------------------------------------------------------------- GRU: the cell, one step, the cell's backward

def _gru_cell_variant(xw, hw, h_prev, b_hn, flipped_z=False, swapped_rz=False, b_hn_outside=False):
    """gru_cell, or one of its common misreadings: (r, z, n, hn, h), each (B, H).

    flipped_z: h = z n + (1 - z) h_prev; swapped_rz: r read from the z block and z from the r block;
    b_hn_outside: n = tanh(xw_n + r ⊙ hw_n + b_hn), the bias outside the reset product.
    """
    H = h_prev.shape[1]
    r, z = sigmoid(xw[:, :H] + hw[:, :H]), sigmoid(xw[:, H:2 * H] + hw[:, H:2 * H])
    if swapped_rz:
        r, z = z, r
    hn = hw[:, 2 * H:] + b_hn
    n = np.tanh(xw[:, 2 * H:] + (r * hw[:, 2 * H:] + b_hn if b_hn_outside else r * hn))
    h = z * n + (1 - z) * h_prev if flipped_z else (1 - z) * n + z * h_prev
    return r, z, n, hn, h


_FLIPPED_Z = "the update gate is used the other way round, h = z * n + (1 - z) * h_prev (the Γ_u convention)"
_SWAPPED_RZ = "the r and z blocks are swapped: PyTorch's column order is r (0:H), z (H:2H), n (2H:3H)"
_B_HN_OUTSIDE = "b_hn is added outside the reset product: it belongs inside, r * (h_prev W_hn + b_hn)"

GRU_CELL_MISTAKES = (
    Mistake(_FLIPPED_Z, lambda *a: _gru_cell_variant(*a, flipped_z=True)),
    Mistake(_SWAPPED_RZ, lambda *a: _gru_cell_variant(*a, swapped_rz=True)),
    Mistake(_B_HN_OUTSIDE, lambda *a: _gru_cell_variant(*a, b_hn_outside=True)),
)


def check_gru_cell(student_fn):
    """Self-check for student_fn(xw (B, 3H), hw (B, 3H), h_prev (B, H), b_hn (H,)) -> (r, z, n, hn, h).

    xw = x W_xh + b_h and hw = h_prev W_hh, gate blocks r, z, n; each output (B, H), named in a mismatch.
    """
    rng = np.random.default_rng(6)
    B, H = 3, 2
    xw, hw = rng.standard_normal((B, 3 * H)), rng.standard_normal((B, 3 * H))
    h_prev, b_hn = 0.8 * np.tanh(rng.standard_normal((B, H))), rng.standard_normal(H)
    zeros, no_bias = np.zeros((B, 3 * H)), np.zeros(H)

    def blocks(r=0.0, z=0.0, n=0.0):
        out = np.zeros((B, 3 * H))
        out[:, :H], out[:, H:2 * H], out[:, 2 * H:] = r, z, n
        return out

    cases = [Case("everything zero: r = z = 1/2 and n = 0, so h = h_prev / 2", (zeros, zeros, h_prev, no_bias)),
             Case("only the n block of xw: n = tanh(xw_n) and h = (n + h_prev) / 2",
                  (blocks(n=xw[:, 2 * H:]), zeros, h_prev, no_bias)),
             Case("z block of xw = +20: z = 1, so h = h_prev (the old state is kept)",
                  (blocks(z=20.0, n=xw[:, 2 * H:]), zeros, h_prev, no_bias)),
             Case("z block of xw = -20: z = 0, so h = n (the state is overwritten)",
                  (blocks(z=-20.0, n=xw[:, 2 * H:]), zeros, h_prev, no_bias)),
             Case("only b_hn and the n block of hw: hn = hw_n + b_hn, multiplied by r = 1/2 inside the tanh",
                  (zeros, blocks(n=hw[:, 2 * H:]), h_prev, b_hn)),
             Case("r block of hw = -20: r = 0, so the candidate ignores hn entirely",
                  (zeros, blocks(r=-20.0, n=hw[:, 2 * H:]), h_prev, b_hn)),
             Case("everything at once", (xw, hw, h_prev, b_hn))]
    return check_function(student_fn, gru_cell, cases, _name(student_fn, "gru_cell"),
                          arg_names=("xw", "hw", "h_prev", "b_hn"), outputs=("r", "z", "n", "hn", "h"),
                          mistakes=GRU_CELL_MISTAKES)


def _gru_step_reference(x, h_prev, params):
    return gru_step_forward(x, h_prev, params)[0]


def _gru_step_variant(x, h_prev, params, **misreading):
    """A GRU step through _gru_cell_variant: h (B, H)."""
    return _gru_cell_variant(x @ params["W_xh"] + params["b_h"], h_prev @ params["W_hh"], h_prev,
                             params["b_hn"], **misreading)[-1]


def _gru_step_reset_before(x, h_prev, params):
    """Cho et al.'s published form: n = tanh(x W_xn + b_n + (r ⊙ h_prev) W_hn + b_hn)."""
    H = h_prev.shape[1]
    xw, hw = x @ params["W_xh"] + params["b_h"], h_prev @ params["W_hh"]
    r, z = sigmoid(xw[:, :H] + hw[:, :H]), sigmoid(xw[:, H:2 * H] + hw[:, H:2 * H])
    n = np.tanh(xw[:, 2 * H:] + (r * h_prev) @ params["W_hh"][:, 2 * H:] + params["b_hn"])
    return (1 - z) * n + z * h_prev


GRU_STEP_MISTAKES = (
    Mistake(_FLIPPED_Z, lambda *a: _gru_step_variant(*a, flipped_z=True)),
    Mistake(_SWAPPED_RZ, lambda *a: _gru_step_variant(*a, swapped_rz=True)),
    # listed before the reset-before form: both agree on the case "only b_hn", which that form never reaches
    Mistake(_B_HN_OUTSIDE, lambda *a: _gru_step_variant(*a, b_hn_outside=True)),
    Mistake("the reset gate multiplies h_prev before the product, (r * h_prev) @ W_hn (Cho et al.'s form); "
            "PyTorch's GRU multiplies after it, r * (h_prev @ W_hn + b_hn)", _gru_step_reset_before),
    Mistake("b_hn is left out", lambda x, h, p: _gru_step_variant(x, h, {**p, "b_hn": 0 * p["b_hn"]})),
)


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
    cases = [Case("all parameters zero: r = z = 1/2 and n = 0, so h' = h_prev / 2", (x, h, only(p, set()))),
             Case("only the n columns (2H:3H) of W_xh: n = tanh(x W_xn), h' = (n + h_prev) / 2",
                  (x, h, only(p, {"W_xh"}, n))),
             Case("only the z columns (H:2H) of W_xh and b_h: n = 0, so h' = z ⊙ h_prev "
                  "(z keeps the old state, 1 - z takes the new)", (x, h, only(p, {"W_xh", "b_h"}, z))),
             Case("only the r and n columns of W_hh: the reset gate multiplies h_prev W_hn, after the product",
                  (x, h, reset_case)),
             Case("only b_hn: the hidden-side bias of n sits inside the reset product, n = tanh(r ⊙ b_hn)",
                  (x, h, only(p, {"b_hn"}))),
             Case("a batch of 1", (x[:1], h[:1], p)),
             Case("all parameters at once", (x, h, p))]
    return check_function(student_fn, _gru_step_reference, cases, _name(student_fn, "gru_step"),
                          arg_names=("x", "h_prev", "params"), mistakes=GRU_STEP_MISTAKES)


def _gru_backward_from(da_r, da_z, da_n, r, dh_direct):
    """(delta_x, delta_h, dh_direct) from the pre-activation gradients: the hidden side's n block is da_n ⊙ r."""
    return (np.concatenate([da_r, da_z, da_n], axis=1), np.concatenate([da_r, da_z, da_n * r], axis=1), dh_direct)


def _gru_backward_without_r(dh, r, z, n, hn, h_prev):
    delta_x, _, dh_direct = gru_cell_backward(dh, r, z, n, hn, h_prev)
    return delta_x, delta_x, dh_direct


def _gru_backward_flipped_z(dh, r, z, n, hn, h_prev):
    da_n = dh * z * (1 - n ** 2)
    return _gru_backward_from(da_n * hn * r * (1 - r), dh * (n - h_prev) * z * (1 - z), da_n, r, dh * (1 - z))


def _gru_backward_no_tanh_slope(dh, r, z, n, hn, h_prev):
    da_n = dh * (1 - z)
    return _gru_backward_from(da_n * hn * r * (1 - r), dh * (h_prev - n) * z * (1 - z), da_n, r, dh * z)


def _gru_backward_dz_sign(dh, r, z, n, hn, h_prev):
    da_n = dh * (1 - z) * (1 - n ** 2)
    return _gru_backward_from(da_n * hn * r * (1 - r), dh * (n - h_prev) * z * (1 - z), da_n, r, dh * z)


GRU_CELL_BACKWARD_MISTAKES = (
    Mistake("the n block of delta_h is da_n, as in delta_x: on the hidden side hn is multiplied by r, so it is da_n * r",
            _gru_backward_without_r),
    Mistake("the backward pass is that of h = z * n + (1 - z) * h_prev, the update gate the other way round",
            _gru_backward_flipped_z),
    Mistake("the tanh slope (1 - n**2) is left out of da_n", _gru_backward_no_tanh_slope),
    Mistake("dz has the wrong sign: h = (1 - z) n + z h_prev gives dz = dh * (h_prev - n)", _gru_backward_dz_sign),
)


def check_gru_cell_backward(student_fn):
    """Self-check for student_fn(dh, r, z, n, hn, h_prev), each (B, H) -> (delta_x (B, 3H), delta_h (B, 3H), dh_direct (B, H)).

    delta_x and delta_h are the gradients of xw and hw (blocks r, z, n); dh_direct = dh ⊙ z is the part of
    dh_prev that skips W_hh. A mismatch names the output.
    """
    rng = np.random.default_rng(7)
    B, H = 3, 2
    dh = rng.standard_normal((B, H))
    r, z = rng.uniform(0.1, 0.9, (B, H)), rng.uniform(0.1, 0.9, (B, H))
    n, hn = np.tanh(rng.standard_normal((B, H))), rng.standard_normal((B, H))
    h_prev = np.tanh(rng.standard_normal((B, H)))
    ones, zeros = np.ones((B, H)), np.zeros((B, H))
    cases = [Case("z = 1: the state is copied, so all of dh takes the shortcut and the gates get nothing",
                  (dh, r, ones, n, hn, h_prev)),
             Case("z = 0: the state is overwritten, so the gradient flows only through n (dh_direct = 0)",
                  (dh, r, zeros, n, hn, h_prev)),
             Case("r = 0: the candidate ignores hn, so the n block of delta_h is zero", (dh, zeros, z, n, hn, h_prev)),
             Case("h_prev = n: changing z changes nothing, so the z blocks are zero", (dh, r, z, n, hn, n)),
             Case("hn = 0: changing r changes nothing, so the r blocks are zero", (dh, r, z, n, zeros, h_prev)),
             Case("everything at once", (dh, r, z, n, hn, h_prev))]
    return check_function(student_fn, gru_cell_backward, cases, _name(student_fn, "gru_cell_backward"),
                          arg_names=("dh", "r", "z", "n", "hn", "h_prev"), outputs=("delta_x", "delta_h", "dh_direct"),
                          mistakes=GRU_CELL_BACKWARD_MISTAKES)


# ---------------------------------------------------------------- LSTM: one step, the cell, the cell's backward

def _lstm_cell_variant(a, c_prev, order="ifgo", g_sigmoid=False, h_without_tanh=False):
    """lstm_cell, or one of its common misreadings: (gates, c, tanh_c, h).

    order: the blocks the student took i, f, g and o from, left to right (PyTorch's order is "ifgo");
    tanh goes on the block taken as g. g_sigmoid: the candidate squashed by σ; h_without_tanh: h = o ⊙ c.
    """
    H = c_prev.shape[1]
    gates = sigmoid(a)
    g = slice(order.index("g") * H, (order.index("g") + 1) * H)
    if not g_sigmoid:
        gates[:, g] = np.tanh(a[:, g])
    block = {name: gates[:, k * H:(k + 1) * H] for k, name in enumerate(order)}
    c = block["f"] * c_prev + block["i"] * block["g"]
    return gates, c, np.tanh(c), block["o"] * (c if h_without_tanh else np.tanh(c))


_SWAPPED_IF = "the i and f blocks are swapped: PyTorch's column order is i (0:H), f (H:2H), g (2H:3H), o (3H:4H)"
_G_SIGMOID = "the candidate g is squashed by the sigmoid: it uses tanh (only i, f and o use the sigmoid)"
_NO_TANH_C = "tanh(c) is left out of h: h = o * tanh(c)"

LSTM_CELL_MISTAKES = (
    Mistake(_SWAPPED_IF, lambda *a: _lstm_cell_variant(*a, order="figo")),
    Mistake(_G_SIGMOID, lambda *a: _lstm_cell_variant(*a, g_sigmoid=True)),
    Mistake(_NO_TANH_C, lambda *a: _lstm_cell_variant(*a, h_without_tanh=True)),
)


def check_lstm_cell(student_fn):
    """Self-check for student_fn(a (B, 4H), c_prev (B, H)) -> (gates (B, 4H), c, tanh_c, h), each (B, H).

    gates holds i, f, g, o side by side after σ (tanh for g); a must not change. A mismatch names the output.
    """
    rng = np.random.default_rng(7)
    B, H = 3, 2
    a, c_prev = rng.standard_normal((B, 4 * H)), rng.standard_normal((B, H))

    def only_block(k):
        out = np.zeros_like(a)
        out[:, k * H:(k + 1) * H] = a[:, k * H:(k + 1) * H]
        return out

    cases = [Case("a = 0: i = f = o = 1/2 and g = 0, so c = c_prev / 2 and h = tanh(c) / 2",
                  (np.zeros_like(a), c_prev)),
             Case("only the g block (columns 2H:3H) is non-zero: the candidate uses tanh, not σ",
                  (only_block(2), c_prev)),
             Case("only the f block (columns H:2H) is non-zero: the forget gate scales c_prev",
                  (only_block(1), c_prev)),
             Case("only the o block (columns 3H:4H) is non-zero: h = o * tanh(c)", (only_block(3), c_prev)),
             Case("c_prev = 0: nothing to keep, c = i * g", (a, np.zeros_like(c_prev))),
             Case("everything at once", (a, c_prev))]
    return check_function(student_fn, lstm_cell, cases, _name(student_fn, "lstm_cell"), arg_names=("a", "c_prev"),
                          outputs=("gates", "c", "tanh_c", "h"), mistakes=LSTM_CELL_MISTAKES)


def _lstm_step_reference(x, state_prev, params):
    return lstm_step_forward(x, state_prev, params)[0]


def _lstm_step_variant(x, state_prev, params, **misreading):
    """An LSTM step through _lstm_cell_variant: (h, c)."""
    h_prev, c_prev = state_prev
    a = x @ params["W_xh"] + h_prev @ params["W_hh"] + params["b_h"]
    _, c, _, h = _lstm_cell_variant(a, c_prev, **misreading)
    return h, c


LSTM_STEP_MISTAKES = (
    Mistake(_SWAPPED_IF, lambda *a: _lstm_step_variant(*a, order="figo")),
    Mistake("the blocks are read in the order i, g, f, o (the old TensorFlow LSTMCell's); "
            "PyTorch's is i, f, g, o", lambda *a: _lstm_step_variant(*a, order="igfo")),
    Mistake(_G_SIGMOID, lambda *a: _lstm_step_variant(*a, g_sigmoid=True)),
    Mistake(_NO_TANH_C, lambda *a: _lstm_step_variant(*a, h_without_tanh=True)),
)


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
                          arg_names=("x", "state_prev", "params"), outputs=("h", "c"), compare_order=("c", "h"),
                          mistakes=LSTM_STEP_MISTAKES)


def _lstm_backward_from(dc_total, dh, gates, c_prev, tanh_c, g_slope=lambda g: 1 - g ** 2):
    """(da, dc_prev) given the cell state's total gradient dc_total and the candidate's slope g_slope(g)."""
    H = c_prev.shape[1]
    i, f, g, o = (gates[:, k * H:(k + 1) * H] for k in range(4))
    da = np.concatenate([dc_total * g * i * (1 - i), dc_total * c_prev * f * (1 - f), dc_total * i * g_slope(g),
                         dh * tanh_c * o * (1 - o)], axis=1)
    return da, dc_total * f


def _lstm_backward_without_h_path(dh, dc, gates, c_prev, tanh_c):
    return _lstm_backward_from(dc, dh, gates, c_prev, tanh_c)


def _lstm_backward_without_tanh_slope(dh, dc, gates, c_prev, tanh_c):
    o = gates[:, 3 * c_prev.shape[1]:]
    return _lstm_backward_from(dc + dh * o, dh, gates, c_prev, tanh_c)


def _lstm_backward_sigmoid_slope_for_g(dh, dc, gates, c_prev, tanh_c):
    o = gates[:, 3 * c_prev.shape[1]:]
    return _lstm_backward_from(dc + dh * o * (1 - tanh_c ** 2), dh, gates, c_prev, tanh_c, lambda g: g * (1 - g))


def _lstm_backward_without_f(dh, dc, gates, c_prev, tanh_c):
    da, _ = lstm_cell_backward(dh, dc, gates, c_prev, tanh_c)
    return da, dc + dh * gates[:, 3 * c_prev.shape[1]:] * (1 - tanh_c ** 2)


LSTM_CELL_BACKWARD_MISTAKES = (
    Mistake("the cell state's gradient misses the path through h: it is dc + dh * o * (1 - tanh_c**2), not dc",
            _lstm_backward_without_h_path),
    Mistake("the tanh slope is left out of the path through h: dc + dh * o * (1 - tanh_c**2), not dc + dh * o",
            _lstm_backward_without_tanh_slope),
    Mistake("the g block uses the sigmoid's slope g * (1 - g); g = tanh(a_g), whose slope is 1 - g**2",
            _lstm_backward_sigmoid_slope_for_g),
    Mistake("dc_prev is the cell state's total gradient without the factor f: c = f * c_prev + i * g, so "
            "dc_prev = dc_total * f", _lstm_backward_without_f),
)


def check_lstm_cell_backward(student_fn):
    """Self-check for student_fn(dh, dc, gates (B, 4H), c_prev, tanh_c) -> (da (B, 4H), dc_prev), the rest (B, H).

    dh and dc arrive at h and c; da is the gradient of the pre-activations (blocks i, f, g, o) and dc_prev
    the gradient sent back along the cell line. A mismatch names the output.
    """
    rng = np.random.default_rng(8)
    B, H = 3, 2
    c_prev = rng.standard_normal((B, H))
    gates, _, tanh_c, _ = lstm_cell(rng.standard_normal((B, 4 * H)), c_prev)
    dh, dc = rng.standard_normal((B, H)), rng.standard_normal((B, H))
    zero = np.zeros((B, H))
    cases = [Case("dh = 0: the gradient arrives only along the cell line, so dc_prev = dc * f and the o block of "
                  "da is 0", (zero, dc, gates, c_prev, tanh_c)),
             Case("dc = 0: the gradient enters the cell only through h = o * tanh(c), as dh * o * (1 - tanh(c)^2)",
                  (dh, zero, gates, c_prev, tanh_c)),
             Case("c_prev = 0: the f block of da is 0 (df = dc_total * c_prev)", (dh, dc, gates, zero, tanh_c)),
             Case("everything at once", (dh, dc, gates, c_prev, tanh_c))]
    return check_function(student_fn, lstm_cell_backward, cases, _name(student_fn, "lstm_cell_backward"),
                          arg_names=("dh", "dc", "gates", "c_prev", "tanh_c"), outputs=("da", "dc_prev"),
                          mistakes=LSTM_CELL_BACKWARD_MISTAKES)


register("gru_cell", "def gru_cell(xw, hw, h_prev, b_hn) -> (r, z, n, hn, h), each (B, H)",
         "slice the 3H columns into the blocks r, z, n; r and z add the two sides before the sigmoid, while in the "
         "candidate the reset gate scales hn only; section 2 has the four equations.",
         gru_cell, check_gru_cell)
register("gru_step", "def gru_step(x, h_prev, params) -> h (B, H)",
         "split the 3H columns into r, z, n in that order; the reset gate multiplies (h_prev W_hn + b_hn) after "
         "the product; h = (1 - z) * n + z * h_prev.", _gru_step_reference, check_gru_step)
register("gru_cell_backward",
         "def gru_cell_backward(dh, r, z, n, hn, h_prev) -> (delta_x (B, 3H), delta_h (B, 3H), dh_direct (B, H))",
         "walk section 5 backwards: dn and dz from the mixing, then the tanh and sigmoid slopes; delta_x and delta_h share "
         "the r and z blocks, and differ only in the n block.", gru_cell_backward, check_gru_cell_backward)
register("lstm_step", "def lstm_step(x, state_prev, params) -> (h, c)",
         "split the 4H columns into i, f, g, o in that order; g uses tanh, the other three the sigmoid; "
         "c = f * c_prev + i * g, h = o * tanh(c).", _lstm_step_reference, check_lstm_step)
register("lstm_cell", "def lstm_cell(a, c_prev) -> (gates (B, 4H), c (B, H), tanh_c (B, H), h (B, H))",
         "squash a into a NEW array (the sigmoid everywhere, then tanh on the g block), slice out i, f, g, o, then "
         "combine them with c_prev as in section 2.", lstm_cell, check_lstm_cell)
register("lstm_cell_backward", "def lstm_cell_backward(dh, dc, gates, c_prev, tanh_c) -> (da (B, 4H), dc_prev (B, H))",
         "first the cell state's total gradient (it reaches the loss directly and through h); then each factor of a "
         "product gets the other factor, times the slope of its sigmoid or tanh.", lstm_cell_backward,
         check_lstm_cell_backward)
