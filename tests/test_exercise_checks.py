"""The exercise checks: each accepts the package's reference, reports an unfinished exercise, and names
what a realistic wrong answer got wrong."""
import types

import numpy as np
import pytest

from rnncourse.exercises import compare, gated, models, notation, recurrent
from rnncourse.gru import gru_step_forward
from rnncourse.losses import softmax, softmax_cross_entropy
from rnncourse.lstm import lstm_step_forward
from rnncourse.models import sample_with_temperature
from rnncourse.optim import clip_by_global_norm
from rnncourse.rnn import RNN, rnn_step_backward, rnn_step_forward, sigmoid

checks = types.SimpleNamespace(**{name: getattr(module, name) for module in (compare, notation, recurrent, gated, models)
                                  for name in dir(module) if not name.startswith("_")})

# ---------------------------------------------------------------- exercise checks: the references pass ...

def rnn_step(x, h_prev, params):
    return rnn_step_forward(x, h_prev, params)[0]


def rnn_forward(x, h0, params):
    layer = RNN(params["W_xh"].shape[0], params["W_hh"].shape[0])
    layer.params = params
    return layer.forward(x, h0)[0]


def rnn_step_backward_from_inputs(dh, x, h_prev, params):
    return rnn_step_backward(dh, rnn_step_forward(x, h_prev, params)[1])


def rnn_backward(d_hs, x, h0, params):
    layer = RNN(params["W_xh"].shape[0], params["W_hh"].shape[0])
    layer.params = params
    layer.forward(x, h0)
    dx, dh0 = layer.backward(d_hs)
    return dx, dh0, layer.grads


def bidirectional_forward(x, params_fwd, params_bwd):
    forward = rnn_forward(x, np.zeros((x.shape[0], params_fwd["W_hh"].shape[0])), params_fwd)
    backward = rnn_forward(x[:, ::-1], np.zeros((x.shape[0], params_bwd["W_hh"].shape[0])), params_bwd)
    return np.concatenate([forward, backward[:, ::-1]], axis=2)


REFERENCES = [
    (checks.check_rnn_step, rnn_step),
    (checks.check_rnn_forward, rnn_forward),
    (checks.check_rnn_step_backward, rnn_step_backward_from_inputs),
    (checks.check_rnn_backward, rnn_backward),
    (checks.check_gru_step, lambda x, h, p: gru_step_forward(x, h, p)[0]),
    (checks.check_lstm_step, lambda x, s, p: lstm_step_forward(x, s, p)[0]),
    (checks.check_softmax_cross_entropy, lambda z, y: softmax_cross_entropy(z, y)),
    (lambda f: checks.check_softmax_cross_entropy(f, masked=True), softmax_cross_entropy),
    (checks.check_clip_by_global_norm, clip_by_global_norm),
    (checks.check_sample_with_temperature, sample_with_temperature),
    (checks.check_bidirectional_forward, bidirectional_forward),
]


@pytest.mark.parametrize("check, reference", REFERENCES)
def test_every_check_accepts_the_reference(check, reference, capsys):
    assert bool(check(reference)) is True
    assert capsys.readouterr().out.startswith("✓")


def test_checks_report_an_unfinished_exercise(capsys):
    def todo(*args):
        raise NotImplementedError
    for check, _ in REFERENCES:
        assert bool(check(todo)) is False
        assert "not written yet" in capsys.readouterr().out


# ---------------------------------------------------------------- ... and wrong answers are named

def verdict(check, student, capsys):
    ok = check(student)
    out = capsys.readouterr().out
    assert bool(ok) is False and out.startswith("✗"), out
    return out


def test_rnn_step_names_the_missing_bias_and_the_transposed_recurrent_matrix(capsys):
    out = verdict(checks.check_rnn_step, lambda x, h, p: np.tanh(x @ p["W_xh"] + h @ p["W_hh"]), capsys)
    assert "only b_h is non-zero" in out
    out = verdict(checks.check_rnn_step, lambda x, h, p: np.tanh(x @ p["W_xh"] + h @ p["W_hh"].T + p["b_h"]), capsys)
    assert "only W_hh is non-zero" in out and "expected" in out and "got" in out


def test_rnn_forward_names_a_state_that_is_not_carried(capsys):
    def forgets(x, h0, params):
        return np.stack([rnn_step(x[:, t], h0, params) for t in range(x.shape[1])], axis=1)
    out = verdict(checks.check_rnn_forward, forgets, capsys)
    assert "the state must be carried" in out


