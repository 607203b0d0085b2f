"""Realistic wrong answers to the exercises of notebook 00, each with the words its ✗ message must contain."""


def _no_biases(input_size, hidden_size, output_size):
    D, H, O = input_size, hidden_size, output_size
    return D * H + H * H + H * O


def _no_output_layer(input_size, hidden_size, output_size):
    D, H = input_size, hidden_size
    return D * H + H * H + H


def _no_transposes(weight_ih, weight_hh, bias_ih, bias_hh):
    return {"W_xh": weight_ih, "W_hh": weight_hh, "b_h": bias_ih + bias_hh}


def _one_bias(weight_ih, weight_hh, bias_ih, bias_hh):
    return {"W_xh": weight_ih.T, "W_hh": weight_hh.T, "b_h": bias_ih}


def _forgot_weight_hh_transpose(weight_ih, weight_hh, bias_ih, bias_hh):
    return {"W_xh": weight_ih.T, "W_hh": weight_hh, "b_h": bias_ih + bias_hh}


WRONG_ANSWERS = {
    "count_parameters": [
        (_no_biases, ["only W_hh and b_h count", "expected 20, got 16", "biases b_h and b_y are left out"]),
        (_no_output_layer, ["the output layer W_hy and b_y", "output layer W_hy, b_y is left out"]),
    ],
    "torch_to_course": [
        (_no_transposes, ["only weight_ih is non-zero", "expected shape (2, 3), got (3, 2)", "not transposed"]),
        (_forgot_weight_hh_transpose, ["result['W_hh']", "weight_hh is not transposed"]),
        (_one_bias, ["only the two biases are non-zero", "only bias_ih is kept"]),
    ],
    "uvw": [
        ({"U": "W_hh", "W": "W_xh", "V": "W_hy"}, ["uvw['U'] is 'W_hh'", "U multiplies the input"]),
        ({"U": "W_xh", "W": "W_hh", "V": None}, ["uvw['V'] is still None"]),
        ({"U": "Wxh", "W": "Whh", "V": "Why"}, ["'Wxh', not one of the course's names"]),
        ({"U": "W_xh", "W": "W_hh"}, ["expected a dict with the keys 'U', 'W' and 'V'"]),
    ],
}
