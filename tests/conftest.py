import os
import sys
from pathlib import Path

from rnncourse.execution import KERNEL_ENVIRONMENT

for _name, _value in KERNEL_ENVIRONMENT.items():  # nbval's kernels inherit these, as in `course.py execute`
    os.environ.setdefault(_name, _value)

import matplotlib  # noqa: E402

matplotlib.use("Agg")
sys.path.insert(0, str(Path(__file__).parent))  # test helpers such as hygiene.py
