"""Exercises and their self-checks, as a notebook uses them.

    exercises.check("rnn_step")             judge the rnn_step defined in the notebook: ✓ or ✗ with why
    exercises.hint("rnn_step")              a nudge, without the answer
    exercises.solution("rnn_step")          print the worked solution (from the instructor edition)
    f = exercises.yours_or_reference("rnn_step")
                                            your function once it passes its check, else the package's

The check looks the function up by name in the notebook, so a deleted, renamed or broken
exercise cell gets a message saying what was expected instead of an error, and the notebook
keeps running. Nothing here ever changes or replaces what the student defined.
"""
import contextlib
import io
import json
import re
import sys
from pathlib import Path

from . import gated, models, notation, recurrent, sequences, stream  # noqa: F401  (each registers its exercises)
from .compare import Case, Mistake, Verdict, check_function, first_difference  # noqa: F401
from .notation import rnn_parameter_count  # noqa: F401  (notebook 03 counts with it)
from .registry import EXERCISES

SOLUTIONS = Path("notebooks") / "solutions"


def _exercise(name):
    if name not in EXERCISES:
        known = ", ".join(sorted(EXERCISES))
        raise KeyError(f"no exercise is called {name!r}; the exercises are: {known}")
    return EXERCISES[name]


def _notebook_namespace(namespace):
    """The namespace of the notebook (or module) that called: where the student's function lives."""
    return namespace if namespace is not None else sys._getframe(2).f_globals


def _defined(ex):
    """What the exercise cell defines: 'def rnn_step(x, h_prev, params)' or 'uvw = {…}'."""
    return ex.signature.split(" ->")[0]


def _student_function(name, namespace):
    """(the student's function, None) or (None, a sentence saying what is wrong)."""
    ex = _exercise(name)
    if name not in namespace:
        return None, (f"{name} is not defined: expected the exercise cell to define `{_defined(ex)}`."
                      "\n  If that cell shows an error (a SyntaxError, say), fix it and run it again; "
                      "if you renamed the function, give it back its name.")
    function = namespace[name]
    if callable(ex.reference) and not callable(function):
        return None, f"{name} is a {type(function).__name__}, expected a function: {_defined(ex)}"
    return function, None


def check(name, namespace=None):
    """Run the self-check of exercise `name` on the function of that name in the notebook."""
    function, problem = _student_function(name, _notebook_namespace(namespace))
    if problem:
        print(f"✗ {problem}")
        verdict = Verdict(False)
    else:
        verdict = Verdict(_exercise(name).check(function))
    if not verdict:
        print(f"  Stuck? exercises.hint({name!r}) gives a hint; exercises.solution({name!r}) shows a worked solution.")
    return verdict


def hint(name):
    """Print the exercise's hint."""
    ex = _exercise(name)
    print(f"{ex.signature}\nHint: {ex.hint}")


def yours_or_reference(name, namespace=None):
    """The student's function if it passes its check, else the package's reference; says which in one line."""
    function, problem = _student_function(name, _notebook_namespace(namespace))
    if function is not None:
        with contextlib.redirect_stdout(io.StringIO()) as report:
            passed = _exercise(name).check(function)
        if passed:
            print(f"→ the cells below use your {name} (it passes its check).")
            return function
        problem = "is not written yet" if "not written yet" in report.getvalue() else "does not pass its check yet"
    else:
        problem = "is not defined"
    print(f"→ the cells below use the package's reference {name}: yours {problem}.")
    return _exercise(name).reference


def _defines(source, name):
    return re.search(rf"^def {re.escape(name)}\(|^{re.escape(name)} *=", source, re.M) is not None


def _solutions_folders():
    """Where the instructor edition may be: a kernel runs in solutions/, notebooks/ or the course folder."""
    here = Path.cwd()
    return [here, here / "solutions", here / SOLUTIONS, Path(__file__).resolve().parents[3] / SOLUTIONS]


def worked_solutions(name):
    """[(notebook file name, source)] of every instructor-edition cell tagged `solution` that defines `name`."""
    _exercise(name)
    for folder in _solutions_folders():
        notebooks = sorted(folder.glob("[0-9][0-9]_*.ipynb")) if folder.name == "solutions" else []
        found = []
        for path in notebooks:
            for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
                source = "".join(cell["source"])
                if "solution" in cell["metadata"].get("tags", []) and _defines(source, name):
                    found.append((path.name, source))
        if found:
            return found
    return []


def solution(name):
    """Print the worked solution of exercise `name`, read from the instructor edition."""
    found = worked_solutions(name)
    if not found:
        print(f"The instructor edition was not found from here. Open notebooks/solutions/ in the course folder "
              f"and look for the cell defining {name}.")
    for notebook, source in found:
        print(f"# Worked solution of {name}, from notebooks/solutions/{notebook}:\n\n{source}\n")
