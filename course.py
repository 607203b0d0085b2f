"""Set up and run the course with one command (needs only Python 3.10+).

    python3 course.py lab        install what is needed, open JupyterLab at the welcome notebook
    python3 course.py test       install what is needed, run the whole test suite
    python3 course.py check      install what is needed, check the environment (versions, widgets, data)
    python3 course.py execute [NOTEBOOK ...]   maintainers: regenerate the student edition of each notebook
                                             from its instructor edition and re-execute both (default: all)
    python3 course.py figures    regenerate every diagram in figures/
    python3 course.py train-lm   maintainers: retrain notebook 11's character model (under 15 min) and
                                 write its weights and provenance to data/
    python3 course.py site       build the course website into _build/html from the stored notebooks
                                 (first run: installs requirements-site.txt, fetches MathJax with npm)
    python3 course.py help       show this list

Everything is installed into .venv/ inside the course folder, once; later runs reuse it and
reinstall only when requirements.txt or pyproject.toml change. Extra arguments after `lab`
go to JupyterLab, after `test` to pytest. JupyterLab refuses to run as root; if you must (in a
container, say), run `python3 course.py lab --allow-root`.
"""
import hashlib
import json
import os
import signal
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / "rnncourse-installed.sha256"
WELCOME = "notebooks/00_welcome.ipynb"
TEST_TIMEOUT = int(os.environ.get("RNNCOURSE_TEST_TIMEOUT", "2400"))  # whole run, seconds
NOTEBOOK_TIMEOUT = 300  # one notebook's whole execution, seconds
COMMANDS = ("lab", "test", "check", "execute", "editions", "figures", "train-lm", "site")
# JupyterLab settings for course launches: no news feed and no update check (their pop-ups distract in class).
LAB_OVERRIDES = {"@jupyterlab/apputils-extension:notification": {"checkForUpdates": False, "fetchNews": "false"}}
# Closing the terminal (SIGHUP) or `kill` (SIGTERM) must stop the command course.py started, too.
STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGHUP", "SIGTERM") if hasattr(signal, name))
ROOT_MESSAGE = """course.py lab: you are running as root (administrator), and JupyterLab refuses to run as root.
Run it as your normal user:  python3 course.py lab
If you really must run as root (in a container, say):  python3 course.py lab --allow-root"""


def venv_python():
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def venv_works():
    """Does .venv have a Python that runs pip?"""
    return venv_python().exists() and subprocess.run([str(venv_python()), "-m", "pip", "--version"],
                                                     capture_output=True).returncode == 0


