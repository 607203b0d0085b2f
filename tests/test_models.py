"""Tests of rnncourse.models (ManyToOne, ManyToMany, CharLM, train) and of the exercise checks."""
import os
import subprocess
import sys

import warnings

import numpy as np
import pytest

from rnncourse.gradcheck import numerical_gradient, relative_error
from rnncourse.losses import softmax_cross_entropy
from rnncourse.models import (CharLM, ManyToMany, ManyToOne, detach_state, sample_with_temperature,
                              text_batches, train, unigram_loss)
from rnncourse.optim import SGD, Adam, clip_by_global_norm
from rnncourse.tasks import sorting_task
from rnncourse.text import Vocabulary, pad_sequences

TOL = 1e-6
NAMES = ["ada", "bob", "eve", "abe", "dave", "bea", "ed", "deb", "vada"]


def names_vocab():
    return Vocabulary("".join(NAMES), specials=(".",))


def names_model(**kwargs):
    return CharLM(names_vocab(), **{"hidden_size": 5, "rng": 0, **kwargs})


def names_batch(model, names=NAMES[:4]):
    ids, real = pad_sequences([model.encode(n) for n in names])  # (B, T + 1)
    return ids, real[:, 1:]


# ---------------------------------------------------------------- gradient checks, end to end

def assert_model_gradients(model, batch, tol=TOL):
    """Every parameter's gradient from model.backward against central differences of model.loss."""
    model.loss(*batch)
    model.backward()
    analytic = {name: g.copy() for name, g in model.grads.items()}
    assert set(analytic) == set(model.params)
    for name, param in model.params.items():
        original = param.copy()

        def loss_at(value):
            param[...] = value
            return model.loss(*batch)
        numeric = numerical_gradient(loss_at, original)
        param[...] = original
        assert np.abs(numeric).max() > 0 or np.abs(analytic[name]).max() == 0, name
        assert relative_error(analytic[name], numeric) <= tol, f"{name}: {relative_error(analytic[name], numeric):.1e}"


@pytest.mark.parametrize("cell", ["rnn", "gru", "lstm"])
def test_many_to_one_classifier_gradients_with_embedding_and_lengths(cell):
    rng = np.random.default_rng(0)
    model = ManyToOne(6, 4, 3, cell=cell, embedding_dim=3, rng=1)
    ids = rng.integers(0, 6, size=(3, 5))
    lengths = np.array([5, 2, 4])
    assert_model_gradients(model, (ids, np.array([0, 2, 1]), lengths))


def test_many_to_one_regression_gradients_with_float_inputs_a_mask_and_two_layers():
    rng = np.random.default_rng(1)
    model = ManyToOne(2, 3, 1, cell="lstm", task="regress", num_layers=2, rng=2)
    x = rng.standard_normal((3, 4, 2))
    _, mask = pad_sequences([np.zeros(4, int), np.zeros(1, int), np.zeros(3, int)])
    assert_model_gradients(model, (x, rng.standard_normal((3, 1)), mask))


@pytest.mark.parametrize("cell", ["rnn", "gru", "lstm"])
def test_many_to_many_gradients_with_one_hot_ids_and_a_mask(cell):
    model = ManyToMany(5, 4, 5, cell=cell, rng=3)
    x, y = sorting_task(3, 4, rng=4, max_value=5)
    mask = np.array([[1, 1, 1, 1], [1, 1, 0, 0], [1, 1, 1, 0]], bool)
    assert_model_gradients(model, (x, y, mask))


def test_bidirectional_many_to_many_regression_gradients():
    rng = np.random.default_rng(5)
    model = ManyToMany(2, 3, 2, cell="gru", task="regress", bidirectional=True, rng=6)
    assert model.layer_names == ["rnn.fwd", "rnn.bwd", "head"]
    assert_model_gradients(model, (rng.standard_normal((2, 4, 2)), rng.standard_normal((2, 4, 2))))


@pytest.mark.parametrize("cell, num_layers, embedding_dim", [("rnn", 1, None), ("lstm", 2, None), ("gru", 1, 3)])
def test_char_lm_gradients(cell, num_layers, embedding_dim):
    model = names_model(cell=cell, num_layers=num_layers, embedding_dim=embedding_dim)
    assert_model_gradients(model, names_batch(model))


