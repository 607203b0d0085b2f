"""The real data sets shipped in the repository's data/ folder, loaded by name.

Every file is verified against its SHA-256 before use, so a truncated download or an
accidental edit is reported (with how to restore the file) instead of silently changing
a notebook's results. Set RNNCOURSE_DATA to read the files from another folder.
"""
import csv
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np


@dataclass(frozen=True)
class DataFile:
    filename: str
    sha256: str
    description: str


DATA_FILES = {
    "co2": DataFile("co2_mauna_loa_monthly.csv",
                    "406f7139940feac403f21b7518c5f0b4360769ae6f0377c1d96ecee8ea9ae250",
                    "monthly mean CO2 at Mauna Loa, 1958-03 to 2001-12 (ppm)"),
    "first_names": DataFile("us_first_names_1990.txt",
                            "cba14f452b7768bd7fe093035a67491d4a334061634ccfd51522fb796910e75e",
                            "5,163 US first names from the 1990 Census"),
}


class DataFileError(RuntimeError):
    """A shipped data file is missing or differs from the published one."""


def data_dir():
    """The folder holding the data files: $RNNCOURSE_DATA, else the repository's data/."""
    return Path(os.environ.get("RNNCOURSE_DATA") or Path(__file__).resolve().parents[2] / "data")


def sha256_of(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def data_path(name):
    """Path of the data file called `name` (a key of DATA_FILES), after checking it is intact."""
    if name not in DATA_FILES:
        raise KeyError(f"unknown data set: expected one of {sorted(DATA_FILES)}, got {name!r}")
    entry = DATA_FILES[name]
    path = data_dir() / entry.filename
    restore = f"restore it with `git checkout -- data/{entry.filename}` from the course folder"
    if not path.is_file():
        raise DataFileError(f"data file {entry.filename} is missing: expected it at {path}; {restore}")
    digest = sha256_of(path)
    if digest != entry.sha256:
        raise DataFileError(f"data file {entry.filename} has been altered: expected SHA-256 {entry.sha256}, "
                            f"got {digest}; copy it elsewhere if you changed it on purpose, then {restore}")
    return path


@dataclass(frozen=True)
class CO2Record:
    """Monthly Mauna Loa CO2: `time` in decimal years (mid-month), `ppm`, and `interpolated`
    (True for the few months without any measurement, filled linearly)."""
    time: np.ndarray
    ppm: np.ndarray
    interpolated: np.ndarray


def load_co2():
    """The monthly Mauna Loa CO2 record as a CO2Record of three (526,) arrays."""
    with open(data_path("co2"), newline="") as f:
        rows = list(csv.DictReader(f))
    time = np.array([int(r["year"]) + (int(r["month"]) - 0.5) / 12 for r in rows])
    ppm = np.array([float(r["co2_ppm"]) for r in rows])
    interpolated = np.array([r["interpolated"] == "1" for r in rows])
    return CO2Record(time, ppm, interpolated)


def load_first_names():
    """Sorted list of lower-case US first names (letters a-z only)."""
    return data_path("first_names").read_text(encoding="ascii").split()
