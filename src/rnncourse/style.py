"""Matplotlib styles of the course: the default look and a projector-friendly one.

Both are plain rcParams dictionaries handed to matplotlib's own style machinery
(`matplotlib.style.context`, `matplotlib.rcParams.update`), with the colour-blind-safe
Okabe–Ito palette.

    from rnncourse.style import presentation_style, presentation, course_style
    presentation_style()            # projector style on for the rest of the session
    presentation_style(on=False)    # ... and off again
    with presentation():            # only for the figures drawn inside the block
        ...
    with course_style():            # the course defaults, independent of the session
        ...

On a projector the style also changes how figures reach the screen (in IPython):
they are shown as SVG with real text (`svg.fonttype: none`), cropped to their labels, and
fitted to SCREEN, the figure area of a 1280×720 display (JupyterLab's column with the
sidebar closed, or a deck slide): a figure too large is shrunk before it is drawn until it fits
SCREEN at MIN_ZOOM, so its text keeps its point size and, at the zoom the fit gives (at least
MIN_ZOOM), no text is under 18 px on screen. Widgets (rnncourse.widgets) follow the same rules,
each picture fitted to its own share of the screen (fit's `screen`).
"""
import io
import re

import matplotlib as mpl
import matplotlib.style
from cycler import cycler
from matplotlib.figure import Figure

# Okabe & Ito (2008), "Color Universal Design": distinguishable under the common colour-vision deficiencies.
PALETTE = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "grey": "#999999",
}

# Order for lines and bars: the strong colours first, yellow (weak on white) near the end.
CYCLE = [PALETTE[name] for name in ("blue", "orange", "green", "vermillion", "sky_blue", "purple", "black", "yellow")]

COURSE_RC = {
    "axes.prop_cycle": cycler(color=CYCLE),
    "image.cmap": "viridis",
    "figure.figsize": (7.0, 4.0),
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "font.size": 11,
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": False,
    "grid.alpha": 0.4,
    "legend.frameon": False,
    "lines.linewidth": 2.0,
}

PRESENTATION_RC = {
    "axes.prop_cycle": cycler(color=CYCLE),
    "figure.figsize": (8.0, 4.5),
    "font.size": 15,            # "small" legends: 12.5 pt, 19 px at the smallest zoom
    "axes.titlesize": 17,
    "axes.labelsize": 16,
    "xtick.labelsize": 14,
    "ytick.labelsize": 14,
    "legend.fontsize": 14,
    "figure.titlesize": 17,
    "axes.linewidth": 1.4,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "xtick.major.width": 1.4,
    "ytick.major.width": 1.4,
    "xtick.major.size": 6,
    "ytick.major.size": 6,
    "lines.linewidth": 3.0,
    "lines.markersize": 9,
    "patch.linewidth": 1.4,
    "grid.linewidth": 1.1,
    "legend.frameon": False,
    "svg.fonttype": "none",     # text stays text: sharp at any zoom, and measurable in a browser
}

SCREEN = (1060, 640)  # px: room for one figure on a 1280×720 screen (also in Presentation Mode)
MIN_ZOOM = 1.15       # on-screen px per CSS px of the SVG, at least: 12 pt text is 18.4 px
MAX_ZOOM = 2.0

_saved_rc = None  # the rcParams that presentation_style(on=True) replaced
_saved_printers = None  # IPython's display functions for Figure that it replaced


