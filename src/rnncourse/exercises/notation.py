"""Exercises of notebook 00: parameter counts and the notations of the literature."""
import numpy as np

from .compare import Case, Mistake, check_function, only, returns_verdict  # noqa: F401
from .registry import exercise, register


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


@returns_verdict
def check_notation_map(mapping):
    """Self-check for a dict mapping the U/W/V names onto the course's names."""
    found = first_difference(mapping, UVW_TO_COURSE, "your mapping")
    print(f"✗ {found}" if found else "✓ U, W and V are mapped correctly.")
    return found is None



register("count_parameters", "def count_parameters(input_size, hidden_size, output_size) -> int",
         "count every array of the network: W_xh (D, H), W_hh (H, H), b_h (H,), W_hy (H, O) and b_y (O,).",
         rnn_parameter_count, check_parameter_count)
register("torch_to_course", "def torch_to_course(weight_ih, weight_hh, bias_ih, bias_hh) -> dict",
         "PyTorch stores weights as (out, in) for column vectors; the course uses (in, out) for row vectors. "
         "PyTorch has two biases where the course has one.", torch_rnn_to_course, check_torch_to_course)
register("uvw", 'uvw = {"U": ..., "W": ..., "V": ...}',
         "U reads the input, W carries the state from step to step, V makes the output.",
         UVW_TO_COURSE, check_notation_map)
