"""Diagrams of the course, drawn with matplotlib from a description (never by hand).

Every diagram is a function that returns a `matplotlib.figure.Figure` and takes an optional
`ax` to draw into. Labels use the course's notation through matplotlib's mathtext:
x⟨t⟩ is ``math_label("x", "t")`` = r"$x^{\\langle t\\rangle}$", h⟨t⟩, ŷ⟨t⟩, the loss L⟨t⟩,
and the shared weights W_xh, W_hh, W_hy.

How the drawing works: a builder turns a description (number of steps, which steps take an
input or give an output, which gates a cell has) into `Node`s at computed positions and
`Edge`s between them; `_render` draws them with two helpers, `_draw_node` (a FancyBboxPatch
or a circle, plus its label) and `_draw_edge` (a FancyArrowPatch along a polyline). One data
unit is `INCH` inches on the page and fonts are given in points, so every diagram has the
same node and text sizes. Artists carry a `gid` so widgets and tests can find them: nodes
"node:<key>" (e.g. "node:h1_2", hidden state of layer 1 at step 2; "node:f", a cell's gate),
labels "label:<key>", edges "edge:<src>><dst>" or a short name ("grad-h3" in bptt_paths).
"""
import io
import math
from dataclasses import dataclass

import numpy as np
from matplotlib.cm import ScalarMappable
from matplotlib.colors import LinearSegmentedColormap, LogNorm, to_rgb
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch
from matplotlib.path import Path
from matplotlib.patheffects import Normal, Stroke
from matplotlib.text import Text

from . import style
from .style import PALETTE


class DiagramFigure(Figure):
    """A Figure that shows itself as a PNG in Jupyter even before pyplot's inline backend is loaded
    (the diagrams are made without pyplot, so none accumulate there)."""

    def _repr_png_(self):
        buffer = io.BytesIO()
        self.savefig(buffer, format="png", bbox_inches="tight")
        return buffer.getvalue()


INCH = 0.8               # inches per data unit
BOX_W, BOX_H = 1.05, 0.72  # node box (data units)
DX, DY = 1.75, 1.5       # column and row spacing of unrolled diagrams
MAX_STEPS = 30
FONT = {"node": 18, "op": 17, "weight": 14, "note": 14, "title": 19}


def _tint(colour, amount=0.82):
    """`colour` mixed with white (amount=1 is white)."""
    rgb = np.array(to_rgb(colour))
    return tuple(rgb + (1.0 - rgb) * amount)


# role -> (edge colour, fill colour, text colour)
ROLES = {
    "input": (PALETTE["blue"], _tint(PALETTE["blue"]), "black"),
    "hidden": (PALETTE["green"], _tint(PALETTE["green"]), "black"),
    "hidden_alt": (PALETTE["purple"], _tint(PALETTE["purple"], 0.75), "black"),  # decoder, backward chain
    "output": (PALETTE["orange"], _tint(PALETTE["orange"], 0.75), "black"),
    "loss": (PALETTE["purple"], _tint(PALETTE["purple"], 0.75), "black"),
    "weight": ("#444444", "#EEEEEE", "black"),
    "gate": ("#333333", _tint(PALETTE["yellow"], 0.45), "black"),
    "op": ("#333333", "white", "black"),
    "cell": ("#AAAAAA", "#F7F7F7", "black"),
    "initial": ("#777777", "white", "#444444"),
    "faded": ("#C8C8C8", "#F6F6F6", "#A0A0A0"),
    "text": ("none", "none", "black"),
    "dot": ("#333333", "#333333", "black"),
}
EDGE_COLOUR = "#3A3A3A"
FADED_EDGE = "#C8C8C8"
HIGHLIGHT = PALETTE["vermillion"]
HIGHLIGHT_FILL = _tint(PALETTE["vermillion"], 0.72)
GRADIENT_CMAP = LinearSegmentedColormap.from_list(
    "gradient", ["#C9E6B9", "#35B779", "#21918C", "#3B528B", "#440154"])  # light (small) to dark (large)


# ----------------------------------------------------------------------------- notation

_SYMBOLS = {"x": "x", "h": "h", "y": r"\hat{y}", "L": r"\mathcal{L}", "c": "c"}
_ARROWS = {"forward": r"\overrightarrow", "backward": r"\overleftarrow"}


def math_label(symbol, t=None, layer=None, direction=None):
    """The course's mathtext label, e.g. math_label("x", 3) -> r"$x^{\\langle 3\\rangle}$".

    symbol: "x", "h", "y" (drawn ŷ), "L" or "c"; t: time index (int or text such as "t-1");
    layer: layer number drawn as a superscript [l]; direction: "forward"/"backward" arrow over h.
    """
    base = _SYMBOLS.get(symbol, symbol)
    if direction is not None:
        base = rf"{_ARROWS[direction]}{{{base}}}"
    sup = "" if layer is None else f"[{layer}]"
    if t is not None:
        sup += rf"\langle {t}\rangle"
    if not sup:
        return f"${base}$"
    spacer = r"\," if direction is not None else ""
    return f"${base}^{{{spacer}{sup}}}$"


W_XH, W_HH, W_HY = r"$W_{xh}$", r"$W_{hh}$", r"$W_{hy}$"


# ----------------------------------------------------------------------------- description

@dataclass
class Node:
    """A box, circle or free label at `xy` (data units)."""
    xy: tuple
    label: str
    role: str = "hidden"
    shape: str = "box"          # "box", "circle" or "text" (label only)
    size: tuple = (BOX_W, BOX_H)  # width, height (a circle uses width as diameter)
    step: int = None            # time step it belongs to (for highlighting)
    fontsize: float = None
    dashed: bool = False


@dataclass
class Edge:
    """An arrow from node `src` to node `dst` through the points `via` (keys or (x, y) points)."""
    src: object
    dst: object
    via: tuple = ()
    label: str = None
    label_at: tuple = None      # where to put `label` (defaults to the middle of the edge)
    step: int = None
    arrow: bool = True
    bridge: bool = False        # draw a halo so the edge visibly passes over the lines it crosses
    faded: bool = False
    gid: str = None


def _point(nodes, ref):
    return np.array(nodes[ref].xy if isinstance(ref, str) else ref, dtype=float)


