"""A language model on one text stream: splitting, batching, stateful training, evaluation, n-gram
baselines, structure signals, and the shipped model (its loader and its reproducible first steps)."""
import math
import shutil
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
import pytest

from rnncourse import data, stream, train_lm
from rnncourse.models import CharLM
from rnncourse.optim import Adam
from rnncourse.text import Vocabulary

ROOT = Path(__file__).resolve().parents[1]
TEXT = "def f(x):\n    return [x, 'a#b']  # done\n\nclass C:\n    pass\n" * 4


def small_model(hidden=6, vocab=Vocabulary(TEXT), **kwargs):
    return CharLM(vocab, hidden, cell="lstm", rng=0, **kwargs)


# ----------------------------------------------------------------------------- splitting and batching

def test_split_is_by_position_and_covers_the_stream_once():
    ids = np.arange(1000)
    train, valid, test = stream.split_stream(ids, valid=0.1, test=0.05)
    assert (len(train), len(valid), len(test)) == (850, 100, 50)
    assert np.array_equal(np.concatenate([train, valid, test]), ids)


@pytest.mark.parametrize("valid, test", [(-0.1, 0.05), (0.5, 0.5), (1.0, 0.0)])
def test_split_refuses_fractions_that_leave_no_training_text(valid, test):
    with pytest.raises(ValueError, match="valid|test"):
        stream.split_stream(np.arange(100), valid=valid, test=test)


def test_sequential_chunks_continue_each_lane_where_the_last_chunk_ended():
    ids = np.arange(1001)  # id = position, so each row says where it was cut from
    chunks = list(stream.sequential_batches(ids, batch_size=4, k=10, offset=3))
    L = (1001 - 3 - 1) // 4  # 249 predictions per lane
    assert len(chunks) == L // 10 and all(c.shape == (4, 11) for c in chunks)
    for before, after in zip(chunks, chunks[1:]):
        assert np.array_equal(after[:, 0], before[:, -1])  # the last id of a chunk starts the next one
    lanes = np.concatenate([chunks[0]] + [c[:, 1:] for c in chunks[1:]], axis=1)  # (4, 241)
    for b in range(4):
        start = 3 + b * L
        assert np.array_equal(lanes[b], np.arange(start, start + lanes.shape[1]))  # contiguous text


def test_lanes_cover_the_stream_without_overlapping_predictions():
    rows = stream.lanes(np.arange(101), batch_size=4)  # (4, 26)
    assert rows.shape == (4, 26)
    targets = rows[:, 1:].ravel()
    assert len(set(targets.tolist())) == targets.size == 100


@pytest.mark.parametrize("batch_size, k, match", [(0, 5, "batch_size"), (200, 5, "batch_size"), (4, 40, "k")])
def test_sequential_batches_refuse_impossible_shapes(batch_size, k, match):
    with pytest.raises(ValueError, match=match):
        next(stream.sequential_batches(np.arange(101), batch_size, k))


def test_random_chunks_are_consecutive_text_from_seeded_places():
    ids = np.arange(500)
    first = stream.random_batches(ids, 8, 16, rng=3)
    again = stream.random_batches(ids, 8, 16, rng=3)
    for _ in range(5):
        chunk = next(first)
        assert chunk.shape == (8, 17)
        assert np.array_equal(chunk, chunk[:, :1] + np.arange(17))  # each row is a stretch of the stream
        assert np.array_equal(chunk, next(again))
    assert len({int(next(first)[0, 0]) for _ in range(20)}) > 10  # starts vary


# ----------------------------------------------------------------------------- training

class StateSpy:
    """Records the state0 every update starts from and the final state it ends with."""

    def __init__(self, monkeypatch):
        self.starts, self.ends = [], []
        real = stream.train_step

        def spy(model, chunk, optimiser, clip=None, state0=None):
            self.starts.append(state0)
            result = real(model, chunk, optimiser, clip, state0)
            self.ends.append(tuple(np.array(s) for s in model.final_state))
            return result
        monkeypatch.setattr(stream, "train_step", spy)


def train_spied(monkeypatch, carry, steps=4, partition="sequential"):
    spy = StateSpy(monkeypatch)
    model = small_model()
    ids = model.vocab.encode(TEXT)
    history = stream.train_on_stream(model, ids, Adam(model.layers, lr=0.01), steps, batch_size=2, k=8,
                                     carry=carry, rng=0, partition=partition)
    return spy, history


def test_detach_starts_each_chunk_from_the_last_chunk_final_state_as_a_copy(monkeypatch):
    spy, history = train_spied(monkeypatch, "detach")
    assert spy.starts[0] is None  # an epoch starts from zeros
    for end, start in zip(spy.ends, spy.starts[1:]):
        assert all(np.array_equal(e, s) for e, s in zip(end, start))  # the values are carried ...
        assert np.abs(start[0]).max() > 0
    assert [h["chars"] for h in history] == [16, 32, 48, 64]


