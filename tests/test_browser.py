"""The widgets in a real browser: JupyterLab runs tests/browser/widget_gallery.ipynb in Chromium
(driven by Playwright), every widget renders, and a slider moved with the keyboard redraws.

Needs Debian's Chromium and Playwright's Python package; skipped without them (browser_lab.py).
"""
import shutil

import pytest

from browser_lab import ALL_CELLS_RAN, KERNEL_IDLE, ROOT, SKIP_WITHOUT_BROWSER, TOKEN, chromium, jupyterlab

GALLERY = ROOT / "tests" / "browser" / "widget_gallery.ipynb"

pytestmark = SKIP_WITHOUT_BROWSER


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab on 127.0.0.1 with a token, serving a copy of the gallery; stopped afterwards."""
    home = tmp_path_factory.mktemp("lab")
    served = home / "served"
    served.mkdir()
    shutil.copy(GALLERY, served / GALLERY.name)
    with jupyterlab(home, served) as url:
        yield url


@pytest.fixture(scope="module")
def page(lab):
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(60_000)
        page.goto(f"{lab}/lab/tree/{GALLERY.name}?token={TOKEN}")
        page.wait_for_function(KERNEL_IDLE, timeout=90_000)
        yield page


def test_gallery_runs_and_every_widget_renders(page):
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_function(ALL_CELLS_RAN, timeout=180_000)
    page.wait_for_function("() => !document.body.innerText.includes('Loading widget')", timeout=60_000)
    assert page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").count() == 0
    assert page.locator(".jp-OutputArea-output .widget-slider").count() >= 6
    images = page.locator(".jp-OutputArea-output img")
    page.wait_for_function("() => document.querySelectorAll('.jp-OutputArea-output img').length >= 5")
    assert all((images.nth(k).get_attribute("src") or "").startswith("blob:") for k in range(images.count()))
    assert page.locator(".jp-OutputArea-output .widget-html-content table").count() >= 2


def test_a_slider_moved_with_the_keyboard_redraws(page):
    slider = page.locator(".widget-slider", has=page.locator("label", has_text="step t"))
    output = page.locator(".jp-OutputArea-output", has=slider)
    picture = output.locator("img").first
    before, table = picture.get_attribute("src"), output.locator(".widget-html-content").last.inner_text()
    readout = slider.locator(".widget-readout")
    assert readout.inner_text().strip() == "1"
    handle = slider.locator(".noUi-handle")
    handle.scroll_into_view_if_needed()
    handle.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("([img, old]) => img.getAttribute('src') !== old",
                           arg=[picture.element_handle(), before], timeout=30_000)
    assert readout.inner_text().strip() == "2"
    # the table is a separate widget whose update arrives in its own message, after the picture's
    page.wait_for_function("([html, old]) => html.innerText !== old",
                           arg=[output.locator(".widget-html-content").last.element_handle(), table], timeout=30_000)