def _clip(nodes, ref, toward):
    """Where the ray from node `ref`'s centre toward `toward` leaves the node."""
    centre = _point(nodes, ref)
    if not isinstance(ref, str) or nodes[ref].role == "dot":
        return centre
    node, d = nodes[ref], np.asarray(toward, dtype=float) - centre
    w, h = node.size
    if node.shape == "circle":
        return centre + d * (w / 2) / np.hypot(*d)
    scale = min(w / 2 / abs(d[0]) if d[0] else math.inf, h / 2 / abs(d[1]) if d[1] else math.inf)
    return centre + d * scale


def _edge_points(nodes, edge):
    inner = [_point(nodes, v) for v in edge.via]
    first = _clip(nodes, edge.src, inner[0] if inner else _point(nodes, edge.dst))
    last = _clip(nodes, edge.dst, inner[-1] if inner else _point(nodes, edge.src))
    return [first, *inner, last]


# ----------------------------------------------------------------------------- drawing helpers

def _canvas(ax, bounds, extra_right=0.0):
    """(figure, axes) showing data `bounds` = (x0, x1, y0, y1) at INCH inches per unit."""
    x0, x1, y0, y1 = bounds
    if ax is None:
        width, height = (x1 - x0) * INCH, (y1 - y0) * INCH
        fig = DiagramFigure(figsize=(width + extra_right, height))
        ax = fig.add_axes((0, 0, width / (width + extra_right), 1))
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal")
    ax.axis("off")
    return ax.figure, ax


def _draw_node(ax, key, node):
    """Draw one node; returns (patch or None, text)."""
    edge, fill, text_colour = ROLES[node.role]
    x, y = node.xy
    w, h = node.size
    patch = None
    style = dict(edgecolor=edge, facecolor=fill, linewidth=2.2, zorder=3,
                 linestyle="--" if node.dashed else "-", gid=f"node:{key}")
    if node.shape == "circle":
        patch = Circle((x, y), w / 2, **style)
    elif node.shape == "box":
        patch = FancyBboxPatch((x - w / 2, y - h / 2), w, h,
                               boxstyle=f"round,pad=0,rounding_size={min(w, h) * 0.22:.3f}", **style)
    if patch is not None:
        ax.add_patch(patch)
    size = node.fontsize or (FONT["op"] if node.shape == "circle" else FONT["node"])
    text = ax.text(x, y, node.label, ha="center", va="center", fontsize=size, color=text_colour,
                   zorder=4, gid=f"label:{key}")
    return patch, text


def _draw_edge(ax, points, colour=EDGE_COLOUR, width=2.2, arrow=True, bridge=False, gid=None, halo="white"):
    """A straight or bent arrow through `points`; returns the FancyArrowPatch.

    bridge: draw a `halo` (the background colour) around it so that it visibly passes over crossings."""
    patch = FancyArrowPatch(path=Path(np.array(points)), arrowstyle="-|>" if arrow else "-",
                            mutation_scale=14 + 2.7 * width, linewidth=width, color=colour, zorder=2 if bridge else 1,
                            joinstyle="round", capstyle="butt", gid=gid)
    if bridge:
        patch.set_path_effects([Stroke(linewidth=width + 5, foreground=halo), Normal()])
    ax.add_patch(patch)
    return patch


def _edge_label(ax, edge, points):
    if edge.label is None:
        return None
    if edge.label_at is not None:
        where = np.asarray(edge.label_at, dtype=float)
    else:
        where = (points[0] + points[-1]) / 2
    colour = ROLES["faded"][2] if edge.faded else "#333333"
    return ax.text(*where, edge.label, ha="center", va="center", fontsize=FONT["weight"], color=colour,
                   zorder=5, bbox=dict(facecolor="white", edgecolor="none", pad=0.5, alpha=0.9))


def _render(ax, nodes, edges, halo="white"):
    """Draw all nodes and edges (bridges with a `halo` of the background colour); returns {key or gid: [artists]}."""
    artists = {}
    for key, node in nodes.items():
        artists[key] = [a for a in _draw_node(ax, key, node) if a is not None]
    for edge in edges:
        points = _edge_points(nodes, edge)
        gid = edge.gid or f"edge:{edge.src}>{edge.dst}"
        colour = FADED_EDGE if edge.faded else EDGE_COLOUR
        patch = _draw_edge(ax, points, colour=colour, arrow=edge.arrow, bridge=edge.bridge, gid=gid, halo=halo)
        label = _edge_label(ax, edge, points)
        artists[gid] = [patch] + ([label] if label is not None else [])
    return artists


def _bounds(nodes, pad=0.45, top=0.0, right=0.0):
    """Data bounds around all nodes plus `pad` (and extra room `top`/`right`)."""
    xs = [n.xy[0] + s * n.size[0] / 2 for n in nodes.values() for s in (-1, 1)]
    ys = [n.xy[1] + s * n.size[1] / 2 for n in nodes.values() for s in (-1, 1)]
    return min(xs) - pad, max(xs) + pad + right, min(ys) - pad, max(ys) + pad + top


def _title(ax, bounds, title, subtitle=None):
    x0, x1, _, y1 = bounds
    ax.text((x0 + x1) / 2, y1 - 0.32, title, ha="center", va="center", fontsize=FONT["title"], weight="bold")
    if subtitle:
        ax.text((x0 + x1) / 2, y1 - 0.82, subtitle, ha="center", va="center", fontsize=FONT["note"],
                style="italic", color="#555555")


def _check_int(value, name, low=1, high=MAX_STEPS):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not low <= value <= high:
        raise ValueError(f"{name}: expected an integer from {low} to {high}, got {value!r}")
    return int(value)


def _check_choice(value, valid, name):
    if value not in valid:
        raise ValueError(f"{name}: expected one of {', '.join(map(repr, valid))}, got {value!r}")
    return value


# ----------------------------------------------------------------------------- unrolled chains

