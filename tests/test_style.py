"""The projector style's figures: SVG with real text, fitted to a 1280×720 screen, 12 pt ≥ 18 px on it;
IPython shows figures that way only while the style is on; widgets follow it. (The browser itself
measures every notebook in test_projector.py.)"""
import re

import ipywidgets
import matplotlib
import pytest
from IPython.core.interactiveshell import InteractiveShell
from matplotlib.figure import Figure

from rnncourse import diagrams, style, widgets


def svg_size(svg):
    """(width, height) in px of an SVG sized by style.zoomed."""
    return tuple(float(v) for v in re.search(r'<svg[^>]*?width="([\d.]+)px" height="([\d.]+)px"', svg).groups())


def font_sizes(svg):
    """Every font size in the SVG, in its own units (CSS px before the zoom)."""
    return [float(v) for v in re.findall(r"font-size: ([\d.]+)px", svg)]


@pytest.mark.parametrize("figsize", [(4, 3), (8, 4.5), (13.6, 4.5), (12, 6), (8, 12)])
def test_a_figure_fits_the_screen_and_its_12_pt_text_is_18_px(presenting, figsize):
    fig = Figure(figsize=figsize)
    ax = fig.add_subplot()
    ax.set_xlabel("a label at 12 pt", fontsize=12)
    ax.plot([1, 2], label="a small legend")
    ax.legend(fontsize="small")
    svg = style.screen_svg(fig)
    width, height = svg_size(svg)
    assert width <= style.SCREEN[0] + 0.1 and height <= style.SCREEN[1] + 0.1
    natural = float(re.search(r'viewBox="0 0 ([\d.]+) ', svg).group(1)) * 4 / 3  # CSS px
    zoom = width / natural
    assert zoom >= style.MIN_ZOOM - 1e-6
    assert min(font_sizes(svg)) * 4 / 3 * zoom >= 18, "12 pt text and 'small' legends are at least 18 px"
    assert "<text" in svg and "<path id=\"DejaVu" not in svg, "text stays text (svg.fonttype none)"


def test_zoomed_rejects_an_svg_that_is_not_matplotlibs():
    with pytest.raises(ValueError, match="expected matplotlib's SVG"):
        style.zoomed('<svg width="10cm" height="5cm"></svg>')


def test_ipython_shows_figures_as_fitted_svg_only_while_the_style_is_on():
    shell = InteractiveShell.instance()
    try:
        formatter = shell.display_formatter
        fig = diagrams.rnn_folded()
        assert "image/svg+xml" not in formatter.format(fig)[0]
        style.presentation_style()
        shown = formatter.format(fig)[0]
        assert "image/png" not in shown and svg_size(shown["image/svg+xml"])[0] <= style.SCREEN[0] + 0.1
        style.presentation_style(on=False)
        shown = formatter.format(diagrams.rnn_folded())[0]
        assert "image/svg+xml" not in shown and shown["image/png"]
    finally:
        style.presentation_style(on=False)
        InteractiveShell.clear_instance()


def test_the_gallery_takes_two_rows_on_a_projector(presenting):
    one_row = diagrams.architecture_gallery(rows=1).get_size_inches()
    two_rows = diagrams.architecture_gallery().get_size_inches()
    assert two_rows[0] < 0.7 * one_row[0] and two_rows[1] == pytest.approx(2 * one_row[1])
    with pytest.raises(ValueError, match="rows"):
        diagrams.architecture_gallery(rows=0.5)


def test_a_widget_built_on_a_projector_shows_svg_of_one_size_and_large_text(presenting):
    explorer = widgets.gradient_explorer(hidden_size=8, max_length=20)
    first = bytes(explorer.image.value).decode()
    explorer.radius.value = 1.3
    moved = bytes(explorer.image.value).decode()
    assert explorer.image.format == "svg+xml" and moved != first
    assert svg_size(first) == svg_size(moved)
    assert min(font_sizes(first)) * 4 / 3 * explorer.view.zoom >= 18
    assert widgets.PROJECTOR_CLASS in explorer._dom_classes
    assert any(isinstance(child, ipywidgets.HTML) and "<style>" in child.value for child in explorer.children)


def test_widgets_and_figures_are_unchanged_without_the_style():
    explorer = widgets.gradient_explorer(hidden_size=8, max_length=20)
    assert explorer.image.format == "png" and bytes(explorer.image.value).startswith(b"\x89PNG")
    assert widgets.PROJECTOR_CLASS not in explorer._dom_classes
    assert matplotlib.rcParams["svg.fonttype"] == "path"
