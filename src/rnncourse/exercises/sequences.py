"""Exercises of notebooks 01-02: sliding windows, AR forecasts, Viterbi decoding, one-hot encoding,
padding, the memory bill of one-hot, and decoding ids back to tokens."""
import numpy as np

from ..classic import HMM, ARModel, fit_autoregressive, lag_matrix
from ..tasks import seasonal_sales
from ..text import Vocabulary, nbytes_report, one_hot, pad_sequences, tokenize_words
from .compare import Case, Mistake, check_function
from .registry import register

# ---------------------------------------------------------------- notebook 01: windows and forecasts


WINDOW_MISTAKES = (
    Mistake("each window holds the newest value first (the course keeps the oldest first, like the series)",
            lambda series, order: (lag_matrix(series, order)[0][:, ::-1], lag_matrix(series, order)[1])),
    Mistake("each target is the last value of its own window: y is one step too early",
            lambda series, order: (lag_matrix(series, order)[0], np.asarray(series, float)[order - 1:-1])),
)


def check_make_windows(student):
    """Self-check for student(series (T,), order) -> (X (T - order, order), y (T - order,))."""
    rng = np.random.default_rng(10)
    cases = [Case("order 1: each value predicts the next one", (np.arange(1.0, 6.0), 1)),
             Case("order 2 on 1..6: the first window is (1, 2) -> 3, oldest value first", (np.arange(1.0, 7.0), 2)),
             Case("the shortest series: order + 1 values give exactly one window", (np.array([3.0, 1.0, 4.0, 1.0]), 3)),
             Case("order 5 on 40 random values", (rng.standard_normal(40), 5))]
    return check_function(student, lag_matrix, cases, "make_windows", arg_names=("series", "order"),
                          outputs=("X", "y"), mistakes=WINDOW_MISTAKES)


def ar_forecast_reference(coef, intercept, history, steps):
    """coef (p,) oldest first, intercept, history (>= p,) -> the next `steps` values (steps,), fed back."""
    return ARModel(np.asarray(coef, dtype=float), float(intercept)).forecast(history, steps)


def _one_prediction_repeated(coef, intercept, history, steps):
    first = intercept + np.dot(coef, np.asarray(history, float)[-len(coef):])
    return np.full(steps, first)


FORECAST_MISTAKES = (
    Mistake("the coefficients meet the window newest first (coef is oldest first, like the window)",
            lambda coef, intercept, history, steps: ar_forecast_reference(coef[::-1], intercept, history, steps)),
    Mistake("the intercept is left out",
            lambda coef, intercept, history, steps: ar_forecast_reference(coef, 0.0, history, steps)),
    Mistake("the predictions are not fed back: every step reads the same window, the end of the history",
            _one_prediction_repeated),
)


def check_ar_forecast(student):
    """Self-check for student(coef (p,), intercept, history (>= p,), steps) -> predictions (steps,)."""
    rng = np.random.default_rng(11)
    fitted = fit_autoregressive(seasonal_sales(400), 3)
    cases = [Case("one step: 1 + 0.5·3 + 0.25·4 from the last two values (coefficients oldest first)",
                  (np.array([0.5, 0.25]), 1.0, np.array([1.0, 2.0, 3.0, 4.0]), 1)),
             Case("only the intercept: every coefficient is zero", (np.zeros(3), 2.0, rng.standard_normal(5), 4)),
             Case("order 1, coefficient 1, intercept 0.5: each prediction is fed back (a ramp)",
                  (np.array([1.0]), 0.5, np.array([0.0]), 5)),
             Case("coefficients (1, 0) copy the value two steps back, so the forecast alternates",
                  (np.array([1.0, 0.0]), 0.0, np.array([7.0, 2.0, 3.0]), 4)),
             Case("an AR(3) model fitted to notebook 01's sales series, 20 steps ahead",
                  (fitted.coef, fitted.intercept, seasonal_sales(400), 20))]
    return check_function(student, ar_forecast_reference, cases, "ar_forecast",
                          arg_names=("coef", "intercept", "history", "steps"), mistakes=FORECAST_MISTAKES)


