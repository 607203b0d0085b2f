"""Rules every course notebook must follow, as one function returning the problems found."""
import re

NAME = re.compile(r"^\d\d_[a-z0-9]+(_[a-z0-9]+)*\.ipynb$")
ABSOLUTE_PATH = re.compile(r"(/home/|/root/|/tmp/|/Users/|/work/|[A-Za-z]:\\\\)")
OPENING = {
    "a title (a '# ' heading in the first cell)": re.compile(r"^# \S", re.M),
    "learning objectives": re.compile(r"objectives", re.I),
    "prerequisites": re.compile(r"prerequisites", re.I),
    "an estimated time, e.g. 'Time: 20 min'": re.compile(r"\btime\W+(about |~)?\d+\s*min", re.I),
}
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
SUMMARY = re.compile(r"^#+ .*summary", re.I | re.M)
EXERCISE = re.compile(r"^#+ *exercise\b", re.I | re.M)


def source(cell):
    text = cell.get("source", "")
    return "".join(text) if isinstance(text, list) else text


def output_text(cell):
    """Everything a cell's stored outputs show as text."""
    parts = []
    for output in cell.get("outputs", []):
        parts.append("".join(output.get("text", "")))
        for kind, value in output.get("data", {}).items():
            if kind.startswith("text/"):  # not images: base64 may spell anything
                parts.append("".join(value))
        parts += output.get("traceback", [])
    return "\n".join(parts)


def problems(notebook, filename, readme):
    """Every rule `notebook` (a parsed .ipynb dict) named `filename` breaks, as sentences.
    `readme` is None for an instructor edition (the README links to the student editions only)."""
    found = []
    if not NAME.match(filename):
        found.append(f"file name {filename!r}: expected NN_name.ipynb (two digits, lower-case words joined by _)")
    kernel = notebook.get("metadata", {}).get("kernelspec", {})
    if kernel != KERNELSPEC:  # anything else, and opening the notebook in JupyterLab marks it modified
        found.append(f"kernelspec: expected {KERNELSPEC} (what JupyterLab writes), got {kernel!r}")
    cells = notebook.get("cells", [])
    code = [c for c in cells if c["cell_type"] == "code"]
    counts = [c.get("execution_count") for c in code]
    if counts != list(range(1, len(code) + 1)):
        found.append(f"execution counts: expected 1..{len(code)} in order (executed top to bottom), got {counts}")
    for i, cell in enumerate(cells):
        if any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
            found.append(f"cell {i}: stored output is an error")
        for where, text in (("source", source(cell)), ("stored output", output_text(cell))):
            if ABSOLUTE_PATH.search(text):
                found.append(f"cell {i}: its {where} names a machine's absolute path: "
                             f"{ABSOLUTE_PATH.search(text).group(0)!r}")
    first = source(cells[0]) if cells and cells[0]["cell_type"] == "markdown" else ""
    for what, pattern in OPENING.items():
        if not pattern.search(first):
            found.append(f"opening cell: expected {what}")
    markdown = "\n".join(source(c) for c in cells if c["cell_type"] == "markdown")
    if not SUMMARY.search(markdown):
        found.append("closing: expected a 'Summary' heading")
    exercises = len(EXERCISE.findall(markdown))
    if exercises < 3:
        found.append(f"closing: expected at least 3 'Exercise' headings, got {exercises}")
    stubs = sum(1 for c in code if "exercise" in c.get("metadata", {}).get("tags", []))
    if stubs < 3:
        found.append(f"exercises: expected at least 3 exercise cells (tag 'exercise'), got {stubs}")
    if any(c.get("metadata", {}).get("jupyter", {}).get("source_hidden") for c in cells):
        found.append("cells: expected none collapsed (solutions belong in the instructor edition)")
    if readme is not None and f"](notebooks/{filename})" not in readme:
        found.append(f"README.md: expected a table-of-contents link to notebooks/{filename}")
    return found
