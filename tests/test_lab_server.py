"""The README's `lab` command serves the welcome notebook on localhost, behind a token, without news pop-ups."""
import importlib.util
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("course", ROOT / "course.py")
course = importlib.util.module_from_spec(spec)
spec.loader.exec_module(course)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def get(url, headers=None):
    """(status, location header, body) without following redirects."""
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(urllib.request.Request(url, headers=headers or {}), timeout=10) as response:
            return response.status, response.headers.get("Location"), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Location"), ""


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    port, token = free_port(), "course-test-token"
    env_dir = tmp_path_factory.mktemp("jupyter")
    # The course's settings overrides, written under a scratch prefix instead of this Python's sys.prefix.
    app_settings_dir = course.write_lab_overrides(env_dir / "prefix").parents[1]
    args = course.lab_arguments(sys.executable) + [
        "--no-browser", f"--port={port}", f"--IdentityProvider.token={token}", "--allow-root",
        f"--LabApp.app_settings_dir={app_settings_dir}"]
    server = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              env={**os.environ, "JUPYTER_RUNTIME_DIR": str(env_dir / "runtime"),
                                   "JUPYTERLAB_SETTINGS_DIR": str(env_dir / "user-settings")})
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if server.poll() is not None:
                pytest.fail("JupyterLab exited at start")
            time.sleep(0.3)
    else:
        server.kill()
        pytest.fail("expected JupyterLab to listen within 60 s")
    yield base, token
    server.terminate()
    server.wait(timeout=20)


def test_without_the_token_the_server_asks_for_a_login(lab):
    base, _ = lab
    status, location, _ = get(f"{base}/lab")
    assert status == 302 and "/login" in location


def test_with_the_token_the_welcome_notebook_is_served(lab):
    base, token = lab
    status, location, _ = get(f"{base}/?token={token}")
    assert status == 302 and location.split("?")[0].endswith("/lab/tree/notebooks/00_welcome.ipynb")
    status, _, page = get(f"{base}/lab/tree/notebooks/00_welcome.ipynb?token={token}")
    assert status == 200 and "<title>JupyterLab</title>" in page
    status, _, body = get(f"{base}/api/contents/notebooks/00_welcome.ipynb", {"Authorization": f"token {token}"})
    assert status == 200 and json.loads(body)["content"]["cells"][0]["source"].startswith("# 00 · Welcome")


def test_the_course_settings_turn_off_news_and_update_checks(lab):
    base, token = lab
    status, _, body = get(f"{base}/lab/api/settings/@jupyterlab/apputils-extension:notification",
                          {"Authorization": f"token {token}"})
    assert status == 200
    properties = json.loads(body)["schema"]["properties"]
    assert properties["fetchNews"]["default"] == "false" and properties["checkForUpdates"]["default"] is False
