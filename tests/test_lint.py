"""ruff (pinned in requirements.txt) finds nothing in the course's code or notebooks, with the rule set of
pyproject.toml's [tool.ruff]: syntax errors, pyflakes (unused imports, undefined names) and import placement."""
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PATHS = ["course.py", "src", "tests", "benchmarks", "tools", "data", "notebooks"]


@pytest.mark.skipif(shutil.which("ruff", path=str(Path(sys.executable).parent)) is None,
                    reason="ruff is in requirements.txt: run python3 course.py test")
def test_ruff_finds_nothing():
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "--output-format", "concise",
                             *PATHS], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"ruff found problems (fix them, or `ruff check --fix`):\n{result.stdout}{result.stderr}"