def _chain(steps, inputs, outputs, layers=1, decoder_from=None, initial=False, weights=False):
    """Nodes and edges of an unrolled (possibly stacked) RNN.

    inputs/outputs: the steps (1-based) that take an input / give an output. A sequence of one
    element is labelled without a time index; hidden states carry the layer when layers > 1.
    """
    nodes, edges = {}, []
    for k, t in enumerate(inputs, start=1):
        nodes[f"x{t}"] = Node((t * DX, 0.0), math_label("x", k if len(inputs) > 1 else None), "input", step=t)
    for layer in range(1, layers + 1):
        for t in range(1, steps + 1):
            role = "hidden_alt" if decoder_from and t >= decoder_from else "hidden"
            label = math_label("h", t if steps > 1 else None, layer if layers > 1 else None)
            nodes[f"h{layer}_{t}"] = Node((t * DX, layer * DY), label, role, step=t)
    for k, t in enumerate(outputs, start=1):
        nodes[f"y{t}"] = Node((t * DX, (layers + 1) * DY), math_label("y", k if len(outputs) > 1 else None),
                              "output", step=t)
    if initial:
        nodes["h0"] = Node((0.0, DY), math_label("h", 0), "initial", dashed=True, step=0)
    edges += _chain_edges(steps, inputs, outputs, layers, initial, weights)
    return nodes, edges


def _chain_edges(steps, inputs, outputs, layers, initial, weights):
    half_w, gap_mid = BOX_W / 2, (DX - BOX_W) / 2
    edges = [Edge(f"x{t}", f"h1_{t}", step=t, label=W_XH if weights else None,
                  label_at=(t * DX + half_w - 0.05, DY / 2)) for t in inputs]
    for layer in range(1, layers + 1):
        for t in range(1, steps + 1):
            if t == 1 and not (initial and layer == 1):
                continue
            src = "h0" if t == 1 else f"h{layer}_{t - 1}"
            edges.append(Edge(src, f"h{layer}_{t}", step=t, label=W_HH if weights else None,
                              label_at=(t * DX - half_w - gap_mid, layer * DY + 0.42)))
        if layer < layers:
            edges += [Edge(f"h{layer}_{t}", f"h{layer + 1}_{t}", step=t) for t in range(1, steps + 1)]
    edges += [Edge(f"h{layers}_{t}", f"y{t}", step=t, label=W_HY if weights else None,
                   label_at=(t * DX + half_w - 0.05, (layers + 0.5) * DY)) for t in outputs]
    return edges


class UnrolledDiagram:
    """The unrolled RNN for `steps` steps, with cheap highlighting of one step.

    `figure`, `ax`; `artists[t]` lists the artists of step t (its x, h, ŷ boxes and the arrows
    into them). `highlight(t)` only changes artist colours, so a widget can call it on every
    slider move and then redraw (e.g. `figure.canvas.draw_idle()` or re-display the figure);
    `highlight(None)` clears it.
    """

    def __init__(self, steps=4, ax=None, weights=True):
        self.steps = _check_int(steps, "steps")
        every = tuple(range(1, self.steps + 1))
        nodes, edges = _chain(self.steps, every, every, initial=True, weights=weights)
        bounds = _bounds(nodes, top=0.55)
        self.figure, self.ax = _canvas(ax, bounds)
        drawn = _render(self.ax, nodes, edges)
        self.ax.text(bounds[0] + 0.1, bounds[3] - 0.3, "the same weights at every step", fontsize=FONT["note"],
                     color="#555555", style="italic", va="center")
        self.artists = {t: [] for t in every}
        for key, node in nodes.items():
            if node.step in self.artists:
                self.artists[node.step] += drawn[key][:1]
        for edge in edges:
            self.artists[edge.step] += drawn[edge.gid or f"edge:{edge.src}>{edge.dst}"][:1]
        self._base = {a: (a.get_edgecolor(), a.get_facecolor()) for arts in self.artists.values() for a in arts}
        self.highlighted = None

    def highlight(self, t):
        """Colour step `t` (1..steps) in the highlight colour, or none when t is None; returns self."""
        if t is not None:
            t = _check_int(t, "highlight step", high=self.steps)
        for step, arts in self.artists.items():
            for artist in arts:
                self._colour(artist, step == t)
        self.highlighted = t
        return self

    def _colour(self, artist, on):
        edge, face = self._base[artist]
        if isinstance(artist, FancyArrowPatch):
            artist.set_color(HIGHLIGHT if on else edge)
        else:
            artist.set_edgecolor(HIGHLIGHT if on else edge)
            artist.set_facecolor(HIGHLIGHT_FILL if on else face)


def rnn_unrolled(steps=4, highlight=None, ax=None):
    """The RNN unrolled over `steps` steps: x⟨t⟩ -> h⟨t⟩ -> ŷ⟨t⟩, h⟨t-1⟩ -> h⟨t⟩, shared weights.

    highlight: a step (1..steps) to colour, or None. For a diagram that a widget updates,
    use `UnrolledDiagram` and its `highlight` method instead. Returns the Figure.
    """
    return UnrolledDiagram(steps, ax=ax).highlight(highlight).figure


def rnn_folded(ax=None):
    """The folded RNN: x⟨t⟩ -> h⟨t⟩ -> ŷ⟨t⟩ with the recurrent loop W_hh, beside its equations."""
    nodes = {
        "x": Node((0.0, 0.0), math_label("x", "t"), "input"),
        "h": Node((0.0, DY), math_label("h", "t"), "hidden"),
        "y": Node((0.0, 2 * DY), math_label("y", "t"), "output"),
    }
    edges = [Edge("x", "h", label=W_XH, label_at=(-0.62, DY / 2)),
             Edge("h", "y", label=W_HY, label_at=(-0.62, 1.5 * DY))]
    bounds = _bounds(nodes, right=7.1, top=0.1)
    bounds = (bounds[0] - 0.3, *bounds[1:])
    fig, ax = _canvas(ax, bounds)
    _render(ax, nodes, edges)
    _self_loop(ax, nodes["h"])
    equations = [math_label("h", "t")
                 + r"$\,=\,\tanh(x^{\langle t\rangle}W_{xh} + h^{\langle t-1\rangle}W_{hh} + b_h)$",
                 math_label("y", "t") + r"$\,=\,h^{\langle t\rangle}W_{hy} + b_y$"]
    for k, text in enumerate(equations):
        ax.text(2.3, DY * (1.35 - 0.7 * k), text, fontsize=FONT["node"] - 1, va="center")
    later = f"one step later, {math_label('h', 't')} becomes {math_label('h', 't-1')}"
    ax.text(2.3, DY * 0.05, later, fontsize=FONT["note"],
            style="italic", color="#555555", va="center")
    return fig


