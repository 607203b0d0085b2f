"""benchmarks/bench_memory.py still measures: a notebook that allocates 200 MiB shows a peak above that."""
import sys
from pathlib import Path

import nbformat
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import bench_memory  # noqa: E402


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="bench_memory reads Linux's /proc")
def test_the_kernel_peak_includes_what_a_cell_allocated(tmp_path):
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("import numpy as np\nx = np.ones(200 * 2**20 // 8)  # 200 MiB\ndel x")])
    path = tmp_path / "allocate.ipynb"
    nbformat.write(notebook, path)
    peak, seconds = bench_memory.measure(path, cell_timeout=60)
    assert 200 < peak < 600, peak  # 200 MiB array + interpreter and numpy
    assert seconds > 0
