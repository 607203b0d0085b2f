"""Classic sequence models, before RNNs: autoregression, Kalman filter, hidden Markov model.

Memoryless models predict from a fixed window of past values (`lag_matrix`,
`fit_autoregressive`). Models with memory carry a hidden state: continuous and Gaussian in a
linear dynamical system (`KalmanFilter`), discrete in a hidden Markov model (`HMM`).
These follow the usual column-vector maths, x⟨t+1⟩ = A x⟨t⟩ + w; arrays of states are still
stored time-first, (T, n).
"""
from dataclasses import dataclass

import numpy as np

from .init import as_rng
from .validation import as_float_array, check_finite, check_shape, positive_int


# ---------------------------------------------------------------- autoregression

def _series(series, name="series"):
    series = as_float_array(series, name)
    check_shape(series, (None,), name, ("time",))
    check_finite(series, name)
    return series


def lag_matrix(series, order):
    """Sliding windows: the values at t-order .. t-1 (oldest first) predict the value at t.

    series (T,) -> X (T - order, order), y (T - order,).
    """
    series, order = _series(series), positive_int(order, "order")
    if len(series) <= order:
        raise ValueError(f"series: expected more than order={order} values, got {len(series)}")
    X = np.lib.stride_tricks.sliding_window_view(series, order)[:-1].copy()   # (T - order, order)
    return X, series[order:].copy()


@dataclass
class ARModel:
    """x⟨t⟩ ≈ intercept + coef · (x⟨t-order⟩, ..., x⟨t-1⟩): coef (order,) is oldest first."""
    coef: np.ndarray
    intercept: float

    @property
    def order(self):
        return len(self.coef)

    def predict_next(self, windows):
        """windows (N, order) or (order,) -> predictions (N,) or a scalar."""
        windows = as_float_array(windows, "windows")
        if windows.ndim not in (1, 2) or windows.shape[-1] != self.order:
            raise ValueError(f"windows: expected shape (N, {self.order}) or ({self.order},), got {windows.shape}")
        return windows @ self.coef + self.intercept

    def forecast(self, history, steps):
        """Feed predictions back as inputs: history (>= order,) -> the next `steps` values (steps,)."""
        history, steps = _series(history, "history"), positive_int(steps, "steps")
        if len(history) < self.order:
            raise ValueError(f"history: expected at least order={self.order} values, got {len(history)}")
        window = list(history[-self.order:])
        for _ in range(steps):
            window.append(float(self.predict_next(np.array(window[-self.order:]))))
        return np.array(window[self.order:])


def fit_autoregressive(series, order):
    """Least-squares fit (np.linalg.lstsq) of an AR(order) model with intercept to series (T,)."""
    X, y = lag_matrix(series, order)
    if len(y) < order + 1:
        raise ValueError(f"series: expected at least {2 * order + 1} values to fit {order + 1} "
                         f"parameters, got {len(series)}")
    design = np.column_stack([X, np.ones(len(y))])               # (T - order, order + 1)
    solution = np.linalg.lstsq(design, y, rcond=None)[0]
    return ARModel(coef=solution[:-1], intercept=float(solution[-1]))


# ---------------------------------------------------------------- linear dynamical system

def _matrix(value, shape, name, covariance=False):
    value = as_float_array(value, name)
    check_shape(value, shape, name)
    check_finite(value, name)
    if covariance:
        if not np.allclose(value, value.T):
            raise ValueError(f"{name}: expected a symmetric covariance matrix, got {value.tolist()}")
        if np.linalg.eigvalsh(value).min() < -1e-10:
            raise ValueError(f"{name}: expected a positive semi-definite covariance, "
                             f"got eigenvalues {np.linalg.eigvalsh(value)}")
    return value


def _lds(A, C, Q, R, x0):
    A = as_float_array(A, "A")
    n = A.shape[0] if A.ndim == 2 else None
    A = _matrix(A, (n, n), "A")
    C = _matrix(C, (None, n), "C")
    m = C.shape[0]
    return A, C, _matrix(Q, (n, n), "Q", True), _matrix(R, (m, m), "R", True), _matrix(x0, (n,), "x0")


def gaussian_noise(cov, size, rng):
    """(size, n) draws from N(0, cov) through the Cholesky factor, which (unlike an SVD) is unique,
    so a seed gives the same numbers with any LAPACK; a singular cov gets a 1e-12 jitter."""
    n = cov.shape[0]
    try:
        factor = np.linalg.cholesky(cov)
    except np.linalg.LinAlgError:
        factor = np.linalg.cholesky(cov + 1e-12 * max(np.trace(cov), 1.0) * np.eye(n))
    return rng.standard_normal((size, n)) @ factor.T


def simulate_lds(A, C, Q, R, x0, T, rng=0):
    """Sample a linear dynamical system started at the state x0 (n,).

    x⟨0⟩ = x0, x⟨t⟩ = A x⟨t-1⟩ + w, w ~ N(0, Q);  y⟨t⟩ = C x⟨t⟩ + v, v ~ N(0, R).
    Returns states (T, n) and observations (T, m).
    """
    A, C, Q, R, x0 = _lds(A, C, Q, R, x0)
    T, rng = positive_int(T, "T"), as_rng(rng)
    n = C.shape[1]
    states = np.empty((T, n))
    states[0] = x0
    for t in range(1, T):
        states[t] = A @ states[t - 1] + gaussian_noise(Q, 1, rng)[0]
    observations = states @ C.T + gaussian_noise(R, T, rng)   # (T, m)
    return states, observations


