"""Tests of rnncourse.layers, losses, optim and text."""
import os
import random
import subprocess
import sys

import numpy as np
import pytest

from rnncourse.gradcheck import numerical_gradient, relative_error
from rnncourse.layers import Dense, Embedding, sum_rows_by_id
from rnncourse.losses import log_softmax, mean_squared_error, softmax, softmax_cross_entropy
from rnncourse.optim import SGD, Adagrad, Adam, clip_by_global_norm, clip_by_value, global_norm
from rnncourse.text import (Vocabulary, nbytes_report, one_hot, pad_sequences, tokenize_characters,
                            tokenize_words)

TOL = 1e-7


# ---------------------------------------------------------------- layers

@pytest.mark.parametrize("shape", [(2, 3, 4), (5, 4)])
def test_dense_backward_matches_central_differences(shape):
    rng = np.random.default_rng(1)
    layer = Dense(4, 3, rng=2)
    x = rng.standard_normal(shape)
    g = rng.standard_normal(shape[:-1] + (3,))
    x_before, g_before = x.copy(), g.copy()
    y = layer.forward(x)
    assert y.shape == shape[:-1] + (3,)
    dx = layer.backward(g)
    np.testing.assert_array_equal(x, x_before)
    np.testing.assert_array_equal(g, g_before)

    assert relative_error(dx, numerical_gradient(lambda v: np.sum(layer.forward(v) * g), x)) <= TOL
    for name in ("W", "b"):
        original = layer.params[name].copy()

        def loss(v, name=name):
            layer.params[name][...] = v
            return np.sum(layer.forward(x) * g)
        numeric = numerical_gradient(loss, original)
        layer.params[name][...] = original
        assert relative_error(layer.grads[name], numeric) <= TOL, name


@pytest.mark.parametrize("ids", [[3, 0, 3, 3, 1], [4], list(range(6)) * 3, []], ids=["repeats", "one", "all", "none"])
def test_sum_rows_by_id_is_the_one_hot_product(ids):
    ids = np.array(ids, dtype=np.int64)
    values = np.random.default_rng(5).standard_normal((len(ids), 7))
    summed = sum_rows_by_id(ids, values, 6)
    assert summed.shape == (6, 7) and summed.dtype == values.dtype
    np.testing.assert_allclose(summed, one_hot(ids, 6).T @ values, rtol=1e-13, atol=1e-15)


def test_embedding_backward_accumulates_repeated_ids():
    rng = np.random.default_rng(3)
    layer = Embedding(6, 4, rng=0)
    ids = np.array([[0, 2, 2], [5, 2, 0]])
    g = rng.standard_normal((2, 3, 4))
    out = layer.forward(ids)
    assert out.shape == (2, 3, 4)
    np.testing.assert_array_equal(out[0, 1], layer.params["E"][2])
    assert layer.backward(g) is None
    original = layer.params["E"].copy()

    def loss(v):
        layer.params["E"][...] = v
        return np.sum(layer.forward(ids) * g)
    numeric = numerical_gradient(loss, original)
    assert relative_error(layer.grads["E"], numeric) <= TOL
    np.testing.assert_allclose(layer.grads["E"][2], g[0, 1] + g[0, 2] + g[1, 1])
    np.testing.assert_array_equal(layer.grads["E"][[1, 3, 4]], 0.0)


def test_layers_are_seeded_and_accept_float32():
    np.testing.assert_array_equal(Dense(3, 2, rng=7).params["W"], Dense(3, 2, rng=7).params["W"])
    assert not np.array_equal(Embedding(5, 2, rng=1).params["E"], Embedding(5, 2, rng=2).params["E"])
    layer = Dense(3, 2, dtype=np.float32)
    assert layer.forward(np.ones((1, 2, 3), np.float32)).dtype == np.float32
    assert Embedding(5, 2, dtype=np.float32).forward([[1]]).dtype == np.float32


