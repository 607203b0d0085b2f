"""Tests of rnncourse.diagrams, rnncourse.figures and rnncourse.style."""
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.text import Text  # noqa: E402
from PIL import Image  # noqa: E402  (a dependency of matplotlib)

from rnncourse import diagrams, figures, style  # noqa: E402
from rnncourse.diagrams import math_label  # noqa: E402

REPO_FIGURES = Path(__file__).parents[1] / "figures"


def texts(fig):
    return {t.get_text() for t in fig.findobj(Text)}


def by_gid(fig, gid):
    found = [a for a in fig.findobj() if a.get_gid() == gid]
    assert len(found) == 1, f"expected one artist with gid {gid!r}, found {len(found)}"
    return found[0]


def colours(artist):
    return tuple(artist.get_edgecolor()), tuple(artist.get_facecolor())


# ----------------------------------------------------------------------------- notation

def test_math_label_uses_the_course_notation():
    assert math_label("x", 3) == r"$x^{\langle 3\rangle}$"
    assert math_label("y", "t") == r"$\hat{y}^{\langle t\rangle}$"
    assert math_label("h", 2, layer=1) == r"$h^{[1]\langle 2\rangle}$"
    assert math_label("L", "T") == r"$\mathcal{L}^{\langle T\rangle}$"
    assert math_label("x") == "$x$"


# ----------------------------------------------------------------------------- unrolled and folded

def test_unrolled_has_every_step_labelled():
    fig = diagrams.rnn_unrolled(steps=4)
    assert isinstance(fig, Figure)
    labels = texts(fig)
    for t in range(1, 5):
        assert {math_label("x", t), math_label("h", t), math_label("y", t)} <= labels
    assert math_label("h", 0) in labels
    assert math_label("x", 5) not in labels
    assert {diagrams.W_XH, diagrams.W_HH, diagrams.W_HY} <= labels


def test_folded_has_the_loop_and_the_shared_weights():
    labels = texts(diagrams.rnn_folded())
    assert {math_label("x", "t"), math_label("h", "t"), math_label("y", "t")} <= labels
    assert {diagrams.W_XH, diagrams.W_HH, diagrams.W_HY} <= labels


def test_highlight_changes_exactly_the_highlighted_step():
    diagram = diagrams.UnrolledDiagram(steps=4)
    children = len(diagram.ax.get_children())
    before = {t: [colours(a) for a in arts] for t, arts in diagram.artists.items()}
    assert all(len(arts) >= 5 for arts in diagram.artists.values())  # 3 boxes + arrows into them

    diagram.highlight(2)
    for t, arts in diagram.artists.items():
        changed = [colours(a) != c for a, c in zip(arts, before[t])]
        assert all(changed) if t == 2 else not any(changed), f"step {t}: {changed}"
    assert len(diagram.ax.get_children()) == children  # colours only: nothing added or removed

    diagram.highlight(3)
    assert [colours(a) for a in diagram.artists[2]] == before[2]
    diagram.highlight(None)
    assert {t: [colours(a) for a in arts] for t, arts in diagram.artists.items()} == before


def test_rnn_unrolled_highlight_argument_colours_the_step():
    fig = diagrams.rnn_unrolled(steps=3, highlight=3)
    highlight = matplotlib.colors.to_rgba(diagrams.HIGHLIGHT)
    assert by_gid(fig, "node:h1_3").get_edgecolor() == highlight
    assert by_gid(fig, "node:h1_2").get_edgecolor() != highlight


@pytest.mark.parametrize("steps", [0, -1, 2.5, True, "4", diagrams.MAX_STEPS + 1])
def test_unrolled_rejects_bad_steps(steps):
    with pytest.raises(ValueError, match="steps: expected an integer from 1"):
        diagrams.rnn_unrolled(steps=steps)


def test_unrolled_rejects_a_step_outside_the_diagram():
    with pytest.raises(ValueError, match="expected an integer from 1 to 4, got 5"):
        diagrams.rnn_unrolled(steps=4, highlight=5)
    with pytest.raises(ValueError, match="got 0"):
        diagrams.UnrolledDiagram(4).highlight(0)