def _self_loop(ax, node):
    """The recurrent arrow h -> h drawn as a loop on the right of the box, labelled W_hh."""
    x, y = node.xy
    right = x + node.size[0] / 2
    path = Path([(right, y + 0.17), (right + 1.25, y + 0.95), (right + 1.25, y - 0.95), (right, y - 0.17)],
                [Path.MOVETO, Path.CURVE4, Path.CURVE4, Path.CURVE4])
    ax.add_patch(FancyArrowPatch(path=path, arrowstyle="-|>", mutation_scale=20, linewidth=2.2,
                                 color=EDGE_COLOUR, gid="edge:h>h"))
    ax.text(right + 1.2, y, W_HH, fontsize=FONT["weight"], va="center", ha="left", color="#333333")


# ----------------------------------------------------------------------------- architectures

ARCHITECTURES = {
    "one-to-one": dict(steps=1, inputs=(1,), outputs=(1,), example="a standard network"),
    "one-to-many": dict(steps=3, inputs=(1,), outputs=(1, 2, 3), example="generating music"),
    "many-to-one": dict(steps=3, inputs=(1, 2, 3), outputs=(3,), example="classifying a sentence"),
    "many-to-many": dict(steps=3, inputs=(1, 2, 3), outputs=(1, 2, 3), example="tagging every word"),
    "many-to-many-unequal": dict(steps=5, inputs=(1, 2, 3), outputs=(4, 5), decoder_from=4,
                                 example="translation: encoder–decoder"),
    "deep": dict(steps=4, inputs=(1, 2, 3, 4), outputs=(1, 2, 3, 4), layers=3, example="three stacked layers"),
    "bidirectional": dict(steps=4, example="every output sees the past and the future"),
}
TITLES = {"many-to-many-unequal": "many-to-many (unequal lengths)", "deep": "deep RNN",
          "bidirectional": "bidirectional RNN"}
SIDE_ROOM = {"one-to-one": (0.9, 0.9), "deep": (1.6, 0.0), "bidirectional": (1.7, 0.0)}  # room for titles, notes
GALLERY = ("one-to-one", "one-to-many", "many-to-one", "many-to-many", "many-to-many-unequal")


def _architecture_graph(kind):
    """(nodes, edges, bounds) of one architecture."""
    _check_choice(kind, tuple(ARCHITECTURES), "kind")
    spec = {k: v for k, v in ARCHITECTURES[kind].items() if k != "example"}
    if kind == "bidirectional":
        nodes, edges = _bidirectional(spec["steps"])
    else:
        nodes, edges = _chain(**spec)
    x0, x1, y0, y1 = _bounds(nodes, top=1.15)
    left, right = SIDE_ROOM.get(kind, (0.0, 0.0))
    return nodes, edges, (x0 - left, x1 + right, y0, y1)


def architecture(kind, ax=None):
    """One RNN architecture, by `kind`: "one-to-one", "one-to-many", "many-to-one",
    "many-to-many" (equal lengths), "many-to-many-unequal" (encoder–decoder), "deep" (stacked)
    or "bidirectional". Returns the Figure."""
    nodes, edges, bounds = _architecture_graph(kind)
    fig, ax = _canvas(ax, bounds)
    _render(ax, nodes, edges)
    _title(ax, bounds, TITLES.get(kind, kind), ARCHITECTURES[kind]["example"])
    _architecture_notes(ax, kind, nodes)
    return fig


def _architecture_notes(ax, kind, nodes):
    """Side notes: layer names of the deep RNN, encoder/decoder brackets, directions."""
    note = dict(fontsize=FONT["note"], color="#555555", style="italic", va="center")
    if kind == "deep":
        for layer in (1, 2, 3):
            ax.text(DX - BOX_W / 2 - 0.25, layer * DY, f"layer {layer}", ha="right", **note)
    if kind == "many-to-many-unequal":  # each name sits in the empty row of its half
        ax.text(2 * DX, 2 * DY, "encoder", ha="center", **note)
        ax.text(4.5 * DX, 0.0, "decoder", ha="center", **note)
    if kind == "bidirectional":
        for key, text in (("f1", "forward"), ("b1", "backward")):
            ax.text(nodes["f1"].xy[0] - BOX_W / 2 - 0.2, nodes[key].xy[1], text, ha="right", **note)


def _bidirectional(steps):
    """Nodes and edges of a bidirectional RNN: a forward and a backward chain feeding each ŷ⟨t⟩."""
    shift, spacing, rows = 0.45, 2.1, (0.0, 1.45, 2.75, 4.2)
    nodes, edges = {}, []
    for t in range(1, steps + 1):
        x = t * spacing
        nodes[f"x{t}"] = Node((x, rows[0]), math_label("x", t), "input", step=t)
        nodes[f"f{t}"] = Node((x - shift, rows[1]), math_label("h", t, direction="forward"), "hidden", step=t)
        nodes[f"b{t}"] = Node((x + shift, rows[2]), math_label("h", t, direction="backward"), "hidden_alt", step=t)
        nodes[f"y{t}"] = Node((x, rows[3]), math_label("y", t), "output", step=t)
        edges += [Edge(f"x{t}", f"f{t}", via=((x - shift, rows[0]),), step=t),
                  Edge(f"x{t}", f"b{t}", via=((x + shift, rows[0]),), bridge=True, step=t),
                  Edge(f"f{t}", f"y{t}", via=((x - shift, rows[3]),), bridge=True, step=t),
                  Edge(f"b{t}", f"y{t}", via=((x + shift, rows[3]),), step=t)]
        if t > 1:
            edges += [Edge(f"f{t - 1}", f"f{t}", step=t), Edge(f"b{t}", f"b{t - 1}", step=t - 1)]
    for edge in edges:  # vertical edges start/end on the shifted column, not the node centre
        _straighten(nodes, edge)
    return nodes, edges


def _straighten(nodes, edge):
    """Make an edge with one via point vertical: start at the via point's x on the source box."""
    if len(edge.via) != 1:
        return
    vx, _ = edge.via[0]
    src, dst = nodes[edge.src], nodes[edge.dst]
    going_up = dst.xy[1] > src.xy[1]
    start = (vx, src.xy[1] + (src.size[1] / 2 if going_up else -src.size[1] / 2))
    end_y = dst.xy[1] - (dst.size[1] / 2 if going_up else -dst.size[1] / 2)
    edge.src, edge.via, edge.dst = start, (), (vx, end_y)