class KalmanFilter:
    """Exact filtering in x⟨t⟩ = A x⟨t-1⟩ + N(0, Q), y⟨t⟩ = C x⟨t⟩ + N(0, R).

    The prior of the first state x⟨0⟩ is N(x0, P0); A (n, n), C (m, n), Q (n, n), R (m, m).
    """

    def __init__(self, A, C, Q, R, x0, P0):
        self.A, self.C, self.Q, self.R, self.x0 = _lds(A, C, Q, R, x0)
        n = len(self.x0)
        self.P0 = _matrix(P0, (n, n), "P0", True)

    def filter(self, observations):
        """observations (T, m), or (T,) when m = 1 -> means (T, n) and covariances (T, n, n)
        of p(x⟨t⟩ | y⟨0⟩ .. y⟨t⟩)."""
        m, n = self.C.shape
        ys = as_float_array(observations, "observations")
        if ys.ndim == 1 and m == 1:
            ys = ys[:, None]
        check_shape(ys, (None, m), "observations", ("time", "observed"))
        check_finite(ys, "observations")
        means, covariances = np.empty((len(ys), n)), np.empty((len(ys), n, n))
        mean, cov = self.x0, self.P0
        for t, y in enumerate(ys):
            if t > 0:                                                 # predict
                mean, cov = self.A @ mean, self.A @ cov @ self.A.T + self.Q
            S = self.C @ cov @ self.C.T + self.R                      # innovation covariance (m, m)
            K = np.linalg.solve(S, self.C @ cov).T                    # gain (n, m) = P Cᵀ S⁻¹
            mean = mean + K @ (y - self.C @ mean)                     # update
            cov = cov - K @ S @ K.T
            cov = (cov + cov.T) / 2
            means[t], covariances[t] = mean, cov
        return means, covariances


# ---------------------------------------------------------------- hidden Markov model

def _probabilities(value, shape, name):
    value = _matrix(value, shape, name)
    if (value < 0).any():
        raise ValueError(f"{name}: expected probabilities >= 0, got minimum {value.min()}")
    sums = value.sum(axis=-1)
    if not np.allclose(sums, 1.0, atol=1e-8):
        raise ValueError(f"{name}: expected every row to sum to 1, got sums {np.round(sums, 6).tolist()}")
    return value


class HMM:
    """Hidden Markov model with K hidden states and M discrete observation symbols.

    start (K,): p(s⟨0⟩); transition (K, K): row i is p(s⟨t+1⟩ | s⟨t⟩ = i);
    emission (K, M): row i is p(o⟨t⟩ | s⟨t⟩ = i).
    """

    def __init__(self, start, transition, emission):
        self.start = _probabilities(start, (None,), "start")
        K = len(self.start)
        self.transition = _probabilities(transition, (K, K), "transition")
        self.emission = _probabilities(emission, (K, None), "emission")
        with np.errstate(divide="ignore"):                    # log 0 = -inf is what we want
            self._log = [np.log(p) for p in (self.start, self.transition, self.emission)]

    def _observations(self, observations):
        obs = np.asarray(observations)
        M = self.emission.shape[1]
        expected = f"observations: expected a non-empty 1-D array of integer symbols in [0, {M})"
        if obs.ndim != 1 or len(obs) == 0 or obs.dtype.kind not in "iu":
            raise ValueError(f"{expected}, got a {obs.dtype} array of shape {obs.shape}")
        if obs.min() < 0 or obs.max() >= M:
            raise ValueError(f"{expected}, got values from {obs.min()} to {obs.max()}")
        return obs

    def sample(self, T, rng=0):
        """Returns hidden states (T,) and observations (T,), both int64."""
        T, rng = positive_int(T, "T"), as_rng(rng)
        K, M = self.emission.shape
        states, observations = np.empty(T, dtype=np.int64), np.empty(T, dtype=np.int64)
        for t in range(T):
            p = self.start if t == 0 else self.transition[states[t - 1]]
            states[t] = rng.choice(K, p=p)
            observations[t] = rng.choice(M, p=self.emission[states[t]])
        return states, observations

    def viterbi(self, observations):
        """Most probable hidden path: observations (T,) -> best_path (T,), log p(path, observations)."""
        obs = self._observations(observations)
        log_start, log_trans, log_emit = self._log
        delta = log_start + log_emit[:, obs[0]]                  # (K,) best log prob ending in each state
        back = np.zeros((len(obs), len(delta)), dtype=np.int64)
        for t in range(1, len(obs)):
            scores = delta[:, None] + log_trans                  # (K from, K to)
            back[t] = scores.argmax(axis=0)
            delta = scores.max(axis=0) + log_emit[:, obs[t]]
        path = np.empty(len(obs), dtype=np.int64)
        path[-1] = delta.argmax()
        for t in range(len(obs) - 1, 0, -1):
            path[t - 1] = back[t, path[t]]
        return path, float(delta.max())

    def log_likelihood(self, observations):
        """log p(observations) by the forward algorithm in log space: observations (T,) -> float."""
        obs = self._observations(observations)
        log_start, log_trans, log_emit = self._log
        alpha = log_start + log_emit[:, obs[0]]                  # (K,) log p(o⟨0..t⟩, s⟨t⟩)
        for o in obs[1:]:
            alpha = np.logaddexp.reduce(alpha[:, None] + log_trans, axis=0) + log_emit[:, o]
        return float(np.logaddexp.reduce(alpha))
