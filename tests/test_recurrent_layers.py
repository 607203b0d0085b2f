"""Recurrent layers (rnn, gru, lstm) and the wrappers built from them (Bidirectional, Stack).

Gradients are checked against central differences in float64; the sequence layers are also
checked against a plain loop of the step functions, which is how the course first writes them.
"""
import copy
import re

import numpy as np
import pytest

from rnncourse import init
from rnncourse.gradcheck import assert_gradients_close, check_layer, numerical_gradient, relative_error
from rnncourse.gru import GRU, gru_step_backward, gru_step_forward
from rnncourse.lstm import LSTM, lstm_step_backward, lstm_step_forward
from rnncourse.rnn import RNN, rnn_step_backward, rnn_step_forward
from rnncourse.wrappers import Bidirectional, Stack

KINDS = ["rnn_tanh", "rnn_relu", "gru", "lstm"]
D, H = 3, 4


def make_layer(kind, input_size=D, hidden_size=H, rng=0, dtype=np.float64):
    if kind.startswith("rnn"):
        return RNN(input_size, hidden_size, nonlinearity=kind[4:], rng=rng, dtype=dtype)
    return {"gru": GRU, "lstm": LSTM}[kind](input_size, hidden_size, rng=rng, dtype=dtype)


def make_model(name, dtype=np.float64):
    """A layer or wrapper by name: one of KINDS, or "bi_<kind>" / "stack_<kind>"."""
    if name.startswith("bi_"):
        return Bidirectional(make_layer(name[3:], rng=1, dtype=dtype), make_layer(name[3:], rng=2, dtype=dtype))
    if name.startswith("stack_"):
        return Stack([make_layer(name[6:], D, H, rng=1, dtype=dtype), make_layer(name[6:], H, H, rng=2, dtype=dtype)])
    return make_layer(name, dtype=dtype)


def step_functions(kind):
    """(forward(x, state, params), backward(d_state, cache)) for one step of `kind`."""
    if kind.startswith("rnn"):
        return (lambda x, h, params: rnn_step_forward(x, h, params, kind[4:])), rnn_step_backward
    return {"gru": (gru_step_forward, gru_step_backward), "lstm": (lstm_step_forward, lstm_step_backward)}[kind]


def parts(state):
    """A state as a tuple of arrays: (h,) or (h, c)."""
    return state if isinstance(state, tuple) else (state,)


def random_like(state, rng):
    """A random state (or state gradient) with the structure of `state` (arrays, tuples, lists)."""
    if isinstance(state, (tuple, list)):
        return type(state)(random_like(s, rng) for s in state)
    return rng.standard_normal(state.shape)


def copies(state):
    return [s.copy() for s in parts(state)]


def flatten(state):
    """Every array of a (nested) state, flattened into one vector (a copy)."""
    if isinstance(state, (tuple, list)):
        return np.concatenate([flatten(s) for s in state])
    return np.ravel(state).copy()


def leaves(state):
    """The arrays of a (nested) state, in order."""
    if isinstance(state, (tuple, list)):
        return [leaf for s in state for leaf in leaves(s)]
    return [state]


def assert_states_close(a, b, **tolerance):
    for p, q in zip(parts(a), parts(b), strict=True):
        np.testing.assert_allclose(p, q, **tolerance)


# ----------------------------------------------------------------------------- gradients

@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("seed", range(3))
def test_step_backward_matches_central_differences(kind, seed):
    rng = np.random.default_rng(seed)
    B, D_, H_ = (int(n) for n in rng.integers(1, 5, size=3))
    params = make_layer(kind, D_, H_, rng=seed).params
    x, state = rng.standard_normal((B, D_)), random_like(make_layer(kind, D_, H_).zero_state(B), rng)
    forward, backward = step_functions(kind)
    new_state, cache = forward(x, state, params)
    g = random_like(new_state, rng)
    dx, d_state, dparams = backward(g, cache)

    def loss(x_, state_, params_):
        out, _ = forward(x_, state_, params_)
        return sum(float(np.sum(o * w)) for o, w in zip(parts(out), parts(g)))

    errors = {"x": relative_error(dx, numerical_gradient(lambda v: loss(v, state, params), x))}
    for k, (s, ds) in enumerate(zip(parts(state), parts(d_state))):
        def with_part(v, k=k):
            replaced = list(parts(state))
            replaced[k] = v
            return loss(x, tuple(replaced) if kind == "lstm" else replaced[0], params)
        errors[f"state[{k}]"] = relative_error(ds, numerical_gradient(with_part, s))
    for name, value in params.items():
        numeric = numerical_gradient(lambda v, name=name: loss(x, state, {**params, name: v}), value)
        errors[name] = relative_error(dparams[name], numeric)
    assert_gradients_close(errors, tol=1e-7)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("B, T", [(1, 1), (1, 4), (3, 1), (2, 5)])