def test_rnn_step_backward_names_the_wrong_gradient(capsys):
    def parts(dh, x, h_prev, params):
        da = dh * (1 - rnn_step(x, h_prev, params) ** 2)
        return da, {"W_xh": x.T @ da, "W_hh": h_prev.T @ da, "b_h": da.sum(axis=0)}

    def untransposed(dh, x, h_prev, params):
        da, grads = parts(dh, x, h_prev, params)
        return da @ params["W_xh"].T, da @ params["W_hh"], grads

    def no_batch_sum(dh, x, h_prev, params):
        da, grads = parts(dh, x, h_prev, params)
        return da @ params["W_xh"].T, da @ params["W_hh"].T, {**grads, "b_h": da[0]}

    def no_tanh_slope(dh, x, h_prev, params):
        da = dh
        return da @ params["W_xh"].T, da @ params["W_hh"].T, {"W_xh": x.T @ da, "W_hh": h_prev.T @ da,
                                                                "b_h": da.sum(axis=0)}

    def in_place(dh, x, h_prev, params):
        dh *= 1 - rnn_step(x, h_prev, params) ** 2
        return dh @ params["W_xh"].T, dh @ params["W_hh"].T, {"W_xh": x.T @ dh, "W_hh": h_prev.T @ dh,
                                                                "b_h": dh.sum(axis=0)}

    assert "['dh_prev']" in verdict(checks.check_rnn_step_backward, untransposed, capsys)
    assert "['db_h']" in verdict(checks.check_rnn_step_backward, no_batch_sum, capsys)
    out = verdict(checks.check_rnn_step_backward, no_tanh_slope, capsys)
    assert "['dW_xh']" in out and "only W_xh is non-zero" in out
    assert "changed its argument dh in place" in verdict(checks.check_rnn_step_backward, in_place, capsys)
    assert "dparams" in verdict(checks.check_rnn_step_backward, lambda *a: (1, 2), capsys)


def test_rnn_backward_names_a_gradient_not_summed_over_time_and_a_gradient_that_does_not_flow(capsys):
    def bptt(d_hs, x, h0, params, accumulate=True, carry=True):
        hs = rnn_forward(x, h0, params)
        grads = {k: np.zeros_like(v) for k, v in params.items()}
        dx, dh = np.zeros_like(x), np.zeros_like(h0)
        for t in reversed(range(x.shape[1])):
            h_prev = h0 if t == 0 else hs[:, t - 1]
            upstream = d_hs[:, t] + dh if carry else d_hs[:, t]  # carry=False: forgets the later steps
            dx[:, t], dh, step = rnn_step_backward_from_inputs(upstream, x[:, t], h_prev, params)
            grads = {k: grads[k] + step[k] for k in grads} if accumulate else step
        return dx, dh, grads

    assert check_rnn_backward_accepts(bptt, capsys)
    out = verdict(checks.check_rnn_backward, lambda *a: bptt(*a, accumulate=False), capsys)
    assert "['dW_xh']" in out and "SUM of every step" in out
    out = verdict(checks.check_rnn_backward, lambda *a: bptt(*a, carry=False), capsys)
    assert "flow back through W_hh" in out


def check_rnn_backward_accepts(student, capsys):
    ok = checks.check_rnn_backward(student)
    return ok and capsys.readouterr().out.startswith("✓")


def gru_parts(x, h, p):
    H = h.shape[1]
    a, b = x @ p["W_xh"] + p["b_h"], h @ p["W_hh"]
    return H, a, b, sigmoid(a[:, :H] + b[:, :H]), sigmoid(a[:, H:2 * H] + b[:, H:2 * H])


def test_gru_step_names_the_reset_convention_and_the_update_orientation(capsys):
    def reset_before_product(x, h, p):
        H, a, b, r, z = gru_parts(x, h, p)
        n = np.tanh(a[:, 2 * H:] + (r * h) @ p["W_hh"][:, 2 * H:] + p["b_hn"])
        return (1 - z) * n + z * h

    def swapped_z(x, h, p):
        H, a, b, r, z = gru_parts(x, h, p)
        n = np.tanh(a[:, 2 * H:] + r * (b[:, 2 * H:] + p["b_hn"]))
        return z * n + (1 - z) * h

    assert "only the r and n columns of W_hh" in verdict(checks.check_gru_step, reset_before_product, capsys)
    assert "only the z columns" in verdict(checks.check_gru_step, swapped_z, capsys)


def test_lstm_step_names_the_output_and_the_gate(capsys):
    def forget_swapped(x, state, p):  # i and f blocks exchanged
        (h, c), H = state, state[0].shape[1]
        a = x @ p["W_xh"] + h @ p["W_hh"] + p["b_h"]
        i, f, g, o = sigmoid(a[:, H:2 * H]), sigmoid(a[:, :H]), np.tanh(a[:, 2 * H:3 * H]), sigmoid(a[:, 3 * H:])
        c = f * c + i * g
        return o * np.tanh(c), c

    def h_without_tanh(x, state, p):
        (h, c), _ = lstm_step_forward(x, state, p)
        H = c.shape[1]
        o = sigmoid((x @ p["W_xh"] + state[0] @ p["W_hh"] + p["b_h"])[:, 3 * H:])
        return o * c, c

    out = verdict(checks.check_lstm_step, forget_swapped, capsys)
    assert "only the f columns" in out and "['c']" in out
    out = verdict(checks.check_lstm_step, h_without_tanh, capsys)
    assert "['h']" in out and "all parameters zero" in out