def test_gradient_of_the_initial_state():
    rng = np.random.default_rng(7)
    model = ManyToMany(3, 4, 2, cell="rnn", task="regress", rng=8)
    x, y, h0 = rng.standard_normal((2, 3, 3)), rng.standard_normal((2, 3, 2)), rng.standard_normal((2, 4))
    model.loss(x, y, state0=h0)
    d_h0 = model.backward()
    numeric = numerical_gradient(lambda h: model.loss(x, y, state0=h), h0)
    assert relative_error(d_h0, numeric) <= TOL


def test_params_are_the_layers_own_arrays_and_layers_open_a_stack():
    model = names_model(cell="gru", num_layers=2)
    assert model.layer_names == ["rnn.0", "rnn.1", "head"]
    assert model.params["rnn.1.W_hh"] is model.rnn.layers[1].params["W_hh"]
    assert set(model.params) == set(model.grads)
    assert "parameters" in repr(model)


# ---------------------------------------------------------------- training

class NoUpdate:
    """An optimiser that never changes anything, so every forward pass uses the same weights."""

    def __init__(self, layers):
        self.layers = layers

    def step(self):
        pass


def test_two_training_steps_and_backward_needs_a_loss_first():
    model = names_model()
    with pytest.raises(RuntimeError, match="loss"):
        model.backward()
    history = train(model, names_batch(model), Adam(model.layers, lr=0.01), steps=2, clip=1.0)
    assert [h["step"] for h in history] == [1, 2]
    assert all(np.isfinite(h["loss"]) and h["grad_norm"] > 0 for h in history)
    with pytest.raises(RuntimeError, match="loss"):
        model.backward()  # one backward per loss
    model.loss(*names_batch(model))
    model.sample(3, rng=0)
    with pytest.raises(RuntimeError, match="loss"):
        model.backward()  # a forward pass in between replaced the caches


def test_clipping_writes_the_clipped_gradients_where_the_optimiser_reads():
    model = names_model()
    batch = names_batch(model)
    before = {name: p.copy() for name, p in model.params.items()}
    model.loss(*batch)
    model.backward()
    expected, norm = clip_by_global_norm([layer.grads for layer in model.layers], 1e-3)
    assert norm > 1e-3
    model2 = names_model()
    train(model2, batch, SGD(model2.layers, lr=1.0), steps=1, clip=1e-3)
    flat = {f"{n}.{k}": g for n, d in zip(model.layer_names, expected) for k, g in d.items()}
    for name, p in model2.params.items():
        np.testing.assert_allclose(before[name] - p, flat[name], atol=1e-12)


def test_train_rejects_an_optimiser_over_other_layers_and_many_to_one_truncation():
    model = names_model(num_layers=2)
    with pytest.raises(ValueError, match="model.layers"):
        train(model, names_batch(model), Adam([model.rnn, model.head]), steps=1)
    m2o = ManyToOne(3, 4, 2)
    x = np.zeros((2, 3, 3))
    with pytest.raises(ValueError, match="truncated_bptt"):
        train(m2o, (x, np.array([0, 1])), Adam(m2o.layers), steps=1, truncated_bptt=2)


def test_loss_decreases_on_sorting():
    x, y = sorting_task(128, 4, rng=0, max_value=5)
    model = ManyToMany(5, 24, 5, cell="gru", rng=0)
    history = train(model, (x, y), Adam(model.layers, lr=0.02), steps=60, clip=5.0)
    assert history[-1]["loss"] < 0.7 * history[0]["loss"]


def test_many_to_one_learns_to_report_the_first_token_of_variable_length_sequences():
    rng = np.random.default_rng(0)
    lengths = rng.integers(2, 6, size=128)
    ids = rng.integers(0, 3, size=(128, 5))
    model = ManyToOne(3, 12, 3, rng=0)
    history = train(model, (ids, ids[:, 0], lengths), Adam(model.layers, lr=0.03), steps=80)
    assert history[-1]["loss"] < 0.5 * history[0]["loss"]
    assert np.mean(model.predict(ids, lengths) == ids[:, 0]) > 0.9


