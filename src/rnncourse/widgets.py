"""Interactive views built with ipywidgets. Each is built by one call, precomputes what it
shows, and on every control move only swaps prepared HTML or changes matplotlib artists and
redraws them: no model run and no new figure per move.

    memory_demo()                              one recurrent weight: how long is a pulse remembered?
    hidden_state_explorer(layer, text, vocab)  step through a sequence: diagram, h⟨t⟩, predictions
    gradient_explorer()                        ‖∂L/∂h⟨t⟩‖ against spectral radius, nonlinearity, length
    gate_viewer(layer, x)                      gate activations of a GRU or LSTM over a sequence
    neuron_viewer(model, text)                 text coloured by one hidden unit, top-k next characters
    sampling_control(model)                    text sampled at a temperature and a seed
    text_sampler(model, prime)                 a priming text continued at a temperature (0: greedy) and a
                                               seed; the one view that runs the model: once per new setting
    unit_text_viewer(text, states, named)      a long text coloured by one hidden unit, line breaks kept

Figures are shown as PNG bytes in a widgets.Image (`FigureView`): a move changes artists and
re-renders them, and nothing is drawn into an Output widget, so a notebook cell that shows a
widget keeps the same stored output on every machine (nbval). A widget built while
style.presentation_style() is on is made for a projector: its figures are SVG fitted to the
screen like the session's figures (style.screen_svg), its text is at least 20 px (PROJECTOR_CSS),
and the whole widget fits on one 1280×720 deck slide: the explorer and the gate viewer, which have
two pictures, show one at a time (a "show" toggle). Each function returns the top-level box; its
controls and views are attributes (`.slider`, `.image`, `.html`, ...) so a test can drive it from
Python.
"""
import html
import io

import ipywidgets as widgets
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator
from PIL import Image as PILImage

from . import diagrams, style
from .gru import GRU, gru_step_backward, gru_step_forward
from .init import as_rng, pytorch_default
from .losses import softmax
from .lstm import LSTM, lstm_step_backward, lstm_step_forward
from .style import CYCLE, PALETTE
from .text import one_hot

DPI = 90  # pixels per inch of the rendered figures: readable on a projector, and fast to redraw


# ----------------------------------------------------------------------------- small HTML helpers

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


def _shown(token):
    """A token as it can be seen on screen: space ␣, newline ⏎, tab ⇥."""
    return {" ": "␣", "\n": "⏎", "\t": "⇥"}.get(token, token)


PROJECTOR_CLASS = "rnncourse-projector"
PROJECTOR_CSS = f"""<style>
.{PROJECTOR_CLASS} {{--jp-widgets-font-size: 20px; --jp-widgets-inline-height: 36px;
  --jp-widgets-inline-label-width: 150px; --jp-widgets-inline-width: 500px;
  --jp-widgets-slider-handle-size: 22px; font-size: 20px}}
.{PROJECTOR_CLASS} .widget-hbox {{flex-wrap: wrap}}
.{PROJECTOR_CLASS} .widget-toggle-buttons {{display: flex; align-items: center}}
.{PROJECTOR_CLASS} .widget-toggle-buttons .widget-label {{padding-right: 8px}}
.{PROJECTOR_CLASS} .widget-html-content, .{PROJECTOR_CLASS} .widget-html-content * {{font-size: 20px !important;
  line-height: 1.35}}
</style>"""  # widget text of a projector widget: ipywidgets' own size variables, and the HTML views' text


def _expose(box, **parts):
    """Attach the controls and views to the returned box, for tests and curious users; while the
    presentation style is on, also make its text projector-sized (PROJECTOR_CSS)."""
    for name, part in parts.items():
        setattr(box, name, part)
    if style.presenting() and PROJECTOR_CLASS not in box._dom_classes:
        box.add_class(PROJECTOR_CLASS)
        box.children += (widgets.HTML(PROJECTOR_CSS),)
    return box


def _pt(size):
    """A font size in points for a widget figure: at least 12 pt (18 px on screen) on a projector."""
    return max(size, 12) if style.presenting() else size


# On a projector a widget with two pictures shows one at a time (_one_at_a_time), fitted to the room that
# its controls and text leave in 640 px, the height of style.SCREEN (measured in a 1280×720 deck in Chromium).
EXPLORER_PICTURE = (1060, 470)  # hidden_state_explorer: under a row of controls (41 px), above the tables (99 px)
GATE_PICTURE = (1060, 560)      # gate_viewer: under a row of buttons (36 px) and a line of note (27 px)


def _one_at_a_time(pictures):
    """ToggleButtons that show one of `pictures` ({label: widget}, the first shown first) and hide the others."""
    chooser = widgets.ToggleButtons(options=list(pictures), description="show")

    def show(_=None):
        for label, shown in pictures.items():
            shown.layout.display = None if label == chooser.value else "none"

    chooser.observe(show, names="value")
    show()
    return chooser


def _readable_steps(ax, labels, fontsize):
    """Set one x tick label per step on `ax` (of a figure at its final size), the plain step numbers thinned
    to every k-th, k as small as lets no two labels touch; labels that are not step numbers ("v1", "21★") stay."""
    renderer = ax.figure.canvas.get_renderer()
    for k in range(1, len(labels) + 1):
        shown = [label if t % k == 0 or label != str(t + 1) else "" for t, label in enumerate(labels)]
        ax.set_xticks(range(1, len(labels) + 1), shown, fontsize=fontsize)
        boxes = [tick.get_window_extent(renderer) for tick in ax.get_xticklabels() if tick.get_text()]
        if all(left.x1 + 6 < right.x0 for left, right in zip(boxes, boxes[1:])):
            return


# ----------------------------------------------------------------------------- figures as images

def png_bytes(rgba):
    """Pixels (height, width, 4) uint8 -> PNG bytes (light compression: fast to make on every move)."""
    buffer = io.BytesIO()
    PILImage.fromarray(np.ascontiguousarray(np.asarray(rgba)[..., :3])).save(buffer, format="png",
                                                                            compress_level=1)
    return buffer.getvalue()


def picture():
    """An empty widgets.Image for PNG bytes (SVG while the presentation style is on), shown at its own
    size (sharp), never wider than the page."""
    return widgets.Image(format="svg+xml" if style.presenting() else "png",
                         layout=widgets.Layout(max_width="100%", align_self="flex-start"))


