"""Tests of rnncourse.tasks and rnncourse.classic, each against an independent computation."""
import itertools
import os
import subprocess
import sys
from collections import Counter

import numpy as np
import pytest

from rnncourse import tasks
from rnncourse.classic import HMM, KalmanFilter, fit_autoregressive, lag_matrix, simulate_lds


# ---------------------------------------------------------------- HMM

def random_hmm(K, M, seed):
    rng = np.random.default_rng(seed)
    return HMM(rng.dirichlet(np.ones(K)), rng.dirichlet(np.ones(K), size=K), rng.dirichlet(np.ones(M), size=K))


def log_joint(hmm, path, obs):
    p = hmm.start[path[0]] * hmm.emission[path[0], obs[0]]
    for t in range(1, len(obs)):
        p *= hmm.transition[path[t - 1], path[t]] * hmm.emission[path[t], obs[t]]
    return np.log(p)


CASES = [(K, T, seed) for K in (2, 3) for T in (1, 3, 6) for seed in range(3)]


@pytest.mark.parametrize("K, T, seed", CASES)
def test_viterbi_matches_brute_force(K, T, seed):
    hmm = random_hmm(K, 4, seed)
    _, obs = hmm.sample(T, rng=seed + 100)
    scores = {path: log_joint(hmm, path, obs) for path in itertools.product(range(K), repeat=T)}
    best = max(scores, key=scores.get)
    path, log_prob = hmm.viterbi(obs)
    assert tuple(path) == best
    assert log_prob == pytest.approx(scores[best], rel=1e-12)


@pytest.mark.parametrize("K, T, seed", CASES)
def test_forward_likelihood_matches_brute_force(K, T, seed):
    hmm = random_hmm(K, 3, seed)
    _, obs = hmm.sample(T, rng=seed + 200)
    total = sum(np.exp(log_joint(hmm, path, obs)) for path in itertools.product(range(K), repeat=T))
    assert hmm.log_likelihood(obs) == pytest.approx(np.log(total), rel=1e-12)


def test_hmm_with_impossible_transitions_and_sampling():
    # a deterministic cycle 0 -> 1 -> 2 -> 0 with each state emitting its own symbol
    hmm = HMM([1, 0, 0], np.roll(np.eye(3), 1, axis=1), np.eye(3))
    states, obs = hmm.sample(7, rng=0)
    assert states.tolist() == obs.tolist() == [0, 1, 2, 0, 1, 2, 0]
    path, log_prob = hmm.viterbi(obs)
    assert path.tolist() == obs.tolist() and log_prob == 0.0
    assert hmm.log_likelihood([0, 2]) == -np.inf


def test_hmm_rejects_bad_arguments():
    with pytest.raises(ValueError, match="expected every row to sum to 1"):
        HMM([0.5, 0.5], [[0.9, 0.2], [0.5, 0.5]], [[1.0], [1.0]])
    with pytest.raises(ValueError, match="expected shape"):
        HMM([0.5, 0.5], np.eye(3), [[1.0], [1.0]])
    with pytest.raises(ValueError, match="expected probabilities >= 0"):
        HMM([1.5, -0.5], np.eye(2), [[1.0], [1.0]])
    hmm = random_hmm(2, 3, 0)
    for bad in ([0, 3], [0.5, 1.0], [], [[0, 1]]):
        with pytest.raises(ValueError, match="expected"):
            hmm.viterbi(bad)


# ---------------------------------------------------------------- Kalman filter

def test_kalman_random_walk_reaches_closed_form_steady_state():
    q, r = 0.3, 2.0
    kf = KalmanFilter([[1.0]], [[1.0]], [[q]], [[r]], [0.0], [[5.0]])
    _, ys = simulate_lds([[1.0]], [[1.0]], [[q]], [[r]], [0.0], 200, rng=1)
    means, covs = kf.filter(ys[:, 0])
    predicted = (q + np.sqrt(q * q + 4 * q * r)) / 2        # solves P = P - P²/(P + r) + q
    gain = predicted / (predicted + r)
    assert covs[-1, 0, 0] == pytest.approx(gain * r, rel=1e-10)
    innovation = ys[-1, 0] - means[-2, 0]
    assert means[-1, 0] - means[-2, 0] == pytest.approx(gain * innovation, rel=1e-8)


