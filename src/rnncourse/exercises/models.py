"""Exercises of notebooks 08-10: many-to-one models, masked losses, sampling, embeddings, language-model
metrics, bidirectional layers and stacks."""
import numpy as np

from ..gru import GRU
from ..layers import Embedding
from ..losses import log_softmax, softmax, softmax_cross_entropy
from ..lstm import LSTM
from ..models import CharLM, ManyToOne, last_steps, sample_with_temperature, unigram_loss
from ..rnn import RNN
from ..text import Vocabulary, one_hot, pad_sequences
from ..wrappers import Bidirectional, Stack

from .compare import Case, Mistake, check_function, only, returns_verdict
from .recurrent import _name, _rnn_params, rnn_layer
from .registry import register


# ---------------------------------------------------------------- 08: the last real step, many-to-one

def _length_based(step_of_row):
    """A last_steps variant that reads each row of the mask with `step_of_row`, (time - 1) without a mask."""
    return lambda mask, batch, time: (np.full(batch, time - 1) if mask is None
                                      else np.array([step_of_row(row) for row in np.asarray(mask)]))


LAST_STEPS_MISTAKES = (
    Mistake("a single number is returned when there is no mask: np.full(batch, time - 1) gives one index per "
            "sequence", lambda mask, batch, time: time - 1 if mask is None else last_steps(mask, batch, time)),
    Mistake("the lengths are returned, not the last indices: a row of length n ends at index n - 1",
            lambda mask, batch, time: np.full(batch, time) if mask is None else np.asarray(mask).sum(axis=1)),
    Mistake("np.argmin finds the first False, minus 1: a row without padding has no False, and argmin "
            "then returns 0", _length_based(lambda row: np.argmin(row) - 1)),
    Mistake("the mask is summed over the batch (axis 0) instead of over time (axis 1)",
            lambda mask, batch, time: np.full(batch, time - 1) if mask is None else np.asarray(mask).sum(axis=0) - 1),
)


def check_last_steps(student_fn):
    """Self-check for student_fn(mask None or (B, T) bool, batch, time) -> last real index of each row (B,)."""
    cases = [Case("no mask: every sequence ends at step time - 1", (None, 3, 5)),
             Case("a mask without padding: every row ends at the last column", (np.ones((2, 4), bool), 2, 4)),
             Case("padded rows of lengths 3, 1 and 4", (np.arange(4) < np.array([[3], [1], [4]]), 3, 4)),
             Case("a batch of 1, padded", (np.arange(6)[None] < 2, 1, 6))]
    return check_function(student_fn, last_steps, cases, _name(student_fn, "last_steps"),
                          arg_names=("mask", "batch", "time"), mistakes=LAST_STEPS_MISTAKES)


def _many_to_one_parts(model, ids):
    """(hidden states (B, T, H), head weight, head bias) of a one-hot ManyToOne."""
    hs, _ = model.rnn.forward(one_hot(ids, model.input_size))
    return hs, model.head.params["W"], model.head.params["b"]


def _read_at(last):
    """A many_to_one_forward variant that reads the state at last(mask, B, T) of each row."""
    def forward(model, ids, mask):
        hs, W, b = _many_to_one_parts(model, ids)
        B, T = ids.shape
        return hs[np.arange(B), last(mask, B, T)] @ W + b
    return forward


def _many_to_one_without_bias(model, ids, mask):
    hs, W, _ = _many_to_one_parts(model, ids)
    return hs[np.arange(ids.shape[0]), last_steps(mask, *ids.shape)] @ W


def _many_to_one_every_row(model, ids, mask):
    hs, W, b = _many_to_one_parts(model, ids)
    return hs[:, last_steps(mask, *ids.shape)] @ W + b


MANY_TO_ONE_MISTAKES = (
    Mistake("the state is read at the last column (padding included) instead of each sentence's last real word",
            _read_at(lambda mask, B, T: np.full(B, T - 1))),
    Mistake("the state is read one step after the last word: the last index is length - 1",
            _read_at(lambda mask, B, T: np.full(B, T - 1) if mask is None else mask.sum(axis=1))),
    Mistake("the read-out's bias b is left out", _many_to_one_without_bias),
    Mistake("hs[:, last] picks every row's last step for every sentence; pair them with hs[np.arange(B), last]",
            _many_to_one_every_row),
    Mistake("a softmax is applied: the function returns the logits, before any softmax",
            lambda model, ids, mask: softmax(ManyToOne.forward(model, ids, mask))),
)