class FigureView:
    """A matplotlib Figure shown as PNG bytes in `image` (a widgets.Image).

    After changing artists, `draw()` re-renders the whole figure. Faster (matplotlib's
    blitting): `render()` once and keep the picture as `background`; then on every move
    `blit(artists)` draws just the changing artists over it. Artists marked
    `set_animated(True)` are left out of render(), so that blit can place them afresh.
    Nothing is drawn until draw() or render() is called.

    Built while the presentation style is on, the view shows SVG instead (`svg` is True): the
    figure is fitted to `screen` (width, height) px, all of style.SCREEN unless the widget shares it
    out (style.fit); every frame is the whole figure with `artists` drawn in, cropped to the same
    box and shown at the same zoom; render() then only returns None.
    """

    def __init__(self, figure, dpi=DPI, image=None, screen=style.SCREEN):
        figure.set_dpi(dpi)
        self.figure, self.canvas = figure, FigureCanvasAgg(figure)
        self.image = picture() if image is None else image
        self.background = None
        self.svg, self.crop, self.screen = style.presenting(), None, screen
        if self.svg:
            style.fit(figure, screen)

    def render(self):
        """Draw everything but the animated artists; returns that picture, also kept as `background`."""
        if self.svg:
            return None
        self.canvas.draw()
        self.background = self.canvas.copy_from_bbox(self.figure.bbox)
        return self.background

    def _svg_frame(self, artists):
        """SVG bytes of the figure with the (animated) `artists` drawn in."""
        animated = [artist for artist in artists if artist.get_animated()]
        for artist in animated:
            artist.set_animated(False)
        try:
            if self.crop is None:  # the first frame fixes the box and the zoom of all frames
                self.crop, self.zoom = self._crop_and_zoom()
            return style.screen_svg(self.figure, bbox_inches=self.crop, zoom=self.zoom).encode()
        finally:
            for artist in animated:
                artist.set_animated(True)

    def _crop_and_zoom(self):
        """(box of the figure's labels in inches, zoom that shows it within `screen`); while that zoom is
        under style.MIN_ZOOM (labels far outside the axes), the figure is shrunk and measured again."""
        for attempt in range(4):
            crop = self.figure.get_tightbbox(self.canvas.get_renderer()).padded(0.1)
            zoom = min(style.MAX_ZOOM, self.screen[0] / (96 * crop.width), self.screen[1] / (96 * crop.height))
            if zoom >= style.MIN_ZOOM or attempt == 3:
                return crop, zoom
            self.figure.set_size_inches(self.figure.get_size_inches() * 0.98 * zoom / style.MIN_ZOOM)  # text keeps its size

    def frame(self, artists=()):
        """PNG bytes of `background` with `artists` drawn over it (in zorder order); SVG bytes if `svg`."""
        if self.svg:
            return self._svg_frame(artists)
        self.canvas.restore_region(self.background)
        renderer = self.canvas.get_renderer()
        for artist in sorted(artists, key=lambda a: a.get_zorder()):
            artist.draw(renderer)
        return png_bytes(self.canvas.buffer_rgba())

    def blit(self, artists=()):
        """Show frame(artists) in `image`."""
        self.image.value = self.frame(artists)

    def draw(self, artists=()):
        """render() and blit(artists)."""
        self.render()
        self.blit(artists)


def figure_png(figure, dpi=DPI, screen=style.SCREEN):
    """PNG bytes of a Figure rendered once (for pictures that never change); SVG bytes fitted to `screen`
    while the presentation style is on."""
    view = FigureView(figure, dpi, screen=screen)
    view.render()
    return view.frame()


# ----------------------------------------------------------------------------- inputs

def _parts(layer, vocab=None, output_layer=None):
    """(recurrent layer, ids -> features (1, T, D), read-out layer or None, vocabulary or None).

    `layer` is a recurrent layer (inputs: one-hot ids) or a model of rnncourse.models (its
    own features, head and vocab are used unless others are given).
    """
    if hasattr(layer, "rnn") and hasattr(layer, "features"):
        model = layer

        def features(ids):
            model.discard_loss()  # the widget's forward pass replaces the caches a pending backward needs
            return model.features(ids[None])
        return model.rnn, features, output_layer or model.head, vocab or getattr(model, "vocab", None)
    return layer, lambda ids: one_hot(ids, layer.input_size)[None], output_layer, vocab


def _encode(text_or_ids, vocab):
    """A string (through `vocab`; without one, whitespace-separated ints) or ids -> ids (T,) int64."""
    if isinstance(text_or_ids, str):
        if vocab is None:
            try:
                return _encode([int(part) for part in text_or_ids.split()], None)
            except ValueError:
                raise ValueError(f"text: without a vocab, expected integer ids separated by spaces, "
                                 f"got {text_or_ids!r}; pass vocab= to read characters") from None
        unknown = sorted({ch for ch in text_or_ids if ch not in vocab})
        if unknown:
            raise ValueError(f"text: expected characters of the vocabulary, got {', '.join(map(repr, unknown))} "
                             f"(the vocabulary has {''.join(t for t in vocab.tokens if len(t) == 1)!r})")
        ids = vocab.encode(list(text_or_ids))
    else:
        ids = np.asarray(text_or_ids)
        ids = ids[0] if ids.ndim == 2 and ids.shape[0] == 1 else ids
    if ids.ndim != 1 or ids.size == 0 or ids.dtype.kind not in "iu":
        raise ValueError(f"text_or_ids: expected a non-empty string or 1-d integer ids (time,), "
                         f"got shape {ids.shape} dtype {ids.dtype}")
    return ids.astype(np.int64)


def _tokens(ids, vocab):
    return [_shown(vocab.tokens[i]) if vocab is not None else str(i) for i in ids]


# ----------------------------------------------------------------------------- hidden-state explorer

def _steps_table(rows, current):
    """HTML table with one column per step; rows: [(label, [cell, ...])], cells already escaped.

    Column `current` (1-based) is highlighted, the later ones greyed out.
    """
    def cell(k, text):
        style = ("background:#F6C9A8;font-weight:bold" if k == current else
                 "color:#BBBBBB" if k > current else "")
        return f"<td style='padding:2px 5px;text-align:center;{style}'>{text}</td>"

    body = "".join(f"<tr><th style='padding:2px 8px;text-align:right'>{label}</th>"
                   + "".join(cell(k, text) for k, text in enumerate(cells, start=1)) + "</tr>"
                   for label, cells in rows)
    table = f"<table style='font-family:monospace;border-collapse:collapse'>{body}</table>"
    return f"<div style='overflow-x:auto'>{table}</div>"


