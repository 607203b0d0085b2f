"""Rebuild the course's data files from their published sources (run once by maintainers).

    pip download --no-deps statsmodels==0.15.0 names==0.3.0 -d downloads/
    python data/build_data.py downloads/

Reads the weekly Mauna Loa CO2 record from the statsmodels wheel and the 1990 US Census
first-name lists from the names sdist, and writes the two files described in data/README.md.
"""
import csv
import io
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


if __name__ == "__main__":
    main(sys.argv[1])