def test_diagrams_draw_into_a_given_axes():
    fig = Figure(figsize=(8, 5))
    ax = fig.add_subplot()
    assert diagrams.architecture("many-to-one", ax=ax) is fig
    assert math_label("x", 3) in texts(fig)


# ----------------------------------------------------------------------------- architectures

EXPECTED = {
    "one-to-one": ({"$x$", "$h$", r"$\hat{y}$"}, {math_label("x", 1)}),
    "one-to-many": ({"$x$", math_label("y", 3), math_label("h", 3)}, {math_label("x", 2)}),
    "many-to-one": ({math_label("x", 3), r"$\hat{y}$"}, {math_label("y", 1)}),
    "many-to-many": ({math_label("x", 3), math_label("y", 3)}, {math_label("y", 4)}),
    "many-to-many-unequal": ({math_label("x", 3), math_label("y", 2), math_label("h", 5), "encoder", "decoder"},
                             {math_label("x", 4), math_label("y", 3)}),
    "deep": ({math_label("h", 4, layer=3), math_label("h", 1, layer=1), "layer 3"}, {math_label("h", 1)}),
    "bidirectional": ({math_label("h", 4, direction="forward"), math_label("h", 1, direction="backward"),
                       math_label("y", 4), "forward", "backward"}, set()),
}


@pytest.mark.parametrize("kind", sorted(EXPECTED))
def test_architecture_labels(kind):
    present, absent = EXPECTED[kind]
    labels = texts(diagrams.architecture(kind))
    assert present <= labels, present - labels
    assert not absent & labels


def test_architecture_rejects_an_unknown_kind():
    with pytest.raises(ValueError, match="kind: expected one of 'one-to-one'.*'bidirectional', got 'sideways'"):
        diagrams.architecture("sideways")


def test_gallery_shows_the_first_five_side_by_side():
    fig = diagrams.architecture_gallery()
    assert len(fig.axes) == 5
    lefts = [ax.get_position().x0 for ax in fig.axes]
    assert lefts == sorted(lefts)
    assert {"one-to-one", "one-to-many", "many-to-one", "many-to-many", "many-to-many (unequal lengths)"} <= texts(fig)


# ----------------------------------------------------------------------------- BPTT

def test_bptt_draws_the_paths_from_the_last_loss():
    fig = diagrams.bptt_paths(steps=5)
    labels = texts(fig)
    assert {math_label("L", 5), math_label("h", 1), diagrams.W_HY} <= labels
    for gid in ["grad-L", "grad-Why"] + [f"grad-h{t}" for t in range(1, 6)] + [f"grad-w{t}" for t in range(1, 6)]:
        by_gid(fig, gid)
    widths = {by_gid(fig, f"grad-h{t}").get_linewidth() for t in range(1, 6)}
    assert len(widths) == 1  # without norms every path looks the same
    assert len(fig.axes) == 1


def test_bptt_line_widths_follow_the_gradient_norms():
    norms = [1e-3, 1.0, 1e-1, 1e-5]  # not in order, to check the mapping per step
    fig = diagrams.bptt_paths(steps=4, gradient_norms=norms)
    widths = [by_gid(fig, f"grad-h{t}").get_linewidth() for t in range(1, 5)]
    order = np.argsort(norms)
    assert np.all(np.diff(np.array(widths)[order]) > 0), widths
    assert [by_gid(fig, f"grad-w{t}").get_linewidth() for t in range(1, 5)] == widths
    assert len({by_gid(fig, f"grad-h{t}").get_edgecolor() for t in range(1, 5)}) == 4
    assert len(fig.axes) == 2  # the colour bar


def test_bptt_accepts_equal_norms():
    fig = diagrams.bptt_paths(steps=3, gradient_norms=np.full(3, 0.5))
    assert len({by_gid(fig, f"grad-h{t}").get_linewidth() for t in range(1, 4)}) == 1


@pytest.mark.parametrize("norms, message", [
    ([1.0, 2.0], r"expected shape \(3,\) \(one norm per step\), got \(2,\)"),
    ([1.0, -2.0, 3.0], "expected finite positive values"),
    ([1.0, 0.0, 3.0], "expected finite positive values"),
    ([1.0, np.nan, 3.0], "expected finite positive values"),
])
def test_bptt_rejects_bad_norms(norms, message):
    with pytest.raises(ValueError, match="gradient_norms: " + message):
        diagrams.bptt_paths(steps=3, gradient_norms=norms)


