"""The widgets, driven from Python without a browser: every control changes what is shown in the
expected way, moving it back restores the identical picture or HTML, and no move runs the model;
built on a projector, the widgets with two pictures show one at a time, fitted under their controls."""
import html
import re

import numpy as np
import pytest

from rnncourse import diagrams, models, style, widgets
from rnncourse.gru import GRU
from rnncourse.layers import Dense
from rnncourse.losses import softmax
from rnncourse.lstm import LSTM
from rnncourse.rnn import RNN
from rnncourse.text import Vocabulary, one_hot

VOCAB = Vocabulary("abcdefghijklmnopqrstuvwxyz ")
NAMES_VOCAB = Vocabulary("abcdeilmnorsty", specials=(".",))


def no_forward(layer):
    """Make any further forward pass of `layer` fail: a control move must not run the model."""
    def fail(*args, **kwargs):
        raise AssertionError("the model was run again on a control move")
    layer.forward = fail


def shown_text(box):
    """What a notebook stores for the widget (nbval compares it): short, and without image bytes,
    which differ between machines."""
    text = box._repr_mimebundle_()["text/plain"]
    assert "Image(value" not in text and "PNG" not in text, text
    return text


# ----------------------------------------------------------------------------- hidden-state explorer

@pytest.fixture
def explorer():
    rnn, head = RNN(len(VOCAB), 8, rng=0), Dense(8, len(VOCAB), rng=1)
    box = widgets.hidden_state_explorer(rnn, "hello world", VOCAB, head)
    expected, _ = RNN(len(VOCAB), 8, rng=0).forward(one_hot(VOCAB.encode("hello world"), len(VOCAB))[None])
    return box, rnn, head, expected[0]


def test_explorer_shows_the_hidden_states_of_the_input(explorer):
    box, _, _, expected = explorer
    np.testing.assert_allclose(box.states, expected)  # (T, H) = (11, 8)
    assert box.slider.max == box.play.max == 11 and box.diagram.steps == 6
    assert box.link.source == (box.play, "value") and box.link.target == (box.slider, "value")
    assert shown_text(box).startswith("VBox(children=(HBox(children=(Play(")


def test_explorer_slider_moves_the_marked_step_and_back(explorer):
    box, rnn, _, expected = explorer
    no_forward(rnn)
    first = (box.diagram_image.value, box.heatmap_image.value, box.html.value)
    box.slider.value = 5
    assert box.diagram_image.value != first[0] and box.heatmap_image.value != first[1]
    assert box.diagram_image.value == box.frames[4]
    frame = box.heatmap.get_array()  # (H, T): read columns shown, later ones masked (grey)
    np.testing.assert_allclose(frame[:, :5], expected[:5].T)
    assert np.ma.getmaskarray(frame)[:, 5:].all() and not np.ma.getmaskarray(frame)[:, :5].any()
    assert box.marker.get_xdata()[0] == 5
    assert "h⟨5⟩" in box.html.value and "font-weight:bold'>o</td>" in box.html.value
    box.slider.value = 1
    assert (box.diagram_image.value, box.heatmap_image.value, box.html.value) == first


def test_explorer_diagram_pages_along_a_long_input(explorer):
    box, _, _, _ = explorer
    assert len(set(box.frames)) == 11  # one picture per step, all different
    # T = 11 with 6 steps shown: the last page shows steps 6..11 (drawn last, so still labelled so)
    assert box.labels["label:x3"].get_text() == diagrams.math_label("x", 8)
    assert box.labels["label:h0"].get_text() == diagrams.math_label("h", 5)
    assert box.diagram.highlighted == 6
    box.slider.value = 8
    assert box.diagram_image.value == box.frames[7]


def test_explorer_shows_the_top_prediction_per_step(explorer):
    box, _, head, expected = explorer
    best = softmax(head.forward(expected[None])[0]).argmax(axis=1)
    box.slider.value = 11
    for i in best:
        assert f">{VOCAB.tokens[i].replace(' ', '␣')}</span>" in box.html.value


