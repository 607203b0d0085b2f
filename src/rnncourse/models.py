"""Whole models built from the package's layers, and a small training loop.

    ManyToOne     reads a sequence, predicts once after its last real step (a sentence's class,
                  the sum of the adding problem)
    ManyToMany    predicts at every step (sorting, tagging, next-value prediction)
    CharLM        a character-level language model: a ManyToMany whose targets are its own
                  inputs shifted by one step; evaluates and samples text
    train         forward, loss, backward, clip, step — optionally with truncated BPTT
    text_batches  shuffled, padded (ids, mask) batches of id sequences for CharLM

Every model has the same three parts: an input (integer ids as one-hot vectors or through an
Embedding; float features as they are), a recurrent core (RNN, GRU or LSTM; a Stack when
num_layers > 1; Bidirectional on request) and a Dense read-out called the head.

`model.layers` lists the layers that own parameters (a Stack is opened into its layers): build
an optimiser over it. `model.params` and `model.grads` show the same arrays under prefixed
names ("embedding.E", "rnn.W_hh", "rnn.1.W_hh", "head.b") for gradient checks.

Every model follows one protocol, which is all `train` relies on:

    loss = model.loss(*batch, state0=None)   # forward + loss; remembers d loss / d outputs
    model.backward()                         # fills every layer's grads (overwrites)
    model.final_state                        # the recurrent state after the last step
"""
import itertools
import numbers

import numpy as np

from .gru import GRU
from .init import as_rng
from .layers import Dense, Embedding
from .losses import mean_squared_error, softmax, softmax_cross_entropy
from .lstm import LSTM
from .optim import clip_by_global_norm, global_norm
from .rnn import RNN
from .text import one_hot, pad_sequences
from .wrappers import Bidirectional, Stack

CELLS = {"rnn": RNN, "gru": GRU, "lstm": LSTM}
TASKS = ("classify", "regress")


# ----------------------------------------------------------------------------- building blocks

def make_recurrent(cell, input_size, hidden_size, num_layers=1, bidirectional=False, rng=0,
                   dtype=np.float64):
    """One recurrent layer, or a Stack of `num_layers`; each one Bidirectional when asked.

    cell: "rnn", "gru" or "lstm". All weights are drawn from the one generator `rng`.
    """
    if cell not in CELLS:
        raise ValueError(f"cell: expected one of {sorted(CELLS)}, got {cell!r}")
    if not isinstance(num_layers, numbers.Integral) or isinstance(num_layers, bool) or num_layers < 1:
        raise ValueError(f"num_layers: expected a positive int, got {num_layers!r}")
    rng = as_rng(rng)

    def one_layer(features):
        make = lambda: CELLS[cell](features, hidden_size, rng=rng, dtype=dtype)  # noqa: E731
        return Bidirectional(make(), make()) if bidirectional else make()

    layers = [one_layer(input_size)]
    for _ in range(num_layers - 1):
        layers.append(one_layer(layers[-1].hidden_size))
    return layers[0] if num_layers == 1 else Stack(layers)


def named_parameter_layers(layer, prefix):
    """[(name, layer)] for the layers that own arrays inside `layer` (Stack and Bidirectional opened).

    A Stack's or Bidirectional's `params` is a dict rebuilt on every access, so writing a new
    gradient into it would be lost; the layers returned here hold their own dicts.
    """
    if isinstance(layer, Stack):
        return [pair for k, sub in enumerate(layer.layers)
                for pair in named_parameter_layers(sub, f"{prefix}.{k}")]
    if isinstance(layer, Bidirectional):
        return named_parameter_layers(layer.fwd, f"{prefix}.fwd") + named_parameter_layers(layer.bwd, f"{prefix}.bwd")
    return [(prefix, layer)]


def detach_state(state):
    """A copy of a recurrent state — an array, an LSTM pair (h, c), or a list with one per layer.

    The copy shares no memory with any layer's cache, so a later chunk that starts from it
    cannot send gradient (or changes) back into the chunk that produced it.
    """
    if state is None:
        return None
    if isinstance(state, (tuple, list)):
        return type(state)(detach_state(s) for s in state)
    return np.array(state, copy=True)