def test_softmax_cross_entropy_names_overflow_the_sum_and_the_mask(capsys):
    def naive(z, y):
        p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
        rows = np.arange(len(y))
        d = p.copy()
        d[rows, y] -= 1
        return -np.log(p[rows, y]).mean(), d / len(y)

    def summed(z, y):
        loss, d = softmax_cross_entropy(z, y, reduction="sum")
        return loss, d

    def mean_over_everything(z, y, m):
        loss, d = softmax_cross_entropy(z, y, m, reduction="sum")
        return loss / m.size, d / m.size

    with np.errstate(all="ignore"):
        out = verdict(checks.check_softmax_cross_entropy, naive, capsys)
    assert "huge logits" in out and "nan" in out
    assert "MEAN" in verdict(checks.check_softmax_cross_entropy, summed, capsys)
    out = verdict(lambda f: checks.check_softmax_cross_entropy(f, masked=True), mean_over_everything, capsys)
    assert "padded steps" in out


def test_clip_by_global_norm_names_per_array_clipping_and_in_place_changes(capsys):
    def per_array(grads, max_norm):
        total = np.sqrt(sum(np.sum(g ** 2) for g in grads.values()))
        return {k: g * min(1, max_norm / np.linalg.norm(g)) for k, g in grads.items()}, total

    def in_place(grads, max_norm):
        total = np.sqrt(sum(np.sum(g ** 2) for g in grads.values()))
        for g in grads.values():
            g *= min(1, max_norm / total)
        return grads, total

    assert "ALL arrays together" in verdict(checks.check_clip_by_global_norm, per_array, capsys)
    assert "in place" in verdict(checks.check_clip_by_global_norm, in_place, capsys)


def test_sample_with_temperature_names_what_is_wrong(capsys):
    check = checks.check_sample_with_temperature
    draw = lambda p, rng: int(rng.choice(len(p), p=p))  # noqa: E731
    out = verdict(check, lambda z, t, rng: draw(softmax(z), rng) if t > 0.1 else int(np.argmax(z)), capsys)
    assert "is the temperature applied" in out
    out = verdict(check, lambda z, t, rng: draw(softmax(z * t), rng) if t > 0.1 else int(np.argmax(z)), capsys)
    assert "divide by the temperature" in out
    state = np.random.get_state()[1].copy()
    out = verdict(check, lambda z, t, rng: int(np.random.choice(len(z), p=softmax(z / t))), capsys)
    assert "randomness other than the rng" in out
    assert np.array_equal(np.random.get_state()[1], state)  # the check restores numpy's global generator
    out = verdict(check, lambda z, t, rng: draw(softmax(z / t), np.random.default_rng(0)), capsys)
    assert "ignores the rng" in out
    out = verdict(check, lambda z, t, rng: draw(softmax(z / abs(t)), rng) if t else 0, capsys)
    assert "expected a ValueError" in out


def test_bidirectional_forward_names_a_backward_half_left_reversed(capsys):
    def not_flipped_back(x, pf, pb):
        forward = rnn_forward(x, np.zeros((x.shape[0], pf["W_hh"].shape[0])), pf)
        backward = rnn_forward(x[:, ::-1], np.zeros((x.shape[0], pb["W_hh"].shape[0])), pb)
        return np.concatenate([forward, backward], axis=2)

    def halves_swapped(x, pf, pb):
        out = bidirectional_forward(x, pf, pb)
        return np.concatenate([out[..., 3:], out[..., :3]], axis=2)

    assert "stored back in time order" in verdict(checks.check_bidirectional_forward, not_flipped_back, capsys)
    assert "the last 2 columns must be 0" in verdict(checks.check_bidirectional_forward, halves_swapped, capsys)



def test_check_function_reports_an_argument_changed_in_place(capsys):
    from rnncourse.optim import clip_by_value

    def clip_in_place(grads, limit):
        for value in grads.values():
            np.clip(value, -limit, limit, out=value)
        return grads
    cases = [checks.Case("one array above the limit", ({"W": np.array([3.0, -0.5])}, 1.0))]
    assert checks.check_function(clip_in_place, clip_by_value, cases, arg_names=["grads", "limit"]).passed is False
    assert "changed its argument grads['W'] in place" in capsys.readouterr().out


def test_a_verdict_is_truthy_when_passed_and_displays_nothing_more_in_a_notebook(capsys):
    verdict = checks.check_parameter_count(checks.rnn_parameter_count)
    assert verdict and isinstance(verdict, checks.Verdict) and verdict._ipython_display_() is None
    assert capsys.readouterr().out.startswith("✓ count_parameters agrees")