def hidden_state_explorer(layer, text_or_ids, vocab=None, output_layer=None, visible_steps=6):
    """Step through a sequence and watch the hidden state fill in.

    layer: a recurrent layer (RNN, GRU, LSTM) reading one-hot ids, or a model of rnncourse.models.
    text_or_ids: a string (encoded with `vocab`, a text.Vocabulary) or 1-d ids (T,).
    output_layer: optional Dense (H, V); then the top next-token prediction of every step is shown.
    visible_steps: width of the unrolled diagram (it pages along longer sequences).

    Shows: Play + slider over t; the unrolled diagram with step t marked; the hidden states as a
    heatmap units × time, steps after t greyed; the tokens read so far and the predictions.
    A text box takes a new input (one forward pass when it changes). Runs layer.forward.
    On a projector the controls take one row, the diagram and the heatmap one place (picture_toggle
    chooses) and the two tables sit side by side, so the whole widget fits on a slide.
    Attributes: play, slider, text, status, diagram, diagram_image, frames (the diagram's PNG
    per step), heatmap, heatmap_image, html, states (T, H) of the current input, picture_toggle
    (None unless built on a projector).
    """
    core, features, head, vocab = _parts(layer, vocab, output_layer)
    ids = _encode(text_or_ids, vocab)
    play = widgets.Play(value=1, min=1, max=len(ids), interval=700, description="play")
    slider = widgets.IntSlider(value=1, min=1, max=len(ids), description="step t")
    start = text_or_ids if isinstance(text_or_ids, str) else " ".join(map(str, ids))
    text = widgets.Text(value=start, description="input", continuous_update=False)
    status, html_view = widgets.HTML(), widgets.HTML()
    diagram_image = picture()
    controls = widgets.HBox([play, slider, text])
    box = widgets.VBox([controls, status, diagram_image])
    screen = style.SCREEN
    if style.presenting():  # the controls in one row, the pictures fitted between them and the tables
        screen = EXPLORER_PICTURE
        slider.style.description_width = text.style.description_width = "initial"
        slider.layout.width, text.layout.width = "340px", "250px"

    fig = Figure(figsize=(7.5, 2.9))
    ax = fig.add_axes((0.08, 0.2, 0.8, 0.7))
    cmap = LinearSegmentedColormap.from_list("h", [PALETTE["blue"], "white", PALETTE["orange"]])
    heatmap = ax.imshow(np.zeros((1, 1)), aspect="auto", interpolation="nearest", animated=True,
                        cmap=cmap.with_extremes(bad="#E4E4E4"))  # NaN (not read yet): grey
    fig.colorbar(heatmap, cax=fig.add_axes((0.9, 0.2, 0.02, 0.7))).ax.set_title(r"$h_j$", fontsize=_pt(11))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    marker = ax.axvline(1, color=diagrams.HIGHLIGHT, linewidth=2, animated=True)
    ax.set_ylabel("unit j")
    ax.set_title("hidden state over time (later steps not read yet)", fontsize=_pt(11))
    heat_view = FigureView(fig, screen=screen)  # drawn in load()
    box.children += (heat_view.image, html_view)
    picture_toggle = None
    if style.presenting():  # one picture at a time: the whole widget fits on a slide
        picture_toggle = _one_at_a_time({"diagram": diagram_image, "hidden state": heat_view.image})
        controls.children += (picture_toggle,)
    _expose(box, play=play, slider=slider, link=widgets.jslink((play, "value"), (slider, "value")), text=text,
            status=status, html=html_view, heatmap=heatmap, marker=marker, heatmap_view=heat_view,
            heatmap_image=heat_view.image, diagram_image=diagram_image, diagram=None,
            picture_toggle=picture_toggle)
    state = {}

    def load(new_ids):
        """One forward pass over new_ids; what every step shows is prepared here."""
        hs, _ = core.forward(features(new_ids))  # (1, T, H)
        hs = np.asarray(hs[0], dtype=np.float64)  # (T, H)
        T, H = hs.shape
        tokens = _tokens(new_ids, vocab)
        rows = [("t", [str(t) for t in range(1, T + 1)]), ("x⟨t⟩", [html.escape(s) for s in tokens])]
        if head is not None:
            p = softmax(head.forward(hs[None])[0])  # (T, V)
            best = p.argmax(axis=1)
            rows.append(("top ŷ⟨t⟩", [f"<span title='p = {p[t, i]:.2f}'>{html.escape(s)}</span>"
                                      for t, (i, s) in enumerate(zip(best, _tokens(best, vocab)))]))
        n = min(H, 8)
        beside = ("<div style='display:flex;column-gap:40px;align-items:flex-start'>{}<div style='flex:none'>{}"
                  "</div></div>" if style.presenting() else "{}{}")  # on a projector: the two tables side by side
        pages = [beside.format(_steps_table(rows[:2] + [(label, cells[:t] + [""] * (T - t))
                                                        for label, cells in rows[2:]], t),
                               f"<div style='margin-top:6px'>h⟨{t}⟩, units 0–{n - 1} of {H}:</div>"
                               + values_row_html(hs[t - 1, :n], [str(j) for j in range(n)])) for t in range(1, T + 1)]
        state.update(ids=new_ids, pages=pages)
        box.states = hs
        limit = max(1.0, float(np.abs(hs).max()))
        heatmap.set_data(hs.T)
        heatmap.set_extent((0.5, T + 0.5, H - 0.5, -0.5))
        heatmap.set_clim(-limit, limit)
        ax.set_xticks(range(1, T + 1), tokens if T <= 40 else range(1, T + 1), fontsize=_pt(9 if T <= 40 else 6))
        heat_view.render()
        if box.diagram is None or box.diagram.steps != min(T, visible_steps):
            box.diagram = diagrams.UnrolledDiagram(min(T, visible_steps))
            box.diagram_view = FigureView(box.diagram.figure, 72, diagram_image, screen)
            box.labels = {a.get_gid(): a for a in box.diagram.ax.texts if a.get_gid()}
        box.frames = diagram_frames(T)
        play.max = slider.max = T  # may clamp slider.value (and so call show)
        show(slider.value)

    def diagram_frames(T):
        """PNG of the diagram for every step t: the page of `steps` steps around t, step t marked.

        Prepared here because relabelling a page (mathtext) is slow; a step within a page is fast.
        """
        diagram, view, steps = box.diagram, box.diagram_view, box.diagram.steps
        frames, shown_page = [], None
        for t in range(1, T + 1):
            page = min(steps * ((t - 1) // steps), T - steps)  # the diagram shows steps page+1 .. page+steps
            if page != shown_page:
                for k in range(1, steps + 1):
                    for key, symbol in ((f"x{k}", "x"), (f"h1_{k}", "h"), (f"y{k}", "y")):
                        box.labels[f"label:{key}"].set_text(diagrams.math_label(symbol, page + k))
                box.labels["label:h0"].set_text(diagrams.math_label("h", page))
                diagram.highlight(None)
                view.render()  # the page without highlight
                shown_page = page
            k = t - page
            diagram.highlight(k)
            frames.append(view.frame(diagram.artists[k] + [box.labels[f"label:{key}"]
                                                            for key in (f"x{k}", f"h1_{k}", f"y{k}")]))
        return frames

    def show(t):
        """Mark step t: prepared diagram, heatmap columns after t greyed, prepared HTML."""
        t = min(max(int(t), 1), len(state["ids"]))
        diagram_image.value = box.frames[t - 1]
        frame = box.states.T.copy()  # (H, T)
        frame[:, t:] = np.nan  # not read yet
        heatmap.set_data(frame)
        marker.set_xdata([t, t])
        heat_view.blit([heatmap, marker, *ax.spines.values()])
        html_view.value = state["pages"][t - 1]

    def on_text(change):
        try:
            load(_encode(change["new"], vocab))  # the forward pass comes first: a bad id changes nothing
        except ValueError as error:
            status.value = f"<span style='color:{PALETTE['vermillion']}'>{html.escape(str(error))}</span>"
            return
        status.value = ""

    load(ids)
    slider.observe(lambda change: show(change["new"]), names="value")
    text.observe(on_text, names="value")
    return box


# ----------------------------------------------------------------------------- gradient explorer

ACTIVATIONS = {  # f and f' written in terms of the output h = f(a)
    "tanh": (np.tanh, lambda h: 1 - h * h),
    "relu": (lambda a: np.maximum(a, 0), lambda h: (h > 0).astype(float)),
    "linear": (lambda a: a, np.ones_like),
}
FLOOR = 1e-15  # gradient norms below this (or exactly 0) are drawn at this value on the log scale


def _unit_radius(matrix):
    """`matrix` scaled so that its spectral radius (largest |eigenvalue|) is 1."""
    return matrix / np.abs(np.linalg.eigvals(matrix)).max()


def _rnn_gradient_norms(x, W_xh, W_hh, b, activation, lengths, u):
    """‖∂L_j/∂h⟨t⟩‖ for L_j = u · h⟨T_j⟩, every length T_j at once: (len(lengths), T_max).

    x: (T_max, D) one sequence; the gradient of each L_j is a row of the batch carried back.
    """
    f, f_prime = ACTIVATIONS[activation]
    hs, h = [], np.zeros(W_hh.shape[0])
    for x_t in x:
        h = f(x_t @ W_xh + h @ W_hh + b)  # (H,)
        hs.append(h)
    slope = f_prime(np.array(hs))  # (T_max, H)
    ends = np.asarray(lengths) - 1
    dh, norms = np.zeros((len(lengths), u.size)), np.zeros((len(lengths), len(x)))
    for t in reversed(range(len(x))):
        dh[ends == t] += u  # the loss of sequence j sits at its last step
        norms[:, t] = np.linalg.norm(dh, axis=1)
        dh = (dh * slope[t]) @ W_hh.T  # (L, H) to step t - 1
    return norms


def _gated_gradient_norms(step_forward, step_backward, params, x, lengths, u, lstm):
    """As _rnn_gradient_norms for a GRU or LSTM step (the LSTM's norm is over h and c together)."""
    B, H = len(lengths), u.size
    state = (np.zeros((B, H)), np.zeros((B, H))) if lstm else np.zeros((B, H))
    caches = []
    for x_t in x:
        state, cache = step_forward(np.broadcast_to(x_t, (B, x.shape[1])), state, params)
        caches.append(cache)
    ends = np.asarray(lengths) - 1
    dh, dc = np.zeros((B, H)), np.zeros((B, H))
    norms = np.zeros((B, len(x)))
    for t in reversed(range(len(x))):
        dh[ends == t] += u
        norms[:, t] = np.sqrt((dh ** 2).sum(axis=1) + (dc ** 2).sum(axis=1))
        if lstm:
            _, (dh, dc), _ = step_backward((dh, dc), caches[t])
        else:
            _, dh, _ = step_backward(dh, caches[t])
    return norms


RADII = np.round(np.arange(0.5, 1.501, 0.05), 2)
GATE_BIASES = (0, 1, 2, 3)


def gradient_norm_grid(hidden_size=32, radii=RADII, lengths=range(5, 61, 5), gate_biases=GATE_BIASES,
                       input_size=4, rng=0):
    """Per-step gradient norms ‖∂L/∂h⟨t⟩‖, L = u · h⟨T⟩ (u a random unit vector), for every setting.

    Returns {(cell, radius, setting): (len(lengths), max(lengths)) array}: cell "RNN" with setting
    an activation of ACTIVATIONS; "GRU" and "LSTM" with setting the bias of their keep gate
    (z for the GRU, f for the LSTM; σ(bias) is how much of the old state a step keeps).
    Every H × H recurrent block is a fixed random matrix scaled to spectral radius `radius`;
    the inputs are one random sequence x (T_max, D), the same for every setting.
    """
    rng, H, lengths = as_rng(rng), hidden_size, list(lengths)
    x = rng.standard_normal((max(lengths), input_size))
    u = rng.standard_normal(H)
    u /= np.linalg.norm(u)
    base = {name: [_unit_radius(rng.standard_normal((H, H))) for _ in range(k)]
            for name, k in (("RNN", 1), ("GRU", 3), ("LSTM", 4))}
    rnn_in, rnn_b = pytorch_default((input_size, H), H, rng), pytorch_default((H,), H, rng)
    gated = {"GRU": (GRU(input_size, H, rng=rng), gru_step_forward, gru_step_backward),
             "LSTM": (LSTM(input_size, H, rng=rng), lstm_step_forward, lstm_step_backward)}
    grid = {}
    for radius in map(float, radii):
        for activation in ACTIVATIONS:
            grid["RNN", radius, activation] = _rnn_gradient_norms(
                x, rnn_in, radius * base["RNN"][0], rnn_b, activation, lengths, u)
        for name, (layer, forward, backward) in gated.items():
            for bias in gate_biases:
                b_h = layer.params["b_h"].copy()
                b_h[H:2 * H] += bias  # the second block: z (GRU) or f (LSTM)
                params = dict(layer.params, W_hh=radius * np.concatenate(base[name], axis=1), b_h=b_h)
                grid[name, radius, bias] = _gated_gradient_norms(forward, backward, params, x, lengths, u,
                                                                 lstm=name == "LSTM")
    return grid


def gradient_explorer(hidden_size=32, max_length=60, rng=0):
    """How far back does the gradient reach? ‖∂L/∂h⟨t⟩‖ at every step t for a loss at step T (log scale).

    Controls: spectral radius ρ of the recurrent matrices (0.5–1.5); the vanilla RNN's
    nonlinearity (tanh, relu, linear); the keep-gate bias of the GRU (z) and LSTM (f), 0–3;
    the length T (5..max_length). Three lines: vanilla RNN, GRU, LSTM (for the LSTM the state's
    gradient, h and c together). Norms below 1e-15 are drawn at 1e-15.
    Every setting is computed when the widget is built (gradient_norm_grid); a move only swaps
    line data. Attributes: radius, activation, gate_bias, length, lines {cell: Line2D}, image,
    html, grid, curves() -> (radius, T, {cell: (ts, norms)}).
    """
    lengths = list(range(5, max_length + 1, 5))
    grid = gradient_norm_grid(hidden_size, RADII, lengths, GATE_BIASES, rng=rng)
    wide = {"description_width": "initial"}
    radius = widgets.FloatSlider(value=1.0, min=0.5, max=1.5, step=0.05, description="spectral radius ρ",
                                 readout_format=".2f", style=wide)
    length = widgets.IntSlider(value=30, min=lengths[0], max=lengths[-1], step=5, description="length T", style=wide)
    activation = widgets.ToggleButtons(options=list(ACTIVATIONS), value="tanh", description="RNN f", style=wide)
    gate_bias = widgets.IntSlider(value=0, min=GATE_BIASES[0], max=GATE_BIASES[-1],
                                  description="keep-gate bias b (GRU z, LSTM f)", style=wide,
                                  layout=widgets.Layout(width="620px" if style.presenting() else "420px"))
    html_view = widgets.HTML()

    fig = Figure(figsize=(7.5, 3.8))
    ax = fig.add_axes((0.12, 0.14, 0.64, 0.8))
    ax.set_yscale("log")
    ax.set_xlim(0.5, lengths[-1] + 0.5)
    ax.set_ylim(FLOOR / 3, 1e11)
    ax.axhline(1.0, color=PALETTE["grey"], linewidth=1, linestyle=":")
    lines = {cell: ax.plot([], [], color=colour, label=cell, animated=True)[0]
             for cell, colour in zip(("RNN", "GRU", "LSTM"), CYCLE)}
    end = ax.axvline(1, color=PALETTE["grey"], linewidth=1.5, linestyle="--", animated=True)
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0))
    ax.set_xlabel(r"step $t$ (the loss is at step $T$, dashed)")
    ax.set_ylabel(r"$\|\partial L / \partial h^{\langle t\rangle}\|$")

    def curves():
        """(radius, T, {cell: (ts, norms)}) for the controls' values, snapped to the precomputed grid."""
        r = float(RADII[np.abs(RADII - radius.value).argmin()])
        j = int(np.abs(np.array(lengths) - length.value).argmin())
        T, ts = lengths[j], np.arange(1, lengths[j] + 1)
        keys = {"RNN": ("RNN", r, activation.value), "GRU": ("GRU", r, gate_bias.value),
                "LSTM": ("LSTM", r, gate_bias.value)}
        return r, T, {cell: (ts, np.maximum(grid[key][j, :T], FLOOR)) for cell, key in keys.items()}

    def show(_=None):
        r, T, data = curves()
        for cell, (ts, norms) in data.items():
            lines[cell].set_data(ts, norms)
        end.set_xdata([T, T])
        view.blit([*lines.values(), end])
        html_view.value = (f"ρ = {r:.2f}, T = {T}. Gradient that reaches step 1: "
                           + " · ".join(f"<b>{cell}</b> {n[0]:.1e}" for cell, (_, n) in data.items()))

    view = FigureView(fig)
    view.render()  # axes, ticks and legend: the same for every setting
    for control in (radius, activation, gate_bias, length):
        control.observe(show, names="value")
    show()
    box = widgets.VBox([widgets.HBox([radius, length]), activation, gate_bias, view.image, html_view])
    return _expose(box, radius=radius, activation=activation, gate_bias=gate_bias, length=length, lines=lines,
                   view=view, image=view.image, html=html_view, grid=grid, curves=curves)