@pytest.mark.parametrize("with_state", [False, True], ids=["zero_state", "state0"])
def test_sequence_backward_matches_central_differences(kind, B, T, with_state):
    rng = np.random.default_rng(B * 10 + T)
    layer = make_layer(kind, rng=rng)
    state0 = random_like(layer.zero_state(B), rng) if with_state else None
    errors = check_layer(layer, rng.standard_normal((B, T, D)), state0, seed=T)
    state_keys = ({"state0[0]", "state0[1]"} if kind == "lstm" else {"state0"}) if with_state else set()
    assert set(errors) == {"x", *layer.params} | state_keys
    assert_gradients_close(errors, tol=1e-6)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("wrapper", ["bi", "stack"])
@pytest.mark.parametrize("with_state", [False, True], ids=["zero_state", "state0"])
def test_wrapper_backward_matches_central_differences(kind, wrapper, with_state):
    rng = np.random.default_rng(7)
    model = make_model(f"{wrapper}_{kind}")
    state0 = random_like(model.zero_state(2), rng) if with_state else None
    errors = check_layer(model, rng.standard_normal((2, 3, D)), state0)
    assert_gradients_close(errors, tol=1e-6)


def test_bidirectional_of_different_layers_matches_central_differences():
    model = Bidirectional(GRU(D, 3, rng=1), LSTM(D, 2, rng=2))
    errors = check_layer(model, np.random.default_rng(3).standard_normal((2, 4, D)))
    assert_gradients_close(errors, tol=1e-6)


# ----------------------------------------------------------------------------- the layer is the loop of steps

@pytest.mark.parametrize("kind", KINDS)
def test_sequence_layer_equals_loop_of_step_functions(kind):
    rng = np.random.default_rng(11)
    B, T = 3, 6
    layer = make_layer(kind, rng=rng)
    x, state0 = rng.standard_normal((B, T, D)), random_like(layer.zero_state(B), rng)
    outputs, final = layer.forward(x, state0)
    d_outputs, d_final = rng.standard_normal(outputs.shape), random_like(final, rng)
    dx, d_state0 = layer.backward(d_outputs, d_final)

    forward, backward = step_functions(kind)
    state, caches = state0, []
    for t in range(T):
        state, cache = forward(x[:, t], state, layer.params)
        caches.append(cache)
        np.testing.assert_allclose(outputs[:, t], parts(state)[0], rtol=1e-12, atol=1e-14)
    assert_states_close(final, state, rtol=1e-12, atol=1e-14)

    d_state, dx_steps, totals = d_final, [None] * T, {name: 0.0 for name in layer.params}
    for t in reversed(range(T)):
        dh = parts(d_state)[0] + d_outputs[:, t]
        dx_steps[t], d_state, dparams = backward((dh, d_state[1]) if kind == "lstm" else dh, caches[t])
        totals = {name: totals[name] + dparams[name] for name in totals}
    np.testing.assert_allclose(dx, np.stack(dx_steps, axis=1), rtol=1e-10, atol=1e-12)
    assert_states_close(d_state0, d_state, rtol=1e-10, atol=1e-12)
    for name in totals:
        np.testing.assert_allclose(layer.grads[name], totals[name], rtol=1e-10, atol=1e-12, err_msg=name)


# ----------------------------------------------------------------------------- behaviour

MODELS = KINDS + ["bi_gru", "bi_lstm", "stack_rnn_tanh", "stack_lstm"]