# ---------------------------------------------------------------- notebook 01: Viterbi

SLEEP_START = np.array([0.70, 0.25, 0.05])                 # awake, light, deep
SLEEP_TRANSITION = np.array([[0.90, 0.09, 0.01],
                             [0.04, 0.90, 0.06],
                             [0.01, 0.07, 0.92]])
SLEEP_EMISSION = np.array([[0.15, 0.25, 0.60],              # still, twitch, toss
                           [0.35, 0.50, 0.15],
                           [0.80, 0.15, 0.05]])


def viterbi_reference(start, transition, emission, observations):
    """start (K,), transition (K, K), emission (K, M), observations (T,) -> most probable path (T,)."""
    return HMM(start, transition, emission).viterbi(observations)[0]


def _best_state_at_each_step(start, transition, emission, observations):
    log_transition, log_emission = np.log(transition), np.log(emission)
    delta = np.log(start) + log_emission[:, observations[0]]
    path = [delta.argmax()]
    for symbol in observations[1:]:
        delta = (delta[:, None] + log_transition).max(axis=0) + log_emission[:, symbol]
        path.append(delta.argmax())
    return np.array(path)


VITERBI_MISTAKES = (
    Mistake("the start probabilities are left out of ℓ₁ (the first scores)",
            lambda start, transition, emission, observations:
                viterbi_reference(np.full(len(start), 1 / len(start)), transition, emission, observations)),
    Mistake("each step is decoded on its own from the emission probabilities (no memory of the path)",
            lambda start, transition, emission, observations: emission[:, observations].argmax(axis=0)),
    Mistake("the path takes the best state of ℓ at every step instead of following the back-pointers "
            "from the best final state", _best_state_at_each_step),
    Mistake("the path is returned backwards: it was built from the last step to the first and not reversed",
            lambda *args: viterbi_reference(*args)[::-1]),
)


def check_viterbi(student):
    """Self-check for student(start (K,), transition (K, K), emission (K, M), observations (T,)) -> path (T,)."""
    sleep_moves = HMM(SLEEP_START, SLEEP_TRANSITION, SLEEP_EMISSION).sample(40, rng=0)[1]
    even = np.array([0.5, 0.5])
    cases = [Case("transitions that keep the state (0.99), weak emissions, an even start: the path should not switch",
                  (even, np.array([[0.99, 0.01], [0.01, 0.99]]), np.array([[0.6, 0.4], [0.4, 0.6]]),
                   np.array([0, 1, 1, 0, 1, 1, 1, 0]))),
             Case("one observation: ℓ₁ = log start + log emission, and here the start outweighs the emission",
                  (np.array([0.1, 0.9]), np.array([[0.5, 0.5], [0.5, 0.5]]), np.array([[0.9, 0.1], [0.2, 0.8]]),
                   np.array([0]))),
             Case("emissions that almost reveal the state: the path follows the observations",
                  (even, np.array([[0.6, 0.4], [0.4, 0.6]]), np.array([[0.98, 0.02], [0.02, 0.98]]),
                   np.array([0, 1, 1, 0, 0, 1]))),
             Case("state 1 is the best end of step 1 alone, but the best path starts in state 0, which moves on "
                  "to state 1 more often: follow the back-pointers from the end",
                  (even, np.array([[0.1, 0.9], [0.2, 0.8]]), np.array([[0.2, 0.8], [0.1, 0.9]]),
                   np.array([1, 0, 0]))),
             Case("the sleep model of notebook 01 on 40 epochs",
                  (SLEEP_START, SLEEP_TRANSITION, SLEEP_EMISSION, sleep_moves))]
    return check_function(student, viterbi_reference, cases, "viterbi",
                          arg_names=("start", "transition", "emission", "observations"), mistakes=VITERBI_MISTAKES)


# ---------------------------------------------------------------- notebook 02: one-hot, padding, memory, decoding