def test_layers_reject_bad_inputs_with_expected_messages():
    with pytest.raises(RuntimeError, match="forward"):
        Dense(3, 2).backward(np.zeros((1, 2)))
    with pytest.raises(RuntimeError, match="forward"):
        Embedding(4, 2).backward(np.zeros((1, 1, 2)))
    dense = Dense(3, 2)
    with pytest.raises(ValueError, match=r"expected.*\(batch, time, 3\).*got \(2, 4\)"):
        dense.forward(np.zeros((2, 4)))
    with pytest.raises(ValueError, match="expected finite"):
        dense.forward(np.array([[np.nan, 0, 0]]))
    dense.forward(np.zeros((2, 5, 3)))
    with pytest.raises(ValueError, match=r"expected shape \(2, 5, 2\), got \(2, 5, 3\)"):
        dense.backward(np.zeros((2, 5, 3)))
    emb = Embedding(4, 2)
    with pytest.raises(TypeError, match="expected an integer array"):
        emb.forward(np.array([[0.0, 1.0]]))
    with pytest.raises(ValueError, match=r"expected ids in \[0, 4\), got 4"):
        emb.forward(np.array([[0, 4]]))
    with pytest.raises(ValueError, match=r"expected ids in \[0, 4\), got -1"):
        emb.forward(np.array([[-1, 2]]))


# ---------------------------------------------------------------- losses

def test_softmax_is_stable_for_huge_logits():
    logits = np.array([[1e4, 0.0, -1e4], [1e4, 1e4, 1e4]])
    p = softmax(logits)
    assert np.all(np.isfinite(p))
    np.testing.assert_allclose(p, [[1, 0, 0], [1 / 3, 1 / 3, 1 / 3]])
    assert np.all(np.isfinite(log_softmax(logits)))
    loss, d = softmax_cross_entropy(logits, np.array([1, 0]))
    assert np.isfinite(loss) and np.all(np.isfinite(d))
    np.testing.assert_allclose(loss, (1e4 + np.log(3)) / 2)


@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_cross_entropy_gradient_with_mask(reduction):
    rng = np.random.default_rng(4)
    logits = rng.standard_normal((3, 4, 5))
    targets = rng.integers(0, 5, size=(3, 4))
    mask = np.array([[1, 1, 1, 1], [1, 1, 0, 0], [1, 0, 0, 0]], dtype=bool)
    logits_before = logits.copy()
    loss, d = softmax_cross_entropy(logits, targets, mask, reduction)
    np.testing.assert_array_equal(logits, logits_before)
    numeric = numerical_gradient(lambda v: softmax_cross_entropy(v, targets, mask, reduction)[0], logits)
    assert relative_error(d, numeric) <= TOL
    np.testing.assert_array_equal(d[~mask], 0.0)

    per_step = -log_softmax(logits)[np.arange(3)[:, None], np.arange(4), targets]  # (B, T)
    expected = per_step[mask].sum() / (mask.sum() if reduction == "mean" else 1)
    np.testing.assert_allclose(loss, expected)


def test_cross_entropy_masked_steps_do_not_matter_and_2d_input_works():
    rng = np.random.default_rng(5)
    logits = rng.standard_normal((2, 3, 4))
    targets = np.array([[0, 1, 2], [3, 0, 1]])
    mask = np.array([[1, 1, 0], [1, 0, 0]], dtype=bool)
    changed = logits.copy()
    changed[~mask] = 100.0
    assert softmax_cross_entropy(logits, targets, mask)[0] == softmax_cross_entropy(changed, targets, mask)[0]
    loss2d, d2d = softmax_cross_entropy(logits[:, 0], targets[:, 0])
    loss3d, _ = softmax_cross_entropy(logits[:, :1], targets[:, :1])
    np.testing.assert_allclose(loss2d, loss3d)
    np.testing.assert_allclose(d2d.sum(axis=-1), 0.0, atol=1e-15)


