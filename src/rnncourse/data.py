"""The real data sets shipped in the repository's data/ folder, loaded by name.

Every file is verified against its SHA-256 before use, so a truncated download or an
accidental edit is reported (with how to restore the file) instead of silently changing
a notebook's results. Set RNNCOURSE_DATA to read the files from another folder.
"""
import csv
import hashlib
import json
import os
from dataclasses import dataclass
from importlib import resources
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
    "python_stdlib": DataFile("python_stdlib_3.11.txt",
                              "db2c20761157c049f1661a1982b2530a3c909fb85dae29b5c6f0e687344d19ce",
                              "142 top-level modules of the Python 3.11 standard library, one text stream"),
    "char_lm_weights": DataFile("char_lm_weights.npz",
                                "be94e77cbd84230b1212bfd80e47382c6013d49fbbaf070a70db5dd4b5c9dd11",
                                "the course's character LSTM trained on python_stdlib (python3 course.py train-lm)"),
    "char_lm_provenance": DataFile("char_lm_provenance.json",
                                   "1d16b25e0e5b25f60e910b433dbf695bffbb6e92155e0fc6d6a56c0719313129",
                                   "how char_lm_weights.npz was trained: corpus, seed, settings, loss curve"),
}


class DataFileError(RuntimeError):
    """A shipped data file is missing or differs from the published one."""


def data_dir():
    """The folder holding the data files: $RNNCOURSE_DATA, else the installed package data
    `rnncourse.datafiles`, which is the repository's data/ folder (pyproject.toml maps one onto the
    other, so an editable install reads data/ itself and a wheel or `pip install git+...` carries a copy)."""
    override = os.environ.get("RNNCOURSE_DATA")
    return Path(override) if override else Path(str(resources.files("rnncourse.datafiles")))


def sha256_of(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def data_path(name):
    """Path of the data file called `name` (a key of DATA_FILES), after checking it is intact."""
    if name not in DATA_FILES:
        raise KeyError(f"unknown data set: expected one of {sorted(DATA_FILES)}, got {name!r}")
    entry = DATA_FILES[name]
    path = data_dir() / entry.filename
    restore = (f"restore it with `git checkout -- data/{entry.filename}` from the course folder "
               "(or reinstall rnncourse if you installed it with pip)")
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


def load_corpus():
    """The character-model corpus: the Python standard library's top-level modules as one str
    (3,863,606 characters of printable ASCII and newlines)."""
    return data_path("python_stdlib").read_text(encoding="ascii")


def load_char_model(dtype=np.float32):
    """The course's trained character model: (CharLM, provenance dict).

    The weights (char_lm_weights.npz) and their provenance (char_lm_provenance.json: corpus
    SHA-256, seed, settings, steps, validation bits per character, versions, loss curve) are both
    checked against their SHA-256 first. dtype: the model's float type (trained in float32).
    """
    from .models import CharLM
    from .text import Vocabulary

    provenance = json.loads(data_path("char_lm_provenance").read_text(encoding="utf-8"))
    settings = provenance["model"]
    model = CharLM(Vocabulary(provenance["vocabulary"]), settings["hidden_size"], cell=settings["cell"],
                   num_layers=settings["num_layers"], embedding_dim=settings["embedding_dim"], dtype=dtype)
    with np.load(data_path("char_lm_weights")) as weights:
        if set(weights.files) != set(model.params):
            raise DataFileError(f"char_lm_weights.npz: expected arrays {sorted(model.params)}, got {sorted(weights.files)}")
        for name, array in model.params.items():
            if weights[name].shape != array.shape:
                raise DataFileError(f"char_lm_weights.npz: expected {name} of shape {array.shape} (from the provenance's "
                                    f"settings), got {weights[name].shape}")
            array[...] = weights[name]
    return model, provenance