def _check_temperature(temperature):
    if (isinstance(temperature, bool) or not isinstance(temperature, numbers.Real)
            or not np.isfinite(temperature) or temperature < 0):
        raise ValueError(f"temperature: expected a finite number >= 0 (0: greedy, always the most likely "
                         f"character), got {temperature!r}")


def sample_with_temperature(logits, temperature, rng):
    """Draw one index from softmax(logits / temperature), using only the generator `rng`.

    logits: (V,). temperature > 0: below 1 sharpens the distribution (towards the argmax),
    above 1 flattens it (towards uniform); temperature 0 is its limit, greedy decoding: the
    argmax, drawn without using `rng`. rng: a numpy.random.Generator, made once by the
    caller and reused for every draw (never reseeded here).
    """
    _check_temperature(temperature)
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng: expected a numpy.random.Generator (make one with np.random.default_rng(seed) "
                        f"once, before the sampling loop), got {rng!r}")
    logits = np.asarray(logits, dtype=np.float64)
    if logits.ndim != 1:
        raise ValueError(f"logits: expected a 1-d array (vocab,), got shape {logits.shape}")
    if temperature == 0:
        return int(np.argmax(logits))  # greedy: the first of the most likely ids
    p = softmax(logits / temperature)  # (V,) stable: the maximum is subtracted
    return int(rng.choice(len(p), p=p))


# ----------------------------------------------------------------------------- the shared model