def architecture_gallery(rows=None):
    """The first five architectures side by side (one-to-one … many-to-many unequal), in `rows`
    rows (default: one; two while style.presentation_style() is on, to fit a projector's screen)."""
    rows = _check_int(2 if rows is None and style.presenting() else rows or 1, "rows", 1, len(GALLERY))
    graphs = [_architecture_graph(kind) for kind in GALLERY]
    height = max(b[3] - b[2] for _, _, b in graphs)
    widths = [b[1] - b[0] for _, _, b in graphs]
    gap = 0.35
    per_row = math.ceil(len(GALLERY) / rows)
    lines = [range(start, min(start + per_row, len(GALLERY))) for start in range(0, len(GALLERY), per_row)]
    total = max(sum(widths[k] for k in line) + gap * (len(line) - 1) for line in lines)
    fig = DiagramFigure(figsize=(total * INCH, len(lines) * height * INCH))
    for row, line in enumerate(lines):
        left = (total - sum(widths[k] for k in line) - gap * (len(line) - 1)) / 2  # each row centred
        for k in line:
            kind, width, (nodes, edges, b) = GALLERY[k], widths[k], graphs[k]
            ax = fig.add_axes((left / total, 1 - (row + 1) / len(lines), width / total, 1 / len(lines)))
            bounds = (b[0], b[1], b[3] - height, b[3])
            _canvas(ax, bounds)
            _render(ax, nodes, edges)
            _title(ax, bounds, TITLES.get(kind, kind), ARCHITECTURES[kind]["example"])
            _architecture_notes(ax, kind, nodes)
            left += width + gap
    return fig


# ----------------------------------------------------------------------------- BPTT

def _bptt_graph(steps):
    """The unrolled RNN with per-step losses, the weights bar and the gradient path from L⟨T⟩."""
    every = tuple(range(1, steps + 1))
    nodes, _ = _chain(steps, every, every)
    for t in every:
        nodes[f"L{t}"] = Node((t * DX, 3 * DY), math_label("L", t), "loss" if t == steps else "faded", step=t)
        if t < steps:
            nodes[f"y{t}"].role = "faded"
    bar_y, bar_left, bar_right = -1.35, DX / 2 - 0.35, steps * DX + BOX_W / 2
    nodes["W"] = Node(((bar_left + bar_right) / 2, bar_y), r"shared $W_{xh}$, $W_{hh}$: gradients summed over $t$",
                      "weight", size=(bar_right - bar_left, 0.72), fontsize=FONT["note"] + 1)
    nodes["Why"] = Node(((steps + 1) * DX, 2 * DY), W_HY, "weight", size=(1.0, BOX_H))
    forward = [Edge(f"x{t}", f"h1_{t}", faded=True) for t in every]
    forward += [Edge(f"h1_{t}", f"y{t}", faded=True) for t in every[:-1]]
    forward += [Edge(f"y{t}", f"L{t}", faded=True) for t in every[:-1]]
    gradient = [Edge(f"L{steps}", f"y{steps}", gid="grad-L"), Edge(f"y{steps}", "Why", gid="grad-Why"),
                Edge(f"y{steps}", f"h1_{steps}", gid=f"grad-h{steps}")]
    gradient += [Edge(f"h1_{t + 1}", f"h1_{t}", gid=f"grad-h{t}") for t in every[:-1]]
    for t in every:
        lane = t * DX - DX / 2
        gradient.append(Edge(f"h1_{t}", (lane, bar_y + 0.36), via=((lane, DY - 0.95),), gid=f"grad-w{t}"))
    return nodes, forward, gradient


def _gradient_styles(norms, steps):
    """Per-step (width, colour) from gradient norms on a log scale, plus the LogNorm used."""
    norms = np.asarray(norms, dtype=float)
    if norms.shape != (steps,):
        raise ValueError(f"gradient_norms: expected shape ({steps},) (one norm per step), got {norms.shape}")
    if not np.all(np.isfinite(norms)) or np.any(norms <= 0):
        raise ValueError(f"gradient_norms: expected finite positive values (log scale), got {norms.tolist()}")
    low, high = norms.min(), norms.max()
    if high / low < 1.0 + 1e-12:
        low, high = low / 2, high * 2
    scale = LogNorm(vmin=low, vmax=high)
    fraction = np.clip(scale(norms), 0, 1)
    widths = 1.2 + 5.3 * fraction
    return [(w, GRADIENT_CMAP(f)) for w, f in zip(widths, fraction)], scale


def bptt_paths(steps=4, gradient_norms=None, ax=None):
    """Backpropagation through time: the edges that carry the gradient of the loss at step T
    back from L⟨T⟩ through ŷ⟨T⟩, h⟨T⟩ … h⟨1⟩ and into the shared weights.

    gradient_norms: optional sequence of `steps` positive numbers, ||dL⟨T⟩/dh⟨t⟩|| (total derivatives) for t = 1..T;
    when given, the width and colour of the edges reaching h⟨t⟩ follow them (log scale) and a
    colour bar shows the scale. Returns the Figure.
    """
    steps = _check_int(steps, "steps")
    styles, scale = _gradient_styles(gradient_norms, steps) if gradient_norms is not None else (None, None)
    nodes, forward, gradient = _bptt_graph(steps)
    bounds = _bounds(nodes, top=0.75)
    fig, ax = _canvas(ax, bounds, extra_right=1.9 if (styles and ax is None) else 0.0)
    _render(ax, nodes, forward)
    for edge in gradient:
        points = _edge_points(nodes, edge)
        colour, width = HIGHLIGHT, 3.2
        if styles and edge.gid[:6] in ("grad-h", "grad-w"):
            width, colour = styles[int(edge.gid[6:]) - 1]
        _draw_edge(ax, points, colour=colour, width=width, gid=edge.gid)
    ax.text(bounds[0] + 0.15, bounds[3] - 0.38, r"BPTT: the gradient of $\mathcal{L}^{\langle T\rangle}$, "
            r"$T=$" + f"{steps}, flows back through every step", fontsize=FONT["note"] + 2, va="center")
    _bptt_legend(ax)
    if styles:
        _gradient_colourbar(fig, ax, scale, own_axes=ax.get_position().x1 < 0.99)
    return fig


