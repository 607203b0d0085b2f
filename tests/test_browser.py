"""The widgets in a real browser: JupyterLab runs tests/browser/widget_gallery.ipynb in Chromium
(driven by Playwright), every widget renders, and a slider moved with the keyboard redraws.

Needs Debian's Chromium and Playwright's Python package; skipped without them:
    apt-get install -y chromium
    pip install playwright==1.65.2
"""
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GALLERY = ROOT / "tests" / "browser" / "widget_gallery.ipynb"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TOKEN = "widget-browser-test"
ENABLE = "enable it with `apt-get install -y chromium` and `pip install playwright==1.65.2`"

try:
    from playwright.sync_api import sync_playwright
except ImportError:
    sync_playwright = None

pytestmark = [
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"browser test: expected {CHROMIUM}, not found; {ENABLE}"),
    pytest.mark.skipif(sync_playwright is None, reason=f"browser test: the playwright package is missing; {ENABLE}"),
]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_settings(folder):
    """JupyterLab settings: no news or update toasts, every cell kept in the page (no windowing)."""
    settings = {"@jupyterlab/apputils-extension/notification.jupyterlab-settings":
                {"fetchNews": "false", "checkForUpdates": False},
                "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"}}
    for name, values in settings.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab on 127.0.0.1 with a token, serving a copy of the gallery; stopped afterwards."""
    home = tmp_path_factory.mktemp("lab")
    served = home / "served"
    served.mkdir()
    shutil.copy(GALLERY, served / GALLERY.name)
    write_settings(home / "settings")
    port = free_port()
    args = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
            f"--IdentityProvider.token={TOKEN}", "--LabApp.expose_app_in_browser=True",
            f"--ServerApp.root_dir={served}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.append("--allow-root")
    env = dict(os.environ, JUPYTERLAB_SETTINGS_DIR=str(home / "settings"),
               JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"), JUPYTER_RUNTIME_DIR=str(home / "runtime"),
               PYTHONPATH=os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]))
    log = open(home / "server.log", "wb")
    server = subprocess.Popen(args, cwd=served, env=env, stdout=log, stderr=subprocess.STDOUT,
                              start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"expected JupyterLab to listen on port {port} within 60 s; "
                                f"log:\n{(home / 'server.log').read_text(errors='replace')[-2000:]}")
                time.sleep(0.3)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, 9)  # the server's own process group: it and its kernels
            server.wait(timeout=10)
        log.close()


@pytest.fixture(scope="module")
def page(lab):
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS, timeout=60_000)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(60_000)
            page.goto(f"{lab}/lab/tree/{GALLERY.name}?token={TOKEN}")
            page.wait_for_function("""() => {
                const panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;
                const kernel = panel && panel.sessionContext && panel.sessionContext.session
                               && panel.sessionContext.session.kernel;
                return kernel && kernel.status === 'idle';
            }""", timeout=90_000)
            yield page
        finally:
            browser.close()


def test_gallery_runs_and_every_widget_renders(page):
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_function("""() => {
        const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')].map(p => p.textContent);
        return prompts.length > 0 && prompts.every(p => /\\[\\d+\\]/.test(p));
    }""", timeout=180_000)  # every code cell has run: [1], [2], ... (no [*] or [ ])
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
    assert output.locator(".widget-html-content").last.inner_text() != table
