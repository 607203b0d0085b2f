"""A checkout that rewrites line endings (Git for Windows' core.autocrlf=true) keeps the bytes of the data
files and notebooks, thanks to .gitattributes. The clone is of the committed HEAD: uncommitted changes,
.gitattributes included, are not seen."""
import fnmatch
import shutil
import subprocess
from pathlib import Path

import pytest

from rnncourse import data

ROOT = Path(__file__).resolve().parents[1]
KEEP_BYTES = ("data/*", "*.ipynb", "*.png", ".ci/run")  # as .gitattributes says


def git(*args, cwd):
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=True).stdout


@pytest.fixture(scope="module")
def clone(tmp_path_factory):
    if shutil.which("git") is None or subprocess.run(["git", "rev-parse"], cwd=ROOT, capture_output=True).returncode:
        pytest.skip("needs git and the course as a git repository (not a downloaded archive)")
    target = tmp_path_factory.mktemp("autocrlf") / "course"
    git("clone", "-q", "-c", "core.autocrlf=true", str(ROOT), str(target), cwd=ROOT)
    return target


def test_the_clone_rewrote_line_endings_of_ordinary_text_files(clone):
    """Otherwise the tests below would pass without .gitattributes doing anything."""
    assert b"\r\n" in (clone / "course.py").read_bytes()


def test_every_data_file_passes_its_sha256_check(clone, monkeypatch):
    monkeypatch.setenv("RNNCOURSE_DATA", str(clone / "data"))
    for name, entry in data.DATA_FILES.items():
        assert data.data_path(name) == clone / "data" / entry.filename  # raises DataFileError if altered


def test_data_notebooks_figures_and_scripts_keep_their_committed_bytes(clone):
    files = [name for name in git("ls-files", "-z", cwd=clone).decode().split("\0")
             if any(fnmatch.fnmatch(name, pattern) for pattern in KEEP_BYTES)]
    assert any(name.endswith(".ipynb") for name in files) and any(name.startswith("data/") for name in files)
    changed = [name for name in files if (clone / name).read_bytes() != git("cat-file", "blob", f"HEAD:{name}", cwd=clone)]
    assert not changed, f"checkout with core.autocrlf=true changed {changed}: is .gitattributes committed?"