def test_explorer_text_box_recomputes_once_and_reports_bad_input(explorer):
    box, rnn, _, _ = explorer
    box.slider.value = 9
    box.text.value = "abc"
    assert box.slider.max == 3 and box.slider.value == 3 and box.diagram.steps == 3
    expected, _ = rnn.forward(one_hot(VOCAB.encode("abc"), len(VOCAB))[None])
    np.testing.assert_allclose(box.states, expected[0])
    box.text.value = "abQ"
    assert "expected characters of the vocabulary" in box.status.value and "Q" in box.status.value
    assert box.states.shape == (3, 8)  # unchanged
    box.text.value = "hello world"
    assert box.status.value == "" and box.slider.max == 11


def test_explorer_takes_ids_without_a_vocabulary_and_a_gru():
    box = widgets.hidden_state_explorer(GRU(5, 4, rng=0), [0, 3, 1, 4])
    assert box.states.shape == (4, 4) and box.text.value == "0 3 1 4"
    box.text.value = "2 2"
    assert box.states.shape == (2, 4)
    box.text.value = "two"
    assert "integer ids" in box.status.value


def test_explorer_reads_a_char_model():
    model = models.CharLM(NAMES_VOCAB, 6, cell="lstm", rng=0)
    box = widgets.hidden_state_explorer(model, ".emma")
    assert box.states.shape == (5, 6) and "top ŷ⟨t⟩" in box.html.value


# ----------------------------------------------------------------------------- gradient explorer

@pytest.fixture(scope="module")
def gradients():
    return widgets.gradient_explorer(hidden_size=8, max_length=20, rng=0)


def test_gradient_lines_are_the_precomputed_rows(gradients):
    box = gradients
    box.radius.value, box.activation.value, box.gate_bias.value, box.length.value = 0.8, "relu", 2, 15
    j = [5, 10, 15, 20].index(15)
    for cell, key in (("RNN", ("RNN", 0.8, "relu")), ("GRU", ("GRU", 0.8, 2)), ("LSTM", ("LSTM", 0.8, 2))):
        xs, ys = box.lines[cell].get_data()
        np.testing.assert_array_equal(xs, np.arange(1, 16))
        np.testing.assert_array_equal(ys, np.maximum(box.grid[key][j, :15], widgets.FLOOR))
        assert ys[-1] == pytest.approx(1.0)  # L = u · h⟨T⟩ with |u| = 1


def test_gradient_every_control_changes_the_picture_and_back(gradients):
    box = gradients
    shown_text(box)
    box.radius.value, box.activation.value, box.gate_bias.value, box.length.value = 1.0, "tanh", 0, 20
    start = (box.image.value, box.html.value)
    for control, value in ((box.radius, 1.35), (box.activation, "linear"), (box.gate_bias, 3), (box.length, 10)):
        old = control.value
        control.value = value
        assert box.image.value != start[0] and box.html.value != start[1], control.description
        control.value = old
        assert (box.image.value, box.html.value) == start, control.description


def test_gradient_vanishes_below_radius_one_and_explodes_above(gradients):
    box = gradients
    box.activation.value, box.length.value = "linear", 20
    box.radius.value = 0.5
    assert box.lines["RNN"].get_ydata()[0] < 1e-3
    box.radius.value = 1.5
    assert box.lines["RNN"].get_ydata()[0] > 1e2
    box.radius.value, box.gate_bias.value = 1.0, 0
    closed = box.lines["LSTM"].get_ydata()[0]
    box.gate_bias.value = 3
    assert box.lines["LSTM"].get_ydata()[0] > 100 * closed  # a keep gate near 1 carries the gradient back