ONE_HOT_MISTAKES = (
    Mistake("the ids are shifted by one (np.eye(V)[ids - 1]: id 0 lands in the last column)",
            lambda ids, vocab_size: np.eye(vocab_size)[np.asarray(ids) - 1]),
    Mistake("the width comes from the ids (largest id + 1) instead of vocab_size",
            lambda ids, vocab_size: np.eye(np.max(ids) + 1)[ids]),
)


def check_one_hot(student):
    """Self-check for student(ids (any shape) of ints, vocab_size) -> ids.shape + (vocab_size,) floats."""
    cases = [Case("a single id (a 0-d array) -> a vector of length V", (np.array(3), 5)),
             Case("id 0 and the last id V-1 (off by one?)", (np.array([0, 4]), 5)),
             Case("the same id repeated", (np.array([2, 2, 2]), 4)),
             Case("a batch of sequences (B, T) -> (B, T, V)", (np.array([[1, 0, 3], [2, 2, 0]]), 4)),
             Case("V larger than any id: the last columns stay zero", (np.array([1, 0]), 6))]
    return check_function(student, one_hot, cases, "one_hot", arg_names=("ids", "vocab_size"),
                          mistakes=ONE_HOT_MISTAKES)


def _padded_in_front(sequences, pad_id):
    ids, mask = pad_sequences([s[::-1] for s in sequences], pad_id)
    return ids[:, ::-1], mask[:, ::-1]


PAD_MISTAKES = (
    Mistake("the padding goes in front of each sequence instead of after it", _padded_in_front),
    Mistake("the padding is 0 whatever pad_id says", lambda sequences, pad_id: pad_sequences(sequences, 0)),
)


def check_pad(student):
    """Self-check for student(sequences: B lists of ids, pad_id) -> (ids (B, T) int64, mask (B, T) bool)."""
    cases = [Case("one sequence: nothing to pad, the mask is all True", ([[3, 1, 4]], 0)),
             Case("a shorter second sequence: padding goes after its ids", ([[5, 2, 7, 1], [9, 3]], 0)),
             Case("a pad id other than 0 (is 0 hard-coded?)", ([[5, 2, 7, 1], [9, 3]], 27)),
             Case("the longest sequence is not the first (T = the longest length)", ([[4], [1, 2, 3]], 0)),
             Case("an empty sequence: a row of padding, mask all False", ([[1, 2], []], 0))]
    return check_function(student, pad_sequences, cases, "pad", arg_names=("sequences", "pad_id"),
                          outputs=("ids", "mask"), mistakes=PAD_MISTAKES)


def _bill(ids_bytes, one_hot_bytes):
    return {"ids": ids_bytes, "one_hot": one_hot_bytes, "ratio": one_hot_bytes / ids_bytes}


MEMORY_MISTAKES = (
    Mistake("every id is counted as 8 bytes, whatever the dtype of the ids array",
            lambda ids, V, dtype=np.float64: _bill(ids.size * 8, ids.size * V * np.dtype(dtype).itemsize)),
    Mistake("every one-hot entry is counted as 8 bytes, whatever `dtype` says",
            lambda ids, V, dtype=np.float64: _bill(ids.nbytes, ids.size * V * 8)),
    Mistake("the ratio is upside down (ids bytes / one-hot bytes)",
            lambda ids, V, dtype=np.float64: {**nbytes_report(ids, V, dtype),
                                              "ratio": 1 / nbytes_report(ids, V, dtype)["ratio"]}),
)


def check_memory_cost(student):
    """Self-check for student(ids array, vocab_size, dtype=np.float64) -> {"ids", "one_hot", "ratio"}."""
    cases = [Case("(B, T) int64 ids, float64 one-hot", (np.zeros((4, 7), np.int64), 27)),
             Case("uint8 ids take 1 byte each (use the array's own item size)", (np.zeros((4, 7), np.uint8), 27)),
             Case("a float32 one-hot takes 4 bytes per entry", (np.zeros((4, 7), np.int64), 27, np.float32)),
             Case("a word-sized vocabulary", (np.zeros((2, 5), np.int32), 10_000))]
    return check_function(student, nbytes_report, cases, "memory_cost", arg_names=("ids", "vocab_size", "dtype"),
                          mistakes=MEMORY_MISTAKES)