def test_many_to_one_reads_the_last_real_step():
    rng = np.random.default_rng(1)
    model = ManyToOne(2, 3, 2, task="regress", rng=0)
    x = rng.standard_normal((2, 5, 2))
    lengths = np.array([3, 5])
    _, mask = pad_sequences([np.zeros(3, int), np.zeros(5, int)])
    by_lengths, by_mask = model.forward(x, lengths), model.forward(x, mask)
    np.testing.assert_array_equal(by_lengths, by_mask)
    np.testing.assert_allclose(by_lengths[0], model.forward(x[:1, :3])[0])
    with pytest.raises(ValueError, match="padding only at the end"):
        model.forward(x, np.array([[1, 0, 1, 0, 0], [1, 1, 1, 1, 1]], bool))


def leaves(state):
    """The arrays of a state: an array, an LSTM pair (h, c), or a list with one state per layer."""
    return [a for s in state for a in leaves(s)] if isinstance(state, (tuple, list)) else [state]


@pytest.mark.parametrize("cell, num_layers", [("rnn", 1), ("lstm", 1), ("gru", 2), ("lstm", 2)])
def test_truncated_bptt_carries_the_state_as_a_copy_and_no_gradient_crosses_chunks(cell, num_layers):
    model = names_model(cell=cell, num_layers=num_layers)
    ids, mask = names_batch(model, ["abeadave", "vadabea", "edadeb"])  # (3, 10): 9 predictions
    model.forward(ids[:, :-1])
    full_hidden = model.rnn.hidden_states.copy()  # (3, 9, H)
    calls = []
    loss, backward = model.loss, model.backward

    def spy_loss(*batch, state0=None):
        value = loss(*batch, state0=state0)
        calls.append({"batch": batch, "state0": state0, "final": model.final_state,
                      "hidden": model.rnn.hidden_states})
        return value

    def spy_backward():
        calls[-1]["d_state0"] = backward()
        calls[-1]["grads"] = {k: g.copy() for k, g in model.grads.items()}

    model.loss, model.backward = spy_loss, spy_backward
    train(model, (ids, mask), NoUpdate(model.layers), steps=1, truncated_bptt=4)

    assert len(calls) == 3 and calls[0]["state0"] is None  # chunks of 4, 4 and 1 predictions
    chunked = np.concatenate([c["hidden"] for c in calls], axis=1)
    np.testing.assert_allclose(chunked, full_hidden, rtol=0, atol=1e-12)  # same as one full forward
    for before, after in zip(calls, calls[1:]):
        for carried, final in zip(leaves(after["state0"]), leaves(before["final"])):
            np.testing.assert_array_equal(carried, final)  # one chunk's final state starts the next ...
            assert not np.shares_memory(carried, final)  # ... as a copy, linked to no cache
            assert not np.shares_memory(carried, before["hidden"])
    # The second chunk would send gradient back into its initial state, but training drops it:
    # its gradients are exactly those of the second chunk alone, started from the carried numbers.
    assert max(np.abs(d).max() for d in leaves(calls[1]["d_state0"])) > 0
    alone = names_model(cell=cell, num_layers=num_layers)
    alone.loss(*calls[1]["batch"], state0=calls[1]["state0"])
    alone.backward()
    for name, g in alone.grads.items():
        np.testing.assert_array_equal(calls[1]["grads"][name], g)


def test_truncated_chunks_share_one_id_and_drop_all_padding_chunks():
    model = names_model()
    ids, mask = names_batch(model, ["ada", "ed"])  # (2, 5): 4 predictions, the last all padding
    chunks = model.time_chunks(ids, mask, k=3)
    assert [c[0].shape[1] for c in chunks] == [4, 2]
    assert chunks[0][0][0, -1] == chunks[1][0][0, 0]
    assert len(model.time_chunks(ids, np.array([[1, 1, 1, 0], [1, 1, 0, 0]], bool), k=3)) == 1


def test_detach_state_copies_every_part():
    h, c = np.ones((2, 3)), np.zeros((2, 3))
    state = detach_state([(h, c), h])
    assert isinstance(state, list) and isinstance(state[0], tuple)
    assert not np.shares_memory(state[0][0], h) and np.array_equal(state[1], h)


# ---------------------------------------------------------------- language model: data, evaluation, sampling