@pytest.mark.parametrize("T, m, seed", [(1, 1, 0), (3, 1, 1), (4, 2, 2)])
def test_kalman_equals_direct_gaussian_conditioning(T, m, seed):
    rng = np.random.default_rng(seed)
    n = 2
    A = np.array([[0.9, 0.2], [-0.1, 0.8]])
    C = rng.standard_normal((m, n))
    Q, R, P0 = np.diag([0.2, 0.1]), 0.5 * np.eye(m), np.array([[1.0, 0.3], [0.3, 0.5]])
    x0 = np.array([1.0, -1.0])
    _, ys = simulate_lds(A, C, Q, R, x0, T, rng=seed)
    # joint Gaussian of (x⟨0..T-1⟩, y⟨0..T-1⟩) as a linear map G of independent noises
    # z = (e0 ~ P0, w1..w(T-1) ~ Q, v0..v(T-1) ~ R), with explicit mean and covariance
    D = np.zeros((T * n + T * m,) * 2)
    D[:n, :n] = P0
    for t in range(1, T):
        D[t * n:(t + 1) * n, t * n:(t + 1) * n] = Q
    for t in range(T):
        D[T * n + t * m:T * n + (t + 1) * m, T * n + t * m:T * n + (t + 1) * m] = R
    Gx = np.zeros((T * n, T * n + T * m))
    mean_x = np.zeros(T * n)
    for t in range(T):
        mean_x[t * n:(t + 1) * n] = np.linalg.matrix_power(A, t) @ x0
        for k in range(t + 1):
            Gx[t * n:(t + 1) * n, k * n:(k + 1) * n] = np.linalg.matrix_power(A, t - k)
    Gy = np.kron(np.eye(T), C) @ Gx
    Gy[:, T * n:] += np.eye(T * m)
    mean_y = np.kron(np.eye(T), C) @ mean_x
    cov_xy, cov_yy, cov_xx = Gx @ D @ Gy.T, Gy @ D @ Gy.T, Gx @ D @ Gx.T

    means, covs = KalmanFilter(A, C, Q, R, x0, P0).filter(ys)
    for t in range(T):
        sx, sy = slice(t * n, (t + 1) * n), slice(0, (t + 1) * m)
        gain = np.linalg.solve(cov_yy[sy, sy], cov_xy[sx, sy].T).T
        np.testing.assert_allclose(means[t], mean_x[sx] + gain @ (ys[:t + 1].ravel() - mean_y[sy]), atol=1e-10)
        np.testing.assert_allclose(covs[t], cov_xx[sx, sx] - gain @ cov_xy[sx, sy].T, atol=1e-10)


def test_kalman_rejects_bad_arguments():
    with pytest.raises(ValueError, match="expected shape"):
        KalmanFilter(np.eye(2), np.ones((1, 3)), np.eye(2), np.eye(1), np.zeros(2), np.eye(2))
    with pytest.raises(ValueError, match="expected a symmetric"):
        KalmanFilter(np.eye(2), np.ones((1, 2)), [[1, 1], [0, 1]], np.eye(1), np.zeros(2), np.eye(2))
    with pytest.raises(ValueError, match="expected a positive semi-definite"):
        KalmanFilter(np.eye(2), np.ones((1, 2)), np.eye(2), -np.eye(1), np.zeros(2), np.eye(2))
    kf = KalmanFilter(np.eye(2), np.ones((2, 2)), np.eye(2), np.eye(2), np.zeros(2), np.eye(2))
    with pytest.raises(ValueError, match="expected shape"):
        kf.filter(np.zeros((5, 3)))
    with pytest.raises(ValueError, match="expected finite"):
        kf.filter(np.full((5, 2), np.nan))


# ---------------------------------------------------------------- autoregression

def simulate_ar2(T, seed, noise=1.0):
    rng = np.random.default_rng(seed)
    x = np.zeros(T)
    for t in range(2, T):
        x[t] = 0.5 + 0.6 * x[t - 1] - 0.3 * x[t - 2] + noise * rng.standard_normal()
    return x


def test_lag_matrix_windows():
    X, y = lag_matrix(np.arange(6.0), 3)
    assert X.tolist() == [[0, 1, 2], [1, 2, 3], [2, 3, 4]] and y.tolist() == [3, 4, 5]


