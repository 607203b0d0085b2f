"""The student and instructor editions are made from one source and stay honest: the student edition
holds no solution, its stored checks say ✗, it is never stale, and the course never overwrites one
that a student has edited."""
import ast
import json
import sys
from pathlib import Path

import nbformat
import pytest
from IPython.core.inputtransformer2 import TransformerManager

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
import editions  # noqa: E402

from test_exercises import defined_names  # noqa: E402

INSTRUCTOR = sorted(editions.INSTRUCTOR.glob("[0-9][0-9]_*.ipynb"))
STUDENT = sorted(editions.STUDENT.glob("[0-9][0-9]_*.ipynb"))


def cells(path):
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def source(cell):
    return "".join(cell["source"])


def text_output(cell):
    return "".join("".join(o.get("text", "")) for o in cell.get("outputs", []))


def test_every_notebook_has_both_editions():
    assert [p.name for p in INSTRUCTOR] == [p.name for p in STUDENT]


@pytest.mark.parametrize("path", INSTRUCTOR, ids=lambda p: p.name)
def test_the_committed_student_edition_is_what_the_instructor_edition_generates(path):
    student = editions.STUDENT / path.name
    assert not editions.is_stale(student, path), (
        f"notebooks/{path.name} is stale: run `python3 course.py execute notebooks/solutions/{path.name}`")


@pytest.mark.parametrize("path", STUDENT, ids=lambda p: p.name)
def test_the_student_edition_holds_no_solution_code(path):
    student = cells(path)
    assert not [c for c in student if editions.SOLUTION in editions.tags(c)]
    text = path.read_text(encoding="utf-8")
    instructor = cells(editions.INSTRUCTOR / path.name)
    shared = {line for c in instructor if editions.SOLUTION not in editions.tags(c) for line in source(c).splitlines()}
    for cell in instructor:
        if editions.SOLUTION in editions.tags(cell):  # its lines, but for those the lesson itself also shows
            body = [line for line in source(cell).splitlines() if len(line.strip()) > 25 and line not in shared]
            assert not [line for line in body if json.dumps(line)[1:-1] in text], f"solution code in {path.name}"


@pytest.mark.parametrize("path", INSTRUCTOR, ids=lambda p: p.name)
def test_each_exercise_is_followed_by_its_solution_and_then_its_check(path):
    notebook = cells(path)
    exercises_found = 0
    for i, cell in enumerate(notebook):
        if editions.EXERCISE in editions.tags(cell):
            exercises_found += 1
            names = defined_names(source(cell))
            solution, check = notebook[i + 1], notebook[i + 2]
            assert editions.SOLUTION in editions.tags(solution), f"cell {i + 1}: expected the worked solution"
            assert set(names) <= set(defined_names(source(solution)))
            assert any(f'exercises.check("{name}")' in source(check) for name in names), f"cell {i + 2}"
            assert text_output(check).startswith("✓"), f"cell {i + 2}: {text_output(check)!r}"
    assert exercises_found >= 3


@pytest.mark.parametrize("path", STUDENT, ids=lambda p: p.name)
def test_the_student_edition_shows_the_honest_state_of_an_untouched_notebook(path):
    notebook = cells(path)
    for i, cell in enumerate(notebook):
        if editions.EXERCISE in editions.tags(cell):
            check = notebook[i + 1]
            assert text_output(check).startswith("✗"), f"cell {i + 1}: {text_output(check)!r}"
            assert "raises-exception" in editions.tags(cell)  # JupyterLab's Run All goes on past a broken one


@pytest.mark.parametrize("path", STUDENT, ids=lambda p: p.name)
def test_no_cell_after_an_exercise_redefines_what_the_exercise_defines(path):
    seen = {}
    for i, cell in enumerate(cells(path)):
        if cell["cell_type"] != "code":
            continue
        names = set(defined_names(source(cell)))
        if editions.EXERCISE in editions.tags(cell):
            seen.update(dict.fromkeys(names, i))
        else:
            assert not names & set(seen), f"cell {i} redefines {sorted(names & set(seen))}"
            tree = ast.parse(TransformerManager().transform_cell(source(cell)))  # IPython syntax (%magics) too
            for node in ast.walk(tree):
                if isinstance(node, ast.Global):
                    assert not set(node.names) & set(seen), f"cell {i} rebinds {node.names}"


def small_instructor_edition(path):
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_markdown_cell("# Demo", id="a"),
                      nbformat.v4.new_code_cell("def f():\n    raise NotImplementedError", id="b",
                                                metadata={"tags": ["exercise", "raises-exception"]}),
                      nbformat.v4.new_code_cell("def f():\n    return 42", id="c", metadata={"tags": ["solution"]}),
                      nbformat.v4.new_code_cell("print(f())", id="d")]
    nbformat.write(notebook, path)
    return notebook


def test_the_student_edition_drops_solutions_and_outputs_and_records_its_cells(tmp_path):
    student = editions.student_edition(small_instructor_edition(tmp_path / "01_demo.ipynb"))
    assert [c.id for c in student.cells] == ["a", "b", "d"]
    assert student.metadata["rnncourse"]["cells_sha256"] == editions.fingerprint(student.cells)


def test_refresh_refuses_to_overwrite_a_student_edition_with_edits(tmp_path, monkeypatch):
    monkeypatch.setattr(editions, "INSTRUCTOR", tmp_path / "solutions")
    monkeypatch.setattr(editions, "STUDENT", tmp_path)
    editions.INSTRUCTOR.mkdir()
    instructor = small_instructor_edition(editions.INSTRUCTOR / "01_demo.ipynb")
    student = editions.student_edition(instructor)
    student.cells[1].source = "def f():\n    return 41  # my answer"
    nbformat.write(student, tmp_path / "01_demo.ipynb")
    before = (tmp_path / "01_demo.ipynb").read_bytes()
    assert editions.local_edits(tmp_path / "01_demo.ipynb")
    with pytest.raises(SystemExit, match="has edits of its own"):
        editions.refresh(tmp_path / "01_demo.ipynb")
    assert (tmp_path / "01_demo.ipynb").read_bytes() == before


def test_running_cells_is_not_an_edit_but_changing_one_is(tmp_path):
    student = editions.student_edition(small_instructor_edition(tmp_path / "01_demo.ipynb"))
    student.cells[2].outputs = [nbformat.v4.new_output("stream", text="42\n")]
    nbformat.write(student, tmp_path / "student.ipynb")
    assert not editions.local_edits(tmp_path / "student.ipynb")
    student.cells[1].source += "\n# tried something"
    nbformat.write(student, tmp_path / "student.ipynb")
    assert editions.local_edits(tmp_path / "student.ipynb")