def test_text_batches_pad_and_mask_targets_and_cover_every_sequence_once_per_epoch():
    model = names_model()
    seqs = [model.encode(n) for n in NAMES]
    batches = list(text_batches(seqs, 4, rng=0, epochs=2))
    assert len(batches) == 6
    for ids, mask in batches:
        assert ids.shape[1] == mask.shape[1] + 1 and mask.dtype == bool
        assert np.all(ids[:, 1:][~mask] == 0)
    first_epoch = sorted(model.vocab.decode(row[:m.sum() + 1], "") for ids, mask in batches[:3]
                         for row, m in zip(ids, mask))
    assert first_epoch == sorted(f".{n}." for n in NAMES)
    again = list(text_batches(seqs, 4, rng=0, epochs=2))
    assert all(np.array_equal(a[0], b[0]) for a, b in zip(batches, again))


def test_evaluate_reports_nats_perplexity_and_bits_and_accepts_lists():
    model = names_model()
    seqs = [model.encode(n) for n in NAMES]
    ids, real = pad_sequences(seqs)
    result = model.evaluate(seqs)
    logits = model.forward(ids[:, :-1])
    expected, _ = softmax_cross_entropy(logits, ids[:, 1:], real[:, 1:])
    assert result["loss"] == pytest.approx(expected)
    assert result["perplexity"] == pytest.approx(np.exp(expected))
    assert result["bits_per_char"] == pytest.approx(expected / np.log(2))
    assert model.evaluate(ids, real[:, 1:])["loss"] == pytest.approx(expected)


def test_unigram_loss_is_the_cross_entropy_of_target_frequencies():
    train_seqs, eval_seqs = [np.array([0, 1, 1, 2])], [np.array([0, 2, 1])]
    p = (np.array([0, 2, 1]) + 1.0) / 6  # counts of targets [1, 1, 2] plus one each
    assert unigram_loss(train_seqs, eval_seqs, 3) == pytest.approx(-np.mean(np.log(p[[2, 1]])))


def test_unigram_loss_without_smoothing_is_inf_on_an_unseen_id_without_a_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert unigram_loss([np.array([0, 1, 1])], [np.array([0, 2])], 3, smoothing=0) == np.inf
        assert unigram_loss([np.array([0, 1, 2])], [np.array([0, 2])], 3, smoothing=0) == pytest.approx(np.log(2))
    with pytest.raises(ValueError, match="smoothing: expected a count >= 0, got -1"):
        unigram_loss([np.array([0, 1])], [np.array([0, 1])], 2, smoothing=-1)
    with pytest.raises(ValueError, match="expected at least one target .* when smoothing is 0, got none"):
        unigram_loss([np.array([0])], [np.array([0, 1])], 2, smoothing=0)


def test_char_lm_learns_names_better_than_the_unigram_baseline():
    names = ["anna", "bob", "carla", "dan", "ella", "fred", "gina", "hal", "ida", "jon", "kara", "leo",
             "mona", "ned", "olga", "pam", "rosa", "sam", "tina", "vera"] * 3
    vocab = Vocabulary("".join(names), specials=(".",))
    model = CharLM(vocab, 32, cell="gru", rng=0)
    seqs = [model.encode(n) for n in names]
    baseline = unigram_loss(seqs, seqs, len(vocab))
    train(model, text_batches(seqs, 16, rng=0), Adam(model.layers, lr=0.02), steps=120, clip=5.0)
    assert model.evaluate(seqs)["loss"] < baseline - 0.5


def test_sample_is_reproducible_with_the_same_rng_and_varies_with_another():
    model = names_model()
    global_state = np.random.get_state()[1].copy()
    same = [model.sample(20, rng=np.random.default_rng(3)) for _ in range(2)]
    assert same[0] == same[1] == model.sample(20, rng=3)
    assert np.array_equal(np.random.get_state()[1], global_state)  # numpy's global generator untouched
    rng = np.random.default_rng(3)
    drawn = {model.sample(20, rng=rng) for _ in range(6)}
    assert len(drawn) > 1 and same[0] in drawn
    assert all(set(s) <= set("abdeov") for s in drawn)
    assert model.sample(5, rng=0, prefix="ab").startswith("ab")


