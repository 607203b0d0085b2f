"""Seeded generators of the synthetic tasks the notebooks train on.

Every generator takes `rng` (a numpy Generator or an int seed) and returns numpy arrays in
the course's batch-first layout (batch, time, features), so the same seed always gives the
same data on every machine.
"""
import re

import numpy as np

from .init import as_rng
from .validation import positive_int


# ---------------------------------------------------------------- sine waves

def sine_waves(n, length, rng=0, noise=0.0, frequency=(0.02, 0.1)):
    """Noisy sine waves for next-step prediction.

    Each sequence is sin(2π f t + φ) + noise·ε with f uniform in `frequency` (cycles per
    step, below the Nyquist limit 0.5), φ uniform in [0, 2π) and ε standard normal.
    Returns x (n, length, 1) and y (n, length, 1) with y[:, t] = x[:, t + 1]: the target at
    every step is the next observed value.
    """
    n, length = positive_int(n, "n"), positive_int(length, "length")
    low, high = frequency
    if not 0 < low <= high <= 0.5:
        raise ValueError(f"frequency: expected 0 < low <= high <= 0.5 cycles per step, got {frequency}")
    if not noise >= 0:
        raise ValueError(f"noise: expected a standard deviation >= 0, got {noise}")
    rng = as_rng(rng)
    f = rng.uniform(low, high, size=(n, 1))
    phase = rng.uniform(0, 2 * np.pi, size=(n, 1))
    t = np.arange(length + 1)
    series = np.sin(2 * np.pi * f * t + phase) + noise * rng.standard_normal((n, length + 1))  # (n, T+1)
    return series[:, :-1, None], series[:, 1:, None]


# ---------------------------------------------------------------- seasonal sales (notebook 01)

def seasonal_sales(days, rng=0, noise=0.2):
    """Synthetic daily sales (days,): 10 + sin(2π t / 30) + 0.6 sin(2π t / 7) + noise·ε, a monthly
    and a weekly cycle plus standard-normal noise ε. The first n days of a longer series are the
    series of n days (the noise is drawn in order)."""
    days, rng = positive_int(days, "days"), as_rng(rng)
    t = np.arange(days)
    return 10 + np.sin(2 * np.pi * t / 30) + 0.6 * np.sin(2 * np.pi * t / 7) + noise * rng.standard_normal(days)


# ---------------------------------------------------------------- adding problem

ADDING_TOLERANCE = 0.04
ADDING_CHANCE = 2 * ADDING_TOLERANCE - ADDING_TOLERANCE ** 2  # ≈ 7.8%: the accuracy of always predicting 1


def _adding_batch(first, second, length, rng):
    n = len(first)
    values = rng.random((n, length))
    markers = np.zeros((n, length))
    rows = np.arange(n)
    markers[rows, first] = 1.0
    markers[rows, second] = 1.0
    x = np.stack([values, markers], axis=-1)                    # (n, T, 2)
    y = (values[rows, first] + values[rows, second])[:, None]   # (n, 1)
    return x, y


def adding_problem(n, length, rng=0):
    """The adding problem of Hochreiter & Schmidhuber (1997).

    x (n, length, 2): channel 0 holds values uniform in [0, 1); channel 1 is a marker with
    exactly two 1s, one in the first half (steps < length // 2) and one in the second half.
    y (n, 1): the sum of the two marked values, to be predicted after the last step.
    """
    n, length = positive_int(n, "n"), positive_int(length, "length", minimum=2)
    rng = as_rng(rng)
    half = length // 2
    first = rng.integers(0, half, size=n)
    second = rng.integers(half, length, size=n)
    return _adding_batch(first, second, length, rng)