def _small_classifier():
    """A one-hot vanilla-RNN ManyToOne over 7 ids with 5 units, 2 classes and a non-zero read-out bias."""
    model = ManyToOne(7, 5, 2, cell="rnn", rng=0)
    model.head.params["b"][:] = [0.3, -0.4]
    return model


def check_many_to_one_forward(student_fn):
    """Self-check for student_fn(model, ids (B, T), mask None or (B, T)) -> logits (B, 2), as ManyToOne.forward."""
    model, rng = _small_classifier(), np.random.default_rng(80)
    ids = rng.integers(1, 7, size=(4, 8))
    short = np.arange(8) < np.array([[3], [6], [2], [5]])  # padded beyond the longest sentence
    full = np.arange(8) < np.array([[3], [8], [2], [5]])
    cases = [Case("one sentence, no padding (mask None)", (model, ids[:1, :5], None)),
             Case("a padded batch: read at each sentence's last word, not at the last column", (model, ids, short)),
             Case("a padded batch whose longest sentence fills every column", (model, ids, full))]
    return check_function(student_fn, ManyToOne.forward, cases, _name(student_fn, "many_to_one_forward"),
                          arg_names=("model", "ids", "mask"), mistakes=MANY_TO_ONE_MISTAKES)


# ---------------------------------------------------------------- 08: softmax cross-entropy, masked or not

def _cross_entropy_variant(divide_by="real", mask_gradient=True):
    """A masked cross-entropy that divides by `divide_by` ("real" steps, "all" steps or "none")
    and, when mask_gradient is False, leaves a gradient on the padded steps."""
    def loss(logits, targets, mask):
        summed, d_sum = softmax_cross_entropy(logits, targets, mask, reduction="sum")
        count = {"real": mask.sum(), "all": mask.size, "none": 1}[divide_by]
        if not mask_gradient:
            d_sum = softmax_cross_entropy(logits, targets, reduction="sum")[1]
        return summed / count, d_sum / count
    return loss


MASKED_CROSS_ENTROPY_MISTAKES = (
    Mistake("the mean divides by B·T, padding included, instead of by the number of real steps",
            _cross_entropy_variant(divide_by="all")),
    Mistake("the padded steps still get a gradient: multiply (softmax - one_hot) by the mask",
            _cross_entropy_variant(mask_gradient=False)),
    Mistake("the loss is summed over the real steps, not averaged", _cross_entropy_variant(divide_by="none")),
)


def check_softmax_cross_entropy(student_fn, masked=False):
    """Self-check for a softmax cross-entropy that returns (loss, dlogits), the mean over examples.

    masked=False: student_fn(logits (B, V), targets (B,)).
    masked=True:  student_fn(logits (B, T, V), targets (B, T), mask (B, T)) - the mean over the
                  unmasked steps; masked steps add nothing and get a zero gradient.
    """
    rng = np.random.default_rng(35)
    V = 4
    logits = rng.standard_normal((4, V))
    targets = np.array([0, 3, 1, 3])
    if not masked:
        reference = lambda z, y: softmax_cross_entropy(z, y)  # noqa: E731
        cases = [Case("one example, all logits equal: loss = log V", (np.zeros((1, V)), np.array([2]))),
                 Case("one example", (logits[:1], targets[:1])),
                 Case("a batch of 4: the loss is the MEAN over the examples, so dlogits is divided by 4",
                      (logits, targets)),
                 Case("huge logits (about 1000): subtract the maximum before exp", (logits + 1000, targets)),
                 Case("very negative logits (about -1000)", (logits - 1000, targets))]
        arg_names, mistakes = ("logits", "targets"), ()
    else:
        reference = lambda z, y, m: softmax_cross_entropy(z, y, m)  # noqa: E731
        B, T = 2, 3
        z3, y3 = rng.standard_normal((B, T, V)), rng.integers(0, V, size=(B, T))
        full, padded = np.ones((B, T), bool), np.array([[True, True, True], [True, False, False]])
        cases = [Case("no padding: the mean over all B·T steps", (z3, y3, full)),
                 Case("padded steps: they add nothing to the loss and get zero gradient, and the mean "
                      "divides by the number of real steps (4), not by B·T", (z3, y3, padded)),
                 Case("huge logits (about 1000): subtract the maximum before exp", (z3 + 1000, y3, padded))]
        arg_names, mistakes = ("logits", "targets", "mask"), MASKED_CROSS_ENTROPY_MISTAKES
    return check_function(student_fn, reference, cases, _name(student_fn, "softmax_cross_entropy"),
                          arg_names=arg_names, outputs=("loss", "dlogits"), mistakes=mistakes)


