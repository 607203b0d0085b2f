"""Realistic wrong answers to the exercises of notebooks 06-07, each with the words its ✗ message must contain."""
import numpy as np


def _sigmoid(a):
    return 1 / (1 + np.exp(-a))


# ---------------------------------------------------------------- GRU

def _gru_cell_flipped_z(xw, hw, h_prev, b_hn):
    H = h_prev.shape[1]
    r, z = _sigmoid(xw[:, :H] + hw[:, :H]), _sigmoid(xw[:, H:2 * H] + hw[:, H:2 * H])
    hn = hw[:, 2 * H:] + b_hn
    n = np.tanh(xw[:, 2 * H:] + r * hn)
    return r, z, n, hn, z * n + (1 - z) * h_prev


def _gru_cell_z_first(xw, hw, h_prev, b_hn):  # reads the blocks as z, r, n
    H = h_prev.shape[1]
    z, r = _sigmoid(xw[:, :H] + hw[:, :H]), _sigmoid(xw[:, H:2 * H] + hw[:, H:2 * H])
    hn = hw[:, 2 * H:] + b_hn
    n = np.tanh(xw[:, 2 * H:] + r * hn)
    return r, z, n, hn, (1 - z) * n + z * h_prev


def _gru_cell_without_hn(xw, hw, h_prev, b_hn):  # forgets to return hn
    H = h_prev.shape[1]
    r, z = _sigmoid(xw[:, :H] + hw[:, :H]), _sigmoid(xw[:, H:2 * H] + hw[:, H:2 * H])
    n = np.tanh(xw[:, 2 * H:] + r * (hw[:, 2 * H:] + b_hn))
    return r, z, n, (1 - z) * n + z * h_prev


def _gru_step(x, h_prev, p, reset_before=False, flipped_z=False, bias_outside=False):
    H = h_prev.shape[1]
    xw, hw = x @ p["W_xh"] + p["b_h"], h_prev @ p["W_hh"]
    r, z = _sigmoid(xw[:, :H] + hw[:, :H]), _sigmoid(xw[:, H:2 * H] + hw[:, H:2 * H])
    if reset_before:
        n = np.tanh(xw[:, 2 * H:] + (r * h_prev) @ p["W_hh"][:, 2 * H:] + p["b_hn"])
    elif bias_outside:
        n = np.tanh(xw[:, 2 * H:] + r * hw[:, 2 * H:] + p["b_hn"])
    else:
        n = np.tanh(xw[:, 2 * H:] + r * (hw[:, 2 * H:] + p["b_hn"]))
    return z * n + (1 - z) * h_prev if flipped_z else (1 - z) * n + z * h_prev


def _gru_step_without_b_hn(x, h_prev, p):
    return _gru_step(x, h_prev, {**p, "b_hn": np.zeros_like(p["b_hn"])})


def _gru_cell_bias_outside(xw, hw, h_prev, b_hn):
    H = h_prev.shape[1]
    r, z = _sigmoid(xw[:, :H] + hw[:, :H]), _sigmoid(xw[:, H:2 * H] + hw[:, H:2 * H])
    n = np.tanh(xw[:, 2 * H:] + r * hw[:, 2 * H:] + b_hn)
    return r, z, n, hw[:, 2 * H:] + b_hn, (1 - z) * n + z * h_prev


def _gru_step_swapped_gates(x, h_prev, p):  # z taken from the first block, r from the second
    H = h_prev.shape[1]
    a = x @ p["W_xh"] + p["b_h"] + h_prev @ p["W_hh"]
    z, r = _sigmoid(a[:, :H]), _sigmoid(a[:, H:2 * H])
    n = np.tanh((x @ p["W_xh"] + p["b_h"])[:, 2 * H:] + r * ((h_prev @ p["W_hh"])[:, 2 * H:] + p["b_hn"]))
    return (1 - z) * n + z * h_prev