# ----------------------------------------------------------------------------- gate viewer

GATE_NOTES = {
    "r": "reset gate r: how much of h⟨t−1⟩ enters the candidate n (0: start afresh)",
    "z": "update gate z: 1 keeps the old state h⟨t−1⟩, 0 takes the candidate n",
    "n": "candidate n (tanh, in [−1, 1]): the proposed new state",
    "i": "input gate i: how much of the candidate g is written into the cell",
    "f": "forget gate f: 1 keeps the cell state c⟨t−1⟩, 0 erases it",
    "g": "candidate g (tanh, in [−1, 1]): what could be written into the cell",
    "o": "output gate o: how much of tanh(c⟨t⟩) is shown as h⟨t⟩",
}


def gate_viewer(layer, x, labels=None):
    """Gate activations of a GRU (r, z, n) or LSTM (i, f, g, o) over one sequence.

    layer: a GRU or LSTM layer, or a model of rnncourse.models with one.
    x: inputs (T, D) or (1, T, D), 1-d ids (one-hot), or a string when `layer` is a model with a vocab.
    labels: T tick labels for the steps (default: the characters, or 1..T).
    Shows the cell diagram with the chosen gate highlighted (prepared once per gate), a heatmap
    units × time of that gate and the mean of every gate per step, the chosen one in bold. On a
    projector the diagram and the gate values take turns in one place (picture_toggle chooses), each
    fitted to the slide's width.
    Attributes: toggle, heatmap, lines {gate: Line2D}, gates {gate: (T, H)}, cell_pngs, cell_image, image, html,
    picture_toggle (None unless built on a projector).
    """
    core, features, _, vocab = _parts(layer)
    if not isinstance(core, (GRU, LSTM)):
        raise TypeError(f"layer: expected a GRU or LSTM (or a model with one), got {type(core).__name__}")
    if isinstance(x, str) or np.asarray(x).dtype.kind in "iu":
        ids = _encode(x, vocab)
        inputs, labels = features(ids), labels or _tokens(ids, vocab)
    else:
        inputs = np.asarray(x, dtype=np.float64)
        inputs = inputs[None] if inputs.ndim == 2 else inputs
    core.forward(inputs)
    gates = {name: np.asarray(g[0], dtype=np.float64) for name, g in core.gates.items()}  # (T, H) each
    T, H = next(iter(gates.values())).shape
    labels = labels or [str(t) for t in range(1, T + 1)]
    if len(labels) != T:
        raise ValueError(f"labels: expected one per step ({T}), got {len(labels)}")
    cell_diagram = diagrams.lstm_cell if isinstance(core, LSTM) else diagrams.gru_cell
    screen = GATE_PICTURE if style.presenting() else style.SCREEN
    cell_pngs = {name: figure_png(cell_diagram(highlight=name), dpi=54, screen=screen) for name in gates}

    fig = Figure(figsize=(9.2 if style.presenting() else 6.6, 4.6))  # on a projector: the whole slide's width
    heat_ax = fig.add_axes((0.1, 0.5, 0.72, 0.42))
    mean_ax = fig.add_axes((0.1, 0.1, 0.72, 0.3), sharex=heat_ax)
    heatmap = heat_ax.imshow(np.zeros((H, T)), aspect="auto", interpolation="nearest", animated=True,
                             extent=(0.5, T + 0.5, H - 0.5, -0.5))
    fig.colorbar(heatmap, cax=fig.add_axes((0.85, 0.5, 0.02, 0.42)))
    heat_ax.set_ylabel("unit")
    heat_ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    title = heat_ax.set_title("", fontsize=_pt(11), animated=True)
    lines = {name: mean_ax.plot(range(1, T + 1), g.mean(axis=1), color=colour, label=name, animated=True)[0]
             for (name, g), colour in zip(gates.items(), CYCLE)}
    mean_ax.set_ylim(-1.05, 1.05)
    mean_ax.set_ylabel("mean")
    mean_ax.legend(handles=[Line2D([], [], color=line.get_color(), label=name) for name, line in lines.items()],
                   loc="upper left", bbox_to_anchor=(1.0, 1.1), fontsize=_pt(9))
    mean_ax.set_xticks(range(1, T + 1), labels if T <= 40 else range(1, T + 1), fontsize=_pt(9 if T <= 40 else 6))
    heat_ax.tick_params(labelbottom=False)
    view = FigureView(fig, screen=screen)
    if style.presenting():  # every step label readable on a projector (T > 40: step numbers, as above)
        _readable_steps(mean_ax, labels if T <= 40 else [str(t) for t in range(1, T + 1)], _pt(9))
    backgrounds = {}  # the colour bar differs: [0, 1] for σ gates, [-1, 1] for tanh candidates
    for squashed in {name in ("g", "n") for name in gates}:
        heatmap.set_cmap("RdBu_r" if squashed else "viridis")
        heatmap.set_clim(-1 if squashed else 0, 1)
        backgrounds[squashed] = view.render()

    toggle = widgets.ToggleButtons(options=list(gates), value=next(iter(gates)), description="gate")
    cell_image = picture()
    html_view = widgets.HTML()

    def show(_=None):
        name = toggle.value
        squashed = name in ("g", "n")
        heatmap.set_data(gates[name].T)  # (H, T)
        heatmap.set_cmap("RdBu_r" if squashed else "viridis")
        heatmap.set_clim(-1 if squashed else 0, 1)
        title.set_text(f"gate {name}: units × time")
        for other, line in lines.items():
            line.set_linewidth(3.2 if other == name else 1.2)
            line.set_alpha(1.0 if other == name else 0.4)
        view.background = backgrounds[squashed]
        view.blit([heatmap, title, *lines.values(), *heat_ax.spines.values()])
        cell_image.value = cell_pngs[name]
        html_view.value = html.escape(GATE_NOTES[name])

    toggle.observe(show, names="value")
    show()
    pictures = widgets.HBox([cell_image, view.image], layout=widgets.Layout(flex_flow="row wrap"))
    picture_toggle = None
    if style.presenting():  # one picture at a time: the whole widget fits on a slide
        picture_toggle = _one_at_a_time({"gate values": view.image, "cell diagram": cell_image})
    box = widgets.VBox([widgets.HBox([toggle, picture_toggle]) if picture_toggle else toggle, html_view, pictures])
    return _expose(box, toggle=toggle, heatmap=heatmap, lines=lines, gates=gates, cell_pngs=cell_pngs,
                   cell_image=cell_image, view=view, image=view.image, html=html_view, picture_toggle=picture_toggle)