def install():
    """Create .venv and install requirements.txt plus the rnncourse package (editable) into it."""
    if sys.version_info < (3, 10):
        sys.exit(f"expected Python 3.10 or newer, got {sys.version.split()[0]}: install a newer Python")
    if not venv_works():
        print("Creating .venv ...", flush=True)
        STAMP.unlink(missing_ok=True)
        venv.create(VENV, with_pip=True, clear=True)  # also repairs one left half-made by an interruption
    wanted = hashlib.sha256((ROOT / "requirements.txt").read_bytes() + (ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == wanted:
        return
    print("Installing the course's packages into .venv (first run: about a minute) ...", flush=True)
    subprocess.run([str(venv_python()), "-m", "pip", "install", "--disable-pip-version-check", "-q",
                    "-r", str(ROOT / "requirements.txt"), "-e", str(ROOT)], check=True)
    STAMP.write_text(wanted)


def install_site():
    """Install what building the website needs (requirements-site.txt) into .venv, once."""
    stamp = VENV / "rnncourse-site-installed.sha256"
    wanted = hashlib.sha256((ROOT / "requirements-site.txt").read_bytes() + (ROOT / "requirements.txt").read_bytes()).hexdigest()
    if not (stamp.exists() and stamp.read_text() == wanted):
        print("Installing Jupyter Book into .venv (first run: about a minute) ...", flush=True)
        subprocess.run([str(venv_python()), "-m", "pip", "install", "--disable-pip-version-check", "-q",
                        "-r", str(ROOT / "requirements-site.txt")], check=True, cwd=ROOT)
        stamp.write_text(wanted)


def write_lab_overrides(prefix=VENV):
    """Write LAB_OVERRIDES where the JupyterLab installed under `prefix` reads packages' setting defaults.

    The user's own JupyterLab settings still take precedence and are not touched."""
    path = Path(prefix) / "share" / "jupyter" / "lab" / "settings" / "overrides.d" / "rnncourse.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(LAB_OVERRIDES, indent=2) + "\n", encoding="utf-8")
    return path


def trust_arguments(python):
    """Sign the course's own notebooks for this user (`jupyter trust`), so that their stored widget
    views show on first open instead of plain text. Launching the course is the user's decision to
    trust its notebooks; a notebook they change is re-signed by JupyterLab when they save it."""
    notebooks = sorted(str(p) for p in (ROOT / "notebooks").rglob("[0-9][0-9]_*.ipynb"))
    return [python, "-m", "nbformat.sign", "--log-level=WARN", *notebooks]


def lab_arguments(python):
    """JupyterLab on localhost with its token kept on, rooted at the course, opening the welcome notebook."""
    return [python, "-m", "jupyterlab", "--ip=127.0.0.1", f"--ServerApp.root_dir={ROOT}",
            f"--LabApp.default_url=/lab/tree/{WELCOME}"]


def stop(process, sig):
    """Stop a command and everything it started (its process group); kill them if still there after 20 s."""
    if os.name == "nt":
        process.kill()
    else:
        os.killpg(process.pid, sig)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
    process.wait()


class StopRequested(Exception):
    """course.py received one of STOP_SIGNALS; args[0] is its number."""


def request_stop(signum, frame):
    for sig in STOP_SIGNALS:  # a second signal must not interrupt the stopping
        signal.signal(sig, signal.SIG_IGN)
    raise StopRequested(signum)


def run(args, timeout=None):
    """Run a command from the course folder; on timeout, Ctrl-C, SIGHUP or SIGTERM stop it and everything
    it started (it runs in a session of its own, so the terminal's signals do not reach it)."""
    # One BLAS thread: the course's matrices are small, so this is as fast or faster, it does not collapse
    # when other programs load the CPU, and results are the same on every run.
    env = {"PYTHONHASHSEED": "0", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
           **os.environ}
    previous = {sig: signal.signal(sig, request_stop) for sig in STOP_SIGNALS}
    try:
        process = subprocess.Popen(args, cwd=ROOT, env=env, start_new_session=(os.name != "nt"))
        try:
            return process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            print(f"\nStopped after {timeout} s: expected the run to finish sooner (a hung kernel?).", flush=True)
            stop(process, signal.SIGKILL)
            return 124
        except KeyboardInterrupt:
            stop(process, signal.SIGTERM)
            return 130
        except StopRequested as request:
            stop(process, signal.SIGTERM)
            return 128 + request.args[0]
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def main(argv):
    command, rest = (argv[0], argv[1:]) if argv else ("help", [])
    if command in ("help", "-h", "--help"):
        print(__doc__)
        return 0
    if command not in COMMANDS:
        print(f"unknown command {command!r}\n{__doc__}", file=sys.stderr)
        return 2
    if command == "lab" and getattr(os, "geteuid", lambda: -1)() == 0 and "--allow-root" not in rest:
        print(ROOT_MESSAGE, file=sys.stderr)
        return 1
    install()
    python = str(venv_python())
    if command == "lab":
        write_lab_overrides()
        run(trust_arguments(python))
        return run([*lab_arguments(python), *rest])
    if command == "check":
        return run([python, "-m", "rnncourse", "check"])
    if command == "test":
        return run([python, "-m", "pytest", *rest], timeout=TEST_TIMEOUT)
    if command == "figures":
        return run([python, "-m", "rnncourse", "figures"])
    if command == "train-lm":
        return run([python, "-m", "rnncourse", "train-lm", *rest])
    if command == "site":
        install_site()
        return run([python, str(ROOT / "tools" / "site.py"), *rest])
    notebooks = rest or sorted(str(p.relative_to(ROOT)) for p in (ROOT / "notebooks" / "solutions").glob("[0-9][0-9]_*.ipynb"))
    for notebook in notebooks:  # `editions` is another name for `execute`
        code = run([python, str(ROOT / "tools" / "editions.py"), notebook], timeout=2 * NOTEBOOK_TIMEOUT)
        if code:
            return code
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
