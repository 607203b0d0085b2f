"""The course's data files, installed with the package as `rnncourse.datafiles` (see pyproject.toml).

`rnncourse.data` finds them here through importlib.resources; data/README.md gives their provenance."""
