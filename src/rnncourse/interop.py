"""Moving weights between rnncourse layers and torch.nn.RNN / GRU / LSTM.

PyTorch stores weight_ih_l0 (G*H, D) and weight_hh_l0 (G*H, H) for column vectors; with our
row vectors W_xh = weight_ih_l0.T and W_hh = weight_hh_l0.T, gate blocks in the same order.
PyTorch has two biases, bias_ih_l0 and bias_hh_l0, that are simply added, so we keep their sum
b_h — except the GRU's hidden bias of n, which sits inside r ⊙ (...) and is kept as b_hn.

PyTorch is optional: it is imported only when one of these functions is called.
"""
import numpy as np

from .gru import GRU
from .lstm import LSTM
from .rnn import RNN

_KINDS = {"RNN": RNN, "GRU": GRU, "LSTM": LSTM}


def _import_torch():
    try:
        import torch
    except ImportError as error:
        raise ImportError("rnncourse.interop needs PyTorch, which is optional: "
                          "pip install torch==2.13.0") from error
    return torch


def _numpy(tensor):
    return tensor.detach().cpu().double().numpy().copy()


def from_torch(module):
    """An equivalent float64 rnncourse layer from a single-layer, batch_first=True
    torch.nn.RNN, GRU or LSTM. With bias=False the layer's biases start at zero."""
    torch = _import_torch()
    if not isinstance(module, (torch.nn.RNN, torch.nn.GRU, torch.nn.LSTM)):
        raise TypeError(f"from_torch: expected a torch.nn.RNN, GRU or LSTM, got {type(module).__name__}")
    settings = {"num_layers": (module.num_layers, 1), "batch_first": (module.batch_first, True),
                "bidirectional": (module.bidirectional, False), "proj_size": (module.proj_size, 0)}
    for name, (got, expected) in settings.items():
        if got != expected:
            raise ValueError(f"from_torch: expected {name}={expected}, got {name}={got}")
    D, H = module.input_size, module.hidden_size
    kind = next(name for name in _KINDS if isinstance(module, getattr(torch.nn, name)))
    layer = RNN(D, H, nonlinearity=module.nonlinearity) if kind == "RNN" else _KINDS[kind](D, H)
    layer.params["W_xh"][...] = _numpy(module.weight_ih_l0).T
    layer.params["W_hh"][...] = _numpy(module.weight_hh_l0).T
    if not module.bias:  # the layer keeps its bias parameters, starting from zero
        for name in layer.params.keys() - {"W_xh", "W_hh"}:
            layer.params[name][...] = 0.0
    elif kind == "GRU":
        b_hh = _numpy(module.bias_hh_l0)
        layer.params["b_h"][...] = _numpy(module.bias_ih_l0) + np.concatenate([b_hh[:2 * H], np.zeros(H)])
        layer.params["b_hn"][...] = b_hh[2 * H:]
    else:
        layer.params["b_h"][...] = _numpy(module.bias_ih_l0) + _numpy(module.bias_hh_l0)
    return layer


def to_torch(layer):
    """The equivalent torch.nn.RNN / GRU / LSTM (single layer, batch_first=True, the layer's dtype).

    b_h goes to bias_ih_l0; bias_hh_l0 is zero except for the GRU's b_hn.
    """
    torch = _import_torch()
    kind = next((name for name, cls in _KINDS.items() if isinstance(layer, cls)), None)
    if kind is None:
        raise TypeError(f"to_torch: expected an rnncourse RNN, GRU or LSTM, got {type(layer).__name__}")
    dtype = torch.float32 if layer.dtype == np.float32 else torch.float64
    extra = {"nonlinearity": layer.nonlinearity} if kind == "RNN" else {}
    module = getattr(torch.nn, kind)(layer.input_size, layer.hidden_size, batch_first=True, dtype=dtype, **extra)
    b_hh = np.zeros_like(layer.params["b_h"])
    if kind == "GRU":
        b_hh[2 * layer.hidden_size:] = layer.params["b_hn"]
    with torch.no_grad():
        module.weight_ih_l0.copy_(torch.from_numpy(layer.params["W_xh"].T))
        module.weight_hh_l0.copy_(torch.from_numpy(layer.params["W_hh"].T))
        module.bias_ih_l0.copy_(torch.from_numpy(layer.params["b_h"]))
        module.bias_hh_l0.copy_(torch.from_numpy(b_hh))
    return module


def torch_gradients(layer):
    """The layer's grads under PyTorch's names, to compare with module.<name>.grad.

    Both PyTorch biases enter the sum b_h, so each gets b_h's gradient (for the GRU, bias_hh
    gets it for r and z, and b_hn's gradient for n).
    """
    grads, H = layer.grads, layer.hidden_size
    b_hh = np.concatenate([grads["b_h"][:2 * H], grads["b_hn"]]) if isinstance(layer, GRU) else grads["b_h"]
    return {"weight_ih_l0": grads["W_xh"].T, "weight_hh_l0": grads["W_hh"].T,
            "bias_ih_l0": grads["b_h"], "bias_hh_l0": b_hh}