@pytest.mark.parametrize("cell", ["rnn", "gru", "lstm"])
def test_gradient_norms_agree_with_the_layers_backward(cell):
    """‖∂L/∂h⟨t⟩‖, L = u · h⟨T⟩, checked by running the layer on from h⟨t⟩ and reading d_state0."""
    rng = np.random.default_rng(3)
    T, D, H, t = 9, 3, 5, 4
    x, u = rng.standard_normal((T, D)), rng.standard_normal(H)
    layer = {"rnn": RNN, "gru": GRU, "lstm": LSTM}[cell](D, H, rng=1)
    if cell == "rnn":
        P = layer.params
        norms = widgets._rnn_gradient_norms(x, P["W_xh"], P["W_hh"], P["b_h"], "tanh", [T], u)
    else:
        forward, backward = {"gru": (widgets.gru_step_forward, widgets.gru_step_backward),
                             "lstm": (widgets.lstm_step_forward, widgets.lstm_step_backward)}[cell]
        norms = widgets._gated_gradient_norms(forward, backward, layer.params, x, [T], u, cell == "lstm")
    _, _ = layer.forward(x[None, :t])
    state_t = (layer.hidden_states[:, -1], layer.cell_states[:, -1]) if cell == "lstm" else layer.hidden_states[:, -1]
    layer.forward(x[None, t:], state_t)
    d_out = np.zeros((1, T - t, H))
    d_out[0, -1] = u
    _, d_state = layer.backward(d_out)
    expected = np.sqrt(sum((d ** 2).sum() for d in d_state)) if cell == "lstm" else np.linalg.norm(d_state)
    assert norms[0, t - 1] == pytest.approx(expected, rel=1e-10)


# ----------------------------------------------------------------------------- gate viewer

@pytest.mark.parametrize("cell, names", [(GRU, "rzn"), (LSTM, "ifgo")])
def test_gate_viewer_toggles_each_gate_and_back(cell, names):
    x = np.random.default_rng(0).standard_normal((7, 3))
    layer = cell(3, 5, rng=0)
    box = widgets.gate_viewer(layer, x)
    no_forward(layer)
    expected = cell(3, 5, rng=0)
    expected.forward(x[None])
    assert list(box.toggle.options) == list(names)
    shown_text(box)
    first = (box.image.value, box.cell_image.value, box.html.value)
    seen = set()
    for name in names[1:] + names[0]:
        box.toggle.value = name
        np.testing.assert_allclose(box.heatmap.get_array(), expected.gates[name][0].T)  # (H, T)
        assert box.cell_image.value == box.cell_pngs[name] and box.lines[name].get_linewidth() == 3.2
        assert f"{name}" in box.html.value.split(":")[0]
        seen.add(box.image.value)
    assert len(seen) == len(names) and len(set(box.cell_pngs.values())) == len(names)
    assert (box.image.value, box.cell_image.value, box.html.value) == first


def test_gate_viewer_reads_text_through_a_model_and_rejects_a_vanilla_rnn():
    model = models.CharLM(NAMES_VOCAB, 4, cell="gru", rng=0)
    box = widgets.gate_viewer(model, ".mary")
    assert box.gates["z"].shape == (5, 4)
    with pytest.raises(TypeError, match="GRU or LSTM"):
        widgets.gate_viewer(RNN(3, 4), np.zeros((5, 3)))
    with pytest.raises(ValueError, match="one per step"):
        widgets.gate_viewer(GRU(3, 4), np.zeros((5, 3)), labels=list("abc"))


# ----------------------------------------------------------------------------- neuron viewer

def test_neuron_viewer_colours_text_by_the_chosen_unit_and_back():
    model = models.CharLM(NAMES_VOCAB, 6, rng=0)
    box = widgets.neuron_viewer(model, "emma.tom", top_k=2)
    no_forward(model.rnn)
    ids = NAMES_VOCAB.encode(list(".emma.tom"))
    hs, _ = models.CharLM(NAMES_VOCAB, 6, rng=0).rnn.forward(one_hot(ids, len(NAMES_VOCAB))[None])
    np.testing.assert_allclose(box.states, hs[0])
    first = box.html.value
    shown_text(box)
    for unit in (3, 5):
        box.slider.value = unit
        assert box.html.value == box.pages[unit] != first
        assert all(widgets._cell_colour(hs[0, t, unit]) in box.html.value for t in range(len(ids)))
    box.slider.value = 0
    assert box.html.value == first
    probs = softmax(model.head.forward(hs)[0])
    top = NAMES_VOCAB.tokens[int(probs[0].argmax())]
    assert f"next: {top} {probs[0].max():.0%}" in first
    with pytest.raises(ValueError, match="vocabulary"):
        widgets.neuron_viewer(model, "EMMA")


