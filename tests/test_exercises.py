"""Every exercise, three ways, with the cells the notebooks really hold: the student edition's stub is
reported "✗ not written yet", the instructor edition's worked solution passes ("✓"), and each
realistic wrong answer in tests/wrong_answers_*.py gets a "✗" whose message names what is wrong.
Also: the notebook-facing helpers (check, hint, solution, yours_or_reference) and bad input."""
import ast
import importlib
import json
from pathlib import Path

import numpy as np
import pytest
from IPython.core.inputtransformer2 import TransformerManager

import rnncourse
from rnncourse import exercises

ROOT = Path(__file__).resolve().parents[1]
MODULES = ("classic", "data", "diagrams", "gradcheck", "gru", "init", "interop", "layers", "losses", "lstm",
           "models", "optim", "rnn", "style", "tasks", "text", "widgets", "wrappers")
WRONG_ANSWERS = {name: answers for path in sorted(Path(__file__).parent.glob("wrong_answers_*.py"))
                 for name, answers in importlib.import_module(path.stem).WRONG_ANSWERS.items()}


def tagged_cells(folder, tag):
    """{defined name: (notebook name, source)} of the cells tagged `tag` in the notebooks of `folder`."""
    found = {}
    for path in sorted((ROOT / folder).glob("[0-9][0-9]_*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            if tag in cell["metadata"].get("tags", []):
                source = "".join(cell["source"])
                for name in defined_names(source):
                    found[name] = (path.name, source)
    return found


def defined_names(source):
    """Names a cell defines at its top level (functions, classes and assignments)."""
    names = []
    for node in ast.parse(TransformerManager().transform_cell(source)).body:  # IPython syntax (%magics) too
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.append(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names += [n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)]
    return names


STUBS = tagged_cells("notebooks", "exercise")
SOLUTIONS = tagged_cells("notebooks/solutions", "solution")


def notebook_namespace():
    """What a notebook has imported when it reaches its exercises: numpy and the package's modules."""
    return {"np": np, "exercises": exercises,
            **{name: importlib.import_module(f"rnncourse.{name}") for name in MODULES}}


def run_check(name, source_or_function, capsys):
    namespace = notebook_namespace()
    if isinstance(source_or_function, str):
        exec(source_or_function, namespace)
    else:
        namespace[name] = source_or_function
    verdict = exercises.check(name, namespace)
    return bool(verdict), capsys.readouterr().out


def test_every_registered_exercise_has_a_stub_a_solution_and_a_wrong_answer():
    registered = set(exercises.EXERCISES)
    assert set(STUBS) == registered, "exercise cells and registered exercises differ"
    assert set(SOLUTIONS) >= registered, f"no worked solution for {sorted(registered - set(SOLUTIONS))}"
    assert set(WRONG_ANSWERS) == registered, f"no wrong answer tested for {sorted(registered - set(WRONG_ANSWERS))}"


@pytest.mark.parametrize("name", sorted(STUBS))
def test_the_student_stub_is_reported_as_not_written_yet(name, capsys):
    passed, out = run_check(name, STUBS[name][1], capsys)
    assert not passed and out.startswith("✗") and "not written yet" in out, out


@pytest.mark.parametrize("name", sorted(STUBS))
def test_the_worked_solution_passes(name, capsys):
    passed, out = run_check(name, SOLUTIONS[name][1], capsys)
    assert passed and out.startswith("✓"), out


@pytest.mark.parametrize("name, index", [(name, i) for name, answers in sorted(WRONG_ANSWERS.items())
                                         for i in range(len(answers))])
def test_a_realistic_wrong_answer_is_named(name, index, capsys):
    wrong, words = WRONG_ANSWERS[name][index]
    passed, out = run_check(name, wrong, capsys)
    assert not passed and out.startswith("✗"), out
    for word in words:
        assert word in out, f"expected {word!r} in the message:\n{out}"


# ---------------------------------------------------------------- bad input and the notebook helpers

def test_a_deleted_or_renamed_function_gets_a_message_saying_what_was_expected(capsys):
    verdict = exercises.check("rnn_step", {"rnn_stpe": lambda *a: None})
    out = capsys.readouterr().out
    assert not verdict and "rnn_step is not defined" in out and "def rnn_step(x, h_prev, params)" in out


def test_a_name_bound_to_something_else_than_a_function_is_reported(capsys):
    assert not exercises.check("rnn_step", {"rnn_step": 3})
    assert "rnn_step is a int, expected a function" in capsys.readouterr().out


def test_an_unknown_exercise_lists_the_known_ones():
    with pytest.raises(KeyError, match="the exercises are: .*rnn_step"):
        exercises.check("rnn_stp", {})


def test_check_reads_the_callers_namespace(capsys):
    def rnn_step(x, h_prev, params):  # noqa: F811 - found by name, as in a notebook
        raise NotImplementedError
    globals()["rnn_step"] = rnn_step
    try:
        assert not exercises.check("rnn_step")
    finally:
        del globals()["rnn_step"]
    assert "rnn_step is not written yet" in capsys.readouterr().out


def test_yours_or_reference_falls_back_until_the_students_function_passes(capsys):
    reference = exercises.EXERCISES["rnn_step"].reference
    def unfinished(x, h_prev, params):
        raise NotImplementedError
    assert exercises.yours_or_reference("rnn_step", {"rnn_step": unfinished}) is reference
    assert capsys.readouterr().out == "→ the cells below use the package's reference rnn_step: yours is not written yet.\n"
    assert exercises.yours_or_reference("rnn_step", {}) is reference
    assert "yours is not defined" in capsys.readouterr().out
    namespace = notebook_namespace()
    exec(SOLUTIONS["rnn_step"][1], namespace)
    assert exercises.yours_or_reference("rnn_step", namespace) is namespace["rnn_step"]
    assert capsys.readouterr().out == "→ the cells below use your rnn_step (it passes its check).\n"


def test_a_check_never_changes_the_students_objects(capsys):
    namespace = notebook_namespace()
    exec(SOLUTIONS["rnn_step"][1], namespace)
    before = dict(namespace)
    exercises.check("rnn_step", namespace)
    assert namespace == before


def test_hint_and_solution_print_what_a_stuck_student_needs(capsys, monkeypatch):
    exercises.hint("rnn_forward")
    assert "def rnn_forward(x, h0, params)" in capsys.readouterr().out
    monkeypatch.chdir(ROOT / "notebooks")  # where a student's kernel runs
    exercises.solution("rnn_forward")
    out = capsys.readouterr().out
    assert "notebooks/solutions/03_vanilla_rnn_forward.ipynb" in out and SOLUTIONS["rnn_forward"][1] in out


def test_solution_says_where_to_look_when_the_instructor_edition_is_not_there(capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(exercises, "_solutions_folders", lambda: [tmp_path])
    exercises.solution("rnn_step")
    assert "Open notebooks/solutions/" in capsys.readouterr().out


def test_the_package_imports_exercises_under_their_new_name_only():
    assert not hasattr(rnncourse, "checks") and importlib.util.find_spec("rnncourse.checks") is None
