"""Interactive views built with ipywidgets. Each is built by one call, precomputes what it
shows, and on every control move only swaps prepared HTML or artist data."""
import html

import ipywidgets as widgets
import numpy as np


def _cell_colour(value):
    """Diverging colour for a value in [-1, 1]: blue for negative, orange for positive."""
    strength = min(1.0, abs(float(value)))
    base = (0, 114, 178) if value < 0 else (230, 159, 0)
    r, g, b = (round(255 + (c - 255) * strength) for c in base)
    return f"rgb({r},{g},{b})"


def values_row_html(values, labels):
    """One HTML table row of coloured, labelled numbers (values in [-1, 1])."""
    head = "".join(f"<th style='padding:2px 6px'>{html.escape(label)}</th>" for label in labels)
    body = "".join(f"<td style='background:{_cell_colour(v)};padding:4px 6px;text-align:center'>{v:+.2f}</td>"
                   for v in values)
    return f"<table style='border-collapse:collapse;font-family:monospace'><tr>{head}</tr><tr>{body}</tr></table>"


def memory_demo(steps=12, weights=np.round(np.linspace(-1.5, 1.5, 31), 2)):
    """A one-unit RNN, h⟨t⟩ = tanh(w h⟨t−1⟩ + x⟨t⟩), fed a single pulse x⟨1⟩ = 1.

    A slider sets the recurrent weight w; the row shows how long the pulse is remembered.
    Returns the widget; `.children[0]` is the slider and `.children[1]` the HTML view.
    """
    x = np.zeros(steps)
    x[0] = 1.0
    labels = [f"h⟨{t}⟩" for t in range(1, steps + 1)]
    pages = {}
    for w in weights:
        h, states = 0.0, []
        for x_t in x:
            h = np.tanh(w * h + x_t)
            states.append(h)
        pages[float(w)] = values_row_html(states, labels)
    slider = widgets.SelectionSlider(options=[float(w) for w in weights], value=0.5,
                                     description="w", continuous_update=True)
    view = widgets.HTML(pages[slider.value])
    slider.observe(lambda change: setattr(view, "value", pages[change["new"]]), names="value")
    return widgets.VBox([slider, view])