@pytest.mark.parametrize("name", MODELS)
def test_no_argument_is_mutated(name):
    rng = np.random.default_rng(5)
    model = make_model(name)
    x, state0 = rng.standard_normal((2, 3, D)), random_like(model.zero_state(2), rng)
    params = {k: v.copy() for k, v in model.params.items()}
    kept_x, kept_state0 = x.copy(), flatten(state0)
    outputs, final = model.forward(x, state0)
    d_outputs, d_final = rng.standard_normal(outputs.shape), random_like(final, rng)
    kept_d_outputs, kept_d_final = d_outputs.copy(), flatten(d_final)
    model.backward(d_outputs, d_final)
    np.testing.assert_array_equal(x, kept_x)
    np.testing.assert_array_equal(flatten(state0), kept_state0)
    np.testing.assert_array_equal(d_outputs, kept_d_outputs)
    np.testing.assert_array_equal(flatten(d_final), kept_d_final)
    for k in params:
        np.testing.assert_array_equal(model.params[k], params[k], err_msg=k)


@pytest.mark.parametrize("kind", KINDS)
def test_step_functions_do_not_mutate_their_inputs(kind):
    rng = np.random.default_rng(6)
    params = make_layer(kind).params
    x, state = rng.standard_normal((2, D)), random_like(make_layer(kind).zero_state(2), rng)
    kept = [x.copy(), *copies(state), *(p.copy() for p in params.values())]
    forward, backward = step_functions(kind)
    new_state, cache = forward(x, state, params)
    g = random_like(new_state, rng)
    kept_g = copies(g)
    backward(g, cache)
    for before, after in zip(kept, [x, *parts(state), *params.values()]):
        np.testing.assert_array_equal(before, after)
    for before, after in zip(kept_g, parts(g)):
        np.testing.assert_array_equal(before, after)


@pytest.mark.parametrize("name", MODELS)
def test_second_forward_and_backward_overwrite_not_accumulate(name):
    rng = np.random.default_rng(8)
    model, fresh = make_model(name), make_model(name)
    first, second = rng.standard_normal((2, 3, D)), rng.standard_normal((4, 5, D))
    d_first, d_second = rng.standard_normal((2, 3, model.hidden_size)), rng.standard_normal((4, 5, model.hidden_size))
    model.forward(first)
    model.backward(d_first)
    outputs, _ = model.forward(second)
    dx, _ = model.backward(d_second)
    fresh_outputs, _ = fresh.forward(second)
    fresh_dx, _ = fresh.backward(d_second)
    np.testing.assert_array_equal(outputs, fresh_outputs)
    np.testing.assert_array_equal(dx, fresh_dx)
    for k in fresh.grads:
        np.testing.assert_array_equal(model.grads[k], fresh.grads[k], err_msg=k)


@pytest.mark.parametrize("name", MODELS)
def test_final_state_depends_on_the_first_input(name):
    rng = np.random.default_rng(9)
    model = make_model(name)
    x = rng.standard_normal((2, 6, D))
    _, final = model.forward(x)
    before = [leaf.copy() for leaf in leaves(final)]
    x[:, 0] += 0.5
    _, final = model.forward(x)
    for k, (old, new) in enumerate(zip(before, leaves(final), strict=True)):
        assert np.abs(new - old).max() > 1e-6, f"final state part {k} ignores x[:, 0]"


@pytest.mark.parametrize("name", ["lstm", "bi_gru", "stack_rnn_relu"])
def test_backward_without_output_gradient_is_backward_with_zeros(name):
    model = make_model(name)
    outputs, final = model.forward(np.random.default_rng(12).standard_normal((2, 3, D)))
    d_final = random_like(final, np.random.default_rng(13))
    dx_none, d0_none = model.backward(None, d_final)
    dx_zero, d0_zero = model.backward(np.zeros_like(outputs), d_final)
    np.testing.assert_array_equal(dx_none, dx_zero)
    np.testing.assert_array_equal(flatten(d0_none), flatten(d0_zero))


@pytest.mark.parametrize("kind", ["gru", "lstm"])
def test_gates_and_hidden_states_are_exposed(kind):
    layer = make_layer(kind)
    outputs, _ = layer.forward(np.ones((2, 3, D)))
    names = {"gru": {"r", "z", "n"}, "lstm": {"i", "f", "g", "o"}}[kind]
    assert set(layer.gates) == names
    assert all(gate.shape == (2, 3, H) for gate in layer.gates.values())
    assert np.array_equal(layer.hidden_states, outputs) and layer.hidden_states is not outputs  # our own copy


