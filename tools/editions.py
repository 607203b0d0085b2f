"""The two editions of every lesson, made from one source, and refreshed by one command.

The instructor edition, notebooks/solutions/NN_*.ipynb, is the source: each exercise cell (tag
`exercise`, a stub that raises NotImplementedError) is followed by its worked solution (tag
`solution`) and then by a cell that runs the self-check. The student edition, notebooks/NN_*.ipynb,
is the same notebook without the `solution` cells, executed on its own, so its stored checks say
"✗ … not written yet". Its metadata keeps a fingerprint of its cells: a student edition whose
cells no longer match it holds a student's work, and is never overwritten.

    python tools/editions.py [NOTEBOOK ...]     (what `python3 course.py execute` runs)
"""
import copy
import hashlib
import json
import sys
from pathlib import Path

import nbformat

from execution import execute, write

ROOT = Path(__file__).resolve().parents[1]
STUDENT = ROOT / "notebooks"
INSTRUCTOR = STUDENT / "solutions"
EXERCISE, SOLUTION = "exercise", "solution"


def tags(cell):
    return cell.get("metadata", {}).get("tags", [])


def fingerprint(cells):
    """SHA-256 of what a person edits in a notebook: each cell's type, source and tags."""
    parts = [[c["cell_type"], "".join(c["source"]), sorted(tags(c))] for c in cells]
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode()).hexdigest()


def student_edition(instructor):
    """The student edition of an instructor-edition notebook: its `solution` cells dropped, outputs cleared."""
    student = copy.deepcopy(instructor)
    student.cells = [cell for cell in student.cells if SOLUTION not in tags(cell)]
    for cell in student.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    student.metadata.pop("widgets", None)
    student.metadata["rnncourse"] = {"edition": "student", "cells_sha256": fingerprint(student.cells)}
    return student


def local_edits(path):
    """True when the student edition at `path` has cells that differ from those it was generated with."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    recorded = notebook.get("metadata", {}).get("rnncourse", {}).get("cells_sha256")
    return recorded != fingerprint(notebook["cells"])


def is_stale(student_path, instructor_path):
    """True when the committed student edition's cells (ids, sources, metadata) or notebook metadata
    are not what its instructor edition generates now."""
    expected = student_edition(nbformat.read(instructor_path, as_version=4))
    committed = nbformat.read(student_path, as_version=4)

    def content(notebook):
        cells = [(c.get("id"), c.cell_type, c.source, c.metadata) for c in notebook.cells]
        return cells, notebook.metadata.get("rnncourse")
    return content(committed) != content(expected)


def instructor_path(path):
    """The instructor edition for a notebook named by either edition's path."""
    path = Path(path).resolve()
    return path if path.parent == INSTRUCTOR else INSTRUCTOR / path.name


def refresh(path):
    """Execute the instructor edition in place, then regenerate and execute the student edition."""
    source = instructor_path(path)
    if not source.is_file():
        raise SystemExit(f"expected an instructor edition at notebooks/solutions/{source.name}, found none")
    target = STUDENT / source.name
    if target.exists() and local_edits(target):
        raise SystemExit(f"notebooks/{target.name} has edits of its own (its cells differ from the edition that "
                         "was generated), so it was not overwritten. If they are yours, save them under another "
                         f"name first; to discard them, run `git checkout -- notebooks/{target.name}`.")
    instructor = execute(nbformat.read(source, as_version=4), INSTRUCTOR, source.name)
    write(instructor, source)
    student = execute(student_edition(instructor), STUDENT, target.name)
    write(student, target)
    return source, target


def main(paths):
    for path in paths or sorted(INSTRUCTOR.glob("[0-9][0-9]_*.ipynb")):
        for written in refresh(path):
            print(f"executed {written.relative_to(ROOT)}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
