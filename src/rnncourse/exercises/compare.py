"""How a self-check judges a student's function: run it and the reference on isolating cases and
explain the first difference precisely (which case, which output, which entry, expected vs got),
naming the common mistake behind it when one is recognised.

A check prints its verdict and returns a Verdict (true when the function passed, shown as nothing
more in a notebook); it never raises on a wrong answer, so a notebook still runs top to bottom
while an exercise is unfinished. The student's function gets copies of the arguments, so a check
never changes the student's objects, and a function that changes its arguments in place is told so.
"""
import copy
import functools
import itertools
from dataclasses import dataclass, field
from typing import Callable

import numpy as np


class Verdict:
    """The outcome of a self-check: `bool(verdict)` is whether the function passed. The check has
    already printed what it found, so in a notebook the verdict itself displays nothing."""

    def __init__(self, passed):
        self.passed = bool(passed)

    def __bool__(self):
        return self.passed

    def __repr__(self):
        return f"Verdict(passed={self.passed})"

    def _ipython_display_(self):
        pass


def returns_verdict(check):
    """Decorator: the True/False a check returns becomes a Verdict."""
    @functools.wraps(check)
    def wrapped(*args, **kwargs):
        return Verdict(check(*args, **kwargs))
    return wrapped


@dataclass(frozen=True)
class Case:
    """One input to try: a description of what it isolates, and the arguments."""
    description: str
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Mistake:
    """A common wrong answer: what the student did, and a function computing what it returns.
    When a student's result agrees with it on a failing case, the check names the mistake."""
    description: str
    function: Callable


def first_difference(got, expected, what="the result", rtol=1e-6, atol=1e-9):
    """A sentence describing the first way `got` differs from `expected`, or None if they agree.

    Handles numbers, arrays, strings, tuples (outputs by position), lists and dicts (by key).
    """
    if isinstance(expected, dict):
        if not isinstance(got, dict) or set(got) != set(expected):
            return f"{what}: expected a dict with keys {sorted(expected)}, got {describe(got)}"
        for key in expected:
            found = first_difference(got[key], expected[key], f"{what}[{key!r}]", rtol, atol)
            if found:
                return found
        return None
    if isinstance(expected, tuple) or (isinstance(expected, list) and not _is_numeric(expected)):
        if not isinstance(got, (tuple, list)) or len(got) != len(expected):
            return f"{what}: expected {len(expected)} values, got {describe(got)}"
        for i, (g, e) in enumerate(zip(got, expected)):
            found = first_difference(g, e, f"{what}, output {i}", rtol, atol)
            if found:
                return found
        return None
    if isinstance(expected, str) or expected is None:
        return None if got == expected else f"{what}: expected {expected!r}, got {got!r}"
    return _array_difference(got, expected, what, rtol, atol)


def _is_numeric(value):
    try:
        return np.asarray(value).dtype.kind in "biuf"
    except (ValueError, TypeError):
        return False


def describe(value):
    """A short description of a value, with its shape when it is an array."""
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    if isinstance(value, dict):
        return f"a dict with keys {sorted(value)}"
    return f"{type(value).__name__} {value!r}"[:120]


def _array_difference(got, expected, what, rtol, atol):
    is_array = isinstance(expected, np.ndarray)
    expected = np.asarray(expected)
    wanted = "a number" if expected.ndim == 0 else f"an array of shape {expected.shape}"
    if got is None or not _is_numeric(got):
        return f"{what}: expected {wanted}, got {describe(got)}"
    if is_array and expected.ndim > 0 and isinstance(got, (list, tuple)):
        return (f"{what}: expected a numpy array of shape {expected.shape}, got a Python {type(got).__name__}: "
                "turn it into an array (np.array(...) or np.stack(..., axis=...))")
    got = np.asarray(got)
    if got.shape != expected.shape:
        return f"{what}: expected shape {expected.shape}, got {got.shape}"
    if is_array and expected.dtype.kind == "f" and got.dtype != expected.dtype:
        return (f"{what}: expected dtype {expected.dtype}, got {got.dtype}"
                + (" (an array of integers: start from np.zeros(...) or a float array)" if got.dtype.kind in "biu"
                   else " (keep the dtype of the inputs: do not convert)"))
    wrong = ~np.isclose(got, expected, rtol=rtol, atol=atol)
    if not wrong.any():
        return None
    if expected.ndim == 0:
        return f"{what}: expected {expected.item():.6g}, got {got.item():.6g}"
    index = tuple(int(i) for i in np.argwhere(wrong)[0])
    return (f"{what}: {int(wrong.sum())} of {wrong.size} entries differ; first at index {index}: "
            f"expected {expected[index]:.6g}, got {got[index]:.6g}")


