"""Realistic wrong answers to the exercises of notebooks 03-05, each with the words its ✗ message must contain."""
import numpy as np


def _step(x, h, p):
    return np.tanh(x @ p["W_xh"] + h @ p["W_hh"] + p["b_h"])


def _forgets_the_state(x, h0, p):
    return np.stack([_step(x[:, t], h0, p) for t in range(x.shape[1])], axis=1)


def _off_by_one_in_time(x, h0, p):  # stores the state *before* each step
    h, states = h0, []
    for t in range(x.shape[1]):
        states.append(h)
        h = _step(x[:, t], h, p)
    return np.stack(states, axis=1)


def _list_of_states(x, h0, p):
    h, states = h0, []
    for t in range(x.shape[1]):
        h = _step(x[:, t], h, p)
        states.append(h)
    return states


def _blocks_in_the_wrong_order(x, h, p):
    W_h = np.concatenate([p["W_hh"], p["W_xh"]], axis=0)
    return np.tanh(np.concatenate([x, h], axis=1) @ W_h + p["b_h"])


# ---------------------------------------------------------------- notebook 04: backward through time

def _step_grads(g, x, h_prev, p):
    return g @ p["W_xh"].T, g @ p["W_hh"].T, {"W_xh": x.T @ g, "W_hh": h_prev.T @ g, "b_h": g.sum(axis=0)}


def _no_tanh_slope(dh, x, h_prev, p):
    return _step_grads(dh, x, h_prev, p)


def _dh_prev_untransposed(dh, x, h_prev, p):
    g = dh * (1 - _step(x, h_prev, p) ** 2)
    return g @ p["W_xh"].T, g @ p["W_hh"], {"W_xh": x.T @ g, "W_hh": h_prev.T @ g, "b_h": g.sum(axis=0)}


def _db_h_averaged(dh, x, h_prev, p):
    g = dh * (1 - _step(x, h_prev, p) ** 2)
    return g @ p["W_xh"].T, g @ p["W_hh"].T, {"W_xh": x.T @ g, "W_hh": h_prev.T @ g, "b_h": g.mean(axis=0)}


def _dh_changed_in_place(dh, x, h_prev, p):
    dh *= 1 - _step(x, h_prev, p) ** 2
    return _step_grads(dh, x, h_prev, p)


def _relu_slope_at_zero_too(dh, x, h_prev, p):
    h = np.maximum(x @ p["W_xh"] + h_prev @ p["W_hh"] + p["b_h"], 0)
    return _step_grads(dh * (h >= 0), x, h_prev, p)


def _relu_with_tanh_slope(dh, x, h_prev, p):
    h = np.maximum(x @ p["W_xh"] + h_prev @ p["W_hh"] + p["b_h"], 0)
    return _step_grads(dh * (1 - h ** 2), x, h_prev, p)


def _bptt(d_hs, x, h0, p, assign=False, carry=True, h_for_dW_hh=0, forward_in_time=False):
    """A student's BPTT loop; each keyword reproduces one slip."""
    states = [h0]
    for t in range(x.shape[1]):
        states.append(_step(x[:, t], states[-1], p))
    grads = {name: np.zeros_like(value) for name, value in p.items()}
    dx, dh_next = np.zeros_like(x), np.zeros_like(h0)
    steps = range(x.shape[1]) if forward_in_time else reversed(range(x.shape[1]))
    for t in steps:
        g = (d_hs[:, t] + (dh_next if carry else 0)) * (1 - states[t + 1] ** 2)
        share = {"W_xh": x[:, t].T @ g, "W_hh": states[t + h_for_dW_hh].T @ g, "b_h": g.sum(axis=0)}
        grads = share if assign else {name: grads[name] + share[name] for name in grads}
        dx[:, t], dh_next = g @ p["W_xh"].T, g @ p["W_hh"].T
    return dx, dh_next, grads


def _chunks(d_hs, x, h0, p, k, from_h0=False, full_chunks_only=False):
    """A student's truncated BPTT built on the loop above."""
    total = {name: np.zeros_like(value) for name, value in p.items()}
    T, h = x.shape[1], h0
    for start in range(0, T - k + 1 if full_chunks_only else T, k):
        chunk = slice(start, start + k)
        grads = _bptt(d_hs[:, chunk], x[:, chunk], h, p)[2]
        total = {name: total[name] + grads[name] for name in total}
        if not from_h0:
            h = _forward(x[:, chunk], h, p)[:, -1]
    return total


def _forward(x, h0, p):
    h, states = h0, []
    for t in range(x.shape[1]):
        h = _step(x[:, t], h, p)
        states.append(h)
    return np.stack(states, axis=1)


# ---------------------------------------------------------------- notebook 05: the global norm and clipping

def _sum_of_norms(grads):
    return sum(np.linalg.norm(g) for g in grads.values())