# ----------------------------------------------------------------------------- neuron viewer

def neuron_viewer(model, text, top_k=3):
    """Which characters make one hidden unit fire? `text` coloured by the unit's value h_j⟨t⟩.

    model: a models.CharLM; text: characters of its vocabulary (the boundary token, if the model
    has one, is read first). Under each character: the model's top_k guesses for the next one
    (the true next character in bold; hover for probabilities). An IntSlider picks the unit;
    the HTML of every unit is prepared when the widget is built.
    Attributes: slider, html, pages (one HTML string per unit), states (T, H).
    """
    start = [model.boundary] if getattr(model, "boundary", None) is not None else []
    unknown = sorted({ch for ch in text if ch not in model.vocab})
    if unknown:
        raise ValueError(f"text: expected characters of the model's vocabulary, got {', '.join(map(repr, unknown))}")
    tokens = start + list(text)
    ids = model.vocab.encode(tokens)
    model.discard_loss()  # this forward pass replaces the caches a pending backward needs
    hs, _ = model.rnn.forward(model.features(ids[None]))  # (1, T, H)
    probs = softmax(model.head.forward(hs)[0])  # (T, V)
    hs = np.asarray(hs[0], dtype=np.float64)  # (T, H)
    best = np.argsort(-probs, axis=1, kind="stable")[:, :top_k]  # (T, k)
    chars = [html.escape(_shown(token)) for token in tokens]
    guesses, tips = [], []  # per position: the top-k next characters (the true one in bold), and their p
    for t, row in enumerate(best):
        true_next = ids[t + 1] if t + 1 < len(ids) else None
        guesses.append("<br>".join(f"<b>{html.escape(_shown(model.vocab.tokens[i]))}</b>" if i == true_next
                                   else html.escape(_shown(model.vocab.tokens[i])) for i in row))
        tips.append(html.escape(", ".join(f"{_shown(model.vocab.tokens[i])} {probs[t, i]:.0%}" for i in row)))

    def column(t, unit):
        h = hs[t, unit]
        return (f"<span style='display:inline-block;vertical-align:top;text-align:center;margin:2px 1px' "
                f"title='h = {h:+.2f}; next: {tips[t]}'>"
                f"<span style='display:block;background:{_cell_colour(h)};padding:2px 3px;font-size:16px'>"
                f"{chars[t]}</span><span style='display:block;font-size:11px;line-height:1.15;color:#666'>"
                f"{guesses[t]}</span></span>")

    def page(unit):
        legend = (f"<div>unit {unit}: <span style='background:{_cell_colour(-1)}'>&nbsp;−1&nbsp;</span> "
                  f"<span style='background:{_cell_colour(1)}'>&nbsp;+1&nbsp;</span>; "
                  f"under each character, the model's top {top_k} guesses for the next one</div>")
        return f"{legend}<div style='font-family:monospace'>{''.join(column(t, unit) for t in range(len(ids)))}</div>"

    pages = [page(unit) for unit in range(hs.shape[1])]
    slider = widgets.IntSlider(value=0, min=0, max=hs.shape[1] - 1, description="unit j")
    html_view = widgets.HTML(pages[0])
    slider.observe(lambda change: setattr(html_view, "value", pages[change["new"]]), names="value")
    return _expose(widgets.VBox([slider, html_view]), slider=slider, html=html_view, pages=pages, states=hs)


