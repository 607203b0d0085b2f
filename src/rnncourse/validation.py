"""Input checks shared by every public entry point.

Each check raises an error that says what was expected and what was received, so a
student sees at once which argument is wrong and how.
"""
import numpy as np

FLOAT_DTYPES = (np.float32, np.float64)


def as_float_array(value, name):
    """Return `value` as a float32/float64 array (ints become float64); never copies floats."""
    array = np.asarray(value)
    if array.dtype.kind in "iub":
        array = array.astype(np.float64)
    if array.dtype.type not in FLOAT_DTYPES:
        raise TypeError(f"{name}: expected a float32 or float64 array, got dtype {array.dtype}")
    return array


def check_finite(array, name):
    """Raise ValueError if `array` holds NaN or inf, saying where the first one is."""
    finite = np.isfinite(array)
    if not finite.all():
        where = tuple(int(i) for i in np.argwhere(~finite)[0])
        raise ValueError(f"{name}: expected finite values, got {array[where]} at index {where}")


def check_shape(array, expected, name, meaning=None):
    """Check `array.shape` against `expected`, a tuple whose None entries match any size.

    `meaning` names the axes, e.g. ("batch", "time", "features"), for the message.
    """
    shape = np.shape(array)
    ok = len(shape) == len(expected) and all(e is None or e == s for e, s in zip(expected, shape))
    if not ok:
        shown = tuple("any" if e is None else e for e in expected)
        axes = f"({', '.join(meaning)}) = " if meaning else ""
        raise ValueError(f"{name}: expected shape {axes}{shown}, got {shape}")


def check_sequence_input(x, features, name="x"):
    """Validate a batch of sequences: a finite float array of shape (batch, time, features)."""
    x = as_float_array(x, name)
    check_shape(x, (None, None, features), name, ("batch", "time", "features"))
    check_nonempty(x.shape, name)
    check_finite(x, name)
    return x


def check_nonempty(shape, name):
    """A batch of sequences (batch, time, ...) needs at least one sequence of at least one step."""
    if shape[0] == 0 or shape[1] == 0:
        raise ValueError(f"{name}: expected at least one sequence of at least one step, got shape {shape}")


def check_ids(ids, size, name):
    """Return ids as an integer array, checking every id is in [0, size)."""
    ids = np.asarray(ids)
    if ids.size == 0:
        return ids.astype(np.int64)
    if ids.dtype.kind not in "iu":
        raise TypeError(f"{name}: expected integer ids, got dtype {ids.dtype}")
    if ids.min() < 0 or ids.max() >= size:
        bad = ids[(ids < 0) | (ids >= size)].flat[0]
        raise ValueError(f"{name}: expected ids in [0, {size}), got {bad}")
    return ids


def check_gradient(grad, expected_shape, name):
    """Validate an upstream gradient: finite and exactly `expected_shape`."""
    grad = as_float_array(grad, name)
    check_shape(grad, tuple(expected_shape), name)
    check_finite(grad, name)
    return grad


def require_forward(cache, layer_name):
    """Raise a RuntimeError when backward is called before forward."""
    if cache is None:
        raise RuntimeError(f"{layer_name}.backward: expected a forward pass first, got none "
                           "(call forward(x) before backward(...))")


def positive_int(value, name, minimum=1):
    """Return `value` as an int, or raise saying which integer was expected."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name}: expected an integer >= {minimum}, got {value!r}")
    return int(value)