class SequenceModel:
    """What every model shares: input, recurrent core, head, parameters and the loss function.

    input_size: the number of features of float inputs (B, T, D), or the vocabulary size when
        the inputs are integer ids (B, T): one-hot vectors, or an Embedding of size
        `embedding_dim` when given.
    task: "classify" (softmax cross-entropy against integer targets) or "regress" (mean squared error).
    """

    def __init__(self, input_size, hidden_size, output_size, cell="rnn", task="classify", num_layers=1,
                 bidirectional=False, embedding_dim=None, rng=0, dtype=np.float64):
        if task not in TASKS:
            raise ValueError(f"task: expected one of {TASKS}, got {task!r}")
        rng = as_rng(rng)
        self.input_size, self.hidden_size, self.output_size = input_size, hidden_size, output_size
        self.cell, self.task, self.bidirectional, self.dtype = cell, task, bidirectional, np.dtype(dtype)
        self.embedding = None if embedding_dim is None else Embedding(input_size, embedding_dim, rng, dtype)
        features = input_size if embedding_dim is None else embedding_dim
        self.rnn = make_recurrent(cell, features, hidden_size, num_layers, bidirectional, rng, dtype)
        self.head = Dense(self.rnn.hidden_size, output_size, rng, dtype)
        named = ([("embedding", self.embedding)] if self.embedding is not None else []) \
            + named_parameter_layers(self.rnn, "rnn") + [("head", self.head)]
        self.layer_names = [name for name, _ in named]
        self.layers = [layer for _, layer in named]  # give these to the optimiser
        self.final_state = None
        self._d_out = None  # gradient of the last loss with respect to the head's outputs

    def __repr__(self):
        count = sum(p.size for p in self.params.values())
        return (f"{type(self).__name__}(cell={self.cell!r}, layers={self.layer_names}, "
                f"{count} parameters, {self.dtype})")

    @property
    def params(self):
        """{"layer.name": array} over every layer; the layers' own arrays, not copies."""
        return {f"{n}.{k}": v for n, layer in zip(self.layer_names, self.layers) for k, v in layer.params.items()}

    @property
    def grads(self):
        return {f"{n}.{k}": v for n, layer in zip(self.layer_names, self.layers) for k, v in layer.grads.items()}

    def zero_state(self, batch):
        return self.rnn.zero_state(batch)

    def features(self, x):
        """The inputs as floats (B, T, D): ids (B, T) become one-hot rows or embeddings."""
        x = np.asarray(x)
        if x.dtype.kind in "iu":
            if x.ndim != 2:
                raise ValueError(f"x: expected integer ids of shape (batch, time), got shape {x.shape}")
            if self.embedding is not None:
                return self.embedding.forward(x)  # (B, T, E)
            return one_hot(x, self.input_size, self.dtype)  # (B, T, V)
        if self.embedding is not None:
            raise TypeError(f"x: expected integer ids (batch, time) for the Embedding, got dtype {x.dtype}")
        return x  # (B, T, D), checked by the recurrent layer

    def discard_loss(self):
        """Forget the last loss, so that backward() refuses to run: any new forward pass through the
        layers (the model's own, or a widget's) overwrites the caches that loss's backward needs."""
        self._d_out = None

    def _recur(self, x, state0, lengths=None):
        """Inputs -> hidden states (B, T, H) of the top layer; keeps the final state.
        lengths (B,) of right-padded rows: a backward direction then starts at each row's last real step."""
        self.discard_loss()
        extra = {"lengths": lengths} if self.bidirectional else {}
        one_hot_ids = (self.embedding is None and not self.bidirectional and np.ndim(x) == 2
                       and np.asarray(x).dtype.kind in "iu")
        inputs = self.features(x) if not one_hot_ids else np.asarray(x)  # ids: the core looks up rows of W_xh
        hs, self.final_state = self.rnn.forward(inputs, state0, **extra)  # (B, T, H)
        return hs

    def _forward_width(self):
        """Width of the forward direction's part of the top layer's outputs."""
        top = self.rnn.layers[-1] if isinstance(self.rnn, Stack) else self.rnn
        return top.fwd.hidden_size if self.bidirectional else top.hidden_size

    def _recur_backward(self, d_hs):
        """d loss / d hidden states (B, T, H) -> gradient of state0; fills the core's (and embedding's) grads."""
        dx, d_state0 = self.rnn.backward(d_hs)  # (B, T, D), None for ids
        if self.embedding is not None:
            self.embedding.backward(dx)
        return d_state0

    def _loss_and_gradient(self, out, y, mask):
        """(loss, d loss / d out) for the model's task."""
        if self.task == "classify":
            return softmax_cross_entropy(out, y, mask)
        return mean_squared_error(out, y, mask)

    def _take_d_out(self):
        if self._d_out is None:
            raise RuntimeError(f"{type(self).__name__}.backward: expected loss(...) first, got none "
                               "(call model.loss(...) before model.backward())")
        d_out, self._d_out = self._d_out, None  # one backward per loss
        return d_out

    def predict(self, *args, **kwargs):
        """Class ids (argmax of the logits) for "classify", the outputs themselves for "regress"."""
        out = self.forward(*args, **kwargs)
        return out.argmax(axis=-1) if self.task == "classify" else out


# ----------------------------------------------------------------------------- many-to-one

def last_steps(mask, batch, time):
    """Index of each sequence's last real step, (B,).

    mask: None (every step is real), (B,) lengths, or a (B, T) bool mask with the padding at
    the end of each row (True ... True False ... False).
    """
    if mask is None:
        return np.full(batch, time - 1)
    mask = np.asarray(mask)
    if mask.shape == (batch,) and mask.dtype.kind in "iu":
        lengths = mask
    elif mask.shape == (batch, time):
        lengths = mask.astype(bool).sum(axis=1)
        prefix = np.arange(time) < lengths[:, None]  # (B, T) what a right-padded mask looks like
        if not np.array_equal(prefix, mask.astype(bool)):
            row = int(np.argwhere((prefix != mask.astype(bool)).any(axis=1))[0, 0])
            raise ValueError(f"mask: expected padding only at the end of each sequence (True ... then "
                             f"False ...), got {mask[row].astype(int).tolist()} in row {row}")
    else:
        raise ValueError(f"mask: expected (batch, time) = ({batch}, {time}) bools or ({batch},) integer "
                         f"lengths, got shape {mask.shape} dtype {mask.dtype}")
    if lengths.min() < 1 or lengths.max() > time:
        raise ValueError(f"mask: expected lengths in [1, {time}], got {lengths.min()} .. {lengths.max()}")
    return lengths.astype(np.int64) - 1


