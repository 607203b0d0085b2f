"""Every exercise of the course, by the name of the function the student writes."""
from dataclasses import dataclass
from typing import Callable

EXERCISES = {}


@dataclass(frozen=True)
class Exercise:
    name: str            # the function the exercise cell defines
    signature: str       # how it is called, e.g. "rnn_step(x, h_prev, params) -> h"
    hint: str            # a nudge, without the answer
    check: Callable      # check(student_function) prints a verdict and returns a Verdict
    reference: Callable  # the package's implementation, same signature: used until the student's passes


def register(name, signature, hint, reference, check):
    """Add an exercise; `check` is the self-check that judges it."""
    if name in EXERCISES:
        raise ValueError(f"exercise {name!r} is registered twice")
    EXERCISES[name] = Exercise(name, signature, hint, check, reference)
    return check