# ---------------------------------------------------------------- 09: sampling with a temperature

SAMPLING_LOGITS = np.array([1.0, 0.2, 2.0, -1.0, 0.5])  # the argmax (index 2) is neither first nor last
GREEDY_TEMPERATURE = 0.001  # logits / temperature reach 2000: np.exp overflows unless the maximum is subtracted


def _draws(student_fn, temperature, seed, n):
    rng = np.random.default_rng(seed)
    return [student_fn(SAMPLING_LOGITS.copy(), temperature, rng) for _ in range(n)]


def _looks_like(freq, p, draws):
    """True when the frequencies `freq` are within sampling noise of the probabilities p."""
    return bool(np.all(np.abs(freq - p) <= 5 * np.sqrt(p * (1 - p) / draws) + 0.005))


def _frequency_problem(student_fn, temperature, draws):
    """A sentence when the draws at `temperature` do not follow softmax(logits / temperature), else None."""
    logits, V = SAMPLING_LOGITS, len(SAMPLING_LOGITS)
    freq = np.bincount(_draws(student_fn, temperature, 100, draws), minlength=V) / draws
    expected = softmax(logits / temperature)
    if _looks_like(freq, expected, draws):
        return None
    k = int(np.argmax(np.abs(freq - expected)))
    found = (f"at temperature {temperature}, index {k} was drawn {100 * freq[k]:.1f}% of the time; "
             f"expected {100 * expected[k]:.1f}% = softmax(logits / {temperature})[{k}]")
    for p, why in ((softmax(logits), "softmax(logits): is the temperature applied?"),
                   (softmax(logits * temperature), "softmax(logits * temperature): divide by the temperature, "
                                                   "don't multiply")):
        if _looks_like(freq, p, draws):
            return found + f"\n  your frequencies match {why}"
    return found


def _sampling_problem(student_fn, draws):
    """The first thing wrong with the draws of student_fn, as a sentence, or None."""
    V, best = len(SAMPLING_LOGITS), int(SAMPLING_LOGITS.argmax())
    np.random.seed(1)  # if the draws depend on numpy's global generator, the two seeds change them
    first = _draws(student_fn, 1.0, 7, 50)
    bad = [i for i in first if not (isinstance(i, (int, np.integer)) and 0 <= i < V)]
    if bad:
        return f"expected an integer index in [0, {V}), got {bad[0]!r}"
    np.random.seed(2)
    if _draws(student_fn, 1.0, 7, 50) != first:
        return ("two generators made with the same seed gave different draws: the function uses randomness "
                "other than the rng it is given (np.random.* or a generator made inside)")
    if _draws(student_fn, 1.0, 8, 50) == first:
        return ("generators with different seeds gave the same 50 draws: the function ignores the rng it is "
                "given (is it reseeding, or always returning the argmax?)")
    for temperature in (0.5, 2.0, 1.0):
        found = _frequency_problem(student_fn, temperature, draws)
        if found:
            return found
    overflow = (f"\n  logits / {GREEDY_TEMPERATURE} reach {SAMPLING_LOGITS.max() / GREEDY_TEMPERATURE:.0f}, "
                "and np.exp of that overflows: subtract the maximum before np.exp")
    try:
        with np.errstate(all="ignore"):
            greedy = _draws(student_fn, GREEDY_TEMPERATURE, 9, 20)
    except Exception as error:  # a student's bug is reported, not raised
        return f"at temperature {GREEDY_TEMPERATURE} it raised {type(error).__name__}: {error}{overflow}"
    if any(i != best for i in greedy):
        return (f"at temperature {GREEDY_TEMPERATURE} expected the argmax (index {best}) every time, got "
                f"{sorted(set(int(i) for i in greedy))}{overflow}")
    return None


def _negative_temperature_problem(student_fn):
    """A sentence when a negative temperature does not raise ValueError, else None."""
    temperature = -1.0
    try:
        with np.errstate(all="ignore"):
            got = student_fn(SAMPLING_LOGITS.copy(), temperature, np.random.default_rng(0))
    except ValueError:
        return None
    except Exception as error:  # a student's bug is reported, not raised
        return f"temperature {temperature}: expected a ValueError, got {type(error).__name__}: {error}"
    return (f"temperature {temperature}: expected a ValueError (a temperature must be >= 0), "
            f"got the result {got!r}")