# ----------------------------------------------------------------------------- sampling

def test_sampling_is_deterministic_per_temperature_and_seed():
    model = models.CharLM(NAMES_VOCAB, 6, rng=0)
    box = widgets.sampling_control(model, count=4, max_chars=8, known={"emma"})
    first = box.html.value
    shown_text(box)
    rng = np.random.default_rng(0)
    expected = [model.sample(8, 1.0, rng=rng) for _ in range(4)]
    assert box.samples() == expected and all(s in first for s in expected)
    box.temperature.value = 0.3
    cold = box.html.value
    assert cold != first and "temperature 0.3" in cold
    box.seed.value = 7
    assert box.html.value not in (first, cold)
    box.seed.value, box.temperature.value = 0, 1.0
    assert box.html.value == first
    slider_values = {round(0.1 * k, 2) for k in range(1, 21)}
    assert set(box.cache) == {(t, seed) for t in slider_values for seed in (0, 7)}  # a seed samples every T once
    assert "new" in first


def test_sampling_control_never_samples_when_the_temperature_moves():
    model = models.CharLM(NAMES_VOCAB, 6, rng=0)
    box = widgets.sampling_control(model, count=2, max_chars=5)
    model.sample = None  # any call would now fail
    for value in (0.1, 2.0, 1.3, 1.0):
        box.temperature.value = value
        assert f"temperature {value:.1f}" in box.html.value


def test_a_widget_forward_pass_stops_a_pending_backward_from_using_its_caches():
    model = models.CharLM(NAMES_VOCAB, 6, rng=0)
    model.loss(model.encode("emma")[None])
    widgets.neuron_viewer(model, "ann")
    with pytest.raises(RuntimeError, match="expected loss"):
        model.backward()
    model.loss(model.encode("emma")[None])
    widgets.hidden_state_explorer(model, "bo")
    with pytest.raises(RuntimeError, match="expected loss"):
        model.backward()


def test_explorer_text_box_reports_an_id_out_of_range_and_keeps_the_view():
    box = widgets.hidden_state_explorer(RNN(3, 4, rng=0), [0, 1, 2])
    before = box.html.value
    box.text.value = "0 1 5"
    assert "expected ids in [0, 3), got 5" in box.status.value and box.html.value == before


# ----------------------------------------------------------------------------- helpers

def test_figure_png_and_memory_demo():
    png = widgets.figure_png(diagrams.gru_cell(), dpi=20)
    assert png.startswith(b"\x89PNG")
    demo = widgets.memory_demo()
    slider, view = demo.children
    before = view.value
    slider.value = 1.0
    assert view.value != before
    slider.value = 0.5
    assert view.value == before


# ----------------------------------------------------------------------------- text sampler (a stream model)

CODE_VOCAB = Vocabulary("def f(x):\n    return 'x' + 1\n")


def test_text_sampler_continues_the_priming_text_deterministically_and_greedily_at_zero():
    model = models.CharLM(CODE_VOCAB, 8, cell="lstm", rng=0)  # a stream model: no boundary token
    box = widgets.text_sampler(model, prime="def ", length=30, temperature=0.8, seed=3)
    shown_text(box)
    expected = model.sample(30, 0.8, rng=np.random.default_rng(3), prefix="def ")
    assert box.sample() == expected[4:] and "<b>def </b>" in box.html.value
    first = box.html.value
    box.temperature.value = 0.0
    greedy = model.sample(30, 0.0, rng=np.random.default_rng(99), prefix="def ")  # no draw: any rng
    assert box.sample() == greedy[4:] and "greedy" in box.html.value
    box.seed.value = 4
    assert box.sample() == greedy[4:]  # greedy decoding ignores the seed
    box.temperature.value, box.seed.value = 0.8, 3
    assert box.html.value == first
    box.prime.value = "return x"
    assert box.sample() == model.sample(30, 0.8, rng=np.random.default_rng(3), prefix="return x")[8:]