def test_wrapper_params_and_grads_are_the_sub_layers_arrays():
    bi = Bidirectional(GRU(D, H, rng=1), LSTM(D, 2, rng=2))
    stack = Stack([bi, RNN(H + 2, 3)])
    assert set(stack.params) == {f"0.{k}" for k in bi.params} | {"1.W_xh", "1.W_hh", "1.b_h"}
    assert stack.params["0.fwd.W_xh"] is bi.fwd.params["W_xh"]
    outputs, finals = stack.forward(np.ones((2, 5, D)))
    assert outputs.shape == (2, 5, 3) and [o.shape for o in stack.layer_outputs] == [(2, 5, H + 2), (2, 5, 3)]
    stack.backward(np.ones_like(outputs))
    assert stack.grads["0.bwd.W_hh"] is bi.bwd.grads["W_hh"]
    assert stack.grads["1.b_h"] is stack.layers[1].grads["b_h"]


@pytest.mark.parametrize("write", [lambda d: d.__setitem__("1.b_h", 0), lambda d: d.update({"1.b_h": 0}),
                                   lambda d: d.pop("1.b_h"), lambda d: d.clear()])
def test_writing_into_a_wrappers_merged_dict_raises_instead_of_being_lost(write):
    stack = Stack([RNN(D, H), RNN(H, 3, rng=1)])
    for merged in (stack.params, stack.grads):
        with pytest.raises(TypeError, match=r"would be lost; expected a write into a sub-layer's own dict"):
            write(merged)
    assert stack.grads["1.b_h"] is stack.layers[1].grads["b_h"]  # nothing changed
    assert type(copy.deepcopy(stack.params)) is dict  # copies are plain dicts


def test_an_in_place_update_through_a_wrappers_merged_dict_works():
    stack = Stack([RNN(D, H), RNN(H, 3, rng=1)])
    before = stack.layers[1].params["b_h"].copy()
    stack.params["1.b_h"] -= 0.1  # changes the array in place, then stores the same array back
    np.testing.assert_array_equal(stack.layers[1].params["b_h"], before - 0.1)


@pytest.mark.parametrize("kind", KINDS)
def test_hidden_states_and_gates_are_read_only_views(kind):
    layer = make_model(kind)
    layer.forward(np.ones((2, 3, D)))
    views = [layer.hidden_states, *getattr(layer, "gates", {}).values()]
    views += [layer.cell_states] if hasattr(layer, "cell_states") else []
    for view in views:
        with pytest.raises(ValueError, match="read-only"):
            view[0, 0, 0] = 1.0  # backward reads these: editing them would change the gradients


def test_lstm_gates_keep_their_relative_precision_when_nearly_closed():
    layer = LSTM(D, H, rng=0)
    layer.params["b_h"][3 * H:] -= 30.0  # output gate σ(a_o) ≈ 1e-13
    x = np.random.default_rng(1).standard_normal((2, 1, D))
    layer.forward(x)
    a_o = x[:, 0] @ layer.params["W_xh"][:, 3 * H:] + layer.params["b_h"][3 * H:]  # h0 = 0
    np.testing.assert_allclose(layer.gates["o"][:, 0], 1 / (1 + np.exp(-a_o)), rtol=1e-13)


# ----------------------------------------------------------------------------- bad input

@pytest.mark.parametrize("name", KINDS + ["bi_gru", "stack_lstm"])
def test_bad_input_says_what_was_expected_and_what_was_received(name):
    model = make_model(name)
    with pytest.raises(RuntimeError, match="expected a forward pass first"):
        model.backward(np.zeros((2, 3, model.hidden_size)))
    with pytest.raises(ValueError, match=r"expected shape .*got \(2, 3\)"):
        model.forward(np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"expected shape .*3\), got \(2, 4, 5\)"):
        model.forward(np.zeros((2, 4, 5)))
    for bad in (np.nan, np.inf):
        x = np.zeros((2, 4, D))
        x[1, 2, 0] = bad
        with pytest.raises(ValueError, match=rf"expected finite values, got {bad} at index \(1, 2, 0\)"):
            model.forward(x)
    model.forward(np.zeros((2, 4, D)))
    H_out = model.hidden_size
    with pytest.raises(ValueError, match=re.escape(f"expected shape (2, 4, {H_out}), got (2, 4, {H_out + 1})")):
        model.backward(np.zeros((2, 4, H_out + 1)))