LETTERS = Vocabulary(list("abcdefghijklmnopqrstuvwxyz"), specials=("<pad>",))   # notebook 02's 27 tokens
STORY = tokenize_words("Noah lent Emma his bike. Emma didn't give it back, so Noah took hers.")
WORDS = Vocabulary(STORY, specials=("<pad>",), unknown="<unk>")

DECODE_MISTAKES = (
    Mistake("skip_specials is ignored: the padding stays",
            lambda vocab, ids, sep=None, skip_specials=False: Vocabulary.decode(vocab, ids, sep)),
    Mistake("the special tokens are dropped even when skip_specials is False",
            lambda vocab, ids, sep=None, skip_specials=False: Vocabulary.decode(vocab, ids, sep, True)),
    Mistake("the tokens are joined even when sep is None (it should return the list of tokens)",
            lambda vocab, ids, sep=None, skip_specials=False: (sep or "").join(Vocabulary.decode(vocab, ids, None,
                                                                                                  skip_specials))),
)


def check_decode(student):
    """Self-check for student(vocab, ids (T,), sep=None, skip_specials=False) -> list of tokens, or a string."""
    jo_padded = pad_sequences([LETTERS.encode("jo")], max_len=5)[0][0]          # 'j', 'o', then 3 × <pad>
    cases = [Case("one id, no sep: a list with one token", (LETTERS, np.array([5]))),
             Case("a name joined with sep=''", (LETTERS, LETTERS.encode("olivia")), {"sep": ""}),
             Case("padding kept when skip_specials is False", (LETTERS, jo_padded), {"sep": ""}),
             Case("padding dropped with skip_specials=True", (LETTERS, jo_padded), {"sep": "", "skip_specials": True}),
             Case("words joined by a space", (WORDS, WORDS.encode(STORY[:6])), {"sep": " "})]
    return check_function(student, Vocabulary.decode, cases, "decode", arg_names=("vocab", "ids"),
                          mistakes=DECODE_MISTAKES)


register("make_windows", "def make_windows(series, order) -> (X (T - order, order), y (T - order,))",
         "there are T - order windows; the window of target series[t] is the `order` values just before it, "
         "in the order they appear in the series.", lag_matrix, check_make_windows)
register("ar_forecast", "def ar_forecast(coef, intercept, history, steps) -> predictions (steps,)",
         "keep a list holding the last p values; each prediction is intercept + np.dot(coef, window), and it joins "
         "the window before the next prediction.", ar_forecast_reference, check_ar_forecast)
register("viterbi", "def viterbi(start, transition, emission, observations) -> path (T,) of state ids",
         "take logs; at each step, scores = ℓ[:, None] + log transition is (previous state, next state): its argmax "
         "over axis 0 is the back-pointer, its max plus the log emission the new ℓ. Walk back from ℓ's argmax.",
         viterbi_reference, check_viterbi)
register("one_hot", "def one_hot(ids, vocab_size) -> floats of shape ids.shape + (vocab_size,)",
         "row k of np.eye(vocab_size) is the one-hot vector of id k, and indexing with an array of ids keeps "
         "the array's shape.", one_hot, check_one_hot)
register("pad", "def pad(sequences, pad_id) -> (ids (B, T) int64, mask (B, T) bool)",
         "T is the longest length; start from np.full((B, T), pad_id, dtype=np.int64) and copy each sequence to "
         "the start of its row. The mask compares np.arange(T) with each length.", pad_sequences, check_pad)
register("memory_cost", 'def memory_cost(ids, vocab_size, dtype=np.float64) -> {"ids", "one_hot", "ratio"} in bytes',
         "an array takes size × itemsize bytes (ids.nbytes); a one-hot entry takes np.dtype(dtype).itemsize "
         "bytes and there are vocab_size of them per id.", nbytes_report, check_memory_cost)
register("decode", "def decode(vocab, ids, sep=None, skip_specials=False) -> a list of tokens, or one string",
         "vocab.tokens[i] is the token of id i and vocab.specials the tokens to leave out; join with sep only "
         "when sep is not None.", Vocabulary.decode, check_decode)
