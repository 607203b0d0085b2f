"""Build the course website with Jupyter Book 1 from the stored notebooks (nothing is re-executed).

    python tools/site.py [--out DIR]     (what `python3 course.py site` runs; the site lands in DIR/_build/html)

Each page is a lesson's student edition with every worked solution inserted, collapsed, under its
exercise (the `solution` cells of the instructor edition); stored widget views show frozen, with a note
on how to run them live. The landing page is the README's table of contents; the instructor guide and
the licences follow. The pages are staged in DIR/_build/site-src (git ignores _build/) from
site/_config.yml and the repository's files, and read offline: MathJax 3, RequireJS and the widget
manager are fetched once with `npm pack` into _build/site-cache and copied into the site.
"""
import argparse
import copy
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "_build" / "site-cache"
ASSETS = "site-assets"  # the site's static folder (html_static_path in site/_config.yml)
NPM_PACKAGES = {"mathjax": "3.2.2", "requirejs": "2.3.8", "@jupyter-widgets/html-manager": "1.0.15"}
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
JUPYTER_BOOK = "from jupyter_book.cli.main import main; main()"  # its command line, run with this Python
SOLUTION_PROMPT = {"code_prompt_show": "Show the worked solution", "code_prompt_hide": "Hide the worked solution"}

sys.path.insert(0, str(Path(__file__).resolve().parent))
from launch import binder_url, colab_url, repository_url  # noqa: E402


def tags(cell):
    return cell.get("metadata", {}).get("tags", [])


# ----------------------------------------------------------------------------- offline assets

def npm_package(name, version):
    """The unpacked npm package `name@version` in the cache (fetched with `npm pack` the first time)."""
    folder = CACHE / f"{name.replace('/', '__')}@{version}"
    if not (folder / "package.json").is_file():
        npm = shutil.which("npm")
        if npm is None:
            sys.exit("course.py site: expected npm (Node.js) to fetch MathJax and the widget manager once; "
                     "install Node.js (e.g. apt-get install npm), then run it again")
        with tempfile.TemporaryDirectory() as download:
            subprocess.run([npm, "pack", "--silent", f"{name}@{version}", "--pack-destination", download],
                           check=True, stdout=subprocess.DEVNULL)
            (tarball,) = Path(download).glob("*.tgz")
            unpacked = Path(download) / "unpacked"
            with tarfile.open(tarball) as archive:
                archive.extractall(unpacked, filter="data")
            shutil.rmtree(folder, ignore_errors=True)
            folder.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(unpacked / "package", folder)
    return folder


def copy_assets(target):
    """MathJax 3 (mathjax/), require.js and the widget manager's embed-amd.js, into `target`."""
    shutil.copytree(npm_package("mathjax", NPM_PACKAGES["mathjax"]) / "es5", target / "mathjax")
    shutil.copy(npm_package("requirejs", NPM_PACKAGES["requirejs"]) / "require.js", target / "require.js")
    shutil.copy(widget_manager() / "embed-amd.js", target / "embed-amd.js")


def widget_manager():
    return npm_package("@jupyter-widgets/html-manager", NPM_PACKAGES["@jupyter-widgets/html-manager"]) / "dist"


def copy_widget_fonts(pages):
    """The widget manager's icon fonts, where it asks for them: its modules' paths are resolved relative to
    the page, so from notebooks/X.html it reads them under notebooks/@jupyter-widgets/ and, for the
    manager's own styles, notebooks/@jupyter-widgets/html-manager/dist/ (measured in tests/test_site.py)."""
    for target in (pages / "@jupyter-widgets", pages / "@jupyter-widgets" / "html-manager" / "dist"):
        target.mkdir(parents=True, exist_ok=True)
        for path in widget_manager().iterdir():
            if path.suffix in (".woff2", ".woff", ".ttf", ".eot", ".svg"):
                shutil.copy(path, target / path.name)


# ----------------------------------------------------------------------------- pages

def widget_note(path):
    """A note placed under a stored widget view: it is frozen here, and how to run it live."""
    return nbformat.v4.new_markdown_cell(
        ":::{note}\nThis widget is the picture saved with the notebook: on this page it is frozen, and moving "
        f"its controls changes nothing. To run it live, [open this notebook on Binder]({binder_url(path)}) "
        f"(or [on Colab]({colab_url(path)}), where widgets work only in part), or on your own computer with "
        "`python3 course.py lab`.\n:::")