def _bptt_legend(ax):
    handles = [Line2D([], [], color=FADED_EDGE, linewidth=2.2, label="forward pass"),
               Line2D([], [], color=HIGHLIGHT, linewidth=3.2,
                      label=r"gradient of $\mathcal{L}^{\langle T\rangle}$")]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.0, 0.95), ncol=2, frameon=False,
              fontsize=FONT["note"], handlelength=1.6)


def _gradient_colourbar(fig, ax, scale, own_axes):
    mappable = ScalarMappable(norm=scale, cmap=GRADIENT_CMAP)
    label = r"$\|d\mathcal{L}^{\langle T\rangle}/dh^{\langle t\rangle}\|$"
    if own_axes:
        box = ax.get_position()
        cax = fig.add_axes((box.x1 + 0.25 * (1 - box.x1), 0.12, 0.12 * (1 - box.x1), 0.76))
        bar = fig.colorbar(mappable, cax=cax)
    else:
        bar = fig.colorbar(mappable, ax=ax)
    bar.set_label(label, fontsize=FONT["note"] + 2)
    bar.ax.tick_params(labelsize=FONT["note"] - 1)


# ----------------------------------------------------------------------------- gated cells

def _gate(x, y, label):
    return Node((x, y), label, "gate", size=(1.0, 0.68), fontsize=FONT["op"])


def _op(x, y, label):
    return Node((x, y), label, "op", shape="circle", size=(0.62, 0.62))


def _free(x, y, label):
    return Node((x, y), label, "text", shape="text", size=(1.3, 0.62))


def _dot(x, y):
    return Node((x, y), "", "dot", shape="circle", size=(0.14, 0.14))


SIGMA, TANH = r"$\sigma$", r"$\tanh$"
BUS_Y, GATE_Y, MID_Y, TOP_Y = 0.7, 2.2, 3.45, 4.6
X_BUS_Y, H_BUS_Y = 0.5, 1.15  # the GRU's separate x and h lines


def _lstm_description():
    """LSTM cell (PyTorch: i, f, g, o): nodes, edges, gate-label positions, highlight groups."""
    nodes = {
        "c_in": _free(-1.0, TOP_Y, math_label("c", "t-1")), "c_out": _free(10.6, TOP_Y, math_label("c", "t")),
        "h_in": _free(-1.0, BUS_Y, math_label("h", "t-1")), "h_out": _free(10.6, BUS_Y, math_label("h", "t")),
        "x_in": _free(0.8, -1.05, math_label("x", "t")), "x_join": _dot(0.8, BUS_Y),
        "f": _gate(2.0, GATE_Y, SIGMA), "i": _gate(3.3, GATE_Y, SIGMA), "g": _gate(4.6, GATE_Y, TANH),
        "o": _gate(6.0, GATE_Y, SIGMA),
        "mul_f": _op(2.0, TOP_Y, r"$\times$"), "add": _op(4.6, TOP_Y, "$+$"), "mul_i": _op(4.6, MID_Y, r"$\times$"),
        "c_dot": _dot(7.6, TOP_Y), "tanh_c": Node((7.6, MID_Y), TANH, "op", size=(1.0, 0.6), fontsize=FONT["op"]),
        "mul_o": _op(7.6, GATE_Y, r"$\times$"),
    }
    for g in "figo":
        nodes[f"bus_{g}"] = _dot(nodes[g].xy[0], BUS_Y)
    edges = [
        Edge("c_in", "mul_f", gid="c1"), Edge("mul_f", "add", gid="c2"), Edge("add", "c_dot", arrow=False, gid="c3"),
        Edge("c_dot", "c_out", gid="c4"), Edge("c_dot", "tanh_c", gid="c5"),
        Edge("h_in", "bus_o", arrow=False, gid="bus"), Edge("x_in", "x_join", arrow=False, gid="x"),
        *[Edge(f"bus_{g}", g, gid=f"in_{g}") for g in "figo"],
        Edge("f", "mul_f", gid="f1"), Edge("i", "mul_i", via=((3.3, MID_Y),), gid="i1"),
        Edge("g", "mul_i", gid="g1"), Edge("mul_i", "add", gid="ig"), Edge("o", "mul_o", gid="o1"),
        Edge("tanh_c", "mul_o", gid="c6"), Edge("mul_o", "h_out", via=((7.6, BUS_Y),), gid="o2"),
    ]
    labels = {"f": (1.72, 3.35), "i": (3.05, 2.98), "g": (4.87, 2.9), "o": (6.8, 2.5)}
    groups = {"i": ["i", "i1", "mul_i", "ig"], "f": ["f", "f1", "mul_f"], "g": ["g", "g1"],
              "o": ["o", "o1", "mul_o", "o2"], "c": ["c1", "c2", "c3", "c4", "c5", "add", "c_dot"]}
    notes = [(4.6, TOP_Y + 0.62, "cell state", "center")]
    return nodes, edges, labels, groups, notes


