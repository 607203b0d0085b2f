"""Rebuild the course's data files from their published sources (run once by maintainers).

    pip download --no-deps statsmodels==0.15.0 names==0.3.0 -d downloads/
    cd downloads && apt-get download libpython3.11-minimal=3.11.2-6+deb12u8 \
        libpython3.11-stdlib=3.11.2-6+deb12u8 && cd ..
    python data/build_data.py downloads/

Reads the weekly Mauna Loa CO2 record from the statsmodels wheel, the 1990 US Census
first-name lists from the names sdist and the Python 3.11 standard library's top-level
modules from Debian's two packages of it, and writes the three files described in data/README.md.
(The trained character model, data/char_lm_*, is written by `python3 course.py train-lm`.)
"""
import csv
import io
import re
import sys
import tarfile
import zipfile
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent


def monthly_co2(weekly_csv):
    """Monthly means of the weekly record; a month with no weekly value is linearly interpolated."""
    by_month = defaultdict(list)
    for row in csv.DictReader(io.StringIO(weekly_csv)):
        if row["co2"]:
            by_month[(int(row["date"][:4]), int(row["date"][4:6]))].append(float(row["co2"]))
    first, last = min(by_month), max(by_month)
    months = [(y, m) for y in range(first[0], last[0] + 1) for m in range(1, 13) if first <= (y, m) <= last]
    known = [i for i, ym in enumerate(months) if ym in by_month]
    rows = []
    for i, (y, m) in enumerate(months):
        if (y, m) in by_month:
            values = by_month[(y, m)]
            rows.append((y, m, round(sum(values) / len(values), 2), 0))
        else:
            lo = max(k for k in known if k < i)
            hi = min(k for k in known if k > i)
            a, b = rows[lo][2], sum(by_month[months[hi]]) / len(by_month[months[hi]])
            rows.append((y, m, round(a + (b - a) * (i - lo) / (hi - lo), 2), 1))
    return rows


def first_names(sdist):
    """Sorted, lower-case, de-duplicated first names from the female and male Census lists."""
    names = set()
    with tarfile.open(sdist) as tar:
        for member in tar.getmembers():
            if member.name.endswith(("dist.female.first", "dist.male.first")):
                for line in tar.extractfile(member).read().decode("ascii").splitlines():
                    if line.strip():
                        names.add(line.split()[0].lower())
    return sorted(names)


def deb_files(deb):
    """{path: bytes} of the regular files inside a Debian package (an `ar` archive holding data.tar.*)."""
    blob = Path(deb).read_bytes()
    if not blob.startswith(b"!<arch>\n"):
        raise ValueError(f"{deb}: expected a Debian package (an ar archive), got another file")
    position = 8
    while position < len(blob):
        name = blob[position:position + 16].decode("ascii").strip().rstrip("/")
        size = int(blob[position + 48:position + 58])
        body = blob[position + 60:position + 60 + size]
        if name.startswith("data.tar"):
            with tarfile.open(fileobj=io.BytesIO(body)) as tar:
                return {m.name.removeprefix("./"): tar.extractfile(m).read() for m in tar.getmembers() if m.isfile()}
        position += 60 + size + size % 2  # members are aligned to even offsets
    raise ValueError(f"{deb}: expected a data.tar member, found none")


def python_stdlib_text(debs):
    """The top-level modules of the standard library (usr/lib/python3.11/[a-z]*.py) concatenated in
    alphabetical order; only the modules written in printable ASCII and newlines (no tabs, form feeds
    or other characters) are kept, so that the vocabulary stays small."""
    modules = {}
    for deb in debs:
        for path, body in deb_files(deb).items():
            if re.fullmatch(r"usr/lib/python3\.11/[a-z][A-Za-z0-9_]*\.py", path):
                modules[path] = body
    kept = []
    for path in sorted(modules):
        text = modules[path].decode("latin-1")
        if re.fullmatch(r"[ -~\n]*", text) and text.endswith("\n"):
            kept.append(text)
    return "".join(kept)


def main(download_dir):
    download_dir = Path(download_dir)
    wheel = next(download_dir.glob("statsmodels-*.whl"))
    with zipfile.ZipFile(wheel) as zf:
        weekly = zf.read("statsmodels/datasets/co2/co2.csv").decode("ascii")
    with open(HERE / "co2_mauna_loa_monthly.csv", "w", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["year", "month", "co2_ppm", "interpolated"])
        writer.writerows(monthly_co2(weekly))
    names = first_names(next(download_dir.glob("names-*.tar.gz")))
    (HERE / "us_first_names_1990.txt").write_text("\n".join(names) + "\n", encoding="ascii", newline="\n")
    stdlib = python_stdlib_text(sorted(download_dir.glob("libpython3.11-*_3.11.2-6+deb12u8_*.deb")))
    (HERE / "python_stdlib_3.11.txt").write_text(stdlib, encoding="ascii", newline="\n")


if __name__ == "__main__":
    main(sys.argv[1])