def _zero_temperature_problem(student_fn):
    """A sentence when temperature 0 is not greedy decoding (the argmax, nothing drawn from rng), else None."""
    best = sample_with_temperature(SAMPLING_LOGITS, 0, np.random.default_rng(0))  # the reference: the argmax
    rule = (f"temperature 0 is greedy decoding: return the index of the largest logit ({best} here) before "
            "dividing by the temperature (logits / 0 are ±inf, their softmax NaN), and draw nothing from rng")
    rng = np.random.default_rng(0)
    before = rng.bit_generator.state
    try:
        with np.errstate(all="ignore"):
            got = student_fn(SAMPLING_LOGITS.copy(), 0, rng)
    except Exception as error:  # a student's bug is reported, not raised
        return f"temperature 0: expected the argmax, index {best}, got {type(error).__name__}: {error}\n  {rule}"
    if not (isinstance(got, (int, np.integer)) and got == best):
        return f"temperature 0: expected the argmax, index {best}, got {got!r}\n  {rule}"
    if rng.bit_generator.state != before:
        return ("temperature 0: the argmax is right, but rng was used: the generator's state changed, so every "
                f"later draw shifts\n  {rule}")
    return None


@returns_verdict
def check_sample_with_temperature(student_fn, draws=3000):
    """Self-check for student_fn(logits (V,), temperature, rng) -> one index in [0, V).

    The index must be drawn from softmax(logits / temperature) with the Generator `rng` only
    (no np.random.seed, no np.random.* functions, no new generator inside), must stay the argmax
    at a tiny temperature (a stable softmax); temperature 0 must give the argmax without using
    `rng` (greedy decoding, as models.sample_with_temperature), and a negative one must raise
    ValueError. Frequencies over `draws` draws are compared with the expected probabilities, so
    any correct way of drawing passes.
    """
    name = _name(student_fn, "sample_with_temperature")
    saved = np.random.get_state()  # numpy's global generator, restored below
    try:
        problem = _sampling_problem(student_fn, draws)
    except NotImplementedError:
        print(f"✗ {name} is not written yet.")
        return False
    except Exception as error:  # a student's bug is reported, not raised
        problem = f"raised {type(error).__name__}: {error}"
    finally:
        np.random.set_state(saved)
    problem = problem or _negative_temperature_problem(student_fn) or _zero_temperature_problem(student_fn)
    if problem:
        print(f"✗ {name}: {problem}")
        return False
    print(f"✓ {name} draws from softmax(logits / temperature) with the given rng only (checked at temperatures "
          f"{GREEDY_TEMPERATURE}, 0.5, 1 and 2), returns the argmax at temperature 0 without using rng, and "
          "refuses -1 with ValueError.")
    return True


# ---------------------------------------------------------------- 09: the embedding's backward pass

def _embedding_backward_reference(ids, d_out, vocab_size):
    layer = Embedding(vocab_size, d_out.shape[-1], dtype=d_out.dtype)
    layer.forward(ids)
    layer.backward(d_out)
    return layer.grads["E"]


def _fancy_index_add(ids, d_out, vocab_size):
    dE = np.zeros((vocab_size, d_out.shape[-1]))
    dE[ids] += d_out
    return dE


def _averaged_over_occurrences(ids, d_out, vocab_size):
    counts = np.bincount(np.ravel(ids), minlength=vocab_size)
    return _embedding_backward_reference(ids, d_out, vocab_size) / np.maximum(counts, 1)[:, None]


EMBEDDING_BACKWARD_MISTAKES = (
    Mistake("dE[ids] += d_out is used: with fancy indexing, an id that occurs several times is written once "
            "(the last occurrence wins) instead of adding up; np.add.at(dE, ids, d_out) adds every occurrence",
            _fancy_index_add),
    Mistake("the gradients of a repeated id are averaged over its occurrences instead of summed",
            _averaged_over_occurrences),
    Mistake("dE is transposed: it has one row per id, (vocab_size, dim)",
            lambda ids, d_out, vocab_size: _embedding_backward_reference(ids, d_out, vocab_size).T),
)


def check_embedding_backward(student_fn):
    """Self-check for student_fn(ids (B, T) ints, d_out (B, T, dim), vocab_size) -> dE (vocab_size, dim).

    The gradient of out = E[ids]: dE[v] is the sum of d_out[b, t] over every (b, t) with ids[b, t] = v.
    """
    rng = np.random.default_rng(90)
    dim = 3
    d_out = rng.standard_normal((3, 4, dim))
    cases = [Case("every id different: each row of dE is one row of d_out, unseen ids keep a zero row",
                  (np.array([[4, 0, 2, 5]]), d_out[:1], 7)),
             Case("an id that repeats within one sequence (id 2, three times): its gradients add up",
                  (np.array([[2, 5, 2, 2]]), d_out[:1], 7)),
             Case("the same ids in different sequences of the batch: they add up too",
                  (np.array([[1, 3], [3, 1], [1, 6]]), d_out[:, :2], 7)),
             Case("a batch of 3 with repeats everywhere", (rng.integers(0, 4, size=(3, 4)), d_out, 5))]
    return check_function(student_fn, _embedding_backward_reference, cases, _name(student_fn, "embedding_backward"),
                          arg_names=("ids", "d_out", "vocab_size"), mistakes=EMBEDDING_BACKWARD_MISTAKES)