def _gru_description():
    """GRU cell (PyTorch: r, z, n; n = tanh(x W_xn + b_n + r ⊙ (h W_hn + b_hn)), h' = (1−z) ⊙ n + z ⊙ h)."""
    rx, zx, nx = 2.6, 4.3, 7.2  # columns of the three gates
    nodes = {
        "h_in": _free(-1.0, TOP_Y, math_label("h", "t-1")), "h_out": _free(10.6, TOP_Y, math_label("h", "t")),
        "x_in": _free(1.2, -1.05, math_label("x", "t")), "x_join": _dot(1.2, X_BUS_Y),
        "h_dot": _dot(0.3, TOP_Y), "h_corner": _dot(0.3, H_BUS_Y), "hn_dot": _dot(rx, TOP_Y),
        "r": _gate(rx, GATE_Y, SIGMA), "z": _gate(zx, GATE_Y, SIGMA), "n": _gate(nx, GATE_Y, TANH),
        "mul_r": _op(rx, MID_Y, r"$\times$"), "mul_z": _op(zx, TOP_Y, r"$\times$"),
        "z_dot": _dot(zx, MID_Y), "one_minus": Node((5.75, MID_Y), r"$1\!-$", "op", shape="circle",
                                                     size=(0.62, 0.62), fontsize=FONT["weight"]),
        "mul_n": _op(nx, MID_Y, r"$\times$"), "add": _op(nx, TOP_Y, "$+$"),
    }
    for g in "rzn":  # x⟨t⟩ feeds all three gates; h⟨t-1⟩ feeds r and z directly, n only through r
        nodes[f"bus_{g}"] = _dot(nodes[g].xy[0], X_BUS_Y)
    nodes["hbus_r"], nodes["hbus_z"] = _dot(rx, H_BUS_Y), _dot(zx, H_BUS_Y)
    lane = nx - 0.85  # where the reset product turns down to enter the candidate box from the left
    edges = [
        Edge("h_in", "h_dot", arrow=False, gid="h1"), Edge("h_dot", "hn_dot", arrow=False, gid="h2"),
        Edge("hn_dot", "mul_z", gid="h3"), Edge("mul_z", "add", gid="h4"), Edge("add", "h_out", gid="h5"),
        Edge("h_dot", "h_corner", arrow=False, gid="h6"), Edge("h_corner", "hbus_z", arrow=False, gid="hbus"),
        Edge("x_in", "x_join", arrow=False, gid="x"), Edge("x_join", "bus_n", arrow=False, gid="bus"),
        Edge("hn_dot", "mul_r", gid="hn"),
        *[Edge(f"bus_{g}", g, gid=f"in_{g}") for g in "rzn"],
        Edge("r", "mul_r", gid="r1"),
        Edge("mul_r", "n", via=((rx + 0.8, MID_Y), (rx + 0.8, 2.95), (lane, 2.95), (lane, GATE_Y)), gid="r2"),
        Edge("z", "z_dot", arrow=False, bridge=True, gid="z1"), Edge("z_dot", "mul_z", gid="z2"),
        Edge("z_dot", "one_minus", gid="z3"), Edge("one_minus", "mul_n", gid="z4"),
        Edge("n", "mul_n", gid="n1"), Edge("mul_n", "add", gid="n2"),
    ]
    labels = {"r": (rx - 0.28, 2.86), "z": (zx + 0.3, 4.05), "n": (nx + 0.3, 2.88)}
    groups = {"r": ["r", "r1", "mul_r", "r2"], "z": ["z", "z1", "z2", "z3", "z4", "z_dot", "one_minus", "mul_z"],
              "n": ["n", "n1", "mul_n", "n2"]}
    notes = [(rx - 0.15, 4.08, r"$hW_{hn}+b_{hn}$", "right")]
    return nodes, edges, labels, groups, notes


def _cell(description, title, highlight, ax):
    """Draw a gated cell from its description and colour the `highlight` group."""
    nodes, edges, labels, groups, notes = description
    if highlight is not None:
        _check_choice(highlight, tuple(groups), "highlight")
    bounds = (-1.85, 11.45, -1.6, 6.15)
    fig, ax = _canvas(ax, bounds)
    ax.add_patch(FancyBboxPatch((0, -0.05), 9.0, 5.45, boxstyle="round,pad=0,rounding_size=0.4",
                                facecolor=ROLES["cell"][1], edgecolor=ROLES["cell"][0], linewidth=1.8, zorder=0))
    drawn = _render(ax, nodes, edges, halo=ROLES["cell"][1])
    for gate, (x, y) in labels.items():
        drawn[gate].append(ax.text(x, y, f"${gate}$", fontsize=FONT["node"] + 2, ha="center", va="center",
                                   weight="bold", zorder=5, gid=f"gate-label:{gate}"))
    for x, y, text, ha in notes:
        ax.text(x, y, text, fontsize=FONT["note"], ha=ha, va="center", color="#555555", style="italic")
    ax.text(4.5, 5.75, title, fontsize=FONT["title"], ha="center", va="center", weight="bold")
    if highlight is not None:
        _highlight_group(nodes, drawn, groups[highlight])
    return fig


def _highlight_group(nodes, drawn, members):
    """Colour the artists of `members` (node keys and edge gids) in the highlight colour."""
    for key in members:
        for artist in drawn[key]:
            if isinstance(artist, FancyArrowPatch):
                artist.set_color(HIGHLIGHT)
                artist.set_linewidth(3.4)
            elif isinstance(artist, Text):
                if (artist.get_gid() or "").startswith("gate-label"):
                    artist.set_color(HIGHLIGHT)
            else:
                artist.set_edgecolor(HIGHLIGHT)
                artist.set_facecolor(HIGHLIGHT if nodes[key].role == "dot" else HIGHLIGHT_FILL)


def gru_cell(highlight=None, ax=None):
    """The GRU cell with its gates r, z, n (PyTorch convention); `highlight` one of "r", "z", "n"."""
    return _cell(_gru_description(), "GRU cell", highlight, ax)


def lstm_cell(highlight=None, ax=None):
    """The LSTM cell with gates i, f, g, o and the cell-state line; `highlight` one of
    "i", "f", "g", "o" or "c" (the cell state)."""
    return _cell(_lstm_description(), "LSTM cell", highlight, ax)


# ----------------------------------------------------------------------------- batching a text stream

LANE_COLOURS = (PALETTE["blue"], PALETTE["orange"], PALETTE["green"], PALETTE["purple"], PALETTE["sky_blue"],
                PALETTE["vermillion"])
CHAR_W = 0.42  # width of one character cell (data units)


def _shown_char(ch):
    """A character as it can be seen in a cell: space ␣, newline ⏎, tab ⇥."""
    return {" ": "\u2423", "\n": "\u23ce", "\t": "\u21e5"}.get(ch, ch)


def _chunk_box(ax, x, y, chars, colour, gid):
    """k characters in a row of cells starting at x (centre line y); returns the frame patch."""
    for i, ch in enumerate(chars):
        ax.text(x + (i + 0.5) * CHAR_W, y, _shown_char(ch), ha="center", va="center", fontsize=13,
                family="DejaVu Sans Mono", zorder=4)
    frame = FancyBboxPatch((x, y - 0.3), len(chars) * CHAR_W, 0.6, boxstyle="round,pad=0,rounding_size=0.1",
                           facecolor=_tint(colour, 0.7), edgecolor=colour, linewidth=2, zorder=3, gid=gid)
    ax.add_patch(frame)
    return frame