@pytest.mark.parametrize("partition", ["sequential", "random"])
def test_reset_starts_every_chunk_from_zeros(monkeypatch, partition):
    spy, history = train_spied(monkeypatch, "reset", partition=partition)
    assert spy.starts == [None] * 4 and history[-1]["chars"] == 64


def test_training_on_a_stream_lowers_the_loss_and_calls_back():
    model = small_model(hidden=16)
    ids = model.vocab.encode(TEXT)
    logged = []
    history = stream.train_on_stream(model, ids, Adam(model.layers, lr=0.02), 60, batch_size=2, k=16,
                                     log_every=20, on_log=lambda step, m, h: logged.append((step, len(h))))
    assert logged == [(20, 20), (40, 40), (60, 60)]
    assert np.mean([h["loss"] for h in history[-10:]]) < 0.5 * history[0]["loss"]


@pytest.mark.parametrize("kwargs, match", [
    ({"carry": "never"}, "carry: expected one of"),
    ({"partition": "random"}, "carry: expected 'reset' with partition='random'"),
    ({"partition": "shuffled", "carry": "reset"}, "partition"),
])
def test_training_refuses_unknown_modes(kwargs, match):
    model = small_model()
    with pytest.raises(ValueError, match=match):
        stream.train_on_stream(model, model.vocab.encode(TEXT), Adam(model.layers), 2, 2, 8, **kwargs)


def test_a_model_with_a_boundary_token_is_refused_for_a_stream():
    model = CharLM(Vocabulary("abc", specials=(".",)), 4)
    with pytest.raises(ValueError, match="boundary=None"):
        stream.train_on_stream(model, np.array([1, 2, 3] * 20), Adam(model.layers), 2, 2, 4)


# ----------------------------------------------------------------------------- evaluation

def test_evaluation_in_chunks_equals_one_pass_over_each_lane():
    model = small_model(dtype=np.float64)
    ids = model.vocab.encode(TEXT)
    params = {k: v.copy() for k, v in model.params.items()}
    chunked = stream.evaluate_stream(model, ids, batch_size=3, k=7)
    rows = stream.lanes(ids, 3)  # (3, L + 1)
    logits = model.forward(rows[:, :-1])  # one pass, no chunks
    logp = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
    whole = -np.take_along_axis(logp, rows[:, 1:, None], -1).mean() / math.log(2)
    assert chunked == pytest.approx(whole, rel=1e-12)
    assert all(np.array_equal(params[k], v) for k, v in model.params.items())


def test_evaluation_can_return_the_hidden_state_after_each_character():
    model = small_model(dtype=np.float64)
    ids = model.vocab.encode(TEXT)
    bpc, states, rows = stream.evaluate_stream(model, ids, batch_size=2, k=5, return_states=True)
    assert states.shape == (2, rows.shape[1] - 1, 6)
    model.forward(rows[:1, :11])
    assert np.allclose(states[0, :10], model.rnn.hidden_states[0, :10])


# ----------------------------------------------------------------------------- n-gram baselines

def reference_kneser_ney(train, context, w, order, V, D):
    """Interpolated Kneser-Ney with Python dicts, straight from the formula (slow; for small texts)."""
    train = list(train)
    count = Counter(tuple(train[i:i + n]) for n in range(1, order + 1) for i in range(len(train) - n + 1))
    left = defaultdict(set)
    for n in range(1, order + 1):
        for i in range(1, len(train) - n + 1):
            left[tuple(train[i:i + n])].add(train[i - 1])

    def p(n, ctx):
        if n == 0:
            return 1.0 / V
        kind = (lambda g: count[g]) if n == order else (lambda g: len(left[g]))
        ctx = ctx[len(ctx) - (n - 1):] if n > 1 else ()
        grams = [ctx + (v,) for v in range(V)]
        total = sum(kind(g) for g in grams)
        if total == 0:
            return p(n - 1, ctx)
        types = sum(kind(g) > 0 for g in grams)
        return (max(kind(ctx + (w,)) - D, 0) + D * types * p(n - 1, ctx)) / total
    return p(order, tuple(context))


@pytest.mark.parametrize("order", [1, 2, 3, 4])
def test_ngram_probabilities_match_the_formula_and_sum_to_one(order):
    vocab = Vocabulary(TEXT)
    train = vocab.encode(TEXT[:150])
    counts = stream.NGramCounts(train, order, len(vocab))
    for context in ("ret", "x, ", "C:\n", "ff("):  # "ff(" never occurs: the model backs off
        ctx = vocab.encode(context)
        probs = []
        for w in range(len(vocab)):
            stats = counts.level_stats(np.append(ctx, w), order)
            probs.append(counts.probabilities(stats, 0.7)[-1])
            if w % 5 == 0:
                assert probs[-1] == pytest.approx(reference_kneser_ney(train, ctx, w, order, len(vocab), 0.7))
        assert sum(probs) == pytest.approx(1.0, abs=1e-12)