# ---------------------------------------------------------------- 09: baselines and metrics of a language model

def _unigram_variant(first_in_training=False, first_in_evaluation=False, smooth=True, log=np.log,
                     per_sequence=False):
    """unigram_loss with one of the common mistakes switched on."""
    def loss(train_sequences, eval_sequences, vocab_size, smoothing=1.0):
        start = 0 if first_in_training else 1
        counts = np.full(vocab_size, float(smoothing) if smooth else 0.0)
        for s in train_sequences:
            counts += np.bincount(np.asarray(s)[start:], minlength=vocab_size)
        with np.errstate(divide="ignore"):
            log_p = log(counts / counts.sum())
        targets = [np.asarray(s)[0 if first_in_evaluation else 1:] for s in eval_sequences]
        if per_sequence:
            return float(np.mean([-log_p[t].mean() for t in targets]))
        return float(-log_p[np.concatenate(targets)].mean())
    return loss


UNIGRAM_MISTAKES = (
    Mistake("the first id of every training sequence is counted, but it is never a target",
            _unigram_variant(first_in_training=True)),
    Mistake("the first id of every evaluated sequence is scored, but it is never a target",
            _unigram_variant(first_in_evaluation=True)),
    Mistake("the smoothing is not added to the counts", _unigram_variant(smooth=False)),
    Mistake("the logarithm is base 2 (bits) instead of natural (nats): use np.log", _unigram_variant(log=np.log2)),
    Mistake("each sequence's mean is averaged: the loss is the mean over ALL targets together",
            _unigram_variant(per_sequence=True)),
)


def check_unigram_baseline(student_fn):
    """Self-check for student_fn(train_sequences, eval_sequences, vocab_size, smoothing=1.0) -> nats per target."""
    rng = np.random.default_rng(91)
    many_train = [rng.integers(0, 6, size=n) for n in rng.integers(2, 9, size=12)]
    many_eval = [rng.integers(0, 6, size=n) for n in (2, 9, 4)]
    cases = [Case("one short sequence, evaluated on itself, no smoothing",
                  ([np.array([0, 1, 1, 2, 0])], [np.array([0, 1, 1, 2, 0])], 3), {"smoothing": 0.0}),
             Case("the first id of each sequence is not a target (id 0 starts every sequence here)",
                  ([np.array([0, 1, 2, 0]), np.array([0, 2, 2, 0])], [np.array([0, 2, 1, 0])], 3)),
             Case("smoothing is added to every id, also to ids never seen in training (id 3)",
                  ([np.array([0, 1, 2, 0])], [np.array([0, 3, 0])], 4), {"smoothing": 0.5}),
             Case("evaluated sequences of different lengths: the mean is over all their targets together",
                  (many_train, many_eval, 6))]
    return check_function(student_fn, unigram_loss, cases, _name(student_fn, "unigram_baseline"),
                          arg_names=("train_sequences", "eval_sequences", "vocab_size"), mistakes=UNIGRAM_MISTAKES)


def _metrics_variant(shift=1, masked=True, base=np.e, bits=lambda loss: loss / np.log(2)):
    """language_model_metrics with one of the common mistakes: targets shifted by `shift`, the mask
    ignored, perplexity as base**loss, bits per character as bits(loss)."""
    def metrics(model, ids, mask):
        log_p = log_softmax(model.forward(ids[:, :-1]))  # (B, T, V)
        targets = ids[:, shift:ids.shape[1] - 1 + shift]
        picked = np.take_along_axis(log_p, targets[..., None], axis=-1)[..., 0]  # (B, T)
        real = np.ones(picked.shape, bool) if mask is None or not masked else mask
        loss = -picked[real].mean()
        return {"loss": loss, "perplexity": base ** loss, "bits_per_char": bits(loss)}
    return metrics