@pytest.mark.parametrize("kind", KINDS)
def test_wrong_state_shapes_are_reported(kind):
    layer = make_layer(kind)
    x = np.zeros((2, 4, D))
    wrong = layer.zero_state(3)
    with pytest.raises(ValueError, match=r"state0.*expected shape .*\(2, 4\), got \(3, 4\)"):
        layer.forward(x, wrong)
    layer.forward(x)
    with pytest.raises(ValueError, match=r"d_state.*expected shape .*\(2, 4\), got \(3, 4\)"):
        layer.backward(np.zeros((2, 4, H)), wrong)
    with pytest.raises(ValueError, match=r"d_outputs: expected finite values, got nan"):
        layer.backward(np.full((2, 4, H), np.nan))


def test_bad_construction_and_state_structure_are_reported():
    with pytest.raises(ValueError, match=r"nonlinearity: expected one of \['relu', 'tanh'\], got 'sigmoid'"):
        RNN(D, H, nonlinearity="sigmoid")
    with pytest.raises(ValueError, match=r"hidden_size: expected a positive int, got 0"):
        GRU(D, 0)
    with pytest.raises(ValueError, match=r"expected a pair \(h, c\).*got a list of length 3"):
        LSTM(D, H).forward(np.zeros((2, 1, D)), [np.zeros((2, H))] * 3)
    with pytest.raises(ValueError, match=r"layer 1 expected input_size = 4 .*got 3"):
        Stack([RNN(D, H), RNN(3, H)])
    with pytest.raises(ValueError, match=r"state0: expected one entry per layer \(2\), got length 1"):
        make_model("stack_gru").forward(np.zeros((2, 1, D)), [np.zeros((2, H))])
    layer = GRU(D, H)
    with pytest.raises(ValueError, match="expected two separate layers"):
        Bidirectional(layer, layer)
    with pytest.raises(ValueError, match=r"x: expected shape \(batch, features\) = \('any', 3\), got \(2, 5\)"):
        rnn_step_forward(np.zeros((2, 5)), np.zeros((2, H)), RNN(D, H).params)


# ----------------------------------------------------------------------------- ids as one-hot rows

@pytest.mark.parametrize("name", KINDS + ["stack_lstm"])
def test_ids_give_exactly_what_their_one_hot_rows_give(name):
    """x<t> W_xh for a one-hot x<t> is a row of W_xh: looked up, the outputs and every gradient are
    the very same numbers as with the one-hot floats; ids have no gradient (dx is None)."""
    rng = np.random.default_rng(11)
    ids = rng.integers(0, D, (3, 6))
    by_ids, by_rows = make_model(name), make_model(name)
    out_ids, final_ids = by_ids.forward(ids)
    out_rows, final_rows = by_rows.forward(np.eye(D)[ids])
    np.testing.assert_array_equal(out_ids, out_rows)
    for a, b in zip(leaves(final_ids), leaves(final_rows)):
        np.testing.assert_array_equal(a, b)
    d_outputs = rng.standard_normal(out_ids.shape)
    dx_ids, d0_ids = by_ids.backward(d_outputs)
    _, d0_rows = by_rows.backward(d_outputs)
    assert dx_ids is None
    for a, b in zip(leaves(d0_ids), leaves(d0_rows)):
        np.testing.assert_array_equal(a, b)
    for k in by_rows.grads:  # W_xh's rows are summed in another order: equal to rounding
        np.testing.assert_allclose(by_ids.grads[k], by_rows.grads[k], rtol=1e-12, atol=1e-14, err_msg=k)


@pytest.mark.parametrize("kind", KINDS)
def test_bad_ids_are_reported(kind):
    layer = make_layer(kind)
    with pytest.raises(ValueError, match=rf"x: expected ids in \[0, {D}\), got {D}"):
        layer.forward(np.array([[0, D]]))
    with pytest.raises(ValueError, match=r"x: expected at least one sequence of at least one step, got shape \(2, 0\)"):
        layer.forward(np.zeros((2, 0), dtype=int))


