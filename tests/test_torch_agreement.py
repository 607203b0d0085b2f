"""Our layers against torch.nn.RNN / GRU / LSTM in float64: same outputs, same gradients.

Skipped when PyTorch is not installed (it is optional for the course).
"""
import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="PyTorch not installed: pip install torch==2.13.0 to run the agreement tests")

from rnncourse.gradcheck import relative_error  # noqa: E402
from rnncourse.interop import from_torch, to_torch, torch_gradients  # noqa: E402
from rnncourse.lstm import LSTM  # noqa: E402
from rnncourse.rnn import RNN  # noqa: E402

KINDS = ["rnn_tanh", "rnn_relu", "gru", "lstm"]
B, T, D, H = 3, 6, 5, 4
TOL = 1e-9


def torch_module(kind, **options):
    settings = {"batch_first": True, "dtype": torch.float64, **options}
    if kind.startswith("rnn"):
        return torch.nn.RNN(D, H, nonlinearity=kind[4:], **settings)
    return {"gru": torch.nn.GRU, "lstm": torch.nn.LSTM}[kind](D, H, **settings)


def numpy_of(tensor):
    return tensor.detach().numpy()


@pytest.mark.parametrize("bias", [True, False], ids=["bias", "no_bias"])
@pytest.mark.parametrize("kind", KINDS)
def test_outputs_states_and_gradients_agree_with_torch(kind, bias):
    torch.manual_seed(0)
    module = torch_module(kind, bias=bias)
    layer = from_torch(module)
    x = torch.randn(B, T, D, dtype=torch.float64, requires_grad=True)
    state0 = [torch.randn(1, B, H, dtype=torch.float64, requires_grad=True) for _ in range(2 if kind == "lstm" else 1)]
    outputs, final = module(x, tuple(state0) if kind == "lstm" else state0[0])
    final = final if kind == "lstm" else (final,)
    g_out = torch.randn_like(outputs)
    g_final = [torch.randn_like(f) for f in final]
    loss = (outputs * g_out).sum() + sum((f * g).sum() for f, g in zip(final, g_final))
    loss.backward()

    ours_state0 = [numpy_of(s[0]) for s in state0]
    ours_out, ours_final = layer.forward(numpy_of(x), tuple(ours_state0) if kind == "lstm" else ours_state0[0])
    d_final = [numpy_of(g[0]) for g in g_final]
    dx, d_state0 = layer.backward(numpy_of(g_out), tuple(d_final) if kind == "lstm" else d_final[0])
    ours_final = ours_final if kind == "lstm" else (ours_final,)
    d_state0 = d_state0 if kind == "lstm" else (d_state0,)

    errors = {"outputs": relative_error(ours_out, numpy_of(outputs)), "x.grad": relative_error(dx, numpy_of(x.grad))}
    for k in range(len(state0)):
        errors[f"final[{k}]"] = relative_error(ours_final[k], numpy_of(final[k][0]))
        errors[f"state0[{k}].grad"] = relative_error(d_state0[k], numpy_of(state0[k].grad[0]))
    for name, grad in torch_gradients(layer).items():
        if hasattr(module, name):  # no bias tensors when bias=False
            errors[name] = relative_error(grad, numpy_of(getattr(module, name).grad))
    assert len(errors) == 2 + 2 * len(state0) + (4 if bias else 2)
    bad = {k: v for k, v in errors.items() if not v <= TOL}
    assert not bad, f"differences from torch above {TOL}: {bad}"


@pytest.mark.parametrize("kind", KINDS)
def test_to_torch_round_trip(kind):
    torch.manual_seed(1)
    layer = from_torch(torch_module(kind))
    module = to_torch(layer)
    back = from_torch(module)
    for name in layer.params:
        np.testing.assert_array_equal(back.params[name], layer.params[name], err_msg=name)
    x = np.random.default_rng(2).standard_normal((B, T, D))
    torch_out, _ = module(torch.from_numpy(x))
    assert relative_error(layer.forward(x)[0], numpy_of(torch_out)) <= TOL


def test_to_torch_keeps_the_dtype_and_rejects_other_layers():
    assert to_torch(LSTM(D, H, dtype=np.float32)).weight_hh_l0.dtype == torch.float32
    assert to_torch(RNN(D, H, nonlinearity="relu")).nonlinearity == "relu"
    with pytest.raises(TypeError, match="expected an rnncourse RNN, GRU or LSTM, got dict"):
        to_torch({})


@pytest.mark.parametrize("kind, options, message", [
    ("gru", {"num_layers": 2}, "expected num_layers=1, got num_layers=2"),
    ("rnn_tanh", {"batch_first": False}, "expected batch_first=True, got batch_first=False"),
    ("gru", {"bidirectional": True}, "expected bidirectional=False, got bidirectional=True"),
    ("lstm", {"proj_size": 2}, "expected proj_size=0, got proj_size=2"),
])
def test_from_torch_says_which_setting_it_cannot_handle(kind, options, message):
    with pytest.raises(ValueError, match=message):
        from_torch(torch_module(kind, **options))
    with pytest.raises(TypeError, match="expected a torch.nn.RNN, GRU or LSTM, got Linear"):
        from_torch(torch.nn.Linear(2, 3))
