"""Real data loads by name from anywhere, is verified, and the self-check reports problems with fixes."""
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from rnncourse import data, setup_check as check

ROOT = Path(__file__).resolve().parents[1]


def test_co2_record_is_monthly_and_rising():
    record = data.load_co2()
    assert record.time.shape == record.ppm.shape == record.interpolated.shape == (526,)
    assert np.allclose(np.diff(record.time), 1 / 12)
    assert 310 < record.ppm.min() and record.ppm.max() < 380
    assert record.ppm[-12:].mean() - record.ppm[:12].mean() > 50  # the Keeling curve rises
    assert record.interpolated.sum() == 5


def test_first_names_are_sorted_lowercase_letters():
    names = data.load_first_names()
    assert len(names) == 5163 and names == sorted(set(names))
    assert all(name.isalpha() and name.islower() and name.isascii() for name in names)


def test_loading_works_from_any_working_directory(tmp_path):
    code = "from rnncourse.data import load_co2; print(load_co2().ppm.shape)"
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True,
                            env={"PYTHONPATH": str(ROOT / "src"), "PATH": ""})
    assert result.stdout.strip() == "(526,)", result.stderr


def test_a_missing_file_names_itself_and_how_to_restore_it(tmp_path, monkeypatch):
    monkeypatch.setenv("RNNCOURSE_DATA", str(tmp_path))
    with pytest.raises(data.DataFileError, match=r"co2_mauna_loa_monthly.csv is missing.*git checkout"):
        data.load_co2()


def test_an_altered_file_is_refused_with_both_checksums(tmp_path, monkeypatch):
    altered = tmp_path / "us_first_names_1990.txt"
    shutil.copy(ROOT / "data" / altered.name, altered)
    altered.write_text(altered.read_text() + "zzz\n")
    monkeypatch.setenv("RNNCOURSE_DATA", str(tmp_path))
    with pytest.raises(data.DataFileError, match=r"altered: expected SHA-256 cba14f.*, got [0-9a-f]{64}"):
        data.load_first_names()


def test_unknown_data_set_lists_the_known_ones():
    with pytest.raises(KeyError, match=r"expected one of \['char_lm_provenance', 'char_lm_weights', 'co2', "
                                      r"'first_names', 'python_stdlib'\], got 'weather'"):
        data.data_path("weather")


def test_data_readme_states_the_checksums_the_package_verifies():
    readme = (ROOT / "data" / "README.md").read_text(encoding="utf-8")
    for entry in data.DATA_FILES.values():
        assert entry.sha256 in readme and entry.filename in readme


def test_check_passes_here_and_reports_each_part(capsys):
    assert check.run() is True
    report = capsys.readouterr().out
    for expected in ("Python 3.", "numpy", "ipywidgets front-end extension", "co2_mauna_loa_monthly.csv", "All checks passed"):
        assert expected in report


def test_check_reports_a_missing_data_file_with_a_fix(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("RNNCOURSE_DATA", str(tmp_path))
    assert check.run() is False
    report = capsys.readouterr().out
    assert "[PROBLEM] data file co2_mauna_loa_monthly.csv is missing" in report
    assert "fix: git checkout -- data/co2_mauna_loa_monthly.csv" in report
    assert f"{len(data.DATA_FILES)} problem(s) found." in report


def test_check_reports_a_missing_widget_extension(monkeypatch):
    import jupyter_core.paths
    monkeypatch.setattr(jupyter_core.paths, "jupyter_path", lambda *parts: [])
    finding = check.check_widget_extension()
    assert not finding.ok and "jupyterlab_widgets" in finding.fix


def test_command_line_check_exits_zero_when_all_is_well():
    result = subprocess.run([sys.executable, "-m", "rnncourse", "check"], capture_output=True, text=True,
                            env={"PYTHONPATH": str(ROOT / "src"), "PATH": ""})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "All checks passed." in result.stdout
