"""The course website (`python3 course.py site`): built once from the stored notebooks into a temporary
folder, then read from disk in Chromium (driven by Playwright) with every request that would leave the
site blocked and recorded. Every lesson page must show its figures, render every formula, keep each
worked solution folded under its exercise and show the stored widget views.

Needs Jupyter Book 1 and npm (`pip install -r requirements-site.txt`; .ci/run installs it), and for the
browser part Debian's Chromium and Playwright, as tests/test_browser.py.
"""
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LESSONS = sorted(p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"

try:
    import jupyter_book
except ImportError:
    jupyter_book = None
try:
    from playwright.sync_api import sync_playwright
except ImportError:
    sync_playwright = None

pytestmark = [
    pytest.mark.skipif(jupyter_book is None, reason="site test: Jupyter Book is missing; enable it with "
                       "`.venv/bin/python -m pip install -r requirements-site.txt` (python3 course.py site does it)"),
    pytest.mark.skipif(shutil.which("npm") is None and not (ROOT / "_build" / "site-cache").is_dir(),
                       reason="site test: expected npm to fetch MathJax and the widget manager; install Node.js"),
]
needs_browser = pytest.mark.skipif(
    not CHROMIUM.exists() or sync_playwright is None,
    reason=f"site browser test: expected {CHROMIUM} and Playwright; apt-get install -y chromium, "
           "pip install playwright==1.65.2")


def cells(path):
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def expected(lesson):
    """What the page of `lesson` must show: its solutions, widget views, and whether it has formulas."""
    solutions = sum("solution" in c["metadata"].get("tags", []) for c in cells(ROOT / "notebooks" / "solutions" / lesson))
    student = cells(ROOT / "notebooks" / lesson)
    widgets = sum(WIDGET_VIEW in o.get("data", {}) for c in student for o in c.get("outputs", []))
    math = any("$" in "".join(c["source"]) for c in student if c["cell_type"] == "markdown")
    return solutions, widgets, math


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    subprocess.run([sys.executable, str(ROOT / "tools" / "site.py"), "--out", str(out)], check=True, timeout=900)
    return out / "_build" / "html"


def test_the_site_has_a_landing_page_linking_every_lesson_the_guide_and_the_licences(site):
    index = (site / "intro.html").read_text(encoding="utf-8")
    for lesson in LESSONS:
        page = f"notebooks/{Path(lesson).stem}.html"
        assert (site / page).is_file(), f"expected a page {page} for {lesson}"
        assert f'href="{page}"' in index, f"expected the landing page's table of contents to link {page}"
    for page in ("INSTRUCTORS.html", "licences.html"):
        assert (site / page).is_file() and f'href="{page}"' in index, f"expected {page}, linked from the landing page"
    assert "colab-badge.svg" not in index and "badge_logo.svg" not in index, "badges are images from the web"


PAGE_REPORT = """() => {
  const outside = node => !node.parentElement.closest('pre, code, script, style, mjx-container, .highlight');
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const raw = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (outside(node) && /\\$\\$|\\\\begin\\{|\\\\frac/.test(node.textContent)) raw.push(node.textContent.trim().slice(0, 80));
  }
  const solutions = [...document.querySelectorAll('div.cell.tag_solution')];
  return {
    images: [...document.images].map(i => ({src: i.src.slice(0, 80), ok: i.complete && i.naturalWidth > 0})),
    formulas: document.querySelectorAll('mjx-container').length,
    unrendered: [...document.querySelectorAll('.math')].filter(e => !e.querySelector('mjx-container')).length,
    errors: document.querySelectorAll('mjx-merror').length,
    raw: raw,
    solutions: solutions.map(cell => {
      const details = cell.querySelector('details');
      const code = cell.querySelector('pre');
      return {folded: !!details && !details.open && !!code && !code.checkVisibility(),
              prompt: details ? details.querySelector('summary').innerText.trim() : '',
              afterExercise: !!cell.previousElementSibling && cell.previousElementSibling.classList.contains('tag_exercise')};
    }),
    widgets: [...document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]')]
      .map(s => s.parentElement.querySelectorAll('.jupyter-widgets').length),
    notes: [...document.querySelectorAll('.admonition.note')].filter(n => n.innerText.includes('run it live')).length,
  };
}"""


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


def open_offline(browser, url):
    """Open `url` (file://) with every other request blocked; returns (page, blocked URLs, failed files)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    blocked, failed = [], []

    def route(route):
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("requestfailed", lambda request: request.url.startswith("file://") and failed.append(request.url))
    page.goto(url, wait_until="load")
    page.evaluate("() => window.MathJax ? MathJax.startup.promise : null")
    page.evaluate("() => Promise.all([...document.images].map(i => i.decode().catch(() => null)))")
    return page, blocked, failed


@needs_browser
@pytest.mark.parametrize("name", ["intro.html", "INSTRUCTORS.html", "licences.html"])
def test_other_pages_make_no_request_outside_the_site(site, browser, name):
    page, blocked, failed = open_offline(browser, (site / name).as_uri())
    report = page.evaluate(PAGE_REPORT)
    page.context.close()
    assert blocked == [], f"{name}: expected no request outside the site, got {blocked}"
    assert failed == [], f"{name}: expected every file of the site to be there, missing {failed}"
    assert all(image["ok"] for image in report["images"]), f"{name}: images not loaded: {report['images']}"


@needs_browser
@pytest.mark.parametrize("lesson", LESSONS)
def test_lesson_page_reads_offline_with_figures_formulas_folded_solutions_and_widgets(site, browser, lesson):
    solutions, widgets, math = expected(lesson)
    page, blocked, failed = open_offline(browser, (site / "notebooks" / lesson).with_suffix(".html").as_uri())
    if widgets:
        page.wait_for_function("() => document.querySelectorAll('.jupyter-widgets').length > 0", timeout=30_000)
    report = page.evaluate(PAGE_REPORT)
    page.context.close()
    assert blocked == [], f"{lesson}: expected no request outside the site, got {blocked}"
    assert failed == [], f"{lesson}: expected every file of the site to be there, missing {failed}"
    assert report["images"] and all(image["ok"] for image in report["images"]), \
        f"{lesson}: expected every image loaded, got {[i for i in report['images'] if not i['ok']]}"
    if math:
        assert report["formulas"] > 0, f"{lesson}: expected MathJax output for its formulas, found none"
    assert report["unrendered"] == 0 and report["errors"] == 0 and report["raw"] == [], \
        f"{lesson}: expected every formula rendered, got {report['unrendered']} unrendered, " \
        f"{report['errors']} MathJax errors, raw TeX {report['raw']}"
    assert len(report["solutions"]) == solutions, \
        f"{lesson}: expected {solutions} worked solutions on the page, got {len(report['solutions'])}"
    for solution in report["solutions"]:
        assert solution["folded"] and solution["afterExercise"] and solution["prompt"] == "Show the worked solution", \
            f"{lesson}: expected each solution folded right under its exercise, got {solution}"
    assert len(report["widgets"]) == widgets and all(report["widgets"]), \
        f"{lesson}: expected {widgets} stored widget views rendered, got {report['widgets']}"
    assert report["notes"] == widgets, f"{lesson}: expected a 'run it live' note under each of its {widgets} widgets"

