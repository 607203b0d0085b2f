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
"""
import matplotlib as mpl
import matplotlib.style
from cycler import cycler

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
    "figure.figsize": (11.0, 6.0),
    "font.size": 17,
    "axes.titlesize": 18,
    "axes.labelsize": 17,
    "xtick.labelsize": 16,
    "ytick.labelsize": 16,
    "legend.fontsize": 16,
    "figure.titlesize": 18,
    "axes.linewidth": 1.6,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "xtick.major.width": 1.6,
    "ytick.major.width": 1.6,
    "xtick.major.size": 7,
    "ytick.major.size": 7,
    "lines.linewidth": 3.5,
    "lines.markersize": 10,
    "patch.linewidth": 1.6,
    "grid.linewidth": 1.2,
    "legend.frameon": False,
}

_saved_rc = None  # the rcParams that presentation_style(on=True) replaced


def presentation_style(on=True):
    """Switch the projector style on (or, with on=False, back to what it was) for the session.

    Large fonts (16–18 pt), thick lines, a larger figure size and the Okabe–Ito palette.
    Switching it on again re-applies it (e.g. after a cell reset the course style); what on=False
    restores is what was there before the first call. Returns None.
    """
    global _saved_rc
    if on:
        if _saved_rc is None:
            _saved_rc = {key: mpl.rcParams[key] for key in PRESENTATION_RC}
        mpl.rcParams.update(PRESENTATION_RC)
    elif not on and _saved_rc is not None:
        mpl.rcParams.update(_saved_rc)
        _saved_rc = None


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
