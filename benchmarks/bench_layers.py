"""Forward + backward time of rnncourse's RNN, GRU and LSTM, and the ratio to torch.nn.

Batch 32, 25 steps, one-hot inputs of size 65, hidden size 128, in float32 and float64.
Both sides compute the same gradients (inputs, every parameter). All cases run interleaved,
REPS times each, and the median is reported, so a slow spell of the machine hits every case.
torch is timed as it runs by default and with its oneDNN kernels switched off: a float32 LSTM
is the one case where torch uses oneDNN's fused kernel for the whole sequence. The last
columns time numpy's matrix products alone at each layer's shapes: the floor for any numpy
layer on this BLAS that multiplies its inputs, so a ratio above 1 there cannot be beaten by
rewriting the layer.

    PYTHONPATH=src python3 benchmarks/bench_layers.py [--threads N]

numpy's BLAS kernel matters: see benchmarks/blas.py on OPENBLAS_CORETYPE.
"""
import statistics
import time
import warnings

import numpy as np

from blas import configure_threads, describe
from rnncourse.gru import GRU
from rnncourse.lstm import LSTM
from rnncourse.rnn import RNN

B, T, D, H = 32, 25, 65, 128
REPS = 15
LAYERS = {"RNN": RNN, "GRU": GRU, "LSTM": LSTM}
GATES = {"RNN": 1, "GRU": 3, "LSTM": 4}  # blocks of H columns in W_xh and W_hh


def numpy_case(layer, x, g):
    def run():
        layer.forward(x)
        layer.backward(g)
    return run


def products_case(gates, dtype):
    """Only the matrix products a layer's forward + backward needs, at the same shapes: input
    part, T recurrent steps, T steps back, the two weight gradients and dx. No numpy layer on
    this BLAS that multiplies its inputs (as torch does here) can be faster."""
    rng = np.random.default_rng(0)
    G = gates * H
    x, hs, da = (rng.random(shape).astype(dtype) for shape in ((B * T, D), (B * T, H), (B * T, G)))
    h, d = rng.random((B, H)).astype(dtype), rng.random((B, G)).astype(dtype)
    W_xh, W_hh = rng.random((D, G)).astype(dtype), rng.random((H, G)).astype(dtype)

    def run():
        x @ W_xh
        for _ in range(T):
            h @ W_hh
        for _ in range(T):
            d @ W_hh.T
        x.T @ da
        hs.T @ da
        da @ W_xh.T
    return run


def torch_case(torch, module, x, g, onednn):
    """torch's forward + backward; onednn=False switches off the oneDNN (mkldnn) kernels, which
    torch uses for a float32 LSTM on the CPU (one fused kernel for all steps)."""
    x = torch.from_numpy(x).requires_grad_(True)
    g = torch.from_numpy(g)

    def run():
        with torch.backends.mkldnn.flags(enabled=onednn):
            module.zero_grad(set_to_none=True)
            x.grad = None
            outputs, _ = module(x)
            outputs.backward(g)
    return run


def main():
    threads = configure_threads(__doc__.splitlines()[0])
    warnings.filterwarnings("ignore", message="TF32 acceleration")  # torch's note on switching oneDNN
    try:
        import torch
        from rnncourse.interop import to_torch
    except ImportError:
        torch = None
    rng = np.random.default_rng(0)
    one_hot = np.eye(D)[rng.integers(0, D, size=(B, T))]  # (B, T, D)
    grad = rng.standard_normal((B, T, H))  # (B, T, H)
    cases = {}
    for name, cls in LAYERS.items():
        for dtype in (np.float32, np.float64):
            layer, x, g = cls(D, H, dtype=dtype), one_hot.astype(dtype), grad.astype(dtype)
            cases[name, dtype.__name__, "numpy"] = numpy_case(layer, x, g)
            cases[name, dtype.__name__, "products"] = products_case(GATES[name], dtype)
            if torch is not None:
                module = to_torch(layer)
                cases[name, dtype.__name__, "torch"] = torch_case(torch, module, x, g, onednn=True)
                cases[name, dtype.__name__, "torch, no oneDNN"] = torch_case(torch, module, x, g, onednn=False)
    print(f"B={B} T={T} D={D} (one-hot) H={H}; {REPS} interleaved repetitions, median")
    print(describe())
    if torch is None:
        print("PyTorch not installed (pip install torch==2.13.0): numpy times only")
    else:
        torch.set_num_threads(threads)
        print(f"torch {torch.__version__}, {torch.get_num_threads()} threads")
    times = {case: [] for case in cases}
    for run in cases.values():  # warm up
        run()
    for _ in range(REPS):
        for case, run in cases.items():
            start = time.perf_counter()
            run()
            times[case].append(time.perf_counter() - start)
    median_ms = {case: 1e3 * statistics.median(t) for case, t in times.items()}
    print(f"{'layer':6} {'dtype':8} {'numpy ms':>9} {'torch ms':>9} {'ratio':>6}   "
          f"{'torch without oneDNN: ms':>24} {'ratio':>6}   {'products ms':>11} {'ratio':>6}")
    for name in LAYERS:
        for dtype in ("float32", "float64"):
            ours = median_ms[name, dtype, "numpy"]
            row = f"{name:6} {dtype:8} {ours:9.2f}"
            for kind, width in (("torch", 9), ("torch, no oneDNN", 24)):
                theirs = median_ms.get((name, dtype, kind))
                row += f" {theirs:{width}.2f} {ours / theirs:6.2f}  " if theirs else f" {'-':>{width}} {'-':>6}  "
            floor, theirs = median_ms[name, dtype, "products"], median_ms.get((name, dtype, "torch"))
            row += f" {floor:11.2f} " + (f"{floor / theirs:6.2f}" if theirs else f"{'-':>6}")
            print(row)
    print("products: numpy's matrix products alone at the layer's shapes (ratio: to torch), "
          "the floor for any numpy layer on this BLAS that multiplies its inputs")


if __name__ == "__main__":
    main()
