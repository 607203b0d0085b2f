"""Environment self-check: `python -m rnncourse check`, or `rnncourse.setup_check.run()` in a notebook.

Each finding is one line; every problem comes with a one-line fix.
"""
import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement

from . import data

REPO = Path(__file__).resolve().parents[2]
REQUIRED = ("numpy", "matplotlib", "ipywidgets", "jupyterlab", "ipykernel")
INSTALL_FIX = "run `python course.py lab` (or `pip install -r requirements.txt -e .`) in the course folder"


@dataclass(frozen=True)
class Finding:
    ok: bool
    what: str
    fix: str = ""

    def __str__(self):
        return f"[ok]      {self.what}" if self.ok else f"[PROBLEM] {self.what}\n          fix: {self.fix}"


def pinned_versions(requirements=REPO / "requirements.txt"):
    """{package: version} pinned in requirements.txt for this Python (empty if the file is absent)."""
    if not requirements.is_file():
        return {}
    pins = {}
    for line in requirements.read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            requirement = Requirement(line)
            if requirement.marker is None or requirement.marker.evaluate():
                pins[requirement.name.lower()] = str(requirement.specifier).removeprefix("==")
    return pins


def check_python():
    version = ".".join(map(str, sys.version_info[:3]))
    if sys.version_info >= (3, 10):
        return Finding(True, f"Python {version}")
    return Finding(False, f"Python {version}: expected 3.10 or newer", "install Python 3.10+ from python.org")


def check_packages(pins):
    findings = []
    for name in REQUIRED:
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            findings.append(Finding(False, f"{name} is not installed", INSTALL_FIX))
            continue
        tested = pins.get(name)
        note = "" if tested in (None, version) else f" (the course was tested with {tested}; usually fine)"
        findings.append(Finding(True, f"{name} {version}{note}"))
    return findings


def check_widget_extension():
    """Is the ipywidgets front-end (jupyterlab_widgets' prebuilt extension) visible to JupyterLab?"""
    fix = "pip install jupyterlab_widgets (it comes with ipywidgets), then restart JupyterLab"
    try:
        from jupyter_core.paths import jupyter_path
    except ImportError:
        return Finding(False, "jupyter_core is missing, so JupyterLab cannot be located", INSTALL_FIX)
    for folder in jupyter_path("labextensions"):
        manifest = Path(folder) / "@jupyter-widgets" / "jupyterlab-manager" / "package.json"
        if manifest.is_file():
            return Finding(True, "ipywidgets front-end extension found (@jupyter-widgets/jupyterlab-manager)")
    return Finding(False, "the ipywidgets front-end extension is not visible to JupyterLab "
                          "(widgets would show as text)", fix)


def check_data():
    findings = []
    for name, entry in data.DATA_FILES.items():
        try:
            data.data_path(name)
            findings.append(Finding(True, f"data/{entry.filename} present and intact"))
        except data.DataFileError as error:
            findings.append(Finding(False, str(error).split(";")[0],
                                    f"git checkout -- data/{entry.filename}   (in the course folder)"))
    return findings


def findings():
    """Every check, in the order they are reported."""
    return [check_python(), *check_packages(pinned_versions()), check_widget_extension(), *check_data()]


def run(file=None):
    """Print the report; return True when nothing is wrong."""
    results = findings()
    for finding in results:
        print(finding, file=file or sys.stdout)
    problems = sum(not f.ok for f in results)
    print(f"{'All checks passed' if not problems else f'{problems} problem(s) found'}.", file=file or sys.stdout)
    return problems == 0