def test_low_temperature_sampling_is_greedy_decoding():
    model = names_model(hidden_size=8)
    train(model, names_batch(model, NAMES), Adam(model.layers, lr=0.05), steps=30)
    ids, greedy = [model.vocab["."]], ""
    for _ in range(12):
        next_id = int(model.forward(np.array([ids]))[0, -1].argmax())
        if next_id == model.vocab["."]:
            break
        ids.append(next_id)
        greedy += model.vocab.tokens[next_id]
    assert model.sample(12, temperature=1e-4, rng=1) == greedy
    assert model.sample(12, temperature=0, rng=1) == greedy  # 0 is greedy decoding itself
    logits = np.random.default_rng(2).standard_normal(7)
    assert all(sample_with_temperature(logits, 1e-4, np.random.default_rng(s)) == logits.argmax() for s in range(5))
    rng = np.random.default_rng(3)
    assert sample_with_temperature(logits, 0, rng) == logits.argmax()
    assert rng.random() == np.random.default_rng(3).random()  # greedy draws nothing from the generator


def test_a_priming_text_with_unknown_characters_is_named_not_a_key_error():
    model = names_model()
    with pytest.raises(ValueError, match=r"never seen: 'Z', 'q'"):
        model.sample(5, rng=0, prefix="aZqZ")


@pytest.mark.parametrize("temperature", [-1.0, -1e-9, float("nan"), float("inf"), True])
def test_temperature_must_be_non_negative_and_finite(temperature):
    model = names_model()
    with pytest.raises(ValueError, match="temperature"):
        model.sample(5, temperature=temperature, rng=0)
    with pytest.raises(ValueError, match="temperature"):
        sample_with_temperature(np.zeros(3), temperature, np.random.default_rng(0))


def test_sample_with_temperature_wants_a_generator_not_a_seed():
    with pytest.raises(TypeError, match="Generator"):
        sample_with_temperature(np.zeros(3), 1.0, 0)


BUILD = """
from rnncourse.data import load_first_names
from rnncourse.models import CharLM
from rnncourse.text import Vocabulary
vocab = Vocabulary("".join(load_first_names()), specials=(".",))
print("".join(vocab.tokens), CharLM(vocab, 16, rng=0).sample(30, rng=5))
"""


def test_vocabulary_and_samples_are_identical_across_processes():
    outputs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        result = subprocess.run([sys.executable, "-c", BUILD], env=env, capture_output=True, text=True, check=True)
        outputs.append(result.stdout)
    assert outputs[0] == outputs[1]
    assert outputs[0].startswith(".abcdefghijklmnopqrstuvwxyz ")


def test_truncated_bptt_runs_leading_all_padding_chunks_forward_without_an_update():
    from rnncourse import models, optim
    rng = np.random.default_rng(3)
    x = rng.standard_normal((4, 6, 2))
    y = rng.standard_normal((4, 6, 1))
    mask = np.zeros((4, 6), dtype=bool)
    mask[:, 4:] = True  # only the last chunk has targets, as in a delayed-recall task
    model = models.ManyToMany(2, 5, 1, task="regress", rng=0)
    assert len(model.time_chunks(x, y, mask, k=2)) == 3
    reference = models.ManyToMany(2, 5, 1, task="regress", rng=0)
    reference.forward(x[:, :4])
    expected_state = reference.final_state.copy()
    loss_ref = reference.loss(x[:, 4:], y[:, 4:], mask[:, 4:], state0=expected_state)
    history = models.train(model, (x, y, mask), optim.SGD(model.layers, lr=1e-3), steps=1, truncated_bptt=2)
    assert np.isclose(history[0]["loss"], loss_ref)  # the state reached step 4 through the skipped chunks


def test_truncated_bptt_refuses_a_batch_with_no_unmasked_step():
    from rnncourse import models, optim
    model = models.ManyToMany(2, 3, 1, task="regress", rng=0)
    x, y = np.zeros((2, 4, 2)), np.zeros((2, 4, 1))
    with pytest.raises(ValueError, match="expected at least one unmasked step"):
        models.train(model, (x, y, np.zeros((2, 4), bool)), optim.SGD(model.layers, lr=0.1), 1, truncated_bptt=2)



def test_training_takes_a_fixed_batch_of_nested_lists_also_with_truncated_bptt():
    from rnncourse import models, optim
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((3, 4, 2)), rng.standard_normal((3, 4, 1))
    model = models.ManyToMany(2, 3, 1, task="regress", rng=0)
    for k in (None, 2):
        history = models.train(model, (x.tolist(), y.tolist()), optim.SGD(model.layers, lr=0.1), 2, truncated_bptt=k)
        assert len(history) == 2 and np.isfinite(history[-1]["loss"])
