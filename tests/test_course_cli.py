"""course.py's command line: unknown commands, `check`, refusing root, stopping on SIGHUP/SIGTERM,
and the JupyterLab settings it installs. Nothing here starts JupyterLab or installs anything."""
import importlib.util
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("course", ROOT / "course.py")
course = importlib.util.module_from_spec(spec)
spec.loader.exec_module(course)


@pytest.fixture
def launched(monkeypatch):
    """main() with install, the settings file and run() replaced: the list of commands it would run."""
    commands = []
    monkeypatch.setattr(course, "install", lambda: None)
    monkeypatch.setattr(course, "write_lab_overrides", lambda: None)
    monkeypatch.setattr(course, "run", lambda args, timeout=None: commands.append(args) or 7)
    return commands


def test_an_unknown_command_lists_the_commands_on_stderr_and_exits_2():
    result = subprocess.run([sys.executable, str(ROOT / "course.py"), "serve"], capture_output=True, text=True)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.splitlines()[0] == "unknown command 'serve'"
    for command in ("lab", "test", "check", "execute", "figures", "train-lm", "help"):
        assert f"python3 course.py {command}" in result.stderr


@pytest.mark.parametrize("argv", [[], ["help"], ["-h"], ["--help"]])
def test_help_prints_the_commands_and_exits_0(argv, capsys):
    assert course.main(argv) == 0
    out = capsys.readouterr().out
    assert "python3 course.py lab" in out and "python3 course.py check" in out


def test_check_runs_the_self_check_in_the_venv_and_returns_its_exit_code(launched):
    assert course.main(["check"]) == 7
    assert launched == [[str(course.venv_python()), "-m", "rnncourse", "check"]]


def test_lab_as_root_is_refused_before_installing_with_what_to_do(monkeypatch, capsys, launched):
    monkeypatch.setattr(os, "geteuid", lambda: 0, raising=False)
    monkeypatch.setattr(course, "install", lambda: pytest.fail("expected no install as root"))
    assert course.main(["lab"]) == 1
    err = capsys.readouterr().err
    assert "root" in err and "normal user" in err and "python3 course.py lab --allow-root" in err
    assert launched == []


@pytest.mark.parametrize("euid", [0, 1000])
def test_allow_root_and_normal_users_start_lab_with_the_arguments_given(monkeypatch, launched, euid):
    monkeypatch.setattr(os, "geteuid", lambda: euid, raising=False)
    extra = ["--allow-root", "--no-browser"] if euid == 0 else ["--no-browser"]
    assert course.main(["lab", *extra]) == 7
    python = str(course.venv_python())
    assert launched == [course.trust_arguments(python), course.lab_arguments(python) + extra]


def test_lab_trusts_the_course_notebooks_first_so_stored_widgets_show(tmp_path):
    import nbformat
    from nbformat.sign import NotebookNotary
    arguments = course.trust_arguments(sys.executable)
    named = {Path(a).relative_to(course.ROOT).as_posix() for a in arguments if a.endswith(".ipynb")}
    assert {"notebooks/00_welcome.ipynb", "notebooks/solutions/00_welcome.ipynb"} <= named
    notary = NotebookNotary(data_dir=str(tmp_path))
    assert not notary.check_signature(nbformat.read(arguments[4], as_version=4))
    subprocess.run(arguments[:5], check=True, capture_output=True, env={**os.environ, "JUPYTER_DATA_DIR": str(tmp_path)})
    assert notary.check_signature(nbformat.read(arguments[4], as_version=4))


def test_lab_overrides_turn_off_news_and_update_checks_where_jupyterlab_reads_them(tmp_path, monkeypatch):
    from jupyterlab.commands import get_app_dir

    path = course.write_lab_overrides(tmp_path)
    course.write_lab_overrides(tmp_path)  # again: same file, same content
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == [path]
    settings = json.loads(path.read_text(encoding="utf-8"))
    assert settings == {"@jupyterlab/apputils-extension:notification": {"checkForUpdates": False,
                                                                         "fetchNews": "false"}}
    # The installed JupyterLab reads {app_dir}/settings/overrides.d/*.json, app_dir being under sys.prefix.
    monkeypatch.delenv("JUPYTERLAB_DIR", raising=False)
    app_dir = Path(get_app_dir())
    assert path.relative_to(tmp_path) == (app_dir / "settings" / "overrides.d" / "rnncourse.json").relative_to(sys.prefix)
    # ... and the setting ids and values exist in its schema.
    schema = json.loads((app_dir / "schemas" / "@jupyterlab" / "apputils-extension" / "notification.json").read_text())
    properties = schema["properties"]
    assert properties["checkForUpdates"]["type"] == "boolean"
    assert "false" in [choice["const"] for choice in properties["fetchNews"]["oneOf"]]


def test_run_returns_the_exit_code_and_restores_the_signal_handlers():
    before = {sig: signal.getsignal(sig) for sig in course.STOP_SIGNALS}
    assert course.run([sys.executable, "-c", "raise SystemExit(3)"]) == 3
    assert {sig: signal.getsignal(sig) for sig in course.STOP_SIGNALS} == before


CHILD = """
import os, subprocess, sys, time
grandchild = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
print(os.getpid(), grandchild.pid, flush=True)
time.sleep(120)
"""


def running(pid):
    """Is `pid` a live process (not a zombie waiting to be reaped)?"""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().rsplit(")", 1)[1].split()[0] == "Z")


@pytest.mark.skipif(os.name == "nt", reason="no SIGHUP or process groups on Windows")
@pytest.mark.parametrize("name", ["SIGHUP", "SIGTERM"])
def test_a_hangup_or_terminate_stops_the_command_and_what_it_started(name):
    """Closing the terminal sends SIGHUP to course.py only (its command runs in a session of its own)."""
    driver = (f"import sys; sys.path.insert(0, {str(ROOT)!r}); import course; "
              f"sys.exit(course.run([sys.executable, '-c', {CHILD!r}]))")
    # course.py, its child and the grandchild all write to this pipe: EOF means all three have exited.
    process = subprocess.Popen([sys.executable, "-c", driver], stdout=subprocess.PIPE, text=True,
                               start_new_session=True)
    pids = []
    try:
        pids = [int(pid) for pid in process.stdout.readline().split()]
        assert len(pids) == 2, "expected the child to print its pid and the grandchild's"
        assert all(running(pid) for pid in pids)
        os.kill(process.pid, getattr(signal, name))
        process.communicate(timeout=30)
        assert process.returncode == 128 + getattr(signal, name)
        assert not any(running(pid) for pid in pids)
    finally:
        for pid in [process.pid, *pids]:
            if running(pid):
                os.kill(pid, signal.SIGKILL)
        process.wait()
