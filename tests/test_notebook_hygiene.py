"""Every notebook follows the course's rules; the rules themselves catch broken notebooks."""
import copy
import json
from pathlib import Path

import pytest

from hygiene import problems

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb")) + sorted((ROOT / "notebooks" / "solutions").glob("*.ipynb"))
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_there_are_notebooks():
    assert NOTEBOOKS, "expected notebooks in notebooks/, found none"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT / "notebooks")))
def test_notebook_follows_the_rules(path):
    readme = None if path.parent.name == "solutions" else README
    assert problems(json.loads(path.read_text(encoding="utf-8")), path.name, readme) == []


def good_notebook():
    def md(text):
        return {"cell_type": "markdown", "metadata": {}, "source": text}

    def code(text, n, tags=()):
        return {"cell_type": "code", "metadata": {"tags": list(tags)}, "source": text, "execution_count": n,
                "outputs": []}
    cells = [md("# 99 · Demo\n\n**Learning objectives**\n- a\n\n**Prerequisites:** none\n\n**Time:** 5 min"),
             code("x = 1", 1)]
    for i in range(1, 4):
        cells += [md(f"### Exercise {i}\nDo it."), code(f"def f{i}():\n    raise NotImplementedError", i + 1, ["exercise"])]
    cells.append(md("## Summary\nDone."))
    kernelspec = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
    return {"cells": cells, "metadata": {"kernelspec": kernelspec}, "nbformat": 4}


README_WITH_LINK = "[demo](notebooks/99_demo.ipynb)"


def test_a_good_notebook_has_no_problems():
    assert problems(good_notebook(), "99_demo.ipynb", README_WITH_LINK) == []


def broken(change):
    notebook = copy.deepcopy(good_notebook())
    change(notebook)
    return notebook


def set_source(index, text):
    return lambda nb: nb["cells"][index].update(source=text)


@pytest.mark.parametrize("notebook, name, readme, expected", [
    (good_notebook(), "demo.ipynb", "[d](notebooks/demo.ipynb)", "file name"),
    (broken(lambda nb: nb["metadata"].update(kernelspec={"name": "ir"})), "99_demo.ipynb", README_WITH_LINK, "kernelspec"),
    (broken(lambda nb: nb["metadata"]["kernelspec"].update(display_name="Python 3")), "99_demo.ipynb",
     README_WITH_LINK, "kernelspec"),
    (broken(lambda nb: nb["cells"][1].update(execution_count=None)), "99_demo.ipynb", README_WITH_LINK, "execution counts"),
    (broken(lambda nb: nb["cells"][1].update(execution_count=5)), "99_demo.ipynb", README_WITH_LINK, "execution counts"),
    (broken(lambda nb: nb["cells"][1]["outputs"].append({"output_type": "error"})), "99_demo.ipynb", README_WITH_LINK, "error"),
    (broken(set_source(1, "open('/home/me/data.csv')")), "99_demo.ipynb", README_WITH_LINK, "absolute path"),
    (broken(set_source(0, "# 99 · Demo\nPrerequisites: none. Time: 5 min")), "99_demo.ipynb", README_WITH_LINK, "objectives"),
    (broken(set_source(0, "# 99 · Demo\nObjectives: a. Time: 5 min")), "99_demo.ipynb", README_WITH_LINK, "prerequisites"),
    (broken(set_source(0, "# 99 · Backpropagation through time\nObjectives: a. Prerequisites: b.")), "99_demo.ipynb", README_WITH_LINK, "time"),
    (broken(set_source(0, "Objectives. Prerequisites. Time: 5 min.")), "99_demo.ipynb", README_WITH_LINK, "title"),
    (broken(set_source(-1, "That was it.")), "99_demo.ipynb", README_WITH_LINK, "Summary"),
    (broken(set_source(2, "### Task")), "99_demo.ipynb", README_WITH_LINK, "Exercise"),
    (broken(lambda nb: nb["cells"][3]["metadata"].clear()), "99_demo.ipynb", README_WITH_LINK, "exercise cells"),
    (broken(lambda nb: nb["cells"][1]["metadata"].update(jupyter={"source_hidden": True})), "99_demo.ipynb",
     README_WITH_LINK, "collapsed"),
    (broken(lambda nb: nb["cells"][1]["outputs"].append({"output_type": "stream", "text": "at /home/me/x"})),
     "99_demo.ipynb", README_WITH_LINK, "stored output"),
    (good_notebook(), "99_demo.ipynb", "no table of contents", "README.md"),
])
def test_each_rule_catches_a_notebook_that_breaks_it(notebook, name, readme, expected):
    found = problems(notebook, name, readme)
    assert len(found) == 1 and expected in found[0], found