def presentation_style(on=True):
    """Switch the projector style on (or, with on=False, back to what it was) for the session.

    Large fonts (14–17 pt), thick lines and the Okabe–Ito palette; in IPython, figures are
    shown as SVG fitted to SCREEN (see the module docstring), and widgets built afterwards
    use large text. Switching it on again re-applies it (e.g. after a cell reset the course
    style); what on=False restores is what was there before the first call. Returns None.
    """
    global _saved_rc, _saved_printers
    if on:
        if _saved_rc is None:
            _saved_rc = {key: mpl.rcParams[key] for key in PRESENTATION_RC}
        mpl.rcParams.update(PRESENTATION_RC)
        formatters = _formatters()
        if formatters and _saved_printers is None:
            _load_backend()
            _saved_printers = {mime: f.type_printers.pop(Figure, None) for mime, f in formatters.items()}
            formatters["image/svg+xml"].for_type(Figure, screen_svg)
            formatters["image/png"].for_type(Figure, lambda figure: None)  # not also a PNG (DiagramFigure has one)
    elif _saved_rc is not None:
        mpl.rcParams.update(_saved_rc)
        _saved_rc = None
        formatters = _formatters()
        if formatters and _saved_printers is not None:
            for mime, f in formatters.items():
                f.type_printers.pop(Figure, None)
                if _saved_printers.get(mime) is not None:
                    f.for_type(Figure, _saved_printers[mime])
        _saved_printers = None


def presenting():
    """True while presentation_style() is on."""
    return _saved_rc is not None


def _load_backend():
    """Load pyplot's backend now if no figure has (matplotlib loads it with the first figure):
    IPython's inline backend then sets its display functions for Figure before, not after, ours."""
    import matplotlib.pyplot as plt
    if not plt.get_fignums():
        plt.switch_backend(mpl.get_backend())


def _formatters():
    """IPython's display formatters by MIME type, or {} outside IPython."""
    try:
        from IPython import get_ipython
    except ImportError:
        return {}
    shell = get_ipython()
    return {} if shell is None else shell.display_formatter.formatters


def fit(figure, screen=SCREEN):
    """Shrink `figure` (in place), keeping its shape, so that at MIN_ZOOM it fits `screen` (width, height) px."""
    width, height = figure.get_size_inches()
    scale = min(1.0, screen[0] / 96 / MIN_ZOOM / width, screen[1] / 96 / MIN_ZOOM / height)
    if scale < 1.0:
        figure.set_size_inches(width * scale, height * scale)


def zoomed(svg, zoom=None):
    """SVG text from matplotlib (size in pt) -> the same picture sized in px to fit SCREEN.

    zoom: on-screen px per CSS px; by default the largest (≤ MAX_ZOOM) that fits SCREEN.
    Returns (svg, zoom).
    """
    head = re.search(r'<svg[^>]*?width="([\d.]+)pt" height="([\d.]+)pt"', svg)
    if head is None:
        raise ValueError("svg: expected matplotlib's SVG (width and height in pt), got another header")
    width, height = (float(v) * 4 / 3 for v in head.groups())  # CSS px
    if zoom is None:
        zoom = min(MAX_ZOOM, SCREEN[0] / width, SCREEN[1] / height)
    size = f'width="{width * zoom:.1f}px" height="{height * zoom:.1f}px"'
    return svg[:head.start(1) - 7] + size + svg[head.end(2) + 3:], zoom


def screen_svg(figure, bbox_inches="tight", zoom=None):
    """A Figure as SVG text fitted to SCREEN (the display function of the presentation style).

    Fits the figure to SCREEN (fit), crops it to `bbox_inches` and sizes it
    with zoomed(); a crop wider than the fit (labels outside the axes) is shrunk once more.
    """
    fit(figure)
    for _ in range(3):
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", bbox_inches=bbox_inches)
        svg, used = zoomed(buffer.getvalue(), zoom)
        if zoom is not None or used >= MIN_ZOOM or bbox_inches != "tight":
            return svg
        figure.set_size_inches(figure.get_size_inches() * used / MIN_ZOOM)
    return svg


def presentation():
    """Context manager: the projector style for the figures drawn inside a `with` block."""
    return mpl.style.context(PRESENTATION_RC)


def course_style():
    """Context manager: matplotlib's defaults plus the course style, whatever the session set.

    The figures in figures/ are drawn inside it, so they do not depend on the caller's rcParams.
    """
    return mpl.style.context(COURSE_RC, after_reset=True)


def wide(rows=1):
    """Figure size (width, height) for two panels side by side and `rows` rows, scaled from the
    current style's default size, so it grows with presentation_style()."""
    width, height = mpl.rcParams["figure.figsize"]
    return (1.7 * width, rows * height)
