"""`course.py execute` refreshes notebooks deterministically and never damages one that fails."""
import nbformat
import pytest

from execution import execute_notebook


def write_notebook(path, *sources):
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook.cells = [nbformat.v4.new_code_cell(source, id=f"cell-{i}") for i, source in enumerate(sources)]
    nbformat.write(notebook, path)
    return path


def test_re_executing_a_widget_notebook_gives_the_same_file(tmp_path):
    path = write_notebook(tmp_path / "widgets.ipynb",
                          "import ipywidgets as w\nplay, slider = w.Play(), w.IntSlider(description='t')\n"
                          "w.jslink((play, 'value'), (slider, 'value'))\nw.VBox([play, slider])",
                          "print(slider.value + 1)")
    execute_notebook(path)
    first = path.read_bytes()
    execute_notebook(path)
    assert path.read_bytes() == first
    notebook = nbformat.read(path, as_version=4)
    assert notebook.cells[0].outputs[0]["data"]["application/vnd.jupyter.widget-view+json"]["model_id"] == f"{1:032x}"
    assert notebook.cells[1].outputs[0]["text"] == "1\n"


def test_a_failing_notebook_is_left_exactly_as_it_was(tmp_path):
    path = write_notebook(tmp_path / "broken.ipynb", "x = 1", "raise ValueError('student bug')")
    before = path.read_bytes()
    with pytest.raises(SystemExit, match="a cell failed, the notebook was not changed"):
        execute_notebook(path)
    assert path.read_bytes() == before
    assert not list(tmp_path.glob("*.tmp"))