METRICS_MISTAKES = (
    Mistake("the output at step t is scored against ids[:, t], the token it read; it predicts the next one, "
            "ids[:, t + 1]", _metrics_variant(shift=0)),
    Mistake("the mask is ignored: padded targets are averaged in", _metrics_variant(masked=False)),
    Mistake("the perplexity is 2 ** loss; with the loss in nats it is e ** loss", _metrics_variant(base=2)),
    Mistake("bits per character multiplies by ln 2; it divides: loss / np.log(2)",
            _metrics_variant(bits=lambda loss: loss * np.log(2))),
    Mistake("bits per character uses log2(loss); it is loss / np.log(2)", _metrics_variant(bits=np.log2)),
)


def _names_model():
    """A GRU CharLM over the letters of a few names, with a random read-out bias so its guesses differ."""
    vocab = Vocabulary(sorted(set("annaemmaliamalchristopher")), specials=(".",))
    model = CharLM(vocab, hidden_size=6, cell="gru", boundary=".", rng=0)
    model.head.params["b"][:] = np.random.default_rng(92).standard_normal(len(vocab))
    return model


def check_language_model_metrics(student_fn):
    """Self-check for student_fn(model, ids (B, T + 1), mask None or (B, T)) -> {"loss", "perplexity",
    "bits_per_char"}, as CharLM.evaluate."""
    model = _names_model()
    equal = np.stack([model.encode(n) for n in ["anna", "emma", "liam"]])  # (3, 6), no padding
    padded, real = pad_sequences([model.encode(n) for n in ["al", "emma", "christopher"]])
    cases = [Case("one name, mask None", (model, equal[:1], None)),
             Case("three names of the same length, mask None", (model, equal, None)),
             Case("padded names: the mean is over real targets only", (model, padded, real[:, 1:]))]
    return check_function(student_fn, CharLM.evaluate, cases, _name(student_fn, "language_model_metrics"),
                          arg_names=("model", "ids", "mask"), mistakes=METRICS_MISTAKES)


# ---------------------------------------------------------------- 10: the bidirectional layer

def _bidirectional_reference(x, params_fwd, params_bwd):
    return Bidirectional(rnn_layer(params_fwd), rnn_layer(params_bwd)).forward(x)[0]


def _two_directions(x, params_fwd, params_bwd, backward_input, flip_back):
    forward = rnn_layer(params_fwd).forward(x)[0]
    backward = rnn_layer(params_bwd).forward(backward_input(x))[0]
    return np.concatenate([forward, backward[:, ::-1] if flip_back else backward], axis=2)


BIDIRECTIONAL_MISTAKES = (
    Mistake("the backward RNN's states are concatenated in its reading order: flip them back along time",
            lambda x, pf, pb: _two_directions(x, pf, pb, lambda x: x[:, ::-1], flip_back=False)),
    Mistake("the backward RNN reads x from the first step to the last: give it x[:, ::-1]",
            lambda x, pf, pb: _two_directions(x, pf, pb, lambda x: x, flip_back=False)),
    Mistake("the halves are swapped: the forward states come first, then the backward ones",
            lambda x, pf, pb: np.concatenate([rnn_layer(pb).forward(x[:, ::-1])[0][:, ::-1],
                                              rnn_layer(pf).forward(x)[0]], axis=2)),
)


def check_bidirectional_forward(student_fn):
    """Self-check for student_fn(x (B, T, D), params_fwd, params_bwd) -> outputs (B, T, H_fwd + H_bwd).

    Two tanh RNNs with zero initial states: the first reads x<1> ... x<T>, the second
    x<T> ... x<1>; outputs<t> = [forward h<t>, backward h<t>], both in time order.
    The forward layer has 3 hidden units and the backward one 2, so the halves can't be swapped silently.
    """
    rng = np.random.default_rng(37)
    B, T, D = 2, 4, 3
    pf, pb = _rnn_params(rng, D, 3, 0.7), _rnn_params(rng, D, 2, 0.7)
    x = rng.standard_normal((B, T, D))
    last_only = np.zeros_like(x)
    last_only[:, -1] = x[:, -1]
    cases = [Case("only the forward layer's parameters are non-zero: the last 2 columns must be 0",
                  (x, pf, only(pb, set()))),
             Case("only the backward layer's parameters are non-zero: it reads x from the last step to the "
                  "first, and its outputs are stored back in time order", (x, only(pf, set()), pb)),
             Case("x is zero except at the last step: the backward half sees it at every step, the forward "
                  "half only at the last", (last_only, pf, pb)),
             Case("one step (T = 1)", (x[:, :1], pf, pb)),
             Case("all parameters at once", (x, pf, pb))]
    return check_function(student_fn, _bidirectional_reference, cases, _name(student_fn, "bidirectional_forward"),
                          arg_names=("x", "params_fwd", "params_bwd"), mistakes=BIDIRECTIONAL_MISTAKES)


