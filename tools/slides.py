"""Slide metadata for live slides (jupyterlab-slideshow, RISE): each cell's `slideshow.slide_type`.

A first pass from the notebook's structure, after which the types are stored in the instructor
edition and can be adjusted by hand (a cell that already has a type keeps it):
the title and every `## ` section start a slide; a `### ` heading, and text that follows code,
start a subslide (one idea and its code per screen); the set-up cell (imports) is skipped; a
worked solution is a fragment, revealed after its exercise; every other cell continues the slide,
which is written as no slide type at all: jupyterlab-slideshow knows no "-" (nbconvert's word for
"continue") and leaves such a cell out of the deck.

    python tools/slides.py [NOTEBOOK ...]     (default: every instructor edition)
"""
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
SLIDE_TYPES = ("slide", "subslide", "fragment", "skip", "notes", None)  # None: continue the slide


def slide_type(cell, previous, first_code):
    text = cell.source.lstrip()
    if previous is None or (cell.cell_type == "markdown" and text.startswith("## ")):
        return "slide"
    if cell is first_code:
        return "skip"
    if "solution" in cell.metadata.get("tags", []):
        return "fragment"
    if cell.cell_type == "markdown" and (text.startswith("### ") or previous.cell_type == "code"):
        return "subslide"
    return "-"


def add_slide_metadata(notebook):
    """Give every cell without a slide type one, in place."""
    first_code = next((c for c in notebook.cells if c.cell_type == "code"), None)
    previous = None
    for cell in notebook.cells:
        if cell.metadata.get("slideshow", {}).get("slide_type", "-") == "-":  # continues, or not yet typed
            cell.metadata.pop("slideshow", None)
            kind = slide_type(cell, previous, first_code)
            if kind != "-":
                cell.metadata["slideshow"] = {"slide_type": kind}
        previous = cell
    return notebook


def main(paths):
    for path in paths or sorted((ROOT / "notebooks" / "solutions").glob("[0-9][0-9]_*.ipynb")):
        nbformat.write(add_slide_metadata(nbformat.read(path, as_version=4)), path)
        print(f"slide metadata: {Path(path).name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