# ----------------------------------------------------------------------------- cells

@pytest.mark.parametrize("draw, gates, extra", [
    (diagrams.gru_cell, "rzn", []),
    (diagrams.lstm_cell, "ifgo", [math_label("c", "t-1"), math_label("c", "t"), "cell state"]),
])
def test_cells_show_their_gates(draw, gates, extra):
    labels = texts(draw())
    assert {f"${g}$" for g in gates} <= labels
    assert {diagrams.SIGMA, diagrams.TANH, math_label("x", "t"), math_label("h", "t-1"), math_label("h", "t")} <= labels
    assert set(extra) <= labels


@pytest.mark.parametrize("draw, gates", [(diagrams.gru_cell, "rzn"), (diagrams.lstm_cell, "ifgo")])
def test_cell_highlight_colours_only_that_gate(draw, gates):
    plain = {g: colours(by_gid(draw(), f"node:{g}")) for g in gates}
    for gate in gates:
        fig = draw(highlight=gate)
        for other in gates:
            box = colours(by_gid(fig, f"node:{other}"))
            assert (box != plain[other]) == (other == gate), (gate, other)
        label = by_gid(fig, f"gate-label:{gate}")
        assert matplotlib.colors.to_hex(label.get_color()) == diagrams.HIGHLIGHT.lower()


def test_lstm_cell_state_can_be_highlighted():
    fig = diagrams.lstm_cell(highlight="c")
    assert matplotlib.colors.to_hex(by_gid(fig, "c1").get_edgecolor()) == diagrams.HIGHLIGHT.lower()


@pytest.mark.parametrize("draw, name, valid", [
    (diagrams.gru_cell, "f", "'r', 'z', 'n'"),
    (diagrams.lstm_cell, "r", "'i', 'f', 'g', 'o', 'c'"),
])
def test_cells_reject_unknown_gates(draw, name, valid):
    with pytest.raises(ValueError, match=f"highlight: expected one of {valid}, got '{name}'"):
        draw(highlight=name)


# ----------------------------------------------------------------------------- figures

@pytest.mark.parametrize("name", sorted(figures.FIGURES))
def test_figures_are_byte_deterministic(name):
    first = figures.render(name)
    assert first[:8] == b"\x89PNG\r\n\x1a\n"
    assert figures.render(name) == first


def test_rendering_ignores_the_session_style():
    name = "lstm_cell.png"
    plain = figures.render(name)
    with matplotlib.rc_context({"font.family": "serif", "lines.linewidth": 9, "figure.dpi": 50}):
        assert figures.render(name) == plain


def test_stale_figures_finds_changed_and_missing_files(tmp_path, monkeypatch):
    few = {name: figures.FIGURES[name] for name in ("rnn_folded.png", "gru_cell.png", "bptt_paths.png")}
    monkeypatch.setattr(figures, "FIGURES", few)  # three figures keep the test fast
    paths = figures.write_figures(tmp_path / "out")
    assert sorted(p.name for p in paths) == sorted(few)
    assert figures.stale_figures(tmp_path / "out") == []
    (tmp_path / "out" / "gru_cell.png").write_bytes(figures.render("rnn_folded.png"))
    (tmp_path / "out" / "bptt_paths.png").unlink()
    assert sorted(figures.stale_figures(tmp_path / "out")) == ["bptt_paths.png", "gru_cell.png"]


def test_committed_figures_are_up_to_date():
    """Fails when a diagram changed but `python -m rnncourse figures` was not run."""
    sample = REPO_FIGURES / "rnn_unrolled.png"
    assert sample.is_file(), f"missing {sample}: run `python -m rnncourse figures`"
    rendered_by = Image.open(sample).text.get("Software")
    if rendered_by != figures.render_key():
        pytest.skip(f"figures were rendered by {rendered_by!r}; this environment is {figures.render_key()!r}")
    stale = figures.stale_figures(REPO_FIGURES)
    assert stale == [], f"out of date: {stale}; run `python -m rnncourse figures` and commit figures/"


def test_unknown_figure_name():
    with pytest.raises(KeyError, match="expected one of"):
        figures.render("nope.png")


