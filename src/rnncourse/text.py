"""Turning text into arrays: tokenizers, a vocabulary, one-hot tensors, padding and masks.

The vocabulary is SORTED, so the same text gives the same ids in every process (a `set`'s
order changes from run to run, and with it every id and every trained weight's meaning).
"""
import re

import numpy as np

from .validation import check_ids

_WORD = re.compile(r"\w+(?:'\w+)*|[^\w\s]")


def tokenize_characters(text):
    """'Hi!' -> ['H', 'i', '!']: every character, spaces and newlines included, is a token."""
    return list(text)


def tokenize_words(text):
    """"Don't stop, Bob." -> ["don't", 'stop', ',', 'bob', '.']: lowercased words and punctuation."""
    return _WORD.findall(text.lower())


class Vocabulary:
    """A two-way map between tokens (strings) and integer ids.

    Vocabulary(tokens, specials=("<pad>", "<end>"), unknown=None)
    - `specials` take the first ids in the order given (so a padding token "<pad>" gets id 0);
    - the remaining distinct tokens follow in sorted order;
    - `unknown`, when given (e.g. "<unk>"), takes the next id and stands for any token not seen
      when building; without it, encoding an unseen token raises KeyError.
    """

    def __init__(self, tokens, specials=(), unknown=None):
        self.specials, self.unknown = tuple(specials), unknown
        reserved = self.specials + ((unknown,) if unknown is not None and unknown not in specials else ())
        seen = set(tokens)
        if not all(isinstance(t, str) for t in seen | set(reserved)):
            raise TypeError("tokens: expected strings, got "
                            f"{sorted({type(t).__name__ for t in seen | set(reserved)})}")
        self.tokens = list(reserved) + sorted(seen - set(reserved))  # id -> token
        self.index = {token: i for i, token in enumerate(self.tokens)}  # token -> id

    def __len__(self):
        return len(self.tokens)

    def __contains__(self, token):
        return token in self.index

    def __getitem__(self, token):
        """The id of `token`; KeyError naming the token (and the fix) when it is unknown."""
        if token in self.index:
            return self.index[token]
        if self.unknown is not None:
            return self.index[self.unknown]
        raise KeyError(f"token {token!r} is not in the vocabulary ({len(self)} tokens); expected one of the "
                       "tokens it was built from. Build it from text that contains this token, or pass "
                       "unknown='<unk>' to Vocabulary to map unseen tokens to one id")

    def __repr__(self):
        shown = ", ".join(repr(t) for t in self.tokens[:8])
        return f"Vocabulary({len(self)} tokens: {shown}{', ...' if len(self) > 8 else ''})"

    def encode(self, tokens):
        """Tokens (a list, or a string for characters) -> ids, an int64 array of shape (len(tokens),)."""
        return np.array([self[t] for t in tokens], dtype=np.int64)

    def decode(self, ids, sep=None, skip_specials=False):
        """1-D ids -> list of tokens, or one string joined with `sep` ("" for characters, " " for words).

        skip_specials=True drops the `specials` (e.g. padding); the unknown token is kept.
        """
        ids = check_ids(ids, len(self), "ids")
        if ids.ndim != 1:
            raise ValueError(f"ids: expected a 1-D array (time,), got shape {ids.shape}; decode rows one by one")
        tokens = [self.tokens[i] for i in ids.tolist()]
        if skip_specials:
            tokens = [t for t in tokens if t not in self.specials]
        return tokens if sep is None else sep.join(tokens)


def one_hot(ids, vocab_size, dtype=np.float64):
    """Integer ids of any shape -> one-hot array of shape ids.shape + (vocab_size,).

    (B, T) -> (B, T, V);  (T,) -> (T, V). Each row has a single 1 at the id's position.
    """
    ids = check_ids(ids, vocab_size, "ids")
    return (np.arange(vocab_size) == ids[..., None]).astype(dtype)


def pad_sequences(sequences, pad_id=0, max_len=None):
    """Stack 1-D integer sequences of different lengths into one batch.

    sequences: list of B 1-D integer arrays (or lists).
    max_len: length T of the batch; default the longest sequence. Longer sequences are cut to
             their first max_len ids.
    Returns ids (B, T) int64, filled with pad_id after each sequence's end, and
            mask (B, T) bool, True on real steps and False on padding.
    """
    arrays = [np.asarray(s) for s in sequences]
    if not arrays:
        raise ValueError("sequences: expected at least one sequence, got an empty list")
    for i, a in enumerate(arrays):
        if a.ndim != 1 or (a.size and a.dtype.kind not in "iu"):
            raise ValueError(f"sequences[{i}]: expected a 1-D array of integer ids, got shape {a.shape} "
                             f"dtype {a.dtype}")
    if max_len is not None and not (isinstance(max_len, (int, np.integer)) and max_len >= 1):
        raise ValueError(f"max_len: expected a positive integer, got {max_len}")
    T = max(len(a) for a in arrays) if max_len is None else max_len
    if T == 0:
        raise ValueError("sequences: expected at least one non-empty sequence, got only empty ones")
    ids = np.full((len(arrays), T), pad_id, dtype=np.int64)     # (B, T)
    mask = np.zeros((len(arrays), T), dtype=bool)               # (B, T)
    for row, a in enumerate(arrays):
        n = min(len(a), T)
        ids[row, :n], mask[row, :n] = a[:n], True
    return ids, mask


def nbytes_report(ids, vocab_size, dtype=np.float64):
    """Memory of a batch stored as integer ids vs as one-hot vectors, without building the one-hot.

    Returns {"ids": bytes, "one_hot": bytes, "ratio": one_hot / ids}.
    """
    ids = np.asarray(ids)
    one_hot_bytes = ids.size * vocab_size * np.dtype(dtype).itemsize
    return {"ids": ids.nbytes, "one_hot": one_hot_bytes, "ratio": one_hot_bytes / max(ids.nbytes, 1)}
