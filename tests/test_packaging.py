"""The course package installs anywhere with its data: a wheel built from the repository carries every file
of data/ as rnncourse.datafiles, and, unpacked far from the repository, loads every data set through
importlib.resources (and still honours RNNCOURSE_DATA)."""
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out),
                    str(ROOT)], check=True, timeout=300, cwd=out)
    (path,) = out.glob("rnncourse-*.whl")
    return path


def test_every_package_under_src_is_listed_in_pyproject():
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(ROOT / "src").parts) for p in (ROOT / "src").rglob("__init__.py")}
    assert found <= listed, f"packages missing from pyproject.toml's [tool.setuptools] packages: {found - listed}"


def test_the_wheel_carries_every_data_file(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    data_files = [p.name for p in (ROOT / "data").iterdir() if p.is_file()]
    missing = [name for name in data_files if f"rnncourse/datafiles/{name}" not in names]
    assert data_files and not missing, f"expected every file of data/ in the wheel, missing {missing}"


def test_an_unpacked_wheel_outside_the_repository_loads_every_data_set(wheel, tmp_path):
    zipfile.ZipFile(wheel).extractall(tmp_path / "site")
    script = ("import rnncourse, rnncourse.data as d\n"
              "assert 'site' in rnncourse.__file__, rnncourse.__file__\n"
              "for name in d.DATA_FILES:\n"
              "    d.data_path(name)\n"
              "print(d.data_dir(), sorted(d.DATA_FILES), len(d.load_first_names()), d.load_co2().ppm.shape)\n")
    env = {key: value for key, value in os.environ.items() if key not in ("RNNCOURSE_DATA", "PYTHONPATH")}
    env["PYTHONPATH"] = str(tmp_path / "site")
    # -I would drop site-packages (numpy); -P keeps the working folder off sys.path, which is the temporary one.
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr[-2000:]
    assert re.match(re.escape(str(tmp_path / "site" / "rnncourse" / "datafiles")), result.stdout), result.stdout


def test_rnncourse_data_still_overrides_the_installed_data(tmp_path, monkeypatch):
    from rnncourse import data
    monkeypatch.setenv("RNNCOURSE_DATA", str(tmp_path))
    assert data.data_dir() == tmp_path
    with pytest.raises(data.DataFileError, match="missing: expected it at"):
        data.data_path("co2")
