"""Realistic wrong answers to the exercises of notebooks 01-02, each with the words its ✗ message must contain."""
import numpy as np


# ---------------------------------------------------------------- notebook 01

def _newest_first(series, order):
    X = np.array([series[t - order:t][::-1] for t in range(order, len(series))])
    return X, series[order:]


def _target_inside_window(series, order):
    X = np.array([series[t - order:t] for t in range(order, len(series))])
    return X, series[order - 1:-1]


def _y_then_x(series, order):
    X = np.array([series[t - order:t] for t in range(order, len(series))])
    return series[order:], X


def _coef_newest_first(coef, intercept, history, steps):
    window, out = list(history[-len(coef):]), []
    for _ in range(steps):
        out.append(intercept + sum(c * v for c, v in zip(coef, reversed(window[-len(coef):]))))
        window.append(out[-1])
    return np.array(out)


def _no_feedback(coef, intercept, history, steps):
    return np.array([intercept + np.dot(coef, history[-len(coef):]) for _ in range(steps)])


def _forecast_as_list(coef, intercept, history, steps):
    window = list(history[-len(coef):])
    for _ in range(steps):
        window.append(intercept + np.dot(coef, window[-len(coef):]))
    return window[len(coef):]


def _greedy(start, transition, emission, observations):
    delta = np.log(start) + np.log(emission[:, observations[0]])
    path = [int(delta.argmax())]
    for o in observations[1:]:
        delta = (delta[:, None] + np.log(transition)).max(axis=0) + np.log(emission[:, o])
        path.append(int(delta.argmax()))
    return np.array(path)


def _reversed_path(start, transition, emission, observations):
    delta = np.log(start) + np.log(emission[:, observations[0]])
    back = []
    for o in observations[1:]:
        scores = delta[:, None] + np.log(transition)
        back.append(scores.argmax(axis=0))
        delta = scores.max(axis=0) + np.log(emission[:, o])
    path = [int(delta.argmax())]
    for pointers in reversed(back):
        path.append(int(pointers[path[-1]]))
    return np.array(path)                      # still from the last step to the first


def _emissions_only(start, transition, emission, observations):
    return np.array([int(np.argmax(emission[:, o])) for o in observations])


# ---------------------------------------------------------------- notebook 02

def _shifted_one_hot(ids, vocab_size):
    return np.eye(vocab_size)[np.asarray(ids) - 1]


def _integer_one_hot(ids, vocab_size):
    return (np.asarray(ids)[..., None] == np.arange(vocab_size)).astype(int)


def _width_from_ids(ids, vocab_size):
    ids = np.asarray(ids)
    return np.eye(ids.max() + 1)[ids]


def _pad_in_front(sequences, pad_id):
    T = max(len(s) for s in sequences)
    ids = np.full((len(sequences), T), pad_id, dtype=np.int64)
    mask = np.zeros((len(sequences), T), dtype=bool)
    for row, s in enumerate(sequences):
        if len(s):
            ids[row, -len(s):], mask[row, -len(s):] = s, True
    return ids, mask


def _pad_with_zeros(sequences, pad_id):
    T = max(len(s) for s in sequences)
    ids = np.zeros((len(sequences), T), dtype=np.int64)
    for row, s in enumerate(sequences):
        ids[row, :len(s)] = s
    return ids, ids != 0


def _mask_then_ids(sequences, pad_id):
    lengths = np.array([len(s) for s in sequences])
    ids = np.full((len(sequences), lengths.max()), pad_id, dtype=np.int64)
    for row, s in enumerate(sequences):
        ids[row, :len(s)] = s
    return np.arange(lengths.max()) < lengths[:, None], ids


def _eight_bytes_per_id(ids, vocab_size, dtype=np.float64):
    one_hot = ids.size * vocab_size * np.dtype(dtype).itemsize
    return {"ids": ids.size * 8, "one_hot": one_hot, "ratio": one_hot / (ids.size * 8)}


def _ignores_dtype(ids, vocab_size, dtype=np.float64):
    one_hot = ids.size * vocab_size * 8
    return {"ids": ids.nbytes, "one_hot": one_hot, "ratio": one_hot / ids.nbytes}


def _keeps_specials(vocab, ids, sep=None, skip_specials=False):
    tokens = [vocab.tokens[i] for i in ids]
    return tokens if sep is None else sep.join(tokens)


def _always_joins(vocab, ids, sep=None, skip_specials=False):
    tokens = [vocab.tokens[i] for i in ids if not (skip_specials and vocab.tokens[i] in vocab.specials)]
    return (sep or "").join(tokens)


WRONG_ANSWERS = {
    "make_windows": [
        (_newest_first, ["first window is (1, 2) -> 3", "newest value first"]),
        (_target_inside_window, ["result['y']", "one step too early"]),
        (_y_then_x, ["returns its outputs in the order (y, X)"]),
    ],
    "ar_forecast": [
        (_coef_newest_first, ["expected 3.5, got 3.75", "newest first"]),
        (_no_feedback, ["each prediction is fed back (a ramp)", "not fed back"]),
        (_forecast_as_list, ["expected a numpy array of shape (1,), got a Python list"]),
    ],
    "viterbi": [
        (_emissions_only, ["the path should not switch", "decoded on its own"]),
        (_greedy, ["best state of ℓ at every step instead of following the back-pointers"]),
        (_reversed_path, ["the path follows the observations", "returned backwards"]),
    ],
    "one_hot": [
        (_shifted_one_hot, ["a single id", "shifted by one"]),
        (_integer_one_hot, ["expected dtype float64, got int64", "an array of integers"]),
        (_width_from_ids, ["expected shape (5,), got (4,)", "largest id + 1"]),
    ],
    "pad": [
        (_pad_in_front, ["padding goes after its ids", "result['ids']", "in front of each sequence"]),
        (_pad_with_zeros, ["a pad id other than 0", "0 whatever pad_id says"]),
        (_mask_then_ids, ["returns its outputs in the order (mask, ids)"]),
    ],
    "memory_cost": [
        (_eight_bytes_per_id, ["uint8 ids take 1 byte each", "result['ids']: expected 28, got 224"]),
        (_ignores_dtype, ["a float32 one-hot", "whatever `dtype` says"]),
    ],
    "decode": [
        (_keeps_specials, ["padding dropped with skip_specials=True", "skip_specials is ignored"]),
        (_always_joins, ["one id, no sep", "joined even when sep is None"]),
    ],
}
