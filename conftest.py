"""Loaded by every pytest run here, also one that only collects notebooks: the kernels nbval starts
inherit the same fixed environment as `course.py execute` (hash seed, one BLAS thread)."""
import os

from rnncourse.execution import KERNEL_ENVIRONMENT

for name, value in KERNEL_ENVIRONMENT.items():
    os.environ.setdefault(name, value)