def test_cross_entropy_rejects_bad_inputs():
    logits = np.zeros((2, 3, 4))
    with pytest.raises(ValueError, match=r"targets: expected shape \(2, 3\), got \(2, 4\)"):
        softmax_cross_entropy(logits, np.zeros((2, 4), int))
    with pytest.raises(TypeError, match="expected integer"):
        softmax_cross_entropy(logits, np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"expected ids in \[0, 4\), got 4"):
        softmax_cross_entropy(logits, np.full((2, 3), 4))
    with pytest.raises(ValueError, match="expected 'mean' or 'sum'"):
        softmax_cross_entropy(logits, np.zeros((2, 3), int), reduction="avg")
    with pytest.raises(ValueError, match="expected at least one unmasked"):
        softmax_cross_entropy(logits, np.zeros((2, 3), int), np.zeros((2, 3), bool))
    with pytest.raises(ValueError, match="expected bool or 0/1"):
        softmax_cross_entropy(logits, np.zeros((2, 3), int), np.full((2, 3), 0.5))


def test_mean_squared_error_gradient_and_mask():
    rng = np.random.default_rng(6)
    pred, target = rng.standard_normal((2, 3, 2)), rng.standard_normal((2, 3, 2))
    step_mask = np.array([[1, 1, 0], [1, 0, 0]], dtype=bool)
    for mask in (None, step_mask, np.broadcast_to(step_mask[..., None], pred.shape)):
        loss, d = mean_squared_error(pred, target, mask)
        numeric = numerical_gradient(lambda v: mean_squared_error(v, target, mask)[0], pred)
        assert relative_error(d, numeric) <= TOL
    loss, d = mean_squared_error(pred, target, step_mask)
    np.testing.assert_allclose(loss, np.mean((pred - target)[step_mask] ** 2))
    np.testing.assert_array_equal(d[~step_mask], 0.0)
    with pytest.raises(ValueError, match=r"target: expected shape \(2, 3, 2\), got \(2, 3\)"):
        mean_squared_error(pred, target[..., 0])


# ---------------------------------------------------------------- optimisers

class Quadratic:
    """A 'layer' whose loss is 0.5 * sum(scale * (w - 3)**2); gradient scale * (w - 3)."""

    def __init__(self):
        self.scale = np.array([1.0, 10.0])
        self.params = {"w": np.zeros(2)}
        self.grads = {"w": np.zeros(2)}

    def loss_and_grad(self):
        diff = self.params["w"] - 3.0
        self.grads["w"] = self.scale * diff
        return 0.5 * np.sum(self.scale * diff ** 2)


@pytest.mark.parametrize("make", [lambda l: SGD([l], lr=0.05), lambda l: SGD([l], lr=0.05, momentum=0.9),
                                  lambda l: Adagrad([l], lr=0.5), lambda l: Adam([l], lr=0.1)])
def test_optimisers_decrease_a_quadratic(make):
    layer = Quadratic()
    opt = make(layer)
    params_object = layer.params["w"]
    first = layer.loss_and_grad()
    for _ in range(100):
        layer.loss_and_grad()
        opt.step()
    assert layer.loss_and_grad() < 0.01 * first
    assert layer.params["w"] is params_object  # updated in place


def test_adam_first_step_is_about_lr_whatever_the_gradient_scale():
    layer = Quadratic()
    layer.scale = np.array([1e-3, 1e3])
    layer.loss_and_grad()
    Adam([layer], lr=0.01).step()
    np.testing.assert_allclose(np.abs(layer.params["w"]), 0.01, rtol=1e-4)


def test_momentum_sgd_matches_two_hand_unrolled_steps():
    lr, mu = 0.1, 0.9
    layer = Quadratic()
    layer.params["w"] = np.array([1.0, -2.0])
    opt = SGD([layer], lr=lr, momentum=mu)
    for _ in range(2):
        layer.loss_and_grad()
        opt.step()
    w0 = np.array([1.0, -2.0])
    g1 = np.array([1.0, 10.0]) * (w0 - 3)
    w1 = w0 - lr * g1
    g2 = np.array([1.0, 10.0]) * (w1 - 3)
    w2 = w1 - lr * (mu * g1 + g2)
    np.testing.assert_allclose(layer.params["w"], w2, rtol=1e-14)