def _gru_backward(dh, r, z, n, hn, h_prev, r_on_hidden=True, tanh_slope=True, dz_sign=1):
    da_n = dh * (1 - z) * ((1 - n ** 2) if tanh_slope else 1)
    da_r = da_n * hn * r * (1 - r)
    da_z = dz_sign * dh * (h_prev - n) * z * (1 - z)
    delta_x = np.concatenate([da_r, da_z, da_n], axis=1)
    delta_h = np.concatenate([da_r, da_z, da_n * r if r_on_hidden else da_n], axis=1)
    return delta_x, delta_h, dh * z


def _gru_backward_flipped_z(dh, r, z, n, hn, h_prev):  # derived for h = z n + (1 - z) h_prev
    da_n = dh * z * (1 - n ** 2)
    da_r = da_n * hn * r * (1 - r)
    da_z = dh * (n - h_prev) * z * (1 - z)
    return (np.concatenate([da_r, da_z, da_n], axis=1), np.concatenate([da_r, da_z, da_n * r], axis=1),
            dh * (1 - z))


# ---------------------------------------------------------------- LSTM

def _lstm_step(x, state_prev, p, forget_first=False, without_tanh_c=False, swap_outputs=False):
    h_prev, c_prev = state_prev
    H = h_prev.shape[1]
    a = x @ p["W_xh"] + h_prev @ p["W_hh"] + p["b_h"]
    i, f = _sigmoid(a[:, :H]), _sigmoid(a[:, H:2 * H])
    if forget_first:
        i, f = f, i
    g, o = np.tanh(a[:, 2 * H:3 * H]), _sigmoid(a[:, 3 * H:])
    c = f * c_prev + i * g
    h = o * c if without_tanh_c else o * np.tanh(c)
    return (c, h) if swap_outputs else (h, c)


def _lstm_step_tensorflow_order(x, state_prev, p):  # i, g, f, o: the old TensorFlow LSTMCell's blocks
    h_prev, c_prev = state_prev
    H = h_prev.shape[1]
    a = x @ p["W_xh"] + h_prev @ p["W_hh"] + p["b_h"]
    i, g, f, o = _sigmoid(a[:, :H]), np.tanh(a[:, H:2 * H]), _sigmoid(a[:, 2 * H:3 * H]), _sigmoid(a[:, 3 * H:])
    c = f * c_prev + i * g
    return o * np.tanh(c), c


def _lstm_step_all_sigmoid(x, state_prev, p):
    h_prev, c_prev = state_prev
    H = h_prev.shape[1]
    gates = _sigmoid(x @ p["W_xh"] + h_prev @ p["W_hh"] + p["b_h"])
    i, f, g, o = (gates[:, k * H:(k + 1) * H] for k in range(4))
    c = f * c_prev + i * g
    return o * np.tanh(c), c


def _lstm_cell(a, c_prev, tanh_on_g=True, forget_first=False):
    H = c_prev.shape[1]
    gates = _sigmoid(a)
    if tanh_on_g:
        gates[:, 2 * H:3 * H] = np.tanh(a[:, 2 * H:3 * H])
    i, f, g, o = (gates[:, k * H:(k + 1) * H] for k in range(4))
    if forget_first:
        i, f = f, i
    c = f * c_prev + i * g
    return gates, c, np.tanh(c), o * np.tanh(c)


def _lstm_cell_in_place(a, c_prev):  # squashes a itself instead of a new array
    H = c_prev.shape[1]
    a[:, 2 * H:3 * H] = np.tanh(a[:, 2 * H:3 * H])
    a[:, :2 * H], a[:, 3 * H:] = _sigmoid(a[:, :2 * H]), _sigmoid(a[:, 3 * H:])
    i, f, g, o = (a[:, k * H:(k + 1) * H] for k in range(4))
    c = f * c_prev + i * g
    return a, c, np.tanh(c), o * np.tanh(c)