# ---------------------------------------------------------------- 10: a stack's forward and backward passes

def _stacks():
    """The stacks the checks use: {name: a new Stack}, layers seeded so that every call gives the same ones."""
    return {"one": Stack([RNN(4, 6, rng=1)]),
            "same size": Stack([RNN(4, 4, rng=5), RNN(4, 4, rng=6)]),
            "two": Stack([RNN(4, 6, rng=1), RNN(6, 3, rng=2)]),
            "mixed": Stack([GRU(4, 5, rng=3), LSTM(5, 3, rng=4)])}


def _forward_from_x(stack, x, state0=None):  # every layer reads x, not the layer below
    runs = [layer.forward(x, None if state0 is None else state0[k]) for k, layer in enumerate(stack.layers)]
    return runs[-1][0], [final for _, final in runs]


STACK_FORWARD_MISTAKES = (
    Mistake("every layer reads x: layer l + 1 reads the outputs of layer l", _forward_from_x),
    Mistake("the initial states are ignored: layer l starts from state0[l]",
            lambda stack, x, state0=None: Stack.forward(stack, x)),
    Mistake("only the top layer's final state is returned; return the list of every layer's final state",
            lambda stack, x, state0=None: (lambda out, finals: (out, finals[-1]))(*Stack.forward(stack, x, state0))),
    Mistake("the final states are listed top layer first; the list goes bottom first",
            lambda stack, x, state0=None: (lambda out, finals: (out, finals[::-1]))(*Stack.forward(stack, x, state0))),
)


def check_stack_forward(student_fn):
    """Self-check for student_fn(stack, x (B, T, D), state0=None) -> (top outputs (B, T, H_top), [final states]),
    as wrappers.Stack.forward."""
    rng = np.random.default_rng(7)
    x = rng.standard_normal((3, 5, 4))  # (B, T, D)
    stacks = _stacks()
    starts = [0.5 * rng.standard_normal((3, 6)), 0.5 * rng.standard_normal((3, 3))]
    cases = [Case("one layer: the stack is just that layer", (stacks["one"], x)),
             Case("two layers of the same size (4 -> 4 -> 4): layer 2 reads layer 1's hidden states, not x",
                  (stacks["same size"], x)),
             Case("two layers (4 -> 6 -> 3)", (stacks["two"], x)),
             Case("two layers with initial states: each layer starts from its own", (stacks["two"], x, starts)),
             Case("a GRU under an LSTM: the LSTM's final state is the pair (h, c)", (stacks["mixed"], x))]
    return check_function(student_fn, Stack.forward, cases, _name(student_fn, "stack_forward"),
                          arg_names=("stack", "x", "state0"), outputs=("outputs", "final_states"),
                          mistakes=STACK_FORWARD_MISTAKES)


def _backward_each_from_top(stack, d_outputs, d_state=None):  # every layer gets the top's gradient
    d_states = [None] * len(stack.layers) if d_state is None else d_state
    runs = [layer.backward(d_outputs, d) for layer, d in zip(stack.layers, d_states)]
    return runs[0][0], [d0 for _, d0 in runs]


STACK_BACKWARD_MISTAKES = (
    Mistake("the final-state gradients d_state are ignored: layer l's goes into its own backward",
            lambda stack, d_outputs, d_state=None: Stack.backward(stack, d_outputs)),
    Mistake("every layer gets the top's d_outputs: the layer below gets the dx of the layer above",
            _backward_each_from_top),
    Mistake("the initial-state gradients are listed top layer first; the list goes bottom first",
            lambda stack, d_outputs, d_state=None:
            (lambda dx, d0: (dx, d0[::-1]))(*Stack.backward(stack, d_outputs, d_state))),
)