def test_optimisers_reject_bad_arguments():
    with pytest.raises(ValueError, match="expected a positive learning rate"):
        SGD([Quadratic()], lr=0.0)
    with pytest.raises(TypeError, match="expected an object with params and grads"):
        Adam([object()])
    layer = Quadratic()
    layer.grads["w"] = np.zeros(3)
    with pytest.raises(ValueError, match=r"expected shape \(2,\), got \(3,\)"):
        SGD([layer], lr=0.1).step()


# ---------------------------------------------------------------- clipping

def test_clip_by_global_norm_rescales_keeps_direction_and_copies():
    grads = [{"a": np.array([3.0, 0.0]), "b": np.array([[4.0]])}, {"c": np.array([0.0, 12.0])}]
    before = [{k: v.copy() for k, v in d.items()} for d in grads]
    clipped, total = clip_by_global_norm(grads, 6.5)
    np.testing.assert_allclose(total, 13.0)
    np.testing.assert_allclose(global_norm(clipped), 6.5)
    for d, c, b in zip(grads, clipped, before):
        for k in d:
            np.testing.assert_allclose(c[k], b[k] * 0.5)
            np.testing.assert_array_equal(d[k], b[k])
            assert c[k] is not d[k]
    small, total = clip_by_global_norm({"a": np.array([0.3, 0.4])}, 1.0)
    np.testing.assert_array_equal(small["a"], [0.3, 0.4])
    np.testing.assert_allclose(total, 0.5)
    with pytest.raises(ValueError, match="max_norm: expected a positive"):
        clip_by_global_norm(grads, 0.0)
    with pytest.raises(TypeError, match="expected a dict of arrays"):
        clip_by_global_norm(np.ones(3), 1.0)


def test_clip_by_value_bounds_and_copies():
    grads = {"a": np.array([-5.0, 0.5, 7.0])}
    clipped = clip_by_value(grads, 1.0)
    np.testing.assert_array_equal(clipped["a"], [-1.0, 0.5, 1.0])
    np.testing.assert_array_equal(grads["a"], [-5.0, 0.5, 7.0])
    with pytest.raises(ValueError, match="limit: expected a positive"):
        clip_by_value(grads, -1.0)


# ---------------------------------------------------------------- text

BUILD = ("from rnncourse.text import Vocabulary, tokenize_words; "
         "print(Vocabulary(tokenize_words({text!r}), specials=('<pad>', '<end>')).tokens)")
TEXT = "the cat sat on the mat , and the dog sat on a log . zebra apple mango kiwi"


def test_vocabulary_is_sorted_and_independent_of_input_order():
    tokens = tokenize_words(TEXT)
    shuffled = tokens[:]
    random.Random(0).shuffle(shuffled)
    a = Vocabulary(tokens, specials=("<pad>", "<end>"))
    b = Vocabulary(shuffled, specials=("<pad>", "<end>"))
    assert a.tokens == b.tokens
    assert a["<pad>"] == 0 and a["<end>"] == 1
    assert a.tokens[2:] == sorted(set(tokens))
    assert len(a) == len(set(tokens)) + 2 and "cat" in a and "cow" not in a


def test_vocabulary_identical_across_processes():
    src = os.path.join(os.path.dirname(__file__), os.pardir, "src")
    outputs = []
    for hash_seed in ("1", "2"):
        env = dict(os.environ, PYTHONHASHSEED=hash_seed,
                   PYTHONPATH=os.pathsep.join(filter(None, [src, os.environ.get("PYTHONPATH")])))
        result = subprocess.run([sys.executable, "-c", BUILD.format(text=TEXT)], env=env,
                                capture_output=True, text=True, check=True)
        outputs.append(result.stdout)
    local = Vocabulary(tokenize_words(TEXT), specials=("<pad>", "<end>")).tokens
    assert outputs[0] == outputs[1] == f"{local}\n"