def _lstm_cell_backward(dh, dc, gates, c_prev, tanh_c, through_h=True, tanh_slope=True, times_f=True,
                        g_slope=lambda g: 1 - g ** 2):
    H = c_prev.shape[1]
    i, f, g, o = (gates[:, k * H:(k + 1) * H] for k in range(4))
    dc_total = dc + dh * o * ((1 - tanh_c ** 2) if tanh_slope else 1) if through_h else dc
    da = np.concatenate([dc_total * g * i * (1 - i), dc_total * c_prev * f * (1 - f), dc_total * i * g_slope(g),
                         dh * tanh_c * o * (1 - o)], axis=1)
    return da, dc_total * f if times_f else dc_total


WRONG_ANSWERS = {
    "gru_cell": [
        (_gru_cell_flipped_z, ["z = 1, so h = h_prev", "['h']", "the update gate is used the other way round"]),
        (_gru_cell_z_first, ["['r']", "the r and z blocks are swapped"]),
        (_gru_cell_bias_outside, ["only b_hn and the n block of hw", "['n']", "b_hn is added outside"]),
        (_gru_cell_without_hn, ["expected 5 return values (r, z, n, hn, h), got 4 values"]),
    ],
    "gru_step": [
        (lambda x, h, p: _gru_step(x, h, p, flipped_z=True), ["only the z columns", "the other way round"]),
        (lambda x, h, p: _gru_step(x, h, p, reset_before=True),
         ["only the r and n columns of W_hh", "multiplies h_prev before the product"]),
        (lambda x, h, p: _gru_step(x, h, p, bias_outside=True), ["only b_hn", "b_hn is added outside"]),
        (_gru_step_without_b_hn, ["only b_hn", "b_hn is left out"]),
        (_gru_step_swapped_gates, ["only the z columns", "the r and z blocks are swapped"]),
    ],
    "gru_cell_backward": [
        (lambda *a: _gru_backward(*a, r_on_hidden=False), ["['delta_h']", "on the hidden side hn is multiplied by r"]),
        (lambda *a: _gru_backward(*a, tanh_slope=False), ["z = 0", "['delta_x']", "tanh slope (1 - n**2) is left out"]),
        (lambda *a: _gru_backward(*a, dz_sign=-1), ["r = 0", "['delta_x']", "dz has the wrong sign"]),
        (_gru_backward_flipped_z, ["z = 1: the state is copied", "the update gate the other way round"]),
    ],
    "lstm_step": [
        (lambda x, s, p: _lstm_step(x, s, p, forget_first=True), ["only the f columns", "['c']", "i and f blocks"]),
        (lambda x, s, p: _lstm_step(x, s, p, without_tanh_c=True), ["all parameters zero", "['h']",
                                                                    "tanh(c) is left out"]),
        (lambda x, s, p: _lstm_step(x, s, p, swap_outputs=True), ["returns its outputs in the order (c, h)"]),
        (_lstm_step_tensorflow_order, ["only the g columns", "['c']", "the old TensorFlow LSTMCell"]),
        (_lstm_step_all_sigmoid, ["all parameters zero", "['c']", "squashed by the sigmoid"]),
    ],
    "lstm_cell": [
        (lambda a, c: _lstm_cell(a, c, tanh_on_g=False), ["a = 0", "['gates']", "squashed by the sigmoid"]),
        (_lstm_cell_in_place, ["changed its argument a in place"]),
        (lambda a, c: _lstm_cell(a, c, forget_first=True), ["only the f block", "['c']", "i and f blocks"]),
    ],
    "lstm_cell_backward": [
        (lambda *a: _lstm_cell_backward(*a, through_h=False), ["dc = 0", "['da']", "misses the path through h"]),
        (lambda *a: _lstm_cell_backward(*a, tanh_slope=False), ["dc = 0", "the tanh slope is left out"]),
        (lambda *a: _lstm_cell_backward(*a, g_slope=lambda g: g * (1 - g)), ["dh = 0", "the sigmoid's slope"]),
        (lambda *a: _lstm_cell_backward(*a, times_f=False), ["dh = 0", "['dc_prev']", "without the factor f"]),
    ],
}
