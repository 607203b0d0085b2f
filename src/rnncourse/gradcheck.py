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


def _as_tuple(state):
    return state if isinstance(state, tuple) else (state,)


def _projection_loss(outputs, final, g_out, g_final):
    """sum(outputs * g_out) + sum(final * g_final): a scalar whose gradient is (g_out, g_final)."""
    total = float(np.sum(outputs * g_out))
    for s, g in zip(_as_tuple(final), g_final):
        total += float(np.sum(s * g))
    return total


def check_layer(layer, x, state0=None, seed=0, eps=1e-6):
    """Compare a sequence layer's backward pass with central differences.

    layer: has params, grads, forward(x, state0) -> (outputs, final_state) and
           backward(d_outputs, d_state) -> (dx, d_state0). Final states may be tuples (LSTM).
    x: (batch, time, features) float64.
    Returns {name: relative error} for "x", "state0" (when given) and every parameter.
    """
    _require_float64(x, "x")
    for name, value in layer.params.items():
        _require_float64(value, f"params[{name!r}]")
    rng = np.random.default_rng(seed)
    outputs, final = layer.forward(x, state0)
    g_out = rng.standard_normal(np.shape(outputs))
    g_final = tuple(rng.standard_normal(np.shape(s)) for s in _as_tuple(final))
    d_final = g_final if isinstance(final, tuple) else g_final[0]
    dx, d_state0 = layer.backward(g_out, d_final)
    analytic = {name: layer.grads[name].copy() for name in layer.params}

    def loss_at(x_value, state_value):
        out, fin = layer.forward(x_value, state_value)
        return _projection_loss(out, fin, g_out, g_final)

    errors = {"x": relative_error(dx, numerical_gradient(lambda v: loss_at(v, state0), x, eps))}
    if state0 is not None:
        for i, (s, ds) in enumerate(zip(_as_tuple(state0), _as_tuple(d_state0))):
            def with_part(v, i=i):
                parts = list(_as_tuple(state0))
                parts[i] = v
                return loss_at(x, tuple(parts) if isinstance(state0, tuple) else parts[0])
            key = "state0" if not isinstance(state0, tuple) else f"state0[{i}]"
            errors[key] = relative_error(ds, numerical_gradient(with_part, s, eps))
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