def _stream_bar(ax, y, length, width, spans, label):
    """The whole stream as a grey bar of `width` units; spans [(start, stop, colour)] in characters coloured."""
    ax.add_patch(FancyBboxPatch((0, y - 0.14), width, 0.28, boxstyle="square,pad=0", facecolor="#E4E4E4",
                                edgecolor="#999999", linewidth=1, zorder=2))
    for start, stop, colour in spans:
        ax.add_patch(FancyBboxPatch((width * start / length, y - 0.14), width * (stop - start) / length, 0.28,
                                    boxstyle="square,pad=0", facecolor=colour, edgecolor="white", linewidth=1,
                                    zorder=3))
    ax.text(-0.25, y, label, ha="right", va="center", fontsize=FONT["note"], color="#333333")


def stream_batching(text, batch_size=3, k=5, chunks=3, seed=0, ax=None):
    """How a long text becomes batches of (B, k) characters, two ways, one panel each.

    Top, sequential partitioning: the stream is cut into `batch_size` contiguous lanes; batch j
    holds chunk j of every lane, so each row continues where the same row of the previous batch
    stopped: the state h is carried from chunk to chunk (as values), and the gradient stops at
    every chunk boundary (dashed). Bottom, random partitioning: each row of a batch is a chunk at
    a random offset (a numpy Generator seeded with `seed`), so every chunk starts from h = 0.
    text: at least batch_size * (chunks * k + 1) characters; `chunks` batches are drawn.
    Artists carry gids "seq:b,j" and "rand:b,j" (row b, batch j, from 1), "cut:b,j" and "reset:b,j".
    """
    B = _check_int(batch_size, "batch_size", 1, len(LANE_COLOURS))
    k, chunks = _check_int(k, "k", 1, 12), _check_int(chunks, "chunks", 1, 4)
    if not isinstance(text, str) or len(text) < B * (chunks * k + 1):
        got = f"{len(text)} characters" if isinstance(text, str) else type(text).__name__
        raise ValueError(f"text: expected a string of at least batch_size * (chunks * k + 1) = "
                         f"{B * (chunks * k + 1)} characters, got {got}")
    text = text[:B * chunks * k + 1]  # exactly `chunks` chunks per lane
    lane = chunks * k  # predictions per lane; lane b reads text[b*lane : (b+1)*lane + 1]
    gap, left = 1.1, 1.9  # between chunks (room for the state arrow), before the first chunk
    col = lambda j: left + j * (k * CHAR_W + gap)  # noqa: E731  x of batch j's chunks (j from 0)
    width = col(chunks) - gap
    row_y = lambda base, b: base - 0.85 * b  # noqa: E731
    top, bottom = 2.0 + 0.85 * B, 0.0
    fig, ax = _canvas(ax, (-2.6, width + 0.4, bottom - 0.85 * B - 2.1, top + 0.9))

    # sequential partitioning
    ax.text(width / 2 - 1, top + 0.5, "Sequential partitioning: lanes, state carried", ha="center",
            fontsize=FONT["title"] - 2, weight="bold", va="center")
    _stream_bar(ax, top - 0.2, len(text), width, [(b * lane, (b + 1) * lane, LANE_COLOURS[b]) for b in range(B)],
                "stream")
    head = top - 0.75
    for j in range(chunks):
        ax.text(col(j) + k * CHAR_W / 2, head, f"batch {j + 1}", ha="center", va="center", fontsize=FONT["note"])
    for b in range(B):
        y = row_y(head - 0.75, b)
        ax.text(-0.25, y, f"lane {b + 1}", ha="right", va="center", fontsize=FONT["note"], color=LANE_COLOURS[b])
        ax.text(col(0) - 0.08, y, "$h=0$", ha="right", va="center", fontsize=FONT["note"] - 2, color="#555555")
        for j in range(chunks):
            start = b * lane + j * k
            _chunk_box(ax, col(j), y, text[start:start + k], LANE_COLOURS[b], f"seq:{b + 1},{j + 1}")
            if j + 1 < chunks:
                x0 = col(j) + k * CHAR_W
                _draw_edge(ax, [(x0 + 0.08, y), (col(j + 1) - 0.08, y)], width=1.8, gid=f"carry:{b + 1},{j + 1}")
                ax.add_line(Line2D([x0 + gap / 2] * 2, [y - 0.38, y + 0.38], color=HIGHLIGHT, linewidth=2,
                                   linestyle=(0, (2, 2)), zorder=5, gid=f"cut:{b + 1},{j + 1}"))
    note_y = row_y(head - 0.75, B) + 0.25
    ax.text(width / 2 - 1, note_y, r"$\rightarrow$ $h$ carried as values;  dashed: the gradient stops there",
            ha="center", va="center", fontsize=FONT["note"], color="#333333", style="italic")

    # random partitioning
    rng = np.random.default_rng(seed)
    base = note_y - 0.85
    ax.text(width / 2 - 1, base, "Random partitioning: random offsets, state reset", ha="center",
            fontsize=FONT["title"] - 2, weight="bold", va="center")
    offsets = rng.integers(0, len(text) - k, size=(chunks, B))  # (batches, B): any offset of the stream
    _stream_bar(ax, base - 0.7, len(text), width, [(o, o + k, LANE_COLOURS[b]) for b, o in enumerate(offsets[0])],
                "batch 1 in\nthe stream")
    for j in range(chunks):
        ax.text(col(j) + k * CHAR_W / 2, base - 1.25, f"batch {j + 1}", ha="center", va="center", fontsize=FONT["note"])
    for b in range(B):
        y = row_y(base - 1.95, b)
        ax.text(-0.25, y, f"row {b + 1}", ha="right", va="center", fontsize=FONT["note"], color="#555555")
        for j in range(chunks):
            o = int(offsets[j, b])
            _chunk_box(ax, col(j), y, text[o:o + k], LANE_COLOURS[b], f"rand:{b + 1},{j + 1}")
            ax.text(col(j) - 0.08, y, "$h=0$", ha="right", va="center", fontsize=FONT["note"] - 2,
                    color=HIGHLIGHT, gid=f"reset:{b + 1},{j + 1}")
    return fig
