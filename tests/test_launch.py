"""One click to a running lesson: the README's Colab and Binder badges, and the Colab set-up cell
that tools/colab.py puts first in each notebook (tried here on a copy, never on the course's notebooks)."""
import json
import shutil
import subprocess
import sys
import types
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

import colab  # noqa: E402
import launch  # noqa: E402
from editions import student_edition  # noqa: E402

LESSONS = sorted(p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def test_the_repository_url_is_a_github_repository():
    assert launch.repository_url().startswith("https://github.com/")


def test_a_repository_url_that_is_not_github_is_refused(tmp_path):
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[project.urls]\nRepository = "https://example.org/course"\n')
    with pytest.raises(ValueError, match="expected .*github.com/OWNER/NAME.*got 'https://example.org/course'"):
        launch.repository_url(pyproject)


@pytest.mark.parametrize("lesson", LESSONS)
def test_the_readme_table_has_colab_and_binder_badges_for_every_lesson(lesson):
    rows = [line for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
            if line.startswith("|") and f"(notebooks/{lesson})" in line]
    assert len(rows) == 1, f"expected one README table row linking notebooks/{lesson}, got {len(rows)}"
    badges = launch.badges(f"notebooks/{lesson}")
    assert badges in rows[0], (f"expected the README row of {lesson} to carry its launch badges (they follow "
                               f"pyproject.toml's Repository URL; `python tools/launch.py` prints them):\n{badges}")


@pytest.fixture
def instructor_copy(tmp_path):
    """A copy of notebook 00's instructor edition, where tools/colab.py may write."""
    folder = tmp_path / "notebooks" / "solutions"
    folder.mkdir(parents=True)
    return Path(shutil.copy(ROOT / "notebooks" / "solutions" / "00_welcome.ipynb", folder))


def test_colab_cell_goes_first_among_code_cells_once_however_often_the_tool_runs(instructor_copy):
    before = nbformat.read(instructor_copy, as_version=4)
    for _ in range(2):
        assert colab.main([str(instructor_copy)]) == 0
    after = nbformat.read(instructor_copy, as_version=4)
    setup = [c for c in after.cells if colab.TAG in c.metadata.get("tags", [])]
    assert len(setup) == 1, f"expected one colab-setup cell after two runs, got {len(setup)}"
    assert next(c for c in after.cells if c.cell_type == "code") is setup[0]
    assert setup[0].metadata["slideshow"] == {"slide_type": "skip"}
    assert f"git+{launch.repository_url()}" in setup[0].source
    others = [[(c.id, c.source) for c in nb.cells if colab.TAG not in c.metadata.get("tags", [])] for nb in (before, after)]
    assert others[1] == others[0], "the tool must leave every other cell as it was"
    assert colab.TAG in [t for c in student_edition(after).cells for t in c.metadata.get("tags", [])], \
        "the student edition must keep the set-up cell: students open it on Colab"


def test_colab_tool_refuses_a_student_edition(tmp_path):
    student = Path(shutil.copy(ROOT / "notebooks" / "00_welcome.ipynb", tmp_path))
    with pytest.raises(SystemExit, match="expected an instructor edition"):
        colab.main([str(student)])


@pytest.mark.parametrize("on_colab", [False, True])
def test_colab_cell_installs_the_course_on_colab_and_does_nothing_elsewhere(monkeypatch, on_colab):
    calls = []
    monkeypatch.setattr(subprocess, "run", lambda args, **kwargs: calls.append(args))
    if on_colab:
        monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    else:
        monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    exec(colab.setup_source(launch.repository_url()), {})
    expected = [[sys.executable, "-m", "pip", "install", "-q", f"rnncourse @ git+{launch.repository_url()}"]]
    assert calls == (expected if on_colab else [])


def test_colab_cell_is_valid_json_for_jupyter(instructor_copy):
    colab.main([str(instructor_copy)])
    nbformat.validate(nbformat.reads(instructor_copy.read_text(encoding="utf-8"), as_version=4))
    assert json.loads(instructor_copy.read_text(encoding="utf-8"))["nbformat"] == 4