# ----------------------------------------------------------------------------- sampling

def sampling_control(model, count=8, max_chars=20, prefix="", known=None):
    """Text sampled from a models.CharLM at a chosen temperature and seed.

    A FloatSlider sets the temperature (0.1–2.0), an IntText the seed; the `count` samples of a
    (temperature, seed) pair come from one generator, np.random.default_rng(seed), so the same
    pair always shows the same text. Results are cached. known: optional collection of training
    texts; samples not in it are marked as new.
    Attributes: temperature, seed, html, cache {(temperature, seed): [texts]}, samples().
    """
    known = None if known is None else set(known)
    temperature = widgets.FloatSlider(value=1.0, min=0.1, max=2.0, step=0.1, description="temperature",
                                      continuous_update=False,  # sample when the slider is released
                                      readout_format=".1f", style={"description_width": "initial"})
    seed = widgets.IntText(value=0, description="seed")
    html_view = widgets.HTML()
    cache = {}

    temperatures = np.round(np.arange(temperature.min, temperature.max + 1e-9, temperature.step), 2)

    def samples():
        key = (round(float(temperature.value), 2), int(seed.value))
        if key not in cache:  # a new seed: sample every temperature now, so the slider only looks up
            for t in temperatures:
                rng = np.random.default_rng(key[1])  # one generator for all samples of a (temperature, seed)
                cache[float(t), key[1]] = [model.sample(max_chars, float(t), rng=rng, prefix=prefix)
                                           for _ in range(count)]
        return cache[key]

    def show(_=None):
        items = "".join(
            f"<li>{html.escape(s) or '<i>(empty)</i>'}"
            + ("" if known is None or s in known else " <span style='color:#009E73'>new</span>") + "</li>"
            for s in samples())
        html_view.value = (f"<div>temperature {temperature.value:.1f}, seed {seed.value}</div>"
                           f"<ol style='font-family:monospace;font-size:15px;columns:2'>{items}</ol>")

    temperature.observe(show, names="value")
    seed.observe(show, names="value")
    show()
    return _expose(widgets.VBox([widgets.HBox([temperature, seed]), html_view]), temperature=temperature,
                   seed=seed, html=html_view, cache=cache, samples=samples)