class ChangedArgument(Exception):
    """The student's function modified one of its arguments in place."""


def _first_change(before, after, name):
    """The name of the first part of `after` that differs from `before`, or None."""
    if isinstance(before, dict):
        for key in before:
            found = _first_change(before[key], after.get(key) if isinstance(after, dict) else None,
                                  f"{name}[{key!r}]")
            if found:
                return found
        return None
    if isinstance(before, (tuple, list)):
        for i, (b, a) in enumerate(zip(before, after)):
            found = _first_change(b, a, f"{name}[{i}]")
            if found:
                return found
        return None
    if isinstance(before, np.ndarray):
        same = (isinstance(after, np.ndarray) and after.shape == before.shape
                and np.array_equal(after, before, equal_nan=True))
        return None if same else name
    return None


def _guarded(student, names):
    """Call `student` on copies of the arguments; raise ChangedArgument if it changed one."""
    def call(*args, **kwargs):
        copies, kwarg_copies = copy.deepcopy(args), copy.deepcopy(kwargs)
        result = student(*copies, **kwarg_copies)
        pairs = [*zip(names, args, copies), *((k, kwargs[k], kwarg_copies[k]) for k in kwargs)]
        for name, original, used in pairs:
            changed = _first_change(original, used, name)
            if changed:
                raise ChangedArgument(f"your function changed its argument {changed} in place; "
                                      "work on new arrays (e.g. a = a * 2, not a *= 2)")
        return result
    return call


def shapes(names, args):
    """'x (4, 3), params['W_xh'] (3, 5), …': the shapes of the arrays among the arguments."""
    parts = []
    for name, value in zip(names, args):
        if isinstance(value, np.ndarray):
            parts.append(f"{name} {value.shape}")
        elif isinstance(value, dict):
            parts += [f"{name}[{k!r}] {v.shape}" for k, v in value.items() if isinstance(v, np.ndarray)]
        elif isinstance(value, (tuple, list)) and all(isinstance(v, np.ndarray) for v in value):
            parts += [f"{name}[{i}] {v.shape}" for i, v in enumerate(value)]
    return ", ".join(parts)


def _error_message(error, case, names):
    text = f"raised {type(error).__name__}: {error}\n  on the case: {case.description}"
    if isinstance(error, ValueError) and any(s in str(error) for s in ("matmul", "not aligned", "shapes")):
        text += (f"\n  the arguments had the shapes {shapes(names, case.args)}."
                 "\n  The course multiplies row vectors from the left, x (B, D) @ W (D, H): "
                 "is a weight transposed, or are the two factors swapped?")
    return text


def as_outputs(result, outputs):
    """A student's or the reference's result in the form compared: named outputs when `outputs`
    is a tuple of names, else `outputs(result)` when it is a function, else the result itself."""
    if outputs is None:
        return result
    if callable(outputs):
        return outputs(result)
    if not isinstance(result, (tuple, list)) or len(result) != len(outputs):
        got = f"{len(result)} values" if isinstance(result, (tuple, list)) else f"a {type(result).__name__}"
        raise TypeError(f"expected {len(outputs)} return values ({', '.join(outputs)}), got {got}")
    return dict(zip(outputs, result))