def test_ngram_bits_per_char_fall_from_order_1_to_3_on_the_corpus():
    text = data.load_corpus()
    vocab = Vocabulary(text)
    ids = vocab.encode(text[:600_000])
    train, held = ids[:500_000], ids[500_000:]
    bpc = [stream.ngram_bits_per_char(train, held, order, len(vocab), discount=0.8) for order in (1, 2, 3)]
    assert bpc[0] > bpc[1] > bpc[2]
    assert 4.0 < bpc[0] < 5.0 and bpc[2] < 3.2, bpc  # unigram ~4.5 bits; a trigram knows much more


def test_best_ngram_chooses_on_validation_and_reports_test():
    vocab = Vocabulary(TEXT)
    ids = vocab.encode(TEXT * 5)
    train, valid, test = stream.split_stream(ids, 0.2, 0.2)
    best = stream.best_ngram(train, valid, test, len(vocab), orders=range(1, 4), discounts=(0.3, 0.9))
    counts = stream.NGramCounts(train, 3, len(vocab))
    grid = {(o, d): counts.bits_per_char(valid, o, d) for o in (1, 2, 3) for d in (0.3, 0.9)}
    assert (best["order"], best["discount"]) == min(grid, key=grid.get)
    assert best["valid_bpc"] == pytest.approx(min(grid.values()))
    assert best["test_bpc"] == pytest.approx(counts.bits_per_char(test, best["order"], best["discount"]))


@pytest.mark.parametrize("discount", [0, 1, -0.5])
def test_ngram_discount_must_be_between_0_and_1(discount):
    ids = np.array([0, 1, 2, 1, 0, 2])
    with pytest.raises(ValueError, match="discount"):
        stream.ngram_bits_per_char(ids, ids, 2, 3, discount=discount)


# ----------------------------------------------------------------------------- structure signals

def test_structure_signals_follow_strings_comments_brackets_and_lines():
    text = 'x = f("a)#", [1,\n    2])  # (c\n'
    signals = stream.structure_signals(text)
    at = lambda name, i: signals[name][i]  # noqa: E731
    assert all(len(v) == len(text) for v in signals.values())
    quote, close = text.index('"'), text.index('"', text.index('"') + 1)
    assert [at("inside string", i) for i in (quote - 1, quote, quote + 2, close, close + 1)] == [0, 1, 1, 1, 0]
    assert at("bracket depth", text.index("(")) == 1 and at("bracket depth", text.index("[")) == 2
    assert at("bracket depth", text.index("2")) == 2 and at("bracket depth", text.index("]")) == 1
    hash_ = text.index("# (")
    assert at("inside comment", hash_ - 1) == 0 and at("inside comment", hash_ + 2) == 1
    assert at("bracket depth", hash_ + 2) == 0  # a bracket in a comment does not count
    assert at("inside comment", text.index(")#") + 1) == 0  # nor does a # in a string start a comment
    newline = text.index("\n")
    assert at("position in line", 0) == 1 and at("position in line", newline) == 0
    assert [at("indentation", newline + j) for j in (1, 4, 5, 6)] == [1, 4, 4, 4]


def test_triple_quoted_strings_span_lines_and_a_cut_string_ends_at_its_line():
    text = 'a = """x\n\'y\' # z\n"""\nb = 1'
    inside = stream.structure_signals(text)["inside string"]
    assert inside[text.index("# z")] == 1 and inside[text.index("b")] == 0
    cut = stream.structure_signals("oops' = 1\nc = (2)\n")  # a slice that starts in mid-string
    assert cut["inside string"][-3] == 0


def test_unit_correlations_are_pearson_and_zero_for_constant_units():
    rng = np.random.default_rng(0)
    signal = rng.random(200)
    hidden = np.stack([signal, -2 * signal + 1, np.full(200, 0.3), rng.random(200)], axis=1)  # (200, 4)
    r = stream.unit_correlations(hidden, signal)
    assert r[:3] == pytest.approx([1, -1, 0]) and abs(r[3]) < 0.3
    assert r[3] == pytest.approx(np.corrcoef(hidden[:, 3], signal)[0, 1])
    assert np.all(stream.unit_correlations(hidden, np.ones(200)) == 0)
    with pytest.raises(ValueError, match=r"\(T, H\) and \(T,\)"):
        stream.unit_correlations(hidden, signal[:-1])


# ----------------------------------------------------------------------------- the shipped corpus and model