class ManyToOne(SequenceModel):
    """Read a whole sequence, predict once from the hidden state after its last real step.

    ManyToOne(input_size, hidden_size, output_size, cell="rnn", task="classify", num_layers=1,
              bidirectional=False, embedding_dim=None, rng=0, dtype=np.float64)
    forward(x, mask=None, state0=None) -> (B, O) logits ("classify") or predictions ("regress")
    loss(x, y, mask=None, state0=None): y (B,) class ids, or (B, O) targets.
    mask: None, a (B, T) right-padded mask, or (B,) lengths — the prediction reads h at step
    length - 1 of each sequence, not at the padded step T. With bidirectional=True it reads the
    forward direction there and the backward direction at step 0, where it has read the whole
    sequence from its last real step back to its first.
    """

    def forward(self, x, mask=None, state0=None):
        B, T = np.shape(x)[:2]
        self._last = last_steps(mask, B, T)  # (B,)
        hs = self._recur(x, state0, lengths=self._last + 1)  # (B, T, H)
        H = self._forward_width()
        rows = np.arange(B)
        summary = np.concatenate([hs[rows, self._last, :H], hs[:, 0, H:]], axis=1)  # (B, H) forward | backward
        return self.head.forward(summary)  # (B, O)

    def loss(self, x, y, mask=None, state0=None):
        out = self.forward(x, mask, state0)  # (B, O)
        loss, self._d_out = self._loss_and_gradient(out, y, None)
        return loss

    def backward(self):
        """Fill every layer's grads from the last loss; returns the gradient of state0."""
        d_summary = self.head.backward(self._take_d_out())  # (B, H)
        hs, H = self.rnn.hidden_states, self._forward_width()
        d_hs = np.zeros_like(hs)  # (B, T, H): only the read-out steps receive gradient
        d_hs[np.arange(hs.shape[0]), self._last, :H] = d_summary[:, :H]
        d_hs[:, 0, H:] = d_summary[:, H:]
        return self._recur_backward(d_hs)

    def time_chunks(self, *batch, k):
        raise ValueError("truncated_bptt: expected a model with a loss at every step, got ManyToOne "
                         "(its only output comes after the last step); train it with truncated_bptt=None")


# ----------------------------------------------------------------------------- many-to-many

def _time_slices(time, k):
    if not isinstance(k, numbers.Integral) or isinstance(k, bool) or k < 1:
        raise ValueError(f"truncated_bptt: expected a positive int number of steps, got {k!r}")
    return [slice(start, start + k) for start in range(0, time, k)]


def _used_slices(time, k, mask):
    """Slices of k steps up to the last one that holds an unmasked step (all of them without a mask)."""
    slices = _time_slices(time, k)
    if mask is None:
        return slices
    used = [bool(np.asarray(mask)[:, s].any()) for s in slices]
    return slices[:max((i + 1 for i, u in enumerate(used) if u), default=0)]


class ManyToMany(SequenceModel):
    """One output per step: the head (Dense) applied to the hidden state of every step.

    ManyToMany(input_size, hidden_size, output_size, cell="rnn", task="classify", num_layers=1,
               bidirectional=False, embedding_dim=None, rng=0, dtype=np.float64)
    forward(x, state0=None, mask=None) -> (B, T, O)
    loss(x, y, mask=None, state0=None): y (B, T) class ids, or (B, T, O) targets;
    mask (B, T) right-padded switches padded steps off (no loss, no gradient); with
    bidirectional=True it also makes the backward direction start at each row's last real step.
    """

    def forward(self, x, state0=None, mask=None):
        lengths = None if mask is None or not self.bidirectional else last_steps(mask, *np.shape(x)[:2]) + 1
        return self.head.forward(self._recur(x, state0, lengths))  # (B, T, O)

    def loss(self, x, y, mask=None, state0=None):
        out = self.forward(x, state0, mask)  # (B, T, O)
        loss, self._d_out = self._loss_and_gradient(out, y, mask)
        return loss

    def backward(self):
        """Fill every layer's grads from the last loss; returns the gradient of state0."""
        d_hs = self.head.backward(self._take_d_out())  # (B, T, H)
        return self._recur_backward(d_hs)

    def time_chunks(self, x, y, mask=None, *, k):
        """The batch cut into chunks of k steps: [(x, y, mask)], for truncated BPTT.

        Trailing chunks that are all padding are dropped; an all-padding chunk before real steps
        is kept (training only runs it forward, to carry the state).
        """
        if self.bidirectional:
            raise ValueError("truncated_bptt: a bidirectional model reads the future, which the next "
                             "chunk does not have yet; train it with truncated_bptt=None")
        x, y = np.asarray(x), np.asarray(y)
        slices = _used_slices(x.shape[1], k, mask)
        return [(x[:, s], y[:, s], None if mask is None else np.asarray(mask)[:, s]) for s in slices]

    def advance(self, chunk, state0=None):
        """Run a chunk forward only (no loss, no update), so that final_state carries on."""
        self.forward(chunk[0], state0)