def _wrong_order(got, expected, outputs, rtol, atol):
    """'(c, h)' when `got` holds the expected outputs in another order, else None."""
    if not isinstance(outputs, tuple) or not isinstance(got, (tuple, list)) or len(got) != len(outputs):
        return None
    for order in itertools.permutations(range(len(got))):
        if order == tuple(range(len(got))):
            continue
        try:
            moved = as_outputs([got[i] for i in order], outputs)
        except TypeError:
            continue
        if first_difference(moved, expected, rtol=rtol, atol=atol) is None:
            returned = [outputs[order.index(j)] for j in range(len(got))]
            return f"({', '.join(returned)})"
    return None


def _recognised_mistake(got, case, mistakes, outputs, rtol, atol):
    for mistake in mistakes:
        try:
            wrong = as_outputs(mistake.function(*copy.deepcopy(case.args), **copy.deepcopy(case.kwargs)), outputs)
        except Exception:  # a mistake that cannot run on this case is not the one
            continue
        if first_difference(got, wrong, rtol=rtol, atol=atol) is None:
            return mistake.description
    return None


@returns_verdict
def check_function(student, reference, cases, name=None, rtol=1e-6, atol=1e-9, arg_names=None,
                   outputs=None, mistakes=(), compare_order=None):
    """Compare `student(*case.args)` with `reference(*case.args)` on each case; print the verdict.

    outputs: None (compare the results as they are), a tuple of names (the function returns that
    many values, compared by name, and a wrong order is recognised), or a function mapping a
    result to what is compared. mistakes: Mistake objects; one whose result the student's matches
    is named in the message. compare_order: names of the outputs in the order to compare them (the
    cause first, e.g. an LSTM's c before h, which depends on it). The student's function gets copies of the arguments: changing one in
    place is reported, naming it by `arg_names` (or by position).
    """
    name = name or getattr(student, "__name__", "your function")
    names = arg_names or [f"number {i + 1}" for i in range(max(len(c.args) for c in cases))]
    guarded = _guarded(student, names)
    for case in cases:
        expected = as_outputs(reference(*copy.deepcopy(case.args), **copy.deepcopy(case.kwargs)), outputs)
        if compare_order:
            expected = {key: expected[key] for key in compare_order}
        try:
            raw = guarded(*case.args, **case.kwargs)
        except NotImplementedError:
            print(f"✗ {name} is not written yet.")
            return False
        except Exception as error:  # a student's bug is reported, not raised
            print(f"✗ {name} {_error_message(error, case, names)}")
            return False
        try:
            got = as_outputs(raw, outputs)
        except TypeError as error:
            print(f"✗ {name}: {error}\n  on the case: {case.description}")
            return False
        found = first_difference(got, expected, "the result", rtol, atol)
        order = found and _wrong_order(raw, expected, outputs, rtol, atol)
        if order:
            print(f"✗ {name} returns its outputs in the order {order}; expected ({', '.join(outputs)}).")
            return False
        if found:
            print(f"✗ {name}: on the case '{case.description}',\n  {found}")
            mistake = _recognised_mistake(got, case, mistakes, outputs, rtol, atol)
            if mistake:
                print(f"  Your result is exactly what you get when {mistake}.")
            return False
    print(f"✓ {name} agrees with the reference on all {len(cases)} cases.")
    return True


def only(params, keep, blocks=None):
    """A copy of params with everything zero except the names in `keep`.

    blocks: optional (start, stop) column range; within the kept arrays, only those columns
    (last axis) stay non-zero, e.g. one gate of a GRU or LSTM.
    """
    out = {}
    for key, value in params.items():
        if key not in keep:
            out[key] = np.zeros_like(value)
        elif blocks is None:
            out[key] = value.copy()
        else:
            out[key] = np.zeros_like(value)
            out[key][..., blocks[0]:blocks[1]] = value[..., blocks[0]:blocks[1]]
    return out
