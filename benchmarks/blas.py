"""numpy's BLAS, as the benchmarks report and limit it (through threadpoolctl).

OpenBLAS picks the kernels for the CPU it runs on, unless OPENBLAS_CORETYPE pins one. Some
machines pin an older kernel (e.g. Haswell: AVX2 only, on a CPU that has AVX-512) so that
floating-point results are the same on every host. torch's kernels ignore that variable, so a
pinned kernel slows numpy alone; the header line says which kernel ran. To measure with the
CPU's own kernels, unset it:

    env -u OPENBLAS_CORETYPE PYTHONPATH=src python3 benchmarks/bench_layers.py
"""
import argparse
import os

import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits


def configure_threads(description):
    """Parse the benchmarks' one option, --threads N; limit numpy's BLAS to N threads when given.

    Returns the BLAS thread count in effect (give torch the same).
    """
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--threads", type=int, metavar="N",
                        help="BLAS (and torch) threads; default: as configured, e.g. by OPENBLAS_NUM_THREADS")
    threads = parser.parse_args().threads
    if threads is not None:
        if threads < 1:
            parser.error(f"--threads: expected a positive integer, got {threads}")
        threadpool_limits(limits=threads, user_api="blas")
    counts = [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]
    return max(counts, default=os.cpu_count())


def describe():
    """One line: numpy's version and its BLAS (library, version, kernel, threads)."""
    pools = [pool for pool in threadpool_info() if pool["user_api"] == "blas"]
    parts = []
    for pool in pools:
        kernel = pool.get("architecture") or "unknown"
        if pool["internal_api"] == "openblas" and os.environ.get("OPENBLAS_CORETYPE"):
            kernel += " (pinned by OPENBLAS_CORETYPE)"
        parts.append(f"{pool['internal_api']} {pool['version']}, kernel {kernel}, {pool['num_threads']} thread(s)")
    return f"numpy {np.__version__}; BLAS: {'; '.join(parts) or 'none found by threadpoolctl'}"