# ----------------------------------------------------------------------------- style

def test_presentation_style_switches_on_and_back_off():
    before = matplotlib.rcParams["font.size"], matplotlib.rcParams["lines.linewidth"]
    try:
        style.presentation_style(on=True)
        style.presentation_style(on=True)  # twice is harmless
        assert matplotlib.rcParams["font.size"] == style.PRESENTATION_RC["font.size"] > style.COURSE_RC["font.size"]
        matplotlib.rcParams.update(style.COURSE_RC)  # a notebook's first cell, run again ...
        style.presentation_style(on=True)  # ... and the style switched on again: it applies again
        assert matplotlib.rcParams["lines.linewidth"] >= 3
        assert matplotlib.rcParams["axes.prop_cycle"].by_key()["color"][0] == style.PALETTE["blue"]
    finally:
        style.presentation_style(on=False)
    assert (matplotlib.rcParams["font.size"], matplotlib.rcParams["lines.linewidth"]) == before


def test_style_context_managers_restore_the_session():
    before = matplotlib.rcParams["font.size"]
    with style.presentation():
        assert matplotlib.rcParams["font.size"] == style.PRESENTATION_RC["font.size"]
    with style.course_style():
        assert matplotlib.rcParams["font.size"] == style.COURSE_RC["font.size"]
    assert matplotlib.rcParams["font.size"] == before


def test_palette_is_okabe_ito():
    assert {"orange", "sky_blue", "green", "yellow", "blue", "vermillion", "purple", "black"} <= set(style.PALETTE)
    assert style.PALETTE["vermillion"] == "#D55E00"


def test_wide_figures_grow_with_the_presentation_style():
    from rnncourse import style
    normal = style.wide()
    with style.presentation():
        assert style.wide()[0] > normal[0] and style.wide(rows=2)[1] == 2 * style.wide()[1]


def test_a_diagram_shows_itself_as_png_without_pyplot():
    from rnncourse import diagrams
    assert diagrams.rnn_folded()._repr_png_().startswith(b"\x89PNG\r\n\x1a\n")


# ----------------------------------------------------------------------------- batching a text stream

def test_stream_batching_shows_lanes_that_continue_and_random_chunks_that_reset():
    text = "".join(chr(ord("a") + i % 26) for i in range(40))  # every chunk's characters are predictable
    fig = diagrams.stream_batching(text, batch_size=2, k=4, chunks=3, seed=1)

    def chars_in(gid):
        frame = by_gid(fig, gid).get_window_extent()
        inside = [t for t in fig.findobj(Text) if len(t.get_text()) == 1
                  and frame.contains(*t.get_window_extent().get_points().mean(axis=0))]
        return "".join(t.get_text() for t in sorted(inside, key=lambda t: t.get_position()[0]))

    fig.canvas.draw()
    lane = 3 * 4  # lane 2 starts 12 characters into the stream, and each row goes on where it stopped
    assert [chars_in(f"seq:1,{j}") for j in (1, 2, 3)] == ["abcd", "efgh", "ijkl"]
    assert [chars_in(f"seq:2,{j}") for j in (1, 2, 3)] == [text[lane:lane + 4], text[lane + 4:lane + 8],
                                                            text[lane + 8:lane + 12]]
    assert {a.get_gid() for a in fig.findobj() if (a.get_gid() or "").startswith("cut:")} == \
        {f"cut:{b},{j}" for b in (1, 2) for j in (1, 2)}  # the gradient stops between chunks, not after the last
    random_chunks = [chars_in(f"rand:{b},{j}") for b in (1, 2) for j in (1, 2, 3)]
    assert all(c in text for c in random_chunks) and len(set(random_chunks)) > 1
    assert len([a for a in fig.findobj() if (a.get_gid() or "").startswith("reset:")]) == 6  # every chunk: h = 0


def test_stream_batching_says_what_text_it_needs():
    with pytest.raises(ValueError, match=r"at least batch_size \* \(chunks \* k \+ 1\) = 48 characters, got 10"):
        diagrams.stream_batching("0123456789", batch_size=3, k=5, chunks=3)
    with pytest.raises(ValueError, match="batch_size: expected an integer from 1 to 6, got 9"):
        diagrams.stream_batching("x" * 500, batch_size=9)
