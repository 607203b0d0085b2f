"""The set-up files agree with each other: pins, the README's commands and CI."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def pins_from_requirements():
    """{name: version} for Python 3.11+ (lines with a '< "3.11"' marker are the 3.10 fallbacks)."""
    pins = {}
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        spec, _, marker = line.split("#")[0].partition(";")
        if "==" in spec and '< "3.11"' not in marker:
            name, version = spec.split("==")
            pins[name.strip().lower()] = version.strip()
    return pins


def pins_from_environment():
    pins = {}
    for line in (ROOT / "environment.yml").read_text().splitlines():
        match = re.match(r"\s*-\s*([A-Za-z0-9_.-]+)=([0-9][^\s=]*)\s*$", line)
        if match and match.group(1) != "python":
            pins[match.group(1).lower()] = match.group(2)
    return pins


def readme_quick_start():
    """The lines of the first code block after the README's 'Quick start' heading."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Quick start", 1)[1]
    block = section.split("```", 2)[1]
    return [line.strip() for line in block.strip().splitlines()]


def test_requirements_and_environment_pin_the_same_versions():
    requirements, environment = pins_from_requirements(), pins_from_environment()
    assert requirements, "expected pinned name==version lines in requirements.txt"
    assert requirements == environment


def test_every_requirement_has_a_python_310_fallback_when_it_needs_one():
    lines = [line for line in (ROOT / "requirements.txt").read_text().splitlines() if not line.startswith("#")]
    newer = {line.split("==")[0] for line in lines if '>= "3.11"' in line}
    older = {line.split("==")[0] for line in lines if '< "3.11"' in line}
    assert newer == older


def test_readme_gives_exactly_two_commands_lab_and_test():
    commands = readme_quick_start()
    assert len(commands) == 2, commands
    assert commands[0].endswith("course.py lab") and commands[1].endswith("course.py test"), commands


def test_ci_runs_the_readme_test_command_exactly():
    test_command = readme_quick_start()[1]
    ci_lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    runs = [line for line in ci_lines if "course.py" in line and not line.startswith("#")]
    assert runs == [test_command], f"expected .ci/run to run {test_command!r}, got {runs}"


def test_readme_links_point_to_existing_files():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    for target in re.findall(r"\]\(((?:notebooks|figures|data)/[^)#]+)\)", text):
        assert (ROOT / target).exists(), f"README links to {target}, which does not exist"
