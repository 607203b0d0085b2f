"""Gradient checking by central differences, in float64 only.

Finite differences in float32 are too coarse to tell a correct backward pass from a wrong
one (the rounding error of a float32 loss swamps the difference quotient), so every function
here refuses float32 and says why.
"""
import numpy as np

FLOAT32_REFUSAL = ("gradient checks need float64: finite differences in float32 have a "
                   "rounding error near 1e-3, larger than the errors we are looking for; "
                   "convert with x.astype(np.float64)")


def _require_float64(array, name):
    if np.asarray(array).dtype != np.float64:
        raise TypeError(f"{name}: expected a float64 array, got {np.asarray(array).dtype} ({FLOAT32_REFUSAL})")


def relative_error(a, b):
    """max |a - b| / max(1e-8, max(|a| + |b|)): one number for two whole arrays."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"relative_error: expected arrays of the same shape, got {a.shape} and {b.shape}")
    if a.size == 0:
        return 0.0
    return float(np.max(np.abs(a - b)) / max(1e-8, float(np.max(np.abs(a) + np.abs(b)))))


def numerical_gradient(f, x, eps=1e-6):
    """Central-difference gradient of the scalar function `f` at `x`.

    `f` is called with arrays of x's shape; `x` itself is never changed.
    Returns an array of x's shape: (f(x + eps e_i) - f(x - eps e_i)) / (2 eps) per entry.
    """
    _require_float64(x, "x")
    point = np.array(x, dtype=np.float64)
    grad = np.empty_like(point)
    for index in np.ndindex(point.shape):
        kept = point[index]
        point[index] = kept + eps
        up = float(f(point))
        point[index] = kept - eps
        down = float(f(point))
        point[index] = kept
        grad[index] = (up - down) / (2 * eps)
    return grad


def _random_like(state, rng):
    """Random normal arrays with the structure of `state` (an array, or nested tuples/lists of them)."""
    if isinstance(state, (tuple, list)):
        return type(state)(_random_like(part, rng) for part in state)
    return rng.standard_normal(np.shape(state))


def _dot(state, weights):
    """sum(state * weights) over every array of two states of the same structure."""
    if isinstance(state, (tuple, list)):
        return sum(_dot(s, w) for s, w in zip(state, weights))
    return float(np.sum(state * weights))


def _leaves(state, name="state0", path=()):
    """[(name, path, array)] for every array of a (nested) state, e.g. ("state0[1][0]", (1, 0), c0)."""
    if isinstance(state, (tuple, list)):
        return [leaf for i, part in enumerate(state) for leaf in _leaves(part, f"{name}[{i}]", path + (i,))]
    return [(name, path, state)]


def _replace_leaf(state, path, value):
    """A copy of the (nested) state with the array at `path` (indices) replaced by `value`."""
    if not path:
        return value
    parts = list(state)
    parts[path[0]] = _replace_leaf(parts[path[0]], path[1:], value)
    return type(state)(parts)


def check_layer(layer, x, state0=None, seed=0, eps=1e-6):
    """Compare a sequence layer's backward pass with central differences.

    layer: has params, grads, forward(x, state0) -> (outputs, final_state) and
           backward(d_outputs, d_state) -> (dx, d_state0). States may be nested tuples/lists
           (an LSTM's (h, c), a Stack's list of per-layer states).
    x: (batch, time, features) float64.
    Returns {name: relative error} for "x", every array of "state0" (when given) and every parameter.
    """
    _require_float64(x, "x")
    for name, value in layer.params.items():
        _require_float64(value, f"params[{name!r}]")
    rng = np.random.default_rng(seed)
    outputs, final = layer.forward(x, state0)
    g_out = rng.standard_normal(np.shape(outputs))
    g_final = _random_like(final, rng)
    dx, d_state0 = layer.backward(g_out, g_final)
    analytic = {name: layer.grads[name].copy() for name in layer.params}

    def loss_at(x_value, state_value):
        out, fin = layer.forward(x_value, state_value)
        return float(np.sum(out * g_out)) + _dot(fin, g_final)

    errors = {"x": relative_error(dx, numerical_gradient(lambda v: loss_at(v, state0), x, eps))}
    if state0 is not None:
        for (key, path, value), (_, _, grad) in zip(_leaves(state0), _leaves(d_state0)):
            def with_leaf(v, path=path):
                return loss_at(x, _replace_leaf(state0, path, v))
            errors[key] = relative_error(grad, numerical_gradient(with_leaf, np.asarray(value), eps))
    for name, param in layer.params.items():
        original = param.copy()

        def with_param(v, name=name):
            layer.params[name][...] = v
            return loss_at(x, state0)
        numeric = numerical_gradient(with_param, original, eps)
        layer.params[name][...] = original
        errors[name] = relative_error(analytic[name], numeric)
    return errors


def assert_gradients_close(errors, tol=1e-6):
    """Raise AssertionError naming every gradient whose relative error exceeds `tol`."""
    bad = {k: v for k, v in errors.items() if not v <= tol}
    if bad:
        listed = ", ".join(f"{k}: {v:.2e}" for k, v in bad.items())
        raise AssertionError(f"gradients differ from central differences (tolerance {tol:.0e}): {listed}")