def check_stack_backward(student_fn):
    """Self-check for student_fn(stack after forward, d_outputs (B, T, H_top) or None, d_state=None)
    -> (dx (B, T, D), [initial-state gradients]), as wrappers.Stack.backward."""
    rng = np.random.default_rng(8)
    x = rng.standard_normal((3, 5, 4))  # (B, T, D)
    stacks = _stacks()
    for stack in stacks.values():
        stack.forward(x)
    d_top = rng.standard_normal((3, 5, 3))  # (B, T, H_top)
    d_finals = [rng.standard_normal((3, 6)), rng.standard_normal((3, 3))]
    d_mixed = [rng.standard_normal((3, 5)), (rng.standard_normal((3, 3)), rng.standard_normal((3, 3)))]
    cases = [Case("one layer: the stack is just that layer", (stacks["one"], rng.standard_normal((3, 5, 6)))),
             Case("two layers of the same size, output gradient only: layer 1's output gradient is layer 2's dx",
                  (stacks["same size"], rng.standard_normal((3, 5, 4)))),
             Case("two layers, final-state gradients only (d_outputs None): each goes into its own layer",
                  (stacks["two"], None, d_finals)),
             Case("two layers, both kinds of gradient", (stacks["two"], d_top, d_finals)),
             Case("a GRU under an LSTM: the LSTM's state gradient is the pair (dh, dc)",
                  (stacks["mixed"], d_top, d_mixed))]
    return check_function(student_fn, Stack.backward, cases, _name(student_fn, "stack_backward"),
                          arg_names=("stack", "d_outputs", "d_state"), outputs=("dx", "d_state0"),
                          mistakes=STACK_BACKWARD_MISTAKES)


# ---------------------------------------------------------------- the registry

register("last_steps", "def last_steps(mask, batch, time) -> last real index of each sequence (batch,)",
         "without a mask every sequence has `time` steps; with one, a row's number of True entries is its length, "
         "and indices start at 0.", last_steps, check_last_steps)
register("many_to_one_forward", "def many_to_one_forward(model, ids, mask) -> logits (B, 2)",
         "one-hot the ids with text.one_hot(ids, model.input_size), run model.rnn.forward, pick row b at its "
         "last real step (models.last_steps gives them), then apply model.head's W and b.",
         ManyToOne.forward, check_many_to_one_forward)
register("masked_cross_entropy", "def masked_cross_entropy(logits, targets, mask) -> (loss, dlogits (B, T, V))",
         "a stable log-softmax (subtract the maximum), the log-probability of each target, a mean over the "
         "True entries of the mask only; the gradient softmax - one_hot is multiplied by the mask and divided "
         "by the same count.", lambda logits, targets, mask: softmax_cross_entropy(logits, targets, mask),
         lambda student_fn: check_softmax_cross_entropy(student_fn, masked=True))
register("sample_with_temperature", "def sample_with_temperature(logits, temperature, rng) -> int",
         "refuse a negative temperature with ValueError; at temperature 0 return np.argmax(logits) before any "
         "division and without using rng; otherwise divide the logits by the temperature and take a softmax "
         "that subtracts the maximum first, then compare one u = rng.random() with the cumulative sum of the "
         "probabilities.", sample_with_temperature, check_sample_with_temperature)
register("embedding_backward", "def embedding_backward(ids, d_out, vocab_size) -> dE (vocab_size, dim)",
         "start from zeros of shape (vocab_size, dim); every occurrence of an id must ADD its row of d_out, "
         "and dE[ids] += d_out does not when an id repeats: look at the demonstration above the exercise.",
         _embedding_backward_reference, check_embedding_backward)
register("unigram_baseline",
         "def unigram_baseline(train_sequences, eval_sequences, vocab_size, smoothing=1.0) -> nats per target",
         "np.bincount(s[1:], minlength=vocab_size) counts the targets of one sequence; start the counts at "
         "`smoothing`, normalise, and average -np.log(p) over all evaluated targets at once.",
         unigram_loss, check_unigram_baseline)
register("language_model_metrics", "def language_model_metrics(model, ids, mask) -> {'loss', 'perplexity', "
         "'bits_per_char'}",
         "the logits of model.forward(ids[:, :-1]) at step t predict ids[:, t + 1]; take losses.log_softmax, "
         "pick the targets' entries, average over the real ones; perplexity is e ** loss, bits divide by ln 2.",
         CharLM.evaluate, check_language_model_metrics)
register("bidirectional_forward",
         "def bidirectional_forward(x, params_fwd, params_bwd) -> outputs (B, T, H_fwd + H_bwd)",
         "run one RNN on x and the other on x[:, ::-1]; flip the second one's states back before concatenating "
         "on the last axis.", _bidirectional_reference, check_bidirectional_forward)
register("stack_forward", "def stack_forward(stack, x, state0=None) -> (top outputs (B, T, H_top), [final states])",
         "loop over stack.layers bottom first; each layer's outputs are the next layer's x, and each layer "
         "starts from its own entry of state0 (or None).", Stack.forward, check_stack_forward)
register("stack_backward", "def stack_backward(stack, d_outputs, d_state=None) -> (dx (B, T, D), [d_state0])",
         "loop over the layers from the top down; the dx a layer's backward returns is the d_outputs of the "
         "layer below, and layer l also gets d_state[l] (or None).", Stack.backward,
         check_stack_backward)