def test_text_sampler_samples_once_per_setting_and_explains_a_bad_priming_text():
    model = models.CharLM(CODE_VOCAB, 8, cell="gru", rng=0)
    box = widgets.text_sampler(model, prime="f(x)", length=10)
    box.temperature.value = 1.5
    box.temperature.value = 0.8  # back to a cached setting
    real_sample, calls = model.sample, []
    model.sample = lambda *a, **k: calls.append(1) or real_sample(*a, **k)
    box.temperature.value = 1.5
    assert calls == [] and set(box.cache) == {("f(x)", 0.8, 0), ("f(x)", 1.5, 0)}
    box.prime.value = "def Q(z)"
    assert "never seen: 'Q', 'z'" in box.html.value and box.sample() is None
    box.prime.value = ""
    assert "at least one character" in box.html.value


# ----------------------------------------------------------------------------- one unit over a long text

def test_unit_text_viewer_colours_each_character_by_the_chosen_unit():
    text_ = "ab 'c'\n  d(e)"
    states = np.random.default_rng(0).uniform(-0.8, 0.8, size=(len(text_), 4))
    box = widgets.unit_text_viewer(text_, states, named={"inside string: unit 2": 2})
    shown_text(box)
    assert box.slider.value == 2 and box.named.value == 2
    scale = np.abs(states[:, 2]).max()
    assert all(widgets._cell_colour(v / scale) in box.html.value for v in states[:, 2])
    assert box.html.value.count("<span style='background:") == len(text_) + 2  # every character, and the legend
    first = box.html.value
    box.slider.value = 0
    assert box.html.value == box.pages[0, 0] != first and f"h = {states[5, 0]:+.2f}" in box.html.value
    box.named.value = 2
    assert box.slider.value == 2 and box.html.value == first
    assert "\n" in first  # line breaks kept: code keeps its layout
    with pytest.raises(ValueError, match=r"expected \(T, H\) with T = len\(text\) = 13, got shape \(12, 4\)"):
        widgets.unit_text_viewer(text_, states[:-1])
    with pytest.raises(ValueError, match="expected units in"):
        widgets.unit_text_viewer(text_, states, named={"x": 9})


# ----------------------------------------------------------------------------- on a projector

def fitted_size(image, room):
    """(width, height) in px of the SVG in `image`, which must fit `room` (width, height)."""
    assert image.format == "svg+xml"
    width, height = (float(v) for v in re.search(rb'<svg[^>]*?width="([\d.]+)px" height="([\d.]+)px"',
                                                 bytes(image.value)).groups())
    assert width <= room[0] + 0.1 and height <= room[1] + 0.1, f"{width}×{height} px, the room is {room}"
    return width, height


def shown(*images):
    """Which of `images` are displayed (the others have display: none)."""
    return [image.layout.display != "none" for image in images]


def test_explorer_on_a_projector_shows_one_picture_at_a_time_under_one_row_of_controls(presenting):
    rnn, head = RNN(len(VOCAB), 8, rng=0), Dense(8, len(VOCAB), rng=1)
    box = widgets.hidden_state_explorer(rnn, "hello world", VOCAB, head)
    no_forward(rnn)
    assert box.picture_toggle in box.children[0].children and box.picture_toggle.options == ("diagram", "hidden state")
    images = (box.diagram_image, box.heatmap_image)
    sizes = [fitted_size(image, widgets.EXPLORER_PICTURE) for image in images]
    assert box.diagram_view.zoom >= style.MIN_ZOOM and box.heatmap_view.zoom >= style.MIN_ZOOM  # 12 pt: 18 px
    assert min(width for width, _ in sizes) > 0.9 * widgets.EXPLORER_PICTURE[0]  # as wide as the slide
    assert shown(*images) == [True, False] and "display:flex" in box.html.value  # the two tables side by side
    box.slider.value = 5
    assert [fitted_size(image, widgets.EXPLORER_PICTURE) for image in images] == sizes
    assert box.diagram_image.value == box.frames[4] and "h⟨5⟩" in box.html.value
    box.picture_toggle.value = "hidden state"
    assert shown(*images) == [False, True]


