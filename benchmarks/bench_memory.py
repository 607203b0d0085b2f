"""Peak memory of each notebook's kernel, run fresh: what a JupyterHub admin must size per student.

    .venv/bin/python benchmarks/bench_memory.py [--edition student|instructor] [--without-torch] [NOTEBOOK ...]

Each notebook runs top to bottom in a new kernel (nbclient, the course's fixed environment: one BLAS
thread, fixed hash seed); when the last cell is done, the kernel process's peak resident set size
(VmHWM in /proc/<pid>/status, Linux) is read, before the kernel is shut down. Prints a table in MiB and
how many such kernels fit in a node's memory. PyTorch, where installed, is imported by the notebooks that
compare with it (06, 07) and adds about 180 MiB there; --without-torch measures a hub image without it.
"""
import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
from execution import KERNEL_ENVIRONMENT  # noqa: E402

TARGET_MIB = 400  # per notebook: 60 students on a 24 GB node
NODE_GIB = 24


def peak_rss_mib(pid):
    """Peak resident set size of process `pid` in MiB (Linux: VmHWM)."""
    status = Path(f"/proc/{pid}/status")
    if not status.exists():
        sys.exit(f"bench_memory: expected Linux's /proc/{pid}/status to read the kernel's peak memory; not found")
    for line in status.read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024  # kB -> MiB
    raise RuntimeError(f"no VmHWM line in {status}")


def measure(path, cell_timeout=300):
    """(peak RSS in MiB, seconds) of running the notebook at `path` in a fresh kernel."""
    path = Path(path).resolve()
    notebook = nbformat.read(path, as_version=4)
    os.environ.update(KERNEL_ENVIRONMENT)  # the kernel inherits it
    client = NotebookClient(notebook, timeout=cell_timeout, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    with client.setup_kernel():
        for index, cell in enumerate(notebook.cells):
            client.execute_cell(cell, index)
        peak = peak_rss_mib(client.km.provisioner.process.pid)
    return peak, time.perf_counter() - start


def hide_torch():
    """Make `import torch` fail in the kernels started from now on, as on a machine without PyTorch."""
    folder = Path(tempfile.mkdtemp(prefix="no-torch-")) / "torch"
    folder.mkdir()
    (folder / "__init__.py").write_text('raise ImportError("PyTorch hidden by bench_memory --without-torch")\n')
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(folder.parent), os.environ.get("PYTHONPATH")]))


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--edition", choices=("student", "instructor"), default="student")
    parser.add_argument("--without-torch", action="store_true", help="measure as if PyTorch were not installed")
    parser.add_argument("notebooks", nargs="*", type=Path)
    args = parser.parse_args(argv)
    if args.without_torch:
        hide_torch()
    folder = ROOT / "notebooks" / ("solutions" if args.edition == "instructor" else "")
    paths = args.notebooks or sorted(folder.glob("[0-9][0-9]_*.ipynb"))
    torch = "without PyTorch" if args.without_torch else "with PyTorch if installed"
    print(f"Peak kernel memory per notebook ({args.edition} edition, run fresh, {torch}), target <= {TARGET_MIB} MiB")
    print(f"{'notebook':<44} {'peak RSS (MiB)':>14} {'run (s)':>8}")
    peaks = []
    for path in paths:
        peak, seconds = measure(path)
        peaks.append(peak)
        flag = "" if peak <= TARGET_MIB else f"  above {TARGET_MIB} MiB"
        print(f"{Path(path).name:<44} {peak:>14.0f} {seconds:>8.1f}{flag}", flush=True)
    largest = max(peaks)
    print(f"largest: {largest:.0f} MiB -> a {NODE_GIB} GiB node holds {int(NODE_GIB * 1024 // largest)} such kernels")
    return 0 if largest <= TARGET_MIB else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
