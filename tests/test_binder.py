"""Binder: repo2docker builds the course from .binder/ (which takes precedence over environment.yml),
with the tested pins, the course package installed from the repository and the notebooks trusted.
CI cannot reach Binder, so repo2docker is run offline without building (--no-build) and its plan is read."""
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BINDER = ROOT / ".binder"
REPO2DOCKER = Path(sys.executable).parent / "jupyter-repo2docker"


def requirement_lines(path):
    return [line.split("#")[0].strip() for line in path.read_text().splitlines() if line.split("#")[0].strip()]


def test_binder_installs_the_pinned_requirements_and_the_course_itself_not_editable():
    assert requirement_lines(BINDER / "requirements.txt") == ["-r ../requirements.txt", "."]


def test_binder_runs_python_311_like_the_tested_pins():
    assert (BINDER / "runtime.txt").read_text().strip() == "python-3.11"


def test_binder_post_build_trusts_the_notebooks_and_is_executable():
    post_build = BINDER / "postBuild"
    assert post_build.stat().st_mode & 0o111, "expected .binder/postBuild to be executable"
    text = post_build.read_text()
    assert text.startswith("#!/bin/bash") and "jupyter trust notebooks/*.ipynb notebooks/solutions/*.ipynb" in text


@pytest.mark.skipif(not REPO2DOCKER.exists(), reason="Binder check: jupyter-repo2docker is missing; enable it with "
                    "`.venv/bin/python -m pip install -r requirements-site.txt` (.ci/run does it)")
def test_repo2docker_picks_the_binder_folder_and_installs_after_copying_the_course(tmp_path):
    clone = tmp_path / "course"  # only the files git tracks or would track, as Binder sees a clone
    files = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                           capture_output=True, text=True, check=True).stdout.split()
    for name in files:
        if (ROOT / name).is_file() and name.startswith((".binder/", "environment.yml", "requirements", "pyproject")):
            (clone / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, clone / name)
    result = subprocess.run([str(REPO2DOCKER), "--no-build", "--debug", str(clone)], capture_output=True,
                            text=True, timeout=120)
    log = result.stdout + result.stderr
    assert result.returncode == 0, log[-2000:]
    assert "Building conda environment for python=3.11" in log
    copy_all = re.search(r"COPY --chown=\S+ src/ \$\{REPO_DIR\}/", log)
    install = log.find('pip install --no-cache-dir -r ".binder/requirements.txt"')
    assert copy_all and 0 < copy_all.start() < install, "expected pip to run after the whole course is copied"
    assert "RUN ./.binder/postBuild" in log
    assert "environment.yml" not in log, "expected .binder/ to take precedence over environment.yml"
