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
}