# ----------------------------------------------------------------------------- character language model

class CharLM(ManyToMany):
    """A character-level language model: at every step, logits for the next character.

    CharLM(vocab, hidden_size, cell="rnn", num_layers=1, embedding_dim=None, boundary=None,
           rng=0, dtype=np.float64)
    vocab: a text.Vocabulary. boundary: the token that starts and ends every sequence (for
    names, "."); by default the vocabulary's last special token, if it has any.
    A sequence of ids (B, T + 1) gives inputs ids[:, :-1] and targets ids[:, 1:] (B, T).
    """

    def __init__(self, vocab, hidden_size, cell="rnn", num_layers=1, embedding_dim=None, boundary=None,
                 rng=0, dtype=np.float64):
        super().__init__(len(vocab), hidden_size, len(vocab), cell, "classify", num_layers, False,
                         embedding_dim, rng, dtype)
        self.vocab = vocab
        if boundary is None and vocab.specials:
            boundary = vocab.specials[-1]
        if boundary is not None and boundary not in vocab:
            raise ValueError(f"boundary: expected a token of the vocabulary, got {boundary!r}")
        self.boundary = boundary

    def encode(self, text):
        """A string -> ids (len + 2,) with the boundary token on both ends (".emma." for names)."""
        if self.boundary is None:
            return self.vocab.encode(text)
        return self.vocab.encode([self.boundary, *text, self.boundary])

    def loss(self, ids, mask=None, state0=None):
        """Mean cross-entropy (nats per predicted character) of ids (B, T + 1).

        mask (B, T), optional: which targets ids[:, 1:] count (False on padding).
        """
        ids = np.asarray(ids)
        if ids.ndim != 2 or ids.shape[1] < 2:
            raise ValueError(f"ids: expected (batch, time + 1) with time + 1 >= 2, got shape {ids.shape}")
        return super().loss(ids[:, :-1], ids[:, 1:], mask, state0)  # inputs (B, T), targets (B, T)

    loss_on = loss

    def time_chunks(self, ids, mask=None, *, k):
        """ids (B, T + 1) cut into chunks of k predictions: [(ids[:, s : s + k + 1], mask[:, s : s + k])].

        Neighbouring chunks share one id: the last target of a chunk is the next chunk's first input.
        Trailing chunks that are all padding are dropped.
        """
        ids = np.asarray(ids)
        slices = _used_slices(ids.shape[1] - 1, k, mask)
        return [(ids[:, s.start:s.stop + 1], None if mask is None else np.asarray(mask)[:, s]) for s in slices]

    def advance(self, chunk, state0=None):
        """Run a chunk forward only (no loss, no update), so that final_state carries on."""
        self.forward(chunk[0][:, :-1], state0)

    def evaluate(self, ids, mask=None):
        """Loss (nats per predicted character), perplexity = e^loss and bits per character = loss / ln 2.

        ids: (B, T + 1) with mask (B, T) for the targets, or a list of 1-d id sequences
        (padded here, padding masked). Leaves the model's parameters and gradients alone.
        """
        if not isinstance(ids, np.ndarray):
            ids, real = pad_sequences(ids)  # (B, T + 1)
            mask = real[:, 1:]
        logits = self.forward(ids[:, :-1])  # (B, T, V)
        loss, _ = softmax_cross_entropy(logits, ids[:, 1:], mask)
        return {"loss": loss, "perplexity": float(np.exp(loss)), "bits_per_char": loss / np.log(2)}

    def sample(self, max_chars=50, temperature=1.0, *, rng, prefix=""):
        """Generate text: prefix + up to `max_chars` characters drawn one at a time.

        Each character is drawn from softmax(logits / temperature) with the generator `rng`
        (an int seed or a numpy.random.Generator; nothing global is touched, nothing reseeded);
        temperature 0 takes the most likely character every time (greedy decoding).
        Generation stops early when the boundary token is drawn (it is not included).
        """
        _check_temperature(temperature)
        rng = as_rng(rng)
        if self.boundary is None and not prefix:
            raise ValueError("prefix: expected at least one character to start from, got '' "
                             "(this model has no boundary token to start with)")
        unknown = sorted({ch for ch in prefix if ch not in self.vocab.index})
        if unknown:
            raise ValueError(f"prefix: expected characters of the model's vocabulary, got {len(unknown)} it has "
                             f"never seen: {', '.join(map(repr, unknown))}; remove or replace them")
        start = ([self.boundary] if self.boundary is not None else []) + list(prefix)
        logits = self.forward(self.vocab.encode(start)[None])[0, -1]  # (V,) after reading the prefix
        stop = None if self.boundary is None else self.vocab[self.boundary]
        drawn = []
        for _ in range(max_chars):
            i = sample_with_temperature(logits, temperature, rng)
            if i == stop:
                break
            drawn.append(self.vocab.tokens[i])
            logits = self.forward(np.array([[i]]), self.final_state)[0, -1]  # one more step
        return prefix + "".join(drawn)