def test_encode_decode_round_trip_and_unknown_tokens():
    text = "hello, world!\n"
    vocab = Vocabulary(tokenize_characters(text))
    ids = vocab.encode(text)
    assert ids.dtype == np.int64 and ids.shape == (len(text),)
    assert vocab.decode(ids, sep="") == text
    assert vocab.decode(ids) == list(text)
    with pytest.raises(KeyError, match=r"'z' is not in the vocabulary.*expected.*unknown='<unk>'"):
        vocab.encode("hez")
    with_unk = Vocabulary(tokenize_characters(text), specials=("<pad>",), unknown="<unk>")
    assert with_unk.encode("z")[0] == with_unk["<unk>"] == 1
    padded = np.array([*with_unk.encode("hi"), 0, 0])
    assert with_unk.decode(padded, sep="", skip_specials=True) == "h<unk>"
    with pytest.raises(ValueError, match=r"expected ids in \[0, 11\), got 11"):
        vocab.decode([11])
    with pytest.raises(TypeError, match="expected strings"):
        Vocabulary([1, 2])


def test_tokenizers():
    assert tokenize_characters("a b\n") == ["a", " ", "b", "\n"]
    assert tokenize_words("Don't stop, Bob.") == ["don't", "stop", ",", "bob", "."]


def test_one_hot_shape_and_sum():
    ids = np.array([[0, 3, 1], [2, 2, 0]])
    x = one_hot(ids, 4)
    assert x.shape == (2, 3, 4) and x.dtype == np.float64
    np.testing.assert_array_equal(x.sum(axis=-1), 1.0)
    np.testing.assert_array_equal(x.argmax(axis=-1), ids)
    assert one_hot(np.array([1, 0]), 3, dtype=np.float32).shape == (2, 3)
    with pytest.raises(ValueError, match=r"expected ids in \[0, 4\), got 4"):
        one_hot(np.array([4]), 4)
    with pytest.raises(TypeError, match="expected integer ids"):
        one_hot(np.array([0.5]), 4)
    report = nbytes_report(ids, 1000)
    assert report["one_hot"] == 6 * 1000 * 8 and report["ratio"] == 1000.0


def test_pad_sequences_shapes_and_mask():
    seqs = [np.array([5, 6, 7]), np.array([8]), np.array([], dtype=int)]
    ids, mask = pad_sequences(seqs, pad_id=0)
    np.testing.assert_array_equal(ids, [[5, 6, 7], [8, 0, 0], [0, 0, 0]])
    np.testing.assert_array_equal(mask, [[1, 1, 1], [1, 0, 0], [0, 0, 0]])
    assert mask.dtype == bool and ids.dtype == np.int64
    ids, mask = pad_sequences(seqs, pad_id=9, max_len=2)
    np.testing.assert_array_equal(ids, [[5, 6], [8, 9], [9, 9]])
    assert np.array_equal(seqs[0], [5, 6, 7])
    with pytest.raises(ValueError, match="expected a 1-D array of integer ids"):
        pad_sequences([np.zeros((2, 2), int)])
    with pytest.raises(ValueError, match="expected at least one sequence"):
        pad_sequences([])


def test_a_refused_step_does_not_count_for_adams_bias_correction():
    from rnncourse.layers import Dense
    from rnncourse.optim import Adam
    layer = Dense(2, 1, rng=0)
    optimiser = Adam([layer], lr=0.1)
    layer.grads.update(W=np.full((2, 1), np.nan), b=np.zeros(1))
    with pytest.raises(ValueError, match="expected finite values"):
        optimiser.step()
    assert optimiser.t == 0
    before = layer.params["W"].copy()
    layer.grads.update(W=np.ones((2, 1)), b=np.ones(1))
    optimiser.step()
    assert np.allclose(before - layer.params["W"], 0.1)  # Adam's first step moves each weight by lr
