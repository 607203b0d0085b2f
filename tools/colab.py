"""Make each lesson runnable on Colab: insert, as the first code cell of the instructor edition, a cell that
installs the course from its repository when (and only when) the notebook runs on Colab.

    python tools/colab.py [NOTEBOOK ...]     (default: every notebooks/solutions/NN_*.ipynb)

Idempotent: a notebook that already has the cell (tag `colab-setup`) gets it rewritten in place, so a
changed repository URL (pyproject.toml's [project.urls] Repository) reaches every notebook. Run
`python3 course.py execute` afterwards: it regenerates the student editions, which keep the cell.
"""
import sys
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
from execution import write  # noqa: E402
from launch import repository_url  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
TAG = "colab-setup"
CELL_ID = "colab-setup"


def setup_source(url):
    """The cell's code: pip-install the course on Colab, nothing anywhere else."""
    return ("# On Colab only: install the course package (with its data) from its repository. Elsewhere: nothing.\n"
            "import subprocess\n"
            "import sys\n"
            "\n"
            'if "google.colab" in sys.modules:\n'
            f'    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "rnncourse @ git+{url}"], check=True)')


def setup_cell(url):
    cell = nbformat.v4.new_code_cell(setup_source(url))
    cell.id = CELL_ID
    cell.metadata = {"tags": [TAG], "slideshow": {"slide_type": "skip"}}
    return cell


def add_setup_cell(notebook, url):
    """`notebook` with the Colab set-up cell first among its code cells (replacing an existing one)."""
    cells = [cell for cell in notebook.cells if TAG not in cell.metadata.get("tags", [])]
    first_code = next((i for i, cell in enumerate(cells) if cell.cell_type == "code"), len(cells))
    notebook.cells = [*cells[:first_code], setup_cell(url), *cells[first_code:]]
    return notebook


def main(argv):
    paths = [Path(p) for p in argv] or sorted((ROOT / "notebooks" / "solutions").glob("[0-9][0-9]_*.ipynb"))
    url = repository_url()
    for path in paths:
        if path.parent.name != "solutions":
            sys.exit(f"{path}: expected an instructor edition (notebooks/solutions/NN_*.ipynb), the one source "
                     "of both editions")
        notebook = add_setup_cell(nbformat.read(path, as_version=4), url)
        write(notebook, path)
        print(f"{path}: Colab set-up cell in place (installs from {url})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