def unigram_loss(train_sequences, eval_sequences, vocab_size, smoothing=1.0):
    """The baseline a language model must beat: predict every character from its frequency alone.

    Frequencies of the targets (each sequence without its first id) in `train_sequences`, plus
    `smoothing` per id; returns the mean -log p over the targets of `eval_sequences` (nats).
    With smoothing=0, a target never seen in training has p = 0 and the loss is inf.
    """
    if not smoothing >= 0:
        raise ValueError(f"smoothing: expected a count >= 0, got {smoothing}")
    counts = np.full(vocab_size, float(smoothing))
    for seq in train_sequences:
        counts += np.bincount(np.asarray(seq)[1:], minlength=vocab_size)
    if counts.sum() == 0:
        raise ValueError("train_sequences: expected at least one target (a sequence of 2 or more ids) "
                         "when smoothing is 0, got none")
    with np.errstate(divide="ignore"):  # log 0 = -inf is the answer for an unseen id
        log_p = np.log(counts / counts.sum())
    targets = np.concatenate([np.asarray(seq)[1:] for seq in eval_sequences])
    return float(-log_p[targets].mean())


# ----------------------------------------------------------------------------- batches

def text_batches(sequences, batch_size, rng=0, pad_id=0, epochs=None):
    """Shuffled batches of id sequences for a language model, reshuffled every epoch.

    sequences: 1-d integer arrays, each at least 2 long (e.g. CharLM.encode(name)).
    Yields (ids (B, T + 1), mask (B, T)): each batch padded with `pad_id` to its longest
    sequence; mask[b, t] is True when the target ids[b, t + 1] is real, not padding.
    Runs for `epochs` passes over the data (None: forever); the last batch of a pass may be smaller.
    """
    sequences = [np.asarray(s, dtype=np.int64) for s in sequences]
    short = [i for i, s in enumerate(sequences) if s.ndim != 1 or len(s) < 2]
    if short:
        raise ValueError(f"sequences[{short[0]}]: expected a 1-d sequence of at least 2 ids, "
                         f"got shape {sequences[short[0]].shape}")
    if not isinstance(batch_size, numbers.Integral) or batch_size < 1:
        raise ValueError(f"batch_size: expected a positive int, got {batch_size!r}")
    rng = as_rng(rng)
    epoch = 0
    while epochs is None or epoch < epochs:
        order = rng.permutation(len(sequences))
        for start in range(0, len(order), batch_size):
            ids, real = pad_sequences([sequences[i] for i in order[start:start + batch_size]], pad_id)
            yield ids, real[:, 1:]  # (B, T + 1), (B, T)
        epoch += 1


