"""The course on a projector, measured in a real browser (JupyterLab in Chromium, driven by Playwright).

1. Every notebook (student edition, a copy with the presentation-style line of its first code cell
   switched on) runs in JupyterLab at 1280×720 with the left sidebar closed, then shows as a deck
   (jupyterlab-slideshow). On the slide of every figure or widget: each text of the output, SVG
   <text> of a figure or HTML text of a widget, is at least 18 px on screen and lies inside its
   figure or widget box; no figure is a raster image (its text could not be measured); every figure
   and every whole widget box fits on its slide: no taller than the deck's visible area and, scrolled
   so that its top is at the top of that area, its bottom on screen (before and after a control move,
   and with each picture of a widget that shows one at a time); one control of each widget is moved
   and its figure or text must change.
2. Opening a notebook in JupyterLab and saving it changes no byte of it.

Slow (JupyterLab runs every notebook): one JupyterLab and one page serve all notebooks.
Skipped without Chromium or Playwright (browser_lab.py).
"""
import json
import shutil
import time

import pytest

from browser_lab import ALL_CELLS_RAN, KERNEL_IDLE, ROOT, SKIP_WITHOUT_BROWSER, TOKEN, chromium, jupyterlab

pytestmark = SKIP_WITHOUT_BROWSER

NOTEBOOKS = sorted(path.name for path in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
# The first page a student opens, and every notebook that stores widget state (JupyterLab re-serialises it on save).
SAVED = ["00_welcome.ipynb"] + [name for name in NOTEBOOKS if name != "00_welcome.ipynb"
                                and "widget-state+json" in (ROOT / "notebooks" / name).read_text(encoding="utf-8")]
VIEWPORT = {"width": 1280, "height": 720}
MIN_PX = 18
PRESENTATION_LINE = "# style.presentation_style()"


def presenting_copy(source, target):
    """`source` with the first code cell's presentation-style line switched on, written to `target`."""
    notebook = json.loads(source.read_text(encoding="utf-8"))
    for cell in notebook["cells"]:
        text = "".join(cell["source"])
        if cell["cell_type"] == "code" and PRESENTATION_LINE in text:
            cell["source"] = text.replace(PRESENTATION_LINE, PRESENTATION_LINE[2:] + "  ", 1)
            break
    else:
        raise AssertionError(f"{source.name}: expected a code cell with {PRESENTATION_LINE!r}, found none")
    target.write_text(json.dumps(notebook), encoding="utf-8")


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab serving projector/ (copies with the presentation style on) and pristine/ (exact copies)."""
    home = tmp_path_factory.mktemp("projector")
    served = home / "served"
    (served / "projector").mkdir(parents=True)
    (served / "pristine").mkdir()
    for name in NOTEBOOKS:
        presenting_copy(ROOT / "notebooks" / name, served / "projector" / name)
    for name in SAVED:
        shutil.copy(ROOT / "notebooks" / name, served / "pristine" / name)
    with jupyterlab(home, served) as url:
        yield url, served


@pytest.fixture(scope="module")
def app(lab):
    """One JupyterLab page at 1280×720, fresh workspace, left sidebar closed."""
    url, _ = lab
    with chromium() as browser:
        page = browser.new_page(viewport=VIEWPORT)
        page.set_default_timeout(60_000)
        page.goto(f"{url}/lab?reset&token={TOKEN}")
        page.wait_for_function("() => window.jupyterapp && window.jupyterapp.started", timeout=90_000)
        page.evaluate("() => window.jupyterapp.started")
        page.evaluate("() => window.jupyterapp.shell.collapseLeft()")
        yield page


def open_notebook(page, path):
    """Open `path` (relative to the served folder) as the current tab and wait for an idle kernel."""
    page.evaluate("async path => { await window.jupyterapp.commands.execute('docmanager:open', "
                  "{path, factory: 'Notebook'}); }", path)
    page.wait_for_function(f"""() => {{
        const panel = window.jupyterapp.shell.currentWidget;
        return panel && panel.context && panel.context.path === {json.dumps(path)} && ({KERNEL_IDLE})();
    }}""", timeout=120_000)


def close_notebook(page):
    """Stop the deck, shut the kernel down and close the tab without saving (frees the CPU)."""
    page.evaluate("""async () => {
        const app = window.jupyterapp, panel = app.shell.currentWidget;
        if (app.commands.isEnabled('deck:stop')) { await app.commands.execute('deck:stop'); }
        await panel.sessionContext.shutdown();
        panel.context.model.dirty = false;
        panel.dispose();
    }""")


# ----------------------------------------------------------------------------- measuring an output

MEASURE = """async (index) => {
    const cell = window.jupyterapp.shell.currentWidget.content.widgets[index].node;
    const report = {texts: 0, min: Infinity, minAt: '', problems: [], figures: []};
    const inside = (r, box) => r.left >= box.left - 1 && r.right <= box.right + 1
                               && r.top >= box.top - 1 && r.bottom <= box.bottom + 1;
    const text = s => JSON.stringify(s.trim().slice(0, 40));
    const note = (size, what) => {
        report.texts++;
        if (size < report.min) { report.min = size; report.minAt = what; }
        if (size < %(min_px)s - 0.05) { report.problems.push(`${what}: ${size.toFixed(1)} px on screen`); }
    };
    const outputs = [...cell.querySelectorAll('.jp-OutputArea-output')].filter(
        o => (o.dataset.mimeType || '').startsWith('image/') || o.querySelector('.jupyter-widgets'));
    for (const output of outputs) {
        const widget = output.querySelector('.jupyter-widgets');
        const frame = (widget || output).getBoundingClientRect();
        for (const img of output.querySelectorAll('img')) {
            const r = img.getBoundingClientRect();
            if (r.width === 0) { continue; }
            report.figures.push({width: Math.round(r.width), height: Math.round(r.height),
                                 natural: [img.naturalWidth, img.naturalHeight]});
            if (!inside(r, frame)) { report.problems.push(`a figure outside its output (${r.width}×${r.height} px)`); }
            let source = null;
            if (img.src.startsWith('data:image/svg+xml')) {
                const data = img.src.slice(img.src.indexOf(',') + 1);
                source = img.src.includes(';base64,') ? atob(data) : decodeURIComponent(data);
            } else if (img.src.startsWith('blob:')) {
                const blob = await (await fetch(img.src)).blob();
                source = blob.type.includes('svg') ? await blob.text() : null;
            }
            if (source === null) {
                report.problems.push(`a raster figure (${img.naturalWidth}×${img.naturalHeight}, shown at ` +
                                     `${Math.round(r.width)} px): expected SVG, whose text can be measured`);
                continue;
            }
            const svg = new DOMParser().parseFromString(source, 'image/svg+xml').documentElement;
            svg.setAttribute('width', r.width);
            svg.setAttribute('height', r.height);
            const holder = document.createElement('div');
            holder.style.cssText = 'position: fixed; left: 0; top: 0; opacity: 0; pointer-events: none';
            holder.appendChild(document.importNode(svg, true));
            document.body.appendChild(holder);
            const copy = holder.firstChild, box = copy.getBoundingClientRect();
            for (const t of copy.querySelectorAll('text')) {
                const runs = [...t.querySelectorAll('tspan')].filter(s => s.textContent.trim());
                if (!runs.length && !t.textContent.trim()) { continue; }
                const m = t.getScreenCTM(), scale = Math.hypot(m.a, m.b);
                // a label's size is its largest run: sub- and superscripts are 0.7 of it
                const size = Math.max(...(runs.length ? runs : [t]).map(
                    s => parseFloat(getComputedStyle(s).fontSize))) * scale;
                note(size, `figure text ${text(t.textContent)}`);
                if (!inside(t.getBoundingClientRect(), box)) {
                    report.problems.push(`figure text ${text(t.textContent)} outside its figure`);
                }
            }
            holder.remove();
        }
        if (!widget) { continue; }
        const walker = document.createTreeWalker(widget, NodeFilter.SHOW_TEXT);
        while (walker.nextNode()) {
            const node = walker.currentNode, parent = node.parentElement;
            if (!node.textContent.trim() || parent.closest('style, script')) { continue; }
            const range = document.createRange();
            range.selectNodeContents(node);
            const r = range.getBoundingClientRect();
            if (r.width === 0 || getComputedStyle(parent).visibility === 'hidden') { continue; }
            note(parseFloat(getComputedStyle(parent).fontSize), `widget text ${text(node.textContent)}`);
            if (!inside(r, frame) || parent.scrollWidth > parent.clientWidth + 1
                && getComputedStyle(parent).overflowX !== 'visible') {
                report.problems.push(`widget text ${text(node.textContent)} cut off`);
            }
        }
        for (const input of widget.querySelectorAll('input[type=text], input[type=number], textarea, select')) {
            if (input.getBoundingClientRect().width > 0) {
                note(parseFloat(getComputedStyle(input).fontSize), `widget input ${text(input.value)}`);
            }
        }
    }
    report.min = report.texts ? report.min : null;
    return report;
}""".replace("%(min_px)s", str(MIN_PX))

FITS = """async (index) => {
    const cell = window.jupyterapp.shell.currentWidget.content.widgets[index].node;
    // the deck: a panel of the window's height, with the slide's cells in a scrolling area centred in it
    const clip = r => ({top: Math.max(r.top, 0), bottom: Math.min(r.bottom, window.innerHeight)});
    const deck = clip(cell.closest('.jp-Deck').getBoundingClientRect()), visible = deck.bottom - deck.top;
    const scroller = cell.closest('.jp-WindowedPanel-outer'), area = () => clip(scroller.getBoundingClientRect());
    const report = [];
    const outputs = [...cell.querySelectorAll('.jp-OutputArea-output')].filter(
        o => (o.dataset.mimeType || '').startsWith('image/') || o.querySelector('.jupyter-widgets'));
    for (const output of outputs) {
        const widget = output.querySelector('.jupyter-widgets');
        const items = widget ? [['widget', widget]] : [...output.querySelectorAll('img')].map(i => ['figure', i]);
        for (const [kind, element] of items) {
            if (element.getBoundingClientRect().height === 0) { continue; }
            scroller.scrollTop += element.getBoundingClientRect().top - area().top;
            await new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
            const r = element.getBoundingClientRect();
            report.push({kind, height: Math.round(r.height), visible: Math.round(visible),
                         below: Math.round(r.bottom - area().bottom)});
        }
    }
    return report;
}"""


def fit_problems(page, index, heights):
    """Problems of the figures and widget boxes of cell `index` that do not fit on its deck slide;
    appends (height, visible height, "cell N kind") of each to `heights`."""
    problems = []
    for item in page.evaluate(FITS, index):
        heights.append((item["height"], item["visible"], f"cell {index} {item['kind']}"))
        if item["height"] > item["visible"] + 1:
            problems.append(f"cell {index}: {item['kind']} {item['height']} px tall, the slide shows {item['visible']} px")
        elif item["below"] > 1:
            problems.append(f"cell {index}: {item['kind']} {item['height']} px tall ends {item['below']} px below the "
                            f"slide when scrolled to its top (the slide shows {item['visible']} px)")
    return problems


STATE = """(index) => {
    const cell = window.jupyterapp.shell.currentWidget.content.widgets[index].node;
    return [...cell.querySelectorAll('img')].map(i => i.src).join(' ') + ' ' +
           [...cell.querySelectorAll('.widget-html-content')].map(h => h.innerHTML).join(' ');
}"""


def move_a_control(page, index):
    """Move the first slider of widget cell `index` one step (keyboard), or click an unselected toggle
    button; returns a description of what was moved."""
    cell = page.locator(".jp-Notebook .jp-Cell").nth(index)
    handle = cell.locator(".noUi-handle").first
    if handle.count():
        handle.scroll_into_view_if_needed()
        handle.focus()
        page.keyboard.press("ArrowRight")
        return "slider"
    button = cell.locator(".widget-toggle-button:not(.mod-active)").first
    if button.count():
        button.scroll_into_view_if_needed()
        button.click()
        return "toggle button"
    raise AssertionError(f"cell {index}: expected a widget with a slider or toggle buttons, found neither")


SHOWN_PICTURES = """(index) => [...window.jupyterapp.shell.currentWidget.content.widgets[index].node
    .querySelectorAll('img')].filter(i => i.getBoundingClientRect().width > 0).map(i => i.src).join(' ')"""


def show_each_picture(page, index):
    """Widget cell `index`, if it shows one picture at a time (toggle buttons described "show"): shows each
    picture not shown yet in turn, yielding its label once it is on screen."""
    toggle = page.locator(".jp-Notebook .jp-Cell").nth(index).locator(".widget-toggle-buttons").filter(
        has=page.locator(".widget-label", has_text="show"))
    for label in [button.inner_text() for button in toggle.locator(".widget-toggle-button:not(.mod-active)").all()]:
        before = page.evaluate(SHOWN_PICTURES, index)
        button = toggle.get_by_role("button", name=label, exact=True)
        button.scroll_into_view_if_needed()
        button.click()
        try:
            page.wait_for_function(f"before => ({SHOWN_PICTURES})({index}) !== before", arg=before, timeout=30_000)
        except Exception:
            raise AssertionError(f"cell {index}: pressing show {label!r} showed no other picture") from None
        yield label


def show_cell(page, index):
    """Go to the deck slide of cell `index`; True if the cell is on screen there."""
    page.evaluate(f"() => {{ window.jupyterapp.shell.currentWidget.content.activeCellIndex = {index}; }}")
    try:
        page.wait_for_function(f"""() => window.jupyterapp.shell.currentWidget.content.widgets[{index}]
                                   .node.classList.contains('jp-deck-mod-onscreen')""", timeout=5_000)
    except Exception:  # a cell the deck skips (slide type "skip"): not presented
        return False
    page.wait_for_timeout(300)  # the slide's fade-in
    return True


def run_all(page):
    """Run every cell of the current notebook; fails with the error that stopped the run, if one did."""
    page.evaluate("async () => { await window.jupyterapp.commands.execute('notebook:run-all-cells'); }")
    if not page.evaluate(ALL_CELLS_RAN):
        errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
        pytest.fail("expected every cell to run; the run stopped at: "
                    + (errors.last.inner_text()[-1500:] if errors.count() else "(no error shown)"))
    page.wait_for_function("() => !document.body.innerText.includes('Loading widget')", timeout=60_000)


@pytest.mark.timeout(900)  # a notebook runs in seconds, but a busy 2-core machine can take minutes
@pytest.mark.parametrize("name", NOTEBOOKS)
def test_every_figure_and_widget_is_readable_on_a_projector(app, name):
    page, started = app, time.monotonic()
    open_notebook(page, f"projector/{name}")
    try:
        run_all(page)
    except BaseException:
        close_notebook(page)
        raise
    ran = time.monotonic() - started
    cells = page.evaluate("""() => window.jupyterapp.shell.currentWidget.content.widgets.map((c, i) => {
        const types = [...c.node.querySelectorAll('.jp-OutputArea-output')].map(o => o.dataset.mimeType || '');
        const slide = (c.model.getMetadata('slideshow') || {}).slide_type || null;
        return [i, slide, types.some(t => t.startsWith('image/')), c.node.querySelector('.jupyter-widgets') !== null,
                types.some(t => t.includes('stderr'))];
    })""")
    page.evaluate("() => window.jupyterapp.commands.execute('deck:start')")
    page.wait_for_function("() => document.querySelector('.jp-Deck') !== null")
    problems, smallest, texts, figures, moved, heights = [], None, 0, 0, [], []
    try:
        for index, slide_type, has_figure, has_widget, has_stderr in cells:
            if has_stderr:
                problems.append(f"cell {index}: writes to stderr (a warning?)")
            if not (has_figure or has_widget) or slide_type == "skip":
                continue
            if not show_cell(page, index):
                problems.append(f"cell {index} (slide type {slide_type!r}): its output is not shown in the deck"
                                + (" (jupyterlab-slideshow reads a cell that continues a slide from a missing "
                                   "slide_type, not from '-')" if slide_type == "-" else ""))
                continue
            reports = [page.evaluate(MEASURE, index)]
            problems += fit_problems(page, index, heights)
            if has_widget:
                before = page.evaluate(STATE, index)
                what = move_a_control(page, index)
                try:
                    page.wait_for_function(f"before => ({STATE})({index}) !== before", arg=before, timeout=30_000)
                except Exception:
                    problems.append(f"cell {index}: moving a {what} changed neither its figure nor its text")
                moved.append(f"{index} ({what})")
                reports.append(page.evaluate(MEASURE, index))
                problems += fit_problems(page, index, heights)
                for label in show_each_picture(page, index):
                    moved.append(f"{index} (show {label})")
                    reports.append(page.evaluate(MEASURE, index))
                    problems += fit_problems(page, index, heights)
            for report in reports:
                problems += [f"cell {index}: {p}" for p in report["problems"]]
                texts += report["texts"]
                if report["min"] is not None and (smallest is None or report["min"] < smallest[0]):
                    smallest = (report["min"], f"cell {index}, {report['minAt']}")
            figures += len(reports[0]["figures"])
    finally:
        close_notebook(page)
    smallest_text = f"smallest {smallest[0]:.1f} px ({smallest[1]})" if smallest else "no text"
    tallest = max(heights, default=None)
    tallest_text = f"tallest {tallest[0]} px of {tallest[1]} ({tallest[2]})" if tallest else "no output"
    print(f"\n{name}: ran in {ran:.0f} s, measured in {time.monotonic() - started - ran:.0f} s; {figures} figures, "
          f"{texts} texts, {smallest_text}; {tallest_text}; widgets moved: {', '.join(moved) or 'none'}")
    assert not problems, f"{name} on a 1280×720 projector:\n" + "\n".join(dict.fromkeys(problems))


@pytest.mark.parametrize("name", SAVED)
def test_opening_and_saving_a_notebook_changes_no_byte(app, lab, name):
    page, (_, served) = app, lab
    original = (ROOT / "notebooks" / name).read_bytes()
    path = served / "pristine" / name
    modified = path.stat().st_mtime_ns
    open_notebook(page, f"pristine/{name}")
    try:
        page.evaluate("() => window.jupyterapp.commands.execute('docmanager:save')")
    finally:
        close_notebook(page)
    assert path.stat().st_mtime_ns != modified, "expected JupyterLab to write the file when saving"
    saved = path.read_bytes()
    first = next((i for i, (a, b) in enumerate(zip(saved, original)) if a != b), min(len(saved), len(original)))
    assert saved == original, (f"{name}: JupyterLab's save changed the file ({len(original)} -> {len(saved)} bytes, "
                               f"first difference at byte {first}: {saved[max(0, first - 60):first + 60]!r})")