def test_the_corpus_is_the_python_standard_library_in_printable_ascii():
    text = data.load_corpus()
    assert len(text) == 3_863_606 and text.startswith("#") and "def " in text
    assert len(Vocabulary(text)) == 96


@pytest.mark.parametrize("name", ["python_stdlib", "char_lm_weights", "char_lm_provenance"])
def test_a_missing_or_altered_corpus_or_model_file_is_named_with_the_restore_command(name, tmp_path, monkeypatch):
    monkeypatch.setenv("RNNCOURSE_DATA", str(tmp_path))
    load = data.load_corpus if name == "python_stdlib" else data.load_char_model
    filename = data.DATA_FILES[name].filename
    for other in ("python_stdlib", "char_lm_weights", "char_lm_provenance"):
        if other != name:
            shutil.copy(ROOT / "data" / data.DATA_FILES[other].filename, tmp_path)
    with pytest.raises(data.DataFileError, match=rf"{filename} is missing.*git checkout -- data/{filename}"):
        load()
    (tmp_path / filename).write_bytes((ROOT / "data" / filename).read_bytes()[:-10])
    with pytest.raises(data.DataFileError, match=rf"{filename} has been altered.*git checkout -- data/{filename}"):
        load()


def test_the_shipped_model_loads_with_its_provenance_and_beats_the_best_ngram():
    model, record = data.load_char_model()
    _, train, valid, test = train_lm.corpus_splits()
    baseline = stream.best_ngram(train, valid, test, len(model.vocab))
    assert record["corpus_sha256"] == data.DATA_FILES["python_stdlib"].sha256
    assert (model.cell, model.hidden_size, model.dtype) == (record["model"]["cell"], record["model"]["hidden_size"],
                                                             np.float32)
    assert "".join(model.vocab.tokens) == record["vocabulary"] and model.boundary is None
    with np.load(ROOT / "data" / data.DATA_FILES["char_lm_weights"].filename) as weights:
        assert all(np.array_equal(weights[k], v) for k, v in model.params.items())
    assert record["valid_bpc"] < baseline["valid_bpc"] and record["test_bpc"] < baseline["test_bpc"]


def test_the_recorded_settings_are_the_code_settings():
    _, record = data.load_char_model()
    settings = {k: v for k, v in record["training"].items() if k in train_lm.Config.__dataclass_fields__}
    assert train_lm.Config(**settings) == train_lm.CONFIG, "retrain with python3 course.py train-lm"
    assert record["steps"] == train_lm.CONFIG.steps


def test_the_first_steps_of_train_lm_reproduce_the_recorded_loss_curve():
    """Same seed, same data, same code: the first 30 losses agree with the recorded ones. The shipped run
    is float32, which another BLAS build sums in another order, and Adam's first steps (about lr times the
    sign of each gradient) amplify that; so the check replays the run in float64, recorded by train-lm."""
    _, record = data.load_char_model()
    replay = train_lm.replay_float64(train_lm.CONFIG, 30)
    assert np.allclose(replay, record["first_losses_float64"][:30], rtol=1e-6, atol=0)
    assert np.allclose(replay[:3], record["first_losses"][:3], rtol=1e-3)  # and it is the float32 run's start


def test_train_lm_writes_weights_and_provenance_that_load(tmp_path, monkeypatch):
    tiny = train_lm.Config(hidden_size=4, batch_size=4, k=8, steps=3, first_losses=2, curve_every=2)
    monkeypatch.setattr(train_lm, "CONFIG", tiny)
    assert train_lm.main(["--steps", "3", "--out", str(tmp_path)]) == 0
    source = tmp_path / "data.py"
    shutil.copy(Path(data.__file__), source)
    paths = [tmp_path / data.DATA_FILES[n].filename for n in ("char_lm_weights", "char_lm_provenance")]
    train_lm.record_checksums(paths, source)
    for path in paths:
        assert data.sha256_of(path) in source.read_text()
    monkeypatch.setattr(data, "DATA_FILES", {**data.DATA_FILES, **{
        n: data.DataFile(p.name, data.sha256_of(p), "") for n, p in zip(("char_lm_weights", "char_lm_provenance"), paths)}})
    shutil.copy(ROOT / "data" / data.DATA_FILES["python_stdlib"].filename, tmp_path)
    monkeypatch.setenv("RNNCOURSE_DATA", str(tmp_path))
    model, record = data.load_char_model()
    assert model.hidden_size == 4 and record["steps"] == 3 and len(record["first_losses"]) == 2
    assert [step for step, _ in record["loss_curve"]] == [2, 3]


def test_python_m_rnncourse_train_lm_passes_its_options_on(monkeypatch):
    from rnncourse.__main__ import main
    seen = []
    monkeypatch.setattr(train_lm, "main", lambda argv: seen.append(argv) or 0)
    assert main(["train-lm", "--steps", "5"]) == 0 and seen == [["--steps", "5"]]