@pytest.mark.parametrize("cell, steps", [(GRU, 21), (LSTM, 31)])
def test_gate_viewer_on_a_projector_shows_one_picture_at_a_time_with_readable_steps(presenting, cell, steps):
    x = np.random.default_rng(0).standard_normal((steps, 2))
    labels = [f"{t}★" if t in (1, 21) else str(t) for t in range(1, steps + 1)]
    box = widgets.gate_viewer(cell(2, 32, rng=0), x, labels=labels)
    assert box.picture_toggle in box.children[0].children
    assert box.picture_toggle.options == ("gate values", "cell diagram")
    width, _ = fitted_size(box.image, widgets.GATE_PICTURE)
    assert width > 0.9 * widgets.GATE_PICTURE[0] and box.view.zoom >= style.MIN_ZOOM
    sizes = [re.findall(r"font-size: ([\d.]+)px", bytes(box.image.value).decode())]
    assert min(float(size) for size in sizes[0]) * 4 / 3 * box.view.zoom >= 18  # no mathtext here: every text
    for picture in box.cell_pngs.values():
        box.cell_image.value = picture
        fitted_size(box.cell_image, widgets.GATE_PICTURE)
    axis = box.view.figure.axes[1]
    ticks = [tick for tick in axis.get_xticklabels() if tick.get_text()]
    assert {"1★", "21★"} <= {tick.get_text() for tick in ticks} and len(ticks) >= steps / 2
    boxes = [tick.get_window_extent(box.view.canvas.get_renderer()) for tick in ticks]
    assert all(left.x1 < right.x0 for left, right in zip(boxes, boxes[1:])), "step labels overlap"
    images = (box.image, box.cell_image)
    assert shown(*images) == [True, False]
    first = box.image.value
    box.toggle.value = box.toggle.options[1]
    assert box.image.value != first and fitted_size(box.image, widgets.GATE_PICTURE)[0] == width
    box.picture_toggle.value = "cell diagram"
    assert shown(*images) == [False, True]


def test_widgets_off_the_projector_keep_both_pictures_in_view():
    box = widgets.gate_viewer(GRU(3, 4, rng=0), np.zeros((5, 3)))
    assert box.picture_toggle is None and box.image.format == "png"
    assert box.image.layout.display is None and box.cell_image.layout.display is None


def plain(page):
    """The text of an HTML page, without tags."""
    return html.unescape(re.sub(r"<[^>]+>", "", page))


def test_unit_text_viewer_on_a_projector_shows_a_long_text_in_parts_of_a_slide(presenting):
    rows = widgets.TEXT_ROWS
    lines = [f"line {k}: " + "x" * (k % 7) for k in range(1, 2 * rows + 1)] + ["y" * 170]  # the last: three rows
    text_ = "\n".join(lines)
    states = np.random.default_rng(0).uniform(-0.8, 0.8, size=(len(text_), 3))
    box = widgets.unit_text_viewer(text_, states, named={"a unit": 1})
    assert box.part is not None and box.part.max == 3 and box.part in box.children[0].children
    first = plain(box.html.value)
    assert f"; lines 1–{rows} of {2 * rows + 1}" in first and f"line {rows}:" in first
    assert f"line {rows + 1}:" not in first and first.count("↵") == rows  # one row per line, `rows` of them
    box.part.value = 3
    last = plain(box.html.value)
    assert f"lines {2 * rows + 1}–{2 * rows + 1} of" in last and last.endswith("y" * 170)
    box.slider.value = 2
    assert box.html.value == box.pages[2, 2]  # a new unit keeps the part
    assert f"+{np.abs(states[:, 2]).max():.2f}" in box.html.value  # colours scaled over the whole text
    box.part.value = 1
    assert box.html.value == box.pages[2, 0] and "line 1:" in plain(box.html.value)


def test_unit_text_viewer_off_the_projector_shows_the_whole_text():
    text_ = "\n".join(f"line {k}" for k in range(1, 41))
    box = widgets.unit_text_viewer(text_, np.zeros((len(text_), 2)))
    assert box.part is None and box.children[0] is box.slider and "line 40" in plain(box.html.value)
