"""The course's figures: every PNG in figures/ is generated here, deterministically.

    python -m rnncourse figures        # (wired by the package) rewrites figures/
    stale_figures("figures")           # names whose file differs from a fresh rendering

Each figure is drawn inside `course_style()` (so the session's rcParams do not matter) and
saved as PNG at a fixed dpi with fixed metadata, so the same code gives the same bytes.
The PNG's "Software" entry records the matplotlib and FreeType versions that rendered it:
another version may rasterise text differently, and `render_key` lets a test tell that
apart from a figure that is out of date.
"""
import io
from pathlib import Path

import matplotlib
from matplotlib import ft2font

from . import diagrams
from .style import course_style

DPI = 100

FIGURES = {
    "rnn_folded.png": diagrams.rnn_folded,
    "rnn_unrolled.png": lambda: diagrams.rnn_unrolled(steps=4, highlight=2),
    "architecture_gallery.png": diagrams.architecture_gallery,
    "deep_rnn.png": lambda: diagrams.architecture("deep"),
    "bidirectional_rnn.png": lambda: diagrams.architecture("bidirectional"),
    "bptt_paths.png": lambda: diagrams.bptt_paths(steps=5),
    "gru_cell.png": diagrams.gru_cell,
    "lstm_cell.png": diagrams.lstm_cell,
    "stream_batching.png": lambda: diagrams.stream_batching(
        "for line in text.splitlines():\n    print(line.upper())\n", batch_size=3, k=5, chunks=3),
}


def render_key():
    """The software that rasterises the figures; stored in each PNG's metadata."""
    return f"rnncourse figures; matplotlib {matplotlib.__version__}; FreeType {ft2font.__freetype_version__}"


def render(name):
    """The PNG bytes of figure `name` (a key of FIGURES)."""
    if name not in FIGURES:
        raise KeyError(f"figure: expected one of {', '.join(sorted(FIGURES))}, got {name!r}")
    with course_style():
        fig = FIGURES[name]()
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=DPI, facecolor="white",
                    metadata={"Software": render_key()})
    return buffer.getvalue()


def write_figures(directory="figures"):
    """Render every figure into `directory` (created if needed); returns the list of paths."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for name in FIGURES:
        path = directory / name
        path.write_bytes(render(name))
        paths.append(path)
    return paths


def stale_figures(directory="figures"):
    """Names of the figures whose file in `directory` is missing or differs from a fresh rendering."""
    directory = Path(directory)
    return [name for name in FIGURES
            if not (directory / name).is_file() or (directory / name).read_bytes() != render(name)]


def main(directory="figures"):
    """Rewrite the figures and print what was written."""
    for path in write_figures(directory):
        print(path)
