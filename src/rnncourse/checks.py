"""Exercise self-checks: run a student's function and the reference on isolating cases and
explain the first difference precisely (which case, which output, which entry, expected vs got).

A check prints one verdict and returns True/False; it never raises on a wrong answer, so a
notebook still runs top to bottom while an exercise is unfinished.
"""
from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Case:
    """One input to try: a description of what it isolates, and the arguments."""
    description: str
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)


def first_difference(got, expected, what="the result", rtol=1e-6, atol=1e-9):
    """A sentence describing the first way `got` differs from `expected`, or None if they agree.

    Handles numbers, arrays, strings, tuples (outputs by position), lists and dicts (by key).
    """
    if isinstance(expected, dict):
        if not isinstance(got, dict) or set(got) != set(expected):
            return f"{what}: expected a dict with keys {sorted(expected)}, got {_describe(got)}"
        for key in expected:
            found = first_difference(got[key], expected[key], f"{what}[{key!r}]", rtol, atol)
            if found:
                return found
        return None
    if isinstance(expected, tuple) or (isinstance(expected, list) and not _is_numeric(expected)):
        if not isinstance(got, (tuple, list)) or len(got) != len(expected):
            return f"{what}: expected {len(expected)} values, got {_describe(got)}"
        for i, (g, e) in enumerate(zip(got, expected)):
            found = first_difference(g, e, f"{what}, output {i}", rtol, atol)
            if found:
                return found
        return None
    if isinstance(expected, str) or expected is None:
        return None if got == expected else f"{what}: expected {expected!r}, got {got!r}"
    return _array_difference(got, np.asarray(expected), what, rtol, atol)


def _is_numeric(value):
    try:
        return np.asarray(value).dtype.kind in "biuf"
    except (ValueError, TypeError):
        return False


def _describe(value):
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    if isinstance(value, dict):
        return f"a dict with keys {sorted(value)}"
    return f"{type(value).__name__} {value!r}"[:120]


def _array_difference(got, expected, what, rtol, atol):
    if got is None or not _is_numeric(got):
        return f"{what}: expected {'a number' if expected.ndim == 0 else f'an array of shape {expected.shape}'}, got {_describe(got)}"
    got = np.asarray(got)
    if got.shape != expected.shape:
        return f"{what}: expected shape {expected.shape}, got {got.shape}"
    wrong = ~np.isclose(got, expected, rtol=rtol, atol=atol)
    if not wrong.any():
        return None
    if expected.ndim == 0:
        return f"{what}: expected {expected.item():.6g}, got {got.item():.6g}"
    index = tuple(int(i) for i in np.argwhere(wrong)[0])
    return (f"{what}: {int(wrong.sum())} of {wrong.size} entries differ; first at index {index}: "
            f"expected {expected[index]:.6g}, got {got[index]:.6g}")


def check_function(student, reference, cases, name=None, rtol=1e-6, atol=1e-9):
    """Compare `student(*case.args)` with `reference(*case.args)` on each case; print the verdict."""
    name = name or getattr(student, "__name__", "your function")
    for case in cases:
        expected = reference(*case.args, **case.kwargs)
        try:
            got = student(*case.args, **case.kwargs)
        except NotImplementedError:
            print(f"✗ {name} is not written yet.")
            return False
        except Exception as error:  # a student's bug is reported, not raised
            print(f"✗ {name} raised {type(error).__name__}: {error}\n  on the case: {case.description}")
            return False
        found = first_difference(got, expected, "the result", rtol, atol)
        if found:
            print(f"✗ {name}: on the case '{case.description}',\n  {found}")
            return False
    print(f"✓ {name} agrees with the reference on all {len(cases)} cases.")
    return True


# ---------------------------------------------------------------- notebook 00: notation

def rnn_parameter_count(input_size, hidden_size, output_size):
    """Reference: W_xh (D,H) + W_hh (H,H) + b_h (H,) + W_hy (H,O) + b_y (O,)."""
    return input_size * hidden_size + hidden_size * hidden_size + hidden_size + hidden_size * output_size + output_size


def check_parameter_count(student):
    """Self-check for a function (input_size, hidden_size, output_size) -> number of parameters."""
    cases = [Case("no inputs and no outputs: only W_hh and b_h count", (0, 4, 0)),
             Case("one input, one hidden unit, no outputs", (1, 1, 0)),
             Case("no inputs: the output layer W_hy and b_y", (0, 2, 3)),
             Case("the worked example: 3 inputs, 7 hidden, 1 output", (3, 7, 1))]
    return check_function(student, rnn_parameter_count, cases, "count_parameters")


def torch_rnn_to_course(weight_ih, weight_hh, bias_ih, bias_hh):
    """Reference: PyTorch's (H,D)/(H,H) weights and two biases -> the course's W_xh, W_hh, b_h."""
    return {"W_xh": np.asarray(weight_ih).T, "W_hh": np.asarray(weight_hh).T,
            "b_h": np.asarray(bias_ih) + np.asarray(bias_hh)}


def check_torch_to_course(student):
    """Self-check for a function converting PyTorch's RNN parameters to the course's."""
    rng = np.random.default_rng(0)
    H, D = 3, 2
    w_ih, w_hh, b_ih, b_hh = (rng.standard_normal(s) for s in [(H, D), (H, H), (H,), (H,)])
    zero = np.zeros
    cases = [Case("only weight_ih is non-zero", (w_ih, zero((H, H)), zero(H), zero(H))),
             Case("only weight_hh is non-zero (is it transposed?)", (zero((H, D)), w_hh, zero(H), zero(H))),
             Case("only the two biases are non-zero", (zero((H, D)), zero((H, H)), b_ih, b_hh)),
             Case("everything at once", (w_ih, w_hh, b_ih, b_hh))]
    return check_function(student, torch_rnn_to_course, cases, "torch_to_course")


UVW_TO_COURSE = {"U": "W_xh", "W": "W_hh", "V": "W_hy"}


def check_notation_map(mapping):
    """Self-check for a dict mapping the U/W/V names onto the course's names."""
    found = first_difference(mapping, UVW_TO_COURSE, "your mapping")
    print(f"✗ {found}" if found else "✓ U, W and V are mapped correctly.")
    return found is None