# ----------------------------------------------------------------------------- memory demo

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
    return _expose(widgets.VBox([slider, view]))


# ----------------------------------------------------------------------------- text sampler (a stream model)

def text_sampler(model, prime="", length=300, temperature=0.8, seed=0):
    """Continue a priming text with a models.CharLM: temperature slider, priming-text box and seed.

    A temperature of 0 is greedy decoding (always the most likely character); above 0 each
    character is drawn from softmax(logits / temperature) with np.random.default_rng(seed), made
    once per sample, so the same (prime, temperature, seed) always shows the same text. A sample is
    made on the first request of a triple and cached (one pass of `length` steps: tens of ms).
    A priming text the model refuses (characters outside its vocabulary) shows the model's message.
    Attributes: temperature, prime, seed, html, cache {(prime, temperature, seed): text}, sample().
    """
    wide = {"description_width": "initial"}
    temperature_slider = widgets.FloatSlider(value=temperature, min=0.0, max=2.0, step=0.1, description="temperature",
                                             continuous_update=False, readout_format=".1f", style=wide)
    prime_box = widgets.Text(value=prime, description="priming text", continuous_update=False, style=wide,
                             layout=widgets.Layout(width="420px"))
    seed_box = widgets.IntText(value=seed, description="seed", layout=widgets.Layout(width="150px"))
    html_view = widgets.HTML()
    cache = {}

    def sample():
        """The continuation for the controls' values (cached), or None when the model refuses the priming
        text (the model's message is then shown: characters it has never seen, or no text to start from)."""
        key = (prime_box.value, round(float(temperature_slider.value), 2), int(seed_box.value))
        if key not in cache:
            try:
                cache[key] = model.sample(length, key[1], rng=np.random.default_rng(key[2]), prefix=key[0])[len(key[0]):]
            except ValueError as error:
                html_view.value = f"<div style='color:{PALETTE['vermillion']}'>{html.escape(str(error), quote=False)}</div>"
                return None
        return cache[key]

    def show(_=None):
        continuation = sample()
        if continuation is None:
            return
        t = temperature_slider.value
        mode = "greedy: always the most likely character" if t == 0 else f"temperature {t:.1f}, seed {seed_box.value}"
        html_view.value = (f"<div>{mode}; the priming text in bold</div>"
                           "<pre style='white-space:pre-wrap;font-size:14px;line-height:1.3'>"
                           f"<b>{html.escape(prime_box.value)}</b>{html.escape(continuation)}</pre>")

    for control in (temperature_slider, prime_box, seed_box):
        control.observe(show, names="value")
    show()
    box = widgets.VBox([widgets.HBox([prime_box, temperature_slider, seed_box]), html_view])
    return _expose(box, temperature=temperature_slider, prime=prime_box, seed=seed_box, html=html_view, cache=cache,
                   sample=sample)


