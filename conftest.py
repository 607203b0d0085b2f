"""Loaded by every pytest run here, also one that only collects notebooks: the kernels nbval starts
inherit the same fixed environment as `course.py execute` (hash seed, one BLAS thread)."""
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent / "tools"))  # maintainer tooling: execution, editions

from execution import KERNEL_ENVIRONMENT  # noqa: E402

for name, value in KERNEL_ENVIRONMENT.items():
    os.environ.setdefault(name, value)
