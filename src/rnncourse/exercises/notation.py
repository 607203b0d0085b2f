"""Exercises of notebook 00: parameter counts and the notations of the literature."""
import numpy as np

from .compare import Case, Mistake, check_function, describe, returns_verdict
from .registry import register


def rnn_parameter_count(input_size, hidden_size, output_size):
    """Reference: W_xh (D,H) + W_hh (H,H) + b_h (H,) + W_hy (H,O) + b_y (O,)."""
    return input_size * hidden_size + hidden_size * hidden_size + hidden_size + hidden_size * output_size + output_size


PARAMETER_COUNT_MISTAKES = (
    Mistake("the biases b_h and b_y are left out",
            lambda D, H, O: rnn_parameter_count(D, H, O) - H - O),
    Mistake("W_hh is counted as H numbers instead of H × H",
            lambda D, H, O: rnn_parameter_count(D, H, O) - H * H + H),
    Mistake("the output layer W_hy, b_y is left out", lambda D, H, O: rnn_parameter_count(D, H, 0)),
)


def check_parameter_count(student):
    """Self-check for a function (input_size, hidden_size, output_size) -> number of parameters."""
    cases = [Case("no inputs and no outputs: only W_hh and b_h count", (0, 4, 0)),
             Case("one input, one hidden unit, no outputs", (1, 1, 0)),
             Case("no inputs: the output layer W_hy and b_y", (0, 2, 3)),
             Case("the worked example: 3 inputs, 7 hidden, 1 output", (3, 7, 1))]
    return check_function(student, rnn_parameter_count, cases, "count_parameters",
                          arg_names=("input_size", "hidden_size", "output_size"), mistakes=PARAMETER_COUNT_MISTAKES)


def torch_rnn_to_course(weight_ih, weight_hh, bias_ih, bias_hh):
    """Reference: PyTorch's weight_ih (H, D), weight_hh (H, H) and two biases (H,) -> the course's
    W_xh (D, H), W_hh (H, H) and b_h (H,)."""
    return {"W_xh": np.asarray(weight_ih).T, "W_hh": np.asarray(weight_hh).T,
            "b_h": np.asarray(bias_ih) + np.asarray(bias_hh)}


TORCH_MISTAKES = (
    Mistake("the weights are not transposed (PyTorch stores them as (out, in), the course as (in, out))",
            lambda w_ih, w_hh, b_ih, b_hh: {"W_xh": w_ih, "W_hh": w_hh, "b_h": b_ih + b_hh}),
    Mistake("weight_hh is not transposed",
            lambda w_ih, w_hh, b_ih, b_hh: {"W_xh": w_ih.T, "W_hh": w_hh, "b_h": b_ih + b_hh}),
    Mistake("only bias_ih is kept (the course's b_h is the sum of PyTorch's two biases)",
            lambda w_ih, w_hh, b_ih, b_hh: {"W_xh": w_ih.T, "W_hh": w_hh.T, "b_h": b_ih}),
    Mistake("the two biases are averaged instead of added",
            lambda w_ih, w_hh, b_ih, b_hh: {"W_xh": w_ih.T, "W_hh": w_hh.T, "b_h": (b_ih + b_hh) / 2}),
)


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
    return check_function(student, torch_rnn_to_course, cases, "torch_to_course",
                          arg_names=("weight_ih", "weight_hh", "bias_ih", "bias_hh"), mistakes=TORCH_MISTAKES)


UVW_TO_COURSE = {"U": "W_xh", "W": "W_hh", "V": "W_hy"}
LETTER_ROLES = {"U": "multiplies the input x_t", "W": "multiplies the previous state h_{t-1}",
                "V": "turns the state h_t into the output o_t"}
COURSE_ROLES = {"W_xh": "input → hidden", "W_hh": "hidden → hidden", "W_hy": "hidden → output"}


def _uvw_problem(mapping):
    """What is wrong with the student's uvw dict, in one sentence without the answer; None if nothing."""
    if not isinstance(mapping, dict) or set(mapping) != set(UVW_TO_COURSE):
        return f"uvw: expected a dict with the keys 'U', 'W' and 'V', got {describe(mapping)}"
    if all(value is None for value in mapping.values()):
        return "uvw is not written yet."
    for letter, course in UVW_TO_COURSE.items():
        given = mapping[letter]
        if given is None:
            return f"uvw[{letter!r}] is still None: replace it by 'W_xh', 'W_hh' or 'W_hy'."
        if given not in COURSE_ROLES:
            return f"uvw[{letter!r}] is {given!r}, not one of the course's names 'W_xh', 'W_hh', 'W_hy'."
        if given != course:
            return (f"uvw[{letter!r}] is {given!r} ({COURSE_ROLES[given]}), but in h_t = tanh(U x_t + W h_{{t-1}}), "
                    f"o_t = V h_t the letter {letter} {LETTER_ROLES[letter]}.")
    return None


@returns_verdict
def check_notation_map(mapping):
    """Self-check for uvw, a dict mapping the letters U, W, V of other notes onto the course's names."""
    problem = _uvw_problem(mapping)
    print(f"✗ {problem}" if problem else "✓ U, W and V are mapped correctly.")
    return problem is None


register("count_parameters", "def count_parameters(input_size, hidden_size, output_size) -> int",
         "count every array of the network: W_xh (D, H), W_hh (H, H), b_h (H,), W_hy (H, O) and b_y (O,).",
         rnn_parameter_count, check_parameter_count)
register("torch_to_course", "def torch_to_course(weight_ih, weight_hh, bias_ih, bias_hh) -> dict",
         "PyTorch stores weights as (out, in) for column vectors; the course uses (in, out) for row vectors. "
         "PyTorch has two biases where the course has one.", torch_rnn_to_course, check_torch_to_course)
register("uvw", 'uvw = {"U": ..., "W": ..., "V": ...}',
         "U reads the input, W carries the state from step to step, V makes the output.",
         UVW_TO_COURSE, check_notation_map)
