"""The benchmark scripts still run: their BLAS report and both sides of the training comparison."""
import math
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

blas = pytest.importorskip("blas", reason="threadpoolctl is in requirements.txt; run python3 course.py test")
import bench_training  # noqa: E402


def test_blas_report_names_the_library_kernel_and_threads():
    line = blas.describe()
    assert line.startswith(f"numpy {np.__version__}; BLAS: ") and "kernel" in line and "thread" in line, line


@pytest.mark.parametrize("side", ["Batched", "PerSample"])
def test_both_training_sides_start_near_the_uniform_loss_and_stay_finite(side):
    ids, vocab = bench_training.corpus()
    trainer = (bench_training.Batched(ids, vocab, np.float64) if side == "Batched"
               else bench_training.PerSample(ids, len(vocab), np.float64))
    losses = [trainer.update() for _ in range(20)]
    assert abs(losses[0] - math.log(len(vocab))) < 0.5, losses[0]  # about ln V before training
    assert np.isfinite(losses).all(), losses


@pytest.mark.parametrize("side", ["Course", "OneStream-lstm", "OneStream-rnn", "Torch"])
def test_every_lm_training_side_starts_near_the_uniform_loss_and_learns(side):
    import bench_lm_training as bench
    vocab, train, _, _ = bench.corpus_splits()
    if side == "Course":
        trainer = bench.Course(vocab, train)
    elif side == "Torch":
        trainer = bench.Torch(pytest.importorskip("torch", reason="pip install torch==2.13.0"), len(vocab), train)
    else:
        trainer = bench.OneStream(train, len(vocab), side.split("-")[1])
    losses = [trainer.update() for _ in range(8)]
    assert abs(losses[0] - math.log(len(vocab))) < 0.5, losses[0]  # about ln V before training
    assert np.isfinite(losses).all() and min(losses[-3:]) < losses[0] - 0.3, losses


def test_the_one_stream_loop_trains_the_same_with_one_hot_products_or_column_lookup():
    import bench_lm_training as bench
    vocab, train, _, _ = bench.corpus_splits()
    as_written, lookup = (bench.OneStream(train, len(vocab), "lstm", lookup=flag) for flag in (False, True))
    for _ in range(3):
        np.testing.assert_allclose(as_written.update(), lookup.update(), rtol=1e-5)
    for name in as_written.p:
        np.testing.assert_allclose(as_written.p[name], lookup.p[name], rtol=1e-4, atol=1e-6, err_msg=name)