# ----------------------------------------------------------------------------- training

def _batch_source(batches):
    """A function returning the next batch: from a callable, an iterator, a list (cycled), or one fixed
    batch (an array, or a tuple such as (x, y) or (x, y, mask) — of arrays or nested lists)."""
    if callable(batches):
        return batches
    if isinstance(batches, (np.ndarray, tuple)):
        return lambda: batches  # one fixed batch, used at every step
    iterator = itertools.cycle(batches) if isinstance(batches, list) else iter(batches)

    def next_batch():
        try:
            return next(iterator)
        except StopIteration:
            raise ValueError("batches: ran out of batches before the last step; pass a list (cycled), "
                             "an endless iterator or a function that returns a batch") from None
    return next_batch


def train_step(model, batch, optimiser, clip=None, state0=None):
    """One update: forward, loss, backward, (clip), step. Returns (loss, gradient norm before clipping)."""
    batch = batch if isinstance(batch, tuple) else (batch,)
    loss = model.loss(*batch, state0=state0)
    model.backward()
    grads = [layer.grads for layer in model.layers]
    if clip is None:
        norm = global_norm(grads)
    else:
        clipped, norm = clip_by_global_norm(grads, clip)  # new arrays
        for layer, new in zip(model.layers, clipped):
            layer.grads.update(new)  # put them where the optimiser reads
    optimiser.step()
    return loss, norm


def train(model, batches, optimiser, steps, clip=None, truncated_bptt=None, log_every=None):
    """Train `model` for `steps` batches; returns the history [{"step", "loss", "grad_norm"}]
    (grad_norm: the global gradient norm before clipping, of the batch's last update).

    batches: a function returning a batch, an iterator of batches, a list of batches (cycled), or
        one batch (a tuple such as (x, y) of arrays or lists, or one array of ids for CharLM) used at every step.
        A batch is what model.loss takes: (x, y), (x, y, mask), ids or (ids, mask).
    optimiser: built over model.layers. clip: max global gradient norm (None: no clipping).
    truncated_bptt: None, or k: each batch is cut into chunks of k steps and every chunk is one
        update; the final state of a chunk is copied into the next chunk's state0 (values only:
        no gradient flows back across chunks). The logged loss is the mean over the chunks.
    log_every: print the loss every this many steps (None: silent).
    """
    ours = {id(layer) for layer in model.layers}
    if hasattr(optimiser, "layers") and {id(layer) for layer in optimiser.layers} != ours:
        raise ValueError("optimiser: expected an optimiser built over model.layers, got one over other layers")
    next_batch = _batch_source(batches)
    history = []
    for step in range(1, steps + 1):
        batch = next_batch()
        batch = batch if isinstance(batch, tuple) else (batch,)
        if truncated_bptt is None:
            loss, norm = train_step(model, batch, optimiser, clip)
        else:
            losses, state = [], None
            for chunk in model.time_chunks(*batch, k=truncated_bptt):
                if chunk[-1] is not None and not np.any(chunk[-1]):
                    model.advance(chunk, state)  # nothing to learn here, but the state moves on
                else:
                    loss_k, norm = train_step(model, chunk, optimiser, clip, state)
                    losses.append(loss_k)
                state = detach_state(model.final_state)  # carried forward as plain numbers
            if not losses:
                raise ValueError("batch: expected at least one unmasked step, got a mask that is all False")
            loss = float(np.mean(losses))
        history.append({"step": step, "loss": loss, "grad_norm": norm})
        if log_every and step % log_every == 0:
            print(f"step {step:5d}   loss {loss:.2f}")
    return history
