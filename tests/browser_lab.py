"""JupyterLab in Chromium for the browser tests (test_browser.py, test_projector.py): a private
JupyterLab server on 127.0.0.1 with a token, and Playwright's Chromium, skipped without them:
    apt-get install -y chromium
    pip install playwright==1.65.2
"""
import contextlib
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TOKEN = "widget-browser-test"
ENABLE = "enable it with `apt-get install -y chromium` and `pip install playwright==1.65.2`"

try:
    from playwright.sync_api import sync_playwright
except ImportError:
    sync_playwright = None

SKIP_WITHOUT_BROWSER = [
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"browser test: expected {CHROMIUM}, not found; {ENABLE}"),
    pytest.mark.skipif(sync_playwright is None, reason=f"browser test: the playwright package is missing; {ENABLE}"),
]

KERNEL_IDLE = """() => {
    const panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;
    const kernel = panel && panel.sessionContext && panel.sessionContext.session
                   && panel.sessionContext.session.kernel;
    return kernel && kernel.status === 'idle';
}"""
ALL_CELLS_RAN = """() => {
    const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')].map(p => p.textContent);
    return prompts.length > 0 && prompts.every(p => /\\[\\d+\\]/.test(p));
}"""  # every code cell has run: [1], [2], ... (no [*] or [ ])


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


@contextlib.contextmanager
def jupyterlab(home, served):
    """JupyterLab serving the folder `served` (its settings and runtime files under `home`);
    yields its base URL and stops it (and its kernels) afterwards."""
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


@contextlib.contextmanager
def chromium():
    """Playwright's browser object for Debian's Chromium; closed afterwards."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS, timeout=60_000)
        try:
            yield browser
        finally:
            browser.close()
