"""Where a lesson can be opened in one click: Binder and Colab links, from the course's repository URL.

The URL is written in one place, pyproject.toml's [project.urls] Repository; the website's launch
buttons (tools/site.py), the Colab set-up cell (tools/colab.py) and the README's badges
(tests/test_launch.py) all come from here.
"""
import re
from pathlib import Path

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
BRANCH = "main"
COLAB_BADGE = "https://colab.research.google.com/assets/colab-badge.svg"
BINDER_BADGE = "https://mybinder.org/badge_logo.svg"


def repository_url(pyproject=ROOT / "pyproject.toml"):
    """The course's public GitHub repository, https://github.com/OWNER/NAME."""
    url = tomllib.loads(Path(pyproject).read_text(encoding="utf-8"))["project"]["urls"]["Repository"]
    if not re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+", url):
        raise ValueError(f"expected [project.urls] Repository = 'https://github.com/OWNER/NAME' in {pyproject}, "
                         f"got {url!r}")
    return url


def github_path():
    """OWNER/NAME of the repository."""
    return repository_url().removeprefix("https://github.com/")


def binder_url(path):
    """Binder link that opens `path` (e.g. notebooks/00_welcome.ipynb) in JupyterLab."""
    return f"https://mybinder.org/v2/gh/{github_path()}/{BRANCH}?urlpath=lab/tree/{path}"


def colab_url(path):
    """Colab link that opens `path` from the repository's main branch."""
    return f"https://colab.research.google.com/github/{github_path()}/blob/{BRANCH}/{path}"


def badges(path):
    """The README's launch badges for the notebook at `path`: Colab, then Binder."""
    return f"[![Open in Colab]({COLAB_BADGE})]({colab_url(path)}) [![Launch Binder]({BINDER_BADGE})]({binder_url(path)})"


if __name__ == "__main__":  # print the README table's launch column, one line per lesson
    for notebook in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        print(notebook.name[:2], badges(f"notebooks/{notebook.name}"))