def page(student, instructor, path):
    """The web page of a lesson: the student edition with each worked solution (from the instructor edition)
    inserted, collapsed, right under its exercise, and a note under every stored widget view.

    `path` is the lesson's path in the repository (for the live links)."""
    page = copy.deepcopy(student)
    solutions = {}  # id of the cell a solution follows -> that solution cell
    for before, cell in zip(instructor.cells, instructor.cells[1:]):
        if "solution" in tags(cell):
            solutions[before.id] = cell
    cells = []
    for cell in page.cells:
        if "colab-setup" in tags(cell):
            continue  # installs the course on Colab: nothing to read on the website
        cells.append(cell)
        if cell.id in solutions:
            solution = copy.deepcopy(solutions[cell.id])
            solution.metadata["tags"] = [*tags(solution), "hide-input"]
            solution.metadata["mystnb"] = dict(SOLUTION_PROMPT)
            cells.append(solution)
        if any(WIDGET_VIEW in output.get("data", {}) for output in cell.get("outputs", [])):
            note = widget_note(path)
            note.id = f"{cell.id}-live"
            cells.append(note)
    missing = set(solutions) - {cell.id for cell in page.cells}
    if missing:
        raise ValueError(f"{path}: expected the student edition to hold the cells the solutions follow, "
                         f"missing {sorted(missing)}; run python3 course.py execute {path}")
    page.cells = cells
    return page


def toc_rows(readme):
    """The rows of the README's table of contents without its launch-badge column: the badges are
    images from the web, which the offline site must not load (its pages have launch buttons instead)."""
    section = readme.split("## Table of contents", 1)[1].split("\n## ", 1)[0]
    rows = [[cell.strip() for cell in line.strip().strip("|").split("|")] for line in section.splitlines()
            if line.startswith("|")]
    if len(rows) < 3:
        raise ValueError("expected a table under the README's '## Table of contents' heading")
    keep = [i for i, cell in enumerate(rows[2]) if "![" not in cell]
    return ["| " + " | ".join(row[i] for i in keep if i < len(row)) + " |" for row in rows]


def landing_page(readme):
    """The home page: the README's introduction and its table of contents, and where to go from there."""
    title, rest = readme.split("\n", 1)
    introduction = rest.split("\n## ", 1)[0].strip()
    return "\n\n".join([
        title, introduction,
        "## Read it here, run it anywhere",
        "These pages show each lesson as it was last run, with every exercise's worked solution folded under "
        "it. To run a lesson, use the rocket button at the top of its page: **Binder** opens it in "
        "JupyterLab with the course installed and the widgets live (a minute to start), **Colab** opens it in "
        "Google's notebooks (the first cell installs the course there). On your own computer, clone the "
        "repository and run `python3 course.py lab`.",
        "## Table of contents", "\n".join(toc_rows(readme)),
        "Also here: the [instructor guide](INSTRUCTORS.md) and the [licences](licences.md).", ""])


def licences_page():
    mit = (ROOT / "LICENSE").read_text(encoding="utf-8")
    text = (ROOT / "LICENSE-TEXT.md").read_text(encoding="utf-8").replace("# ", "## ", 1)
    return f"# Licences\n\n## Licence of the code (MIT)\n\n```text\n{mit}```\n\n{text}"


def stage(folder):
    """Write the book's sources into `folder`: config, toc, landing page, lessons, guide and licences."""
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "notebooks").mkdir(parents=True)
    config = yaml.safe_load((ROOT / "site" / "_config.yml").read_text(encoding="utf-8"))
    config["repository"]["url"] = repository_url()
    (folder / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    (folder / "intro.md").write_text(landing_page((ROOT / "README.md").read_text(encoding="utf-8")), encoding="utf-8")
    shutil.copy(ROOT / "INSTRUCTORS.md", folder / "INSTRUCTORS.md")
    (folder / "licences.md").write_text(licences_page(), encoding="utf-8")
    shutil.copytree(ROOT / "figures", folder / "figures")
    lessons = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    if not lessons:
        raise FileNotFoundError(f"expected lessons notebooks/NN_*.ipynb under {ROOT}, found none")
    for student_path in lessons:
        path = f"notebooks/{student_path.name}"
        student = nbformat.read(student_path, as_version=4)
        instructor = nbformat.read(ROOT / "notebooks" / "solutions" / student_path.name, as_version=4)
        nbformat.write(page(student, instructor, path), folder / path)
    toc = {"format": "jb-book", "root": "intro",
           "parts": [{"caption": "Lessons", "chapters": [{"file": f"notebooks/{p.stem}"} for p in lessons]},
                     {"caption": "About the course", "chapters": [{"file": "INSTRUCTORS"}, {"file": "licences"}]}]}
    (folder / "_toc.yml").write_text(yaml.safe_dump(toc, sort_keys=False), encoding="utf-8")
    (folder / ASSETS).mkdir()
    copy_assets(folder / ASSETS)


def build(out=ROOT):
    """Stage and build the site; returns the folder of the HTML (out/_build/html)."""
    out = Path(out).resolve()
    source = out / "_build" / "site-src"
    stage(source)
    html = out / "_build" / "html"
    shutil.rmtree(html, ignore_errors=True)
    subprocess.run([sys.executable, "-c", JUPYTER_BOOK, "build", "--quiet", "--path-output", str(out),
                    str(source)], check=True)
    copy_widget_fonts(html / "notebooks")
    return html


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=ROOT, help="the site is built into OUT/_build/html")
    html = build(parser.parse_args(argv).out)
    print(f"The course website is in {html}: open {html / 'index.html'} in a browser.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