def _spectral_norms(grads):
    return np.sqrt(sum(np.linalg.norm(g, 2) ** 2 for g in grads.values()))


def _no_square_root(grads):
    return sum(np.sum(g ** 2) for g in grads.values())


def _norm(grads):
    return np.sqrt(sum(np.sum(g ** 2) for g in grads.values()))


def _clip_each_array(grads, max_norm):
    return {k: g * min(1, max_norm / np.linalg.norm(g)) for k, g in grads.items()}, _norm(grads)


def _always_rescale(grads, max_norm):
    norm = _norm(grads)
    return {k: g * max_norm / norm for k, g in grads.items()}, norm


def _norm_first(grads, max_norm):
    norm = _norm(grads)
    return norm, {k: g * min(1, max_norm / norm) for k, g in grads.items()}


def _norm_after_clipping(grads, max_norm):
    clipped = {k: g * min(1, max_norm / _norm(grads)) for k, g in grads.items()}
    return clipped, _norm(clipped)


def _clip_in_place(grads, limit):
    for g in grads.values():
        np.clip(g, -limit, limit, out=g)
    return grads


WRONG_ANSWERS = {
    "rnn_step": [
        (lambda x, h, p: np.tanh(x @ p["W_xh"] + h @ p["W_hh"].T + p["b_h"]),
         ["only W_hh is non-zero", "W_hh is used transposed"]),
        (lambda x, h, p: np.tanh(x @ p["W_xh"] + h @ p["W_hh"]), ["only b_h is non-zero", "bias b_h is left out"]),
        (lambda x, h, p: np.tanh(x @ p["W_xh"].T + h @ p["W_hh"] + p["b_h"]), ["x (4, 3)", "params['W_xh'] (3, 5)", "transposed"]),
    ],
    "rnn_forward": [
        (_forgets_the_state, ["the state must be carried"]),
        (_off_by_one_in_time, ["one step (T = 1)"]),
        (_list_of_states, ["expected a numpy array of shape (3, 1, 5), got a Python list"]),
    ],
    "rnn_step_one_product": [
        (_blocks_in_the_wrong_order, ["W_h stacks W_hh above W_xh"]),
    ],
    "rnn_step_backward_from_inputs": [
        (_no_tanh_slope, ["only W_xh is non-zero", "['dW_xh']", "tanh slope is left out"]),
        (_dh_prev_untransposed, ["['dh_prev']", "W_hh instead of its transpose"]),
        (_db_h_averaged, ["['db_h']", "mean over the batch"]),
        (_dh_changed_in_place, ["changed its argument dh in place"]),
    ],
    "relu_step_backward": [
        (_relu_slope_at_zero_too, ["units with b_h < 0 are off", "h >= 0"]),
        (_relu_with_tanh_slope, ["tanh slope 1 - h**2 is used"]),
    ],
    "rnn_backward": [
        (lambda *a: _bptt(*a, assign=True), ["SUM of every step", "replace the totals"]),
        (lambda *a: _bptt(*a, carry=False), ["flow back through W_hh", "step t+1 is not added"]),
        (lambda *a: _bptt(*a, h_for_dW_hh=1), ["['dW_hh']", "off by one in time"]),
        (lambda *a: _bptt(*a, forward_in_time=True), ["runs forward in time"]),
    ],
    "truncated_backward": [
        (lambda d_hs, x, h0, p, k: _bptt(d_hs, x, h0, p)[2], ["k = 1", "that is full BPTT"]),
        (lambda *a: _chunks(*a, from_h0=True), ["previous chunk's final", "every chunk starts from h0"]),
        (lambda *a: _chunks(*a, full_chunks_only=True), ["k = 10 > T", "shorter than k, is left out"]),
    ],
    "global_norm": [
        (_sum_of_norms, ["ALL arrays", "norms of the arrays are added"]),
        (_spectral_norms, ["a matrix", "largest singular value"]),
        (_no_square_root, ["square root is left out"]),
    ],
    "clip_by_global_norm": [
        (_clip_each_array, ["ALL arrays together", "its own norm"]),
        (_always_rescale, ["the norm is below max_norm", "even when norm is already below max_norm"]),
        (_norm_first, ["returns its outputs in the order (norm, grads)"]),
        (_norm_after_clipping, ["result['norm']", "return the norm before clipping"]),
    ],
    "clip_by_value": [
        (lambda grads, limit: {k: np.minimum(g, limit) for k, g in grads.items()},
         ["both sides are clipped", "only the upper side"]),
        (lambda grads, limit: {k: np.clip(g, -1, 1) for k, g in grads.items()}, ["is 1 hard-coded", "fixed number 1"]),
        (_clip_in_place, ["changed its argument grads['g'] in place"]),
    ],
}