def adding_problem_with_lag(n, lag, rng=0):
    """The adding problem with an exact lag, for plotting accuracy against lag.

    Sequences have length lag + 1; the first marker is at step 0, so its value must be
    carried for exactly `lag` steps to the last one; the second marker is in the second
    half. Shapes as in `adding_problem`: x (n, lag + 1, 2), y (n, 1).
    """
    n, lag = positive_int(n, "n"), positive_int(lag, "lag")
    rng = as_rng(rng)
    length = lag + 1
    first = np.zeros(n, dtype=int)
    second = rng.integers(length // 2, length, size=n)
    return _adding_batch(first, second, length, rng)


def adding_accuracy(prediction, target, tolerance=ADDING_TOLERANCE):
    """Fraction of predictions within `tolerance` of the target: |prediction − target| < 0.04.

    This is the criterion of the original LSTM paper. For scale: always predicting 1 (the
    mean of the target) scores 2·0.04 − 0.04² ≈ 7.8%, and its mean squared error is 1/6.
    """
    prediction, target = np.asarray(prediction, dtype=float), np.asarray(target, dtype=float)
    if prediction.shape != target.shape:
        raise ValueError(f"prediction: expected the target's shape {target.shape}, got {prediction.shape}")
    return float(np.mean(np.abs(prediction - target) < tolerance))


def format_adding_accuracy(accuracy):
    """An adding-problem accuracy as a whole percentage, or "chance" below twice ADDING_CHANCE.

    A network that has not learned the task scores about 7.8% by luck, and which test sequences
    land within the tolerance then depends on the last bits of the arithmetic (BLAS build, thread
    count), so the exact figure would differ between machines while its meaning does not.
    """
    return "chance" if accuracy < 2 * ADDING_CHANCE else f"{accuracy:.0%}"


# ---------------------------------------------------------------- sorting

def sorting_task(n, length, rng=0, max_value=10):
    """Short sequences of integers and their sorted versions (a many-to-many task).

    Returns ids (n, length) and sorted ids (n, length), int64, with 0 <= id < max_value,
    so `max_value` is the vocabulary size for one-hot encoding or an Embedding.
    """
    n, length = positive_int(n, "n"), positive_int(length, "length")
    max_value = positive_int(max_value, "max_value", minimum=2)
    ids = as_rng(rng).integers(0, max_value, size=(n, length), dtype=np.int64)
    return ids, np.sort(ids, axis=1)


# ---------------------------------------------------------------- toy grammar
# sentence := the [adjective] noun [preposition the [adjective] noun] verb
# The verb agrees in number with the FIRST noun (the subject), not with the noun of the
# prepositional phrase: "the dog near the cats runs".

_NOUNS = (("dog", "dogs"), ("cat", "cats"), ("bird", "birds"), ("child", "children"))  # (singular, plural)
_VERBS = (("runs", "run"), ("sleeps", "sleep"), ("sings", "sing"), ("eats", "eat"))
_ADJECTIVES = ("big", "small", "happy")
_PREPOSITIONS = ("near", "with", "behind")

# one letter per word class: lower case singular, upper case plural
_TAGS = {"the": "D", **{a: "A" for a in _ADJECTIVES}, **{p: "P" for p in _PREPOSITIONS},
         **{s: "n" for s, _ in _NOUNS}, **{p: "N" for _, p in _NOUNS},
         **{s: "v" for s, _ in _VERBS}, **{p: "V" for _, p in _VERBS}}
_SENTENCE = re.compile(r"DA?([nN])(?:PDA?[nN])?([vV])")

GRAMMAR_VOCABULARY = tuple(sorted(_TAGS))


def is_grammatical(tokens):
    """True if the token list is a sentence of the toy grammar with subject-verb agreement."""
    unknown = [t for t in tokens if t not in _TAGS]
    if unknown:
        raise ValueError(f"tokens: expected words from GRAMMAR_VOCABULARY, got {unknown[0]!r}")
    match = _SENTENCE.fullmatch("".join(_TAGS[t] for t in tokens))
    return bool(match) and match.group(1).isupper() == match.group(2).isupper()


def _noun_phrase(rng, plural, adjective_prob):
    words = ["the"]
    if rng.random() < adjective_prob:
        words.append(_ADJECTIVES[rng.integers(len(_ADJECTIVES))])
    return words + [_NOUNS[rng.integers(len(_NOUNS))][plural]]


def _grammatical_sentence(rng, attractor_prob, adjective_prob):
    plural = int(rng.random() < 0.5)
    words = _noun_phrase(rng, plural, adjective_prob)
    if rng.random() < attractor_prob:
        words += [_PREPOSITIONS[rng.integers(len(_PREPOSITIONS))]]
        words += _noun_phrase(rng, int(rng.random() < 0.5), adjective_prob)
    return words + [_VERBS[rng.integers(len(_VERBS))][plural]]


def _violate(words, rng, shuffle_fraction):
    """Make a grammatical sentence ungrammatical with the same kind of words."""
    if rng.random() < shuffle_fraction:          # same words, broken order
        while is_grammatical(words):
            words = [words[i] for i in rng.permutation(len(words))]
        return words
    singular, plural = next(pair for pair in _VERBS if words[-1] in pair)
    return words[:-1] + [plural if words[-1] == singular else singular]   # agreement violation


def toy_grammar(n, rng=0, attractor_prob=0.5, adjective_prob=0.3, shuffle_fraction=0.5):
    """Grammatical and ungrammatical sentences of a tiny English-like grammar.

    Grammatical: "the [adjective] noun [preposition the [adjective] noun] verb", with the verb
    agreeing in number with the first noun ("the dog near the cats runs"); 3 to 8 words.
    Ungrammatical: a grammatical sentence whose verb number is flipped, or (with probability
    `shuffle_fraction`) whose words are shuffled into a non-sentence. Both kinds use the same
    words as grammatical sentences, so a bag of words cannot separate the classes: the model
    has to read the order and carry the subject's number to the verb.
    Returns sentences (list of n token lists) and labels (n,) int64, 1 grammatical and
    0 ungrammatical, with (n + 1) // 2 ones, in random order.
    """
    n = positive_int(n, "n", minimum=2)
    for name, p in (("attractor_prob", attractor_prob), ("adjective_prob", adjective_prob),
                    ("shuffle_fraction", shuffle_fraction)):
        if not 0 <= p <= 1:
            raise ValueError(f"{name}: expected a probability in [0, 1], got {p}")
    rng = as_rng(rng)
    labels = np.zeros(n, dtype=np.int64)
    labels[: (n + 1) // 2] = 1
    labels = labels[rng.permutation(n)]
    sentences = []
    for label in labels:
        words = _grammatical_sentence(rng, attractor_prob, adjective_prob)
        sentences.append(words if label else _violate(words, rng, shuffle_fraction))
    return sentences, labels


# ---------------------------------------------------------------- splitting

def train_test_split(*arrays, test_fraction=0.2, rng=0):
    """Split arrays (or lists) of equal length by one seeded permutation.

    Returns a_train, a_test, b_train, b_test, ... ; lists stay lists.
    """
    if not arrays:
        raise ValueError("arrays: expected at least one array to split, got none")
    lengths = [len(a) for a in arrays]
    if len(set(lengths)) != 1:
        raise ValueError(f"arrays: expected equal lengths, got {lengths}")
    n = lengths[0]
    n_test = int(round(test_fraction * n))
    if not 0 < n_test < n:
        raise ValueError(f"test_fraction: expected a fraction leaving both splits non-empty "
                         f"for {n} examples, got {test_fraction} ({n_test} test examples)")
    order = as_rng(rng).permutation(n)
    parts = []
    for a in arrays:
        for idx in (order[n_test:], order[:n_test]):
            parts.append([a[i] for i in idx] if isinstance(a, list) else np.asarray(a)[idx])
    return tuple(parts)
