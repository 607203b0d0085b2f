"""Every notebook, in both editions, is ready for live slides and for a projector: each cell has a
slide type, the title opens a slide, and the first code cell carries the presentation-style line."""
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
from slides import SLIDE_TYPES  # noqa: E402

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")) + \
    sorted((ROOT / "notebooks" / "solutions").glob("[0-9][0-9]_*.ipynb"))
PRESENTATION_LINE = "# style.presentation_style()"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT / "notebooks")))
def test_every_cell_has_a_slide_type_and_the_first_code_cell_the_presentation_line(path):
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    types = [c["metadata"].get("slideshow", {}).get("slide_type") for c in cells]
    assert not [i for i, t in enumerate(types) if t not in SLIDE_TYPES], \
        "slide types jupyterlab-slideshow does not know (it has no '-': a cell that continues a slide has none)"
    assert types[0] == "slide"
    assert sum(t in ("slide", "subslide") for t in types) >= 5
    first_code = next(c for c in cells if c["cell_type"] == "code"
                      and "colab-setup" not in c["metadata"].get("tags", []))  # tools/colab.py's cell comes first
    assert PRESENTATION_LINE in "".join(first_code["source"])
