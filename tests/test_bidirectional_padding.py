"""Bidirectional layers and models on right-padded batches: the backward direction starts at each
row's last real step, so padding changes nothing a real step sees (and PyTorch's packed sequences agree)."""
import numpy as np
import pytest

from rnncourse.models import ManyToMany, ManyToOne
from rnncourse.rnn import RNN
from rnncourse.text import pad_sequences
from rnncourse.wrappers import Bidirectional, reversed_within
from test_models import assert_model_gradients

LENGTHS = np.array([5, 2, 4])


def padded_batch(rng, D=3):
    x = rng.standard_normal((3, 5, D))
    x[np.arange(5) >= LENGTHS[:, None]] = 7.0  # loud padding: it must not leak into real steps
    return x


def test_reversed_within_reverses_the_real_steps_and_keeps_the_padding_in_place():
    order = reversed_within(np.array([3, 5]), 2, 5)
    assert order.tolist() == [[2, 1, 0, 3, 4], [4, 3, 2, 1, 0]]
    with pytest.raises(ValueError, match=r"lengths: expected \(2,\) ints in \[1, 5\]"):
        reversed_within(np.array([0, 5]), 2, 5)


def test_with_lengths_each_rows_real_steps_are_what_the_unpadded_row_gives():
    rng = np.random.default_rng(0)
    layer = Bidirectional(RNN(3, 4, rng=1), RNN(3, 2, rng=2))
    x = padded_batch(rng)
    out, _ = layer.forward(x, lengths=LENGTHS)
    for b, L in enumerate(LENGTHS):
        alone, _ = layer.forward(x[b:b + 1, :L])
        np.testing.assert_allclose(out[b, :L], alone[0], rtol=1e-12, atol=1e-12)


def test_without_lengths_the_backward_direction_starts_on_padding():
    rng = np.random.default_rng(0)
    layer = Bidirectional(RNN(3, 4, rng=1), RNN(3, 2, rng=2))
    x = padded_batch(rng)
    out, _ = layer.forward(x)
    alone, _ = layer.forward(x[1:2, :2])
    assert np.allclose(out[1, :2, :4], alone[0, :, :4])          # the forward half is fine ...
    assert not np.allclose(out[1, :2, 4:], alone[0, :, 4:])      # ... the backward half has read padding


@pytest.mark.parametrize("cell", ["rnn", "gru", "lstm"])
def test_bidirectional_many_to_one_ignores_padding_and_its_gradients_are_right(cell):
    rng = np.random.default_rng(1)
    model = ManyToOne(3, 4, 2, cell=cell, bidirectional=True, rng=3)
    x = padded_batch(rng)
    logits = model.forward(x, LENGTHS)
    for b, L in enumerate(LENGTHS):
        np.testing.assert_allclose(logits[b], model.forward(x[b:b + 1, :L])[0], rtol=1e-12, atol=1e-12)
    assert_model_gradients(model, (x, np.array([0, 1, 1]), LENGTHS))


def test_two_layer_bidirectional_many_to_one_with_a_mask_has_right_gradients():
    rng = np.random.default_rng(2)
    model = ManyToOne(3, 3, 2, cell="gru", num_layers=2, bidirectional=True, rng=4)
    _, mask = pad_sequences([np.zeros(L, int) for L in LENGTHS])
    assert_model_gradients(model, (padded_batch(rng), np.array([1, 0, 1]), mask))


def test_bidirectional_many_to_many_with_a_mask_ignores_padding():
    rng = np.random.default_rng(3)
    model = ManyToMany(3, 4, 2, bidirectional=True, rng=5)
    x = padded_batch(rng)
    _, mask = pad_sequences([np.zeros(L, int) for L in LENGTHS])
    out = model.forward(x, mask=mask)
    np.testing.assert_allclose(out[1, :2], model.forward(x[1:2, :2])[0], rtol=1e-12, atol=1e-12)
    assert_model_gradients(model, (x, rng.integers(0, 2, size=(3, 5)), mask))


def test_agrees_with_pytorch_packed_sequences():
    torch = pytest.importorskip("torch", reason="PyTorch not installed: pip install torch==2.13.0")
    torch.manual_seed(0)
    theirs = torch.nn.RNN(3, 4, batch_first=True, bidirectional=True).double()
    ours = Bidirectional(RNN(3, 4), RNN(3, 4))
    for layer, suffix in ((ours.fwd, ""), (ours.bwd, "_reverse")):
        get = lambda name: getattr(theirs, f"{name}_l0{suffix}").detach().numpy()  # noqa: E731
        layer.params.update(W_xh=get("weight_ih").T.copy(), W_hh=get("weight_hh").T.copy(),
                            b_h=get("bias_ih") + get("bias_hh"))
    x = padded_batch(np.random.default_rng(4))
    packed = torch.nn.utils.rnn.pack_padded_sequence(torch.from_numpy(x), torch.from_numpy(LENGTHS),
                                                     batch_first=True, enforce_sorted=False)
    packed_out, h_n = theirs(packed)
    out_t, _ = torch.nn.utils.rnn.pad_packed_sequence(packed_out, batch_first=True, total_length=5)
    out, _ = ours.forward(x, lengths=LENGTHS)
    real = np.arange(5) < LENGTHS[:, None]
    np.testing.assert_allclose(out[real], out_t.detach().numpy()[real], rtol=1e-10, atol=1e-12)
    rows = np.arange(3)
    np.testing.assert_allclose(out[rows, LENGTHS - 1, :4], h_n[0].detach().numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(out[:, 0, 4:], h_n[1].detach().numpy(), rtol=1e-10, atol=1e-12)