# ----------------------------------------------------------------------------- float32

@pytest.mark.parametrize("name", KINDS + ["bi_lstm"])
def test_float32_layer_is_close_to_float64(name):
    rng = np.random.default_rng(10)
    single, double = make_model(name, np.float32), make_model(name)
    for k, value in single.params.items():  # the very same weights, so only the arithmetic differs
        double.params[k][...] = value
    x, d_outputs = rng.standard_normal((3, 7, D)), rng.standard_normal((3, 7, double.hidden_size))
    out64, _ = double.forward(x)
    dx64, _ = double.backward(d_outputs)
    out32, _ = single.forward(x)  # float64 input, cast by the layer
    dx32, _ = single.backward(d_outputs)
    assert out32.dtype == dx32.dtype == np.float32
    np.testing.assert_allclose(out32, out64, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(dx32, dx64, rtol=1e-4, atol=1e-5)
    for k in double.grads:
        assert single.grads[k].dtype == np.float32
        np.testing.assert_allclose(single.grads[k], double.grads[k], rtol=1e-4, atol=1e-5, err_msg=k)


# ----------------------------------------------------------------------------- initialisers

def test_initialisers_are_seeded_and_bounded():
    np.testing.assert_array_equal(init.uniform((3, 4), 0.5, rng=1), init.uniform((3, 4), 0.5, np.random.default_rng(1)))
    w = init.pytorch_default((50, 40), 16, rng=0, dtype=np.float32)
    assert w.dtype == np.float32 and np.abs(w).max() <= 0.25
    assert np.abs(init.xavier_uniform((30, 70), rng=3)).max() <= np.sqrt(6 / 100)
    q = init.orthogonal(6, rng=2)
    np.testing.assert_allclose(q @ q.T, np.eye(6), atol=1e-12)
    layer = LSTM(D, 16, rng=4)  # layers use PyTorch's default, U(-1/sqrt(H), 1/sqrt(H))
    assert all(np.abs(p).max() <= 0.25 for p in layer.params.values())
    with pytest.raises(TypeError, match="expected a numpy.random.Generator or an int seed, got 0.5"):
        init.as_rng(0.5)


@pytest.mark.parametrize("make", [lambda: RNN(3, 4, rng=1), lambda: GRU(3, 4, rng=1), lambda: LSTM(3, 4, rng=1)])
def test_changing_what_was_passed_or_returned_does_not_change_the_gradients(make):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 5, 3))
    reference, layer = make(), make()
    reference.forward(x.copy())
    expected = reference.backward(np.ones((2, 5, 4)))
    outputs, final = layer.forward(x)
    x *= 3.0          # the caller reuses its input buffer ...
    outputs *= 0.5    # ... and edits the outputs ...
    for state in (final if isinstance(final, tuple) else (final,)):
        state *= 2.0  # ... and the final state it received
    got = layer.backward(np.ones((2, 5, 4)))
    np.testing.assert_array_equal(got[0], expected[0])  # dx
    for name in layer.params:
        assert np.array_equal(layer.grads[name], reference.grads[name]), name


def test_check_layer_handles_nested_and_list_states():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 3, 2))
    stack = Stack([RNN(2, 3, rng=1), LSTM(3, 2, rng=2)])
    state0 = [rng.standard_normal((2, 3)), (rng.standard_normal((2, 2)), rng.standard_normal((2, 2)))]
    errors = check_layer(stack, x, state0)
    assert {"state0[0]", "state0[1][0]", "state0[1][1]"} <= set(errors)
    assert_gradients_close(errors, 1e-6)
    assert_gradients_close(check_layer(LSTM(2, 3, rng=3), x, [np.zeros((2, 3)), np.ones((2, 3))]), 1e-6)


def test_lstm_step_promotes_mixed_dtypes_like_numpy():
    params = {k: v for k, v in LSTM(D, H, rng=0).params.items()}  # float64
    x, h_prev, c_prev = np.ones((2, D)), np.zeros((2, H), np.float32), np.zeros((2, H), np.float32)
    (h, c), _ = lstm_step_forward(x, (h_prev, c_prev), params)
    assert h.dtype == c.dtype == np.float64
