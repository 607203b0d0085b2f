import sys
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")
sys.path.insert(0, str(Path(__file__).parent))  # test helpers such as hygiene.py


@pytest.fixture
def presenting():
    """The projector style on for one test, then off again (the style is global state)."""
    from rnncourse import style
    style.presentation_style()
    try:
        yield
    finally:
        style.presentation_style(on=False)