# ----------------------------------------------------------------------------- one unit over a long text

TEXT_ROWS = 20  # unit_text_viewer on a projector: rows of text at a time (27 px each; the widget: 623 px in a deck)


def _text_parts(text, rows, width=80):
    """(start, end) of consecutive parts of `text`, each of `rows` rows: a row is a line, or `width`
    characters of a longer one (at most 92 characters of 20 px monospace fit in the slide's width)."""
    starts, position = [], 0  # where each row starts
    for line in text.splitlines(keepends=True):
        starts += range(position, position + len(line), width)
        position += len(line)
    starts = starts[::rows] or [0]
    return list(zip(starts, starts[1:] + [len(text)]))


def unit_text_viewer(text, states, named=None):
    """A long text coloured, character by character, by one hidden unit: h_j after reading it.

    text: T characters (line breaks kept, so code or verse keeps its layout); states: (T, H)
    hidden states, row t read after text[t]. named: optional {label: unit} (e.g. the unit that
    correlates best with "inside quotes") offered in a dropdown; a slider reaches any unit.
    Colours: blue for h_j < 0, orange for h_j > 0, scaled by the unit's largest |h_j| over the text.
    On a projector the text is cut into parts of TEXT_ROWS rows, one shown at a time (a second
    slider chooses), so the whole widget fits on a slide. The page of a unit (and part) is built on
    its first request and cached.
    Attributes: slider, named (Dropdown or None), part (IntSlider, None unless the text has parts),
    html, pages {(unit, part): HTML}, page(unit, part=0).
    """
    states = np.asarray(states, dtype=np.float64)
    if states.ndim != 2 or len(text) != states.shape[0]:
        raise ValueError(f"states: expected (T, H) with T = len(text) = {len(text)}, got shape {states.shape}")
    named = dict(named or {})
    bad = {label: unit for label, unit in named.items() if not 0 <= unit < states.shape[1]}
    if bad:
        raise ValueError(f"named: expected units in [0, {states.shape[1]}), got {bad}")
    parts = _text_parts(text, TEXT_ROWS) if style.presenting() else [(0, len(text))]
    pages = {}

    def page(unit, part=0):
        if (unit, part) not in pages:
            h = states[:, unit]
            scale = max(float(np.abs(h).max()), 1e-12)
            start, end = parts[part]
            spans = "".join(f"<span style='background:{_cell_colour(v / scale)}' title='h = {v:+.2f}'>"
                            f"{html.escape(ch) if ch != chr(10) else '&#8629;' + chr(10)}</span>"
                            for ch, v in zip(text[start:end], h[start:end]))
            where = "" if len(parts) == 1 else (  # lines first..last of all
                f"; lines {text.count(chr(10), 0, start) + 1}–{text.count(chr(10), 0, max(start, end - 1)) + 1} "
                f"of {text.count(chr(10)) + 1}")
            legend = (f"<div>unit {unit}: <span style='background:{_cell_colour(-1)}'>&nbsp;−{scale:.2f}&nbsp;</span> "
                      f"<span style='background:{_cell_colour(1)}'>&nbsp;+{scale:.2f}&nbsp;</span> "
                      f"(h after reading each character; hover for its value){where}</div>")
            pages[unit, part] = (legend + "<pre style='white-space:pre-wrap;font-size:13px;line-height:1.35;"
                                 f"margin:4px 0'>{spans}</pre>")
        return pages[unit, part]

    first = next(iter(named.values()), 0)
    slider = widgets.IntSlider(value=first, min=0, max=states.shape[1] - 1, description="unit j")
    chooser = widgets.Dropdown(options=list(named.items()), value=first, description="unit",
                               layout=widgets.Layout(width="460px")) if named else None
    part = None
    if len(parts) > 1:  # on a projector, in one row with the unit's controls
        part = widgets.IntSlider(value=1, min=1, max=len(parts), description="part",
                                 style={"description_width": "initial"}, layout=widgets.Layout(width="280px"))
        slider.style.description_width, slider.layout.width = "initial", "280px"
        part.observe(lambda change: setattr(html_view, "value", page(slider.value, change["new"] - 1)), names="value")
    html_view = widgets.HTML(page(first))

    def show(change):
        html_view.value = page(change["new"], 0 if part is None else part.value - 1)
        if chooser is not None:  # the dropdown names the unit when it is one of its own, else shows nothing
            chooser.value = change["new"] if change["new"] in named.values() else None

    slider.observe(show, names="value")
    if chooser is not None:
        chooser.observe(lambda change: change["new"] is not None and setattr(slider, "value", change["new"]),
                        names="value")
    shown = [control for control in (chooser, slider, part) if control is not None]
    controls = widgets.HBox(shown) if len(shown) > 1 else slider
    return _expose(widgets.VBox([controls, html_view]), slider=slider, named=chooser, part=part, html=html_view,
                   pages=pages, page=page)
