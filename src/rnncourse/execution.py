"""Re-execute a notebook in place, top to bottom, so its stored outputs are fresh.

Used by `python course.py execute`. The notebook file is replaced only when every cell ran
without error; otherwise it is left exactly as it was and the failing cell is reported.
"""
import os
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

# Stored outputs must not depend on the run: a fixed hash seed, and one BLAS thread (for the course's
# small matrices it is as fast, stays fast when the CPU is shared, and sums in the same order every time).
KERNEL_ENVIRONMENT = {"PYTHONHASHSEED": "0", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
                      "MKL_NUM_THREADS": "1"}


def execute_notebook(path, cell_timeout=120):
    """Execute `path` with the current environment's python3 kernel and save it in place."""
    path = Path(path).resolve()
    for name, value in KERNEL_ENVIRONMENT.items():
        os.environ.setdefault(name, value)  # inherited by the kernel
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=cell_timeout, kernel_name="python3", record_timing=False,
                            resources={"metadata": {"path": str(path.parent)}})
    try:
        client.execute()
    except CellExecutionError as error:
        raise SystemExit(f"{path.name}: a cell failed, the notebook was not changed.\n{error}") from None
    temporary = path.with_suffix(".ipynb.tmp")
    nbformat.write(notebook, temporary)
    os.replace(temporary, path)
    return path
