"""Re-execute a notebook in place, top to bottom, so its stored outputs are fresh.

Maintainer tooling, used by `python3 course.py execute` through editions.py. The notebook file is replaced only when every cell ran
without error; otherwise it is left exactly as it was and the failing cell is reported.
"""
import json
import os
import re
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

# Stored outputs must not depend on the run: a fixed hash seed, and one BLAS thread (for the course's
# small matrices it is as fast, stays fast when the CPU is shared, and sums in the same order every time).
KERNEL_ENVIRONMENT = {"PYTHONHASHSEED": "0", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
                      "MKL_NUM_THREADS": "1"}
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
REFERENCE = re.compile(r"IPY_MODEL_([0-9a-f]{32})")


def stable_widget_ids(notebook):
    """The notebook's JSON text with its random widget model ids renamed 00…01, 00…02, …, so that
    re-executing an unchanged notebook leaves its file unchanged.

    Ids are numbered in the order the widgets are reached: from each displayed widget (cells in
    order) through the models its state refers to; models nothing refers to (e.g. links) come last,
    ordered by their state.
    """
    state = notebook.metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {})
    if "state" in state:
        state["state"] = as_javascript_numbers(state["state"])
    models = state.get("state", {})
    order = []

    def visit(model_id):
        if model_id in models and model_id not in order:
            order.append(model_id)
            for ref in REFERENCE.findall(json.dumps(models[model_id], sort_keys=True)):
                visit(ref)

    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            visit(output.get("data", {}).get(WIDGET_VIEW, {}).get("model_id"))

    def content(model_id):  # its state with the ids named so far replaced, to order the rest
        text = json.dumps(models[model_id], sort_keys=True)
        return re.sub("|".join(order) or "^$", lambda m: f"{order.index(m.group(0)):032x}", text)
    for model_id in sorted(set(models) - set(order), key=content):
        visit(model_id)
    text = nbformat.writes(notebook)
    if order:
        names = {old: f"{i + 1:032x}" for i, old in enumerate(order)}
        text = re.sub("|".join(order), lambda m: names[m.group(0)], text)
    return nbformat.writes(nbformat.reads(text, as_version=4))  # keys sorted under the new names


def as_javascript_numbers(value):
    """`value` (JSON-like) with every whole float made an int, as JupyterLab writes it on save: JavaScript
    has one number type, so a stored 1.0 would come back as 1 and the file would change when opened."""
    if isinstance(value, dict):
        return {key: as_javascript_numbers(item) for key, item in value.items()}
    if isinstance(value, list):
        return [as_javascript_numbers(item) for item in value]
    if isinstance(value, float) and value.is_integer() and abs(value) < 2 ** 53:
        return int(value)
    return value


KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}  # as JupyterLab writes it


def execute(notebook, folder, name, cell_timeout=120):
    """Run every cell of `notebook` (in memory) with the python3 kernel, in `folder`; SystemExit on a failure."""
    for variable, value in KERNEL_ENVIRONMENT.items():
        os.environ.setdefault(variable, value)  # inherited by the kernel
    notebook.metadata["kernelspec"] = dict(KERNELSPEC)
    client = NotebookClient(notebook, timeout=cell_timeout, kernel_name="python3", record_timing=False,
                            coalesce_streams=True,  # one stream output per cell, however the kernel flushed it
                            resources={"metadata": {"path": str(folder)}})
    try:
        client.execute()
    except CellExecutionError as error:
        raise SystemExit(f"{name}: a cell failed, the notebook was not changed.\n{error}") from None
    return notebook


def write(notebook, path):
    """Save `notebook` to `path` in one step (a temporary file, then a rename), widget ids made stable."""
    temporary = path.with_suffix(".ipynb.tmp")
    temporary.write_text(stable_widget_ids(notebook) + "\n", encoding="utf-8")
    os.replace(temporary, path)


def execute_notebook(path, cell_timeout=120):
    """Execute `path` with the current environment's python3 kernel and save it in place."""
    path = Path(path).resolve()
    notebook = execute(nbformat.read(path, as_version=4), path.parent, path.name, cell_timeout)
    write(notebook, path)
    return path