def test_ar_fit_recovers_coefficients_and_equals_normal_equations():
    series = simulate_ar2(20000, seed=0)
    model = fit_autoregressive(series, 2)
    np.testing.assert_allclose(model.coef, [-0.3, 0.6], atol=0.03)   # oldest lag first
    assert model.intercept == pytest.approx(0.5, abs=0.05)
    X, y = lag_matrix(series, 2)
    design = np.column_stack([X, np.ones(len(y))])
    beta = np.linalg.solve(design.T @ design, design.T @ y)
    np.testing.assert_allclose(np.append(model.coef, model.intercept), beta, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(model.predict_next(X[:5]), design[:5] @ beta, rtol=1e-9)


def test_ar_forecast_continues_a_noiseless_series():
    series = simulate_ar2(60, seed=0, noise=0.0)
    model = fit_autoregressive(series[:40], 2)
    np.testing.assert_allclose(model.forecast(series[:40], 20), series[40:], atol=1e-8)


def test_ar_rejects_bad_arguments():
    with pytest.raises(ValueError, match="expected an integer >= 1"):
        lag_matrix(np.arange(5.0), 0)
    with pytest.raises(ValueError, match="expected more than order=5"):
        lag_matrix(np.arange(5.0), 5)
    with pytest.raises(ValueError, match="expected at least 7 values"):
        fit_autoregressive(np.arange(6.0), 3)
    with pytest.raises(ValueError, match="expected shape"):
        lag_matrix(np.ones((4, 2)), 1)
    model = fit_autoregressive(simulate_ar2(100, 0), 2)
    with pytest.raises(ValueError, match="expected shape"):
        model.predict_next(np.ones((4, 3)))
    with pytest.raises(ValueError, match="expected at least order=2"):
        model.forecast([1.0], 3)


# ---------------------------------------------------------------- tasks

GENERATORS = {
    "sine": lambda rng: tasks.sine_waves(4, 12, rng, noise=0.1),
    "adding": lambda rng: tasks.adding_problem(5, 10, rng),
    "adding_lag": lambda rng: tasks.adding_problem_with_lag(5, 9, rng),
    "sorting": lambda rng: tasks.sorting_task(5, 6, rng),
}


@pytest.mark.parametrize("name", GENERATORS)
def test_generators_are_seeded(name):
    make = GENERATORS[name]
    same, other = make(3), make(4)
    for a, b, c in zip(same, make(np.random.default_rng(3)), other):
        np.testing.assert_array_equal(a, b)
        assert not np.array_equal(a, c)


def test_sine_waves():
    x, y = tasks.sine_waves(4, 12, 0)
    assert x.shape == y.shape == (4, 12, 1) and x.dtype == np.float64
    np.testing.assert_array_equal(x[:, 1:], y[:, :-1])          # target = next value
    assert np.abs(x).max() <= 1.0


def check_adding(x, y, first_half_end):
    values, markers = x[..., 0], x[..., 1]
    assert ((values >= 0) & (values < 1)).all()
    assert (markers.sum(axis=1) == 2).all() and set(np.unique(markers)) <= {0.0, 1.0}
    assert (markers[:, :first_half_end].sum(axis=1) == 1).all()
    np.testing.assert_allclose(y[:, 0], (values * markers).sum(axis=1))


def test_adding_problem():
    x, y = tasks.adding_problem(50, 11, 0)
    assert x.shape == (50, 11, 2) and y.shape == (50, 1) and x.dtype == y.dtype == np.float64
    check_adding(x, y, 11 // 2)


def test_adding_problem_with_lag():
    x, y = tasks.adding_problem_with_lag(50, 8, 0)
    assert x.shape == (50, 9, 2)
    check_adding(x, y, 9 // 2)
    assert (x[:, 0, 1] == 1).all()                               # first marker lag steps before the end


def test_adding_accuracy():
    assert tasks.adding_accuracy([[1.0], [1.05], [0.97]], [[1.0], [1.0], [1.0]]) == pytest.approx(2 / 3)
    _, y = tasks.adding_problem(20000, 4, 0)
    assert tasks.adding_accuracy(np.ones_like(y), y) == pytest.approx(0.0784, abs=0.006)
    with pytest.raises(ValueError, match="expected the target's shape"):
        tasks.adding_accuracy(np.ones(3), np.ones((3, 1)))


def test_sorting_task():
    ids, targets = tasks.sorting_task(30, 7, 0, max_value=5)
    assert ids.shape == targets.shape == (30, 7) and ids.dtype == targets.dtype == np.int64
    assert ids.min() >= 0 and ids.max() < 5
    assert (np.diff(targets, axis=1) >= 0).all()
    assert all(Counter(a) == Counter(b) for a, b in zip(ids.tolist(), targets.tolist()))


def test_toy_grammar_classes_and_words():
    sentences, labels = tasks.toy_grammar(401, 0)
    assert len(sentences) == 401 and labels.shape == (401,) and labels.dtype == np.int64
    assert labels.sum() == 201
    assert [tasks.is_grammatical(s) for s in sentences] == [bool(label) for label in labels]
    words = {label: Counter(w for s, lab in zip(sentences, labels) if lab == label for w in s) for label in (0, 1)}
    assert set(words[0]) == set(words[1]) == set(tasks.GRAMMAR_VOCABULARY)   # same words in both classes
    assert all(3 <= len(s) <= 8 for s in sentences)
    assert tasks.is_grammatical("the dog near the cats runs".split())
    assert not tasks.is_grammatical("the dog near the cats run".split())
    assert not tasks.is_grammatical("dog the runs".split())


def test_toy_grammar_is_seeded_and_stable_across_processes():
    assert list(tasks.GRAMMAR_VOCABULARY) == sorted(tasks.GRAMMAR_VOCABULARY)
    assert tasks.toy_grammar(20, 5)[0] == tasks.toy_grammar(20, 5)[0] != tasks.toy_grammar(20, 6)[0]
    code = "from rnncourse import tasks; print(tasks.GRAMMAR_VOCABULARY, tasks.toy_grammar(20, 5)[0])"
    expected = f"{tasks.GRAMMAR_VOCABULARY} {tasks.toy_grammar(20, 5)[0]}"
    src = os.path.dirname(os.path.dirname(tasks.__file__))
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed, "PYTHONPATH": src}
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
        assert out.stdout.strip() == expected


def test_train_test_split():
    x, labels = np.arange(20).reshape(10, 2), list("abcdefghij")
    x_train, x_test, l_train, l_test = tasks.train_test_split(x, labels, test_fraction=0.3, rng=0)
    assert x_train.shape == (7, 2) and x_test.shape == (3, 2) and isinstance(l_test, list)
    assert sorted(x_train[:, 0].tolist() + x_test[:, 0].tolist()) == x[:, 0].tolist()
    assert [labels[v // 2] for v in x_test[:, 0]] == l_test                 # one permutation for all
    with pytest.raises(ValueError, match="expected equal lengths"):
        tasks.train_test_split(x, labels[:5])
    with pytest.raises(ValueError, match="expected a fraction"):
        tasks.train_test_split(x, test_fraction=0.0)


@pytest.mark.parametrize("call", [
    lambda: tasks.sine_waves(0, 5),
    lambda: tasks.sine_waves(2, 5, noise=-1.0),
    lambda: tasks.sine_waves(2, 5, frequency=(0.1, 0.7)),
    lambda: tasks.adding_problem(4, 1),
    lambda: tasks.adding_problem(2.5, 10),
    lambda: tasks.adding_problem_with_lag(4, 0),
    lambda: tasks.sorting_task(4, 5, max_value=1),
    lambda: tasks.toy_grammar(1),
    lambda: tasks.toy_grammar(10, attractor_prob=1.5),
    lambda: tasks.is_grammatical(["the", "unicorn", "runs"]),
])
def test_tasks_reject_bad_arguments(call):
    with pytest.raises(ValueError, match="expected"):
        call()


def test_adding_accuracy_is_shown_as_chance_only_near_the_chance_level():
    from rnncourse.tasks import ADDING_CHANCE, format_adding_accuracy
    assert abs(ADDING_CHANCE - 0.0784) < 1e-12
    assert format_adding_accuracy(0.07) == format_adding_accuracy(0.09) == "chance"
    assert format_adding_accuracy(0.22) == "22%" and format_adding_accuracy(0.995) == "100%"


def test_seasonal_sales_has_both_cycles_and_a_longer_series_extends_a_shorter_one():
    from rnncourse.tasks import seasonal_sales
    long, short = seasonal_sales(600, rng=0), seasonal_sales(400, rng=0)
    assert long.shape == (600,) and np.array_equal(long[:400], short)
    clean = seasonal_sales(60, noise=0.0)
    assert np.allclose(clean, 10 + np.sin(2 * np.pi * np.arange(60) / 30) + 0.6 * np.sin(2 * np.pi * np.arange(60) / 7))
    assert abs(np.std(long - seasonal_sales(600, noise=0.0)) - 0.2) < 0.02
    with pytest.raises(ValueError, match="days: expected an integer >= 1"):
        seasonal_sales(0)
