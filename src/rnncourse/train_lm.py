"""The course's shipped character model: `python3 course.py train-lm` trains it and writes it to data/.

    python -m rnncourse train-lm [--steps N] [--out DIR]

Trains CharLM (CONFIG below) on the Python standard library corpus (data.load_corpus) with
stateful truncated BPTT (stream.train_on_stream, carry="detach"), showing a progress line with
the loss and characters per second; then measures validation and test bits per character
(stream.evaluate_stream) and writes

    char_lm_weights.npz       every parameter, float32, under its model.params name
    char_lm_provenance.json   corpus SHA-256, seed, settings, steps, bits per character,
                              library versions, the loss of each of the first steps and the loss curve

and, when writing to the course's data/ folder, records the two files' SHA-256 in rnncourse/data.py
(the loader checks them). The run is deterministic for a given BLAS: one BLAS thread, one seed.
"""
import argparse
import dataclasses
import json
import math
import platform
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import data, stream
from .models import CharLM
from .optim import Adam
from .text import Vocabulary


@dataclass(frozen=True)
class Config:
    cell: str = "lstm"
    hidden_size: int = 256
    num_layers: int = 1
    embedding_dim: int = None  # one-hot inputs
    batch_size: int = 32  # lanes
    k: int = 64  # truncated BPTT: steps per chunk (and per update)
    steps: int = 7000  # updates: steps * batch_size * k characters
    lr: float = 2e-3  # Adam, cosine decay to lr * final_lr_fraction
    final_lr_fraction: float = 0.1
    clip: float = 5.0
    forget_bias: float = 1.0  # LSTM: initial forget-gate bias (1 keeps the gate mostly open); None: as drawn
    seed: int = 0
    dtype: str = "float32"
    first_losses: int = 50  # these first steps are replayed in float64 and recorded (the reproducibility test)
    curve_every: int = 50  # and the mean loss of every block of this many steps


CONFIG = Config()


def learning_rate(config, step):
    """Cosine decay from config.lr at step 1 to config.lr * final_lr_fraction at config.steps."""
    progress = (step - 1) / max(config.steps - 1, 1)
    low = config.lr * config.final_lr_fraction
    return low + (config.lr - low) * 0.5 * (1 + math.cos(math.pi * progress))


def corpus_splits():
    """(vocab, train, valid, test): the corpus' sorted character vocabulary and its three id streams."""
    text = data.load_corpus()
    vocab = Vocabulary(text)
    return (vocab, *stream.split_stream(vocab.encode(text)))


def build(config, vocab):
    """A fresh model (weights from config.seed; an LSTM's forget-gate bias set to config.forget_bias)
    and its optimiser."""
    model = CharLM(vocab, config.hidden_size, cell=config.cell, num_layers=config.num_layers,
                   embedding_dim=config.embedding_dim, rng=config.seed, dtype=np.dtype(config.dtype))
    if config.cell == "lstm" and config.forget_bias is not None:
        H = config.hidden_size
        for name, bias in model.params.items():
            if name.endswith("b_h"):
                bias[H:2 * H] = config.forget_bias  # gate order i, f, g, o
    return model, Adam(model.layers, lr=config.lr)


def train(config=CONFIG, steps=None, progress=True):
    """Train from config.seed for `steps` updates (default config.steps, with the schedule of
    config.steps either way). Returns (model, history, (vocab, train, valid, test))."""
    splits = corpus_splits()
    model, optimiser = build(config, splits[0])
    steps = config.steps if steps is None else steps
    bar = stream.Progress(steps) if progress else None
    report = None if bar is None else (lambda step, model, history: bar.update(step, history[-1]["loss"],
                                                                               history[-1]["chars"]))
    with _one_blas_thread():
        history = stream.train_on_stream(model, splits[1], optimiser, steps, config.batch_size, config.k,
                                         carry="detach", clip=config.clip, log_every=1, on_log=report,
                                         rng=config.seed, lr_at=lambda step: learning_rate(config, step))
    if bar is not None:
        bar.close()
    return model, history, splits


def _one_blas_thread():
    """Limit numpy's BLAS to one thread (faster for these small matrices, and it does not collapse on a
    busy machine); a no-op without threadpoolctl."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        import contextlib
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


def replay_float64(config, steps):
    """The loss of each of the first `steps` updates of the same run, computed in float64.

    float32 training is not reproducible from one BLAS build to another beyond its first few
    steps: products are summed in other orders, and Adam's first updates (about lr * sign of each
    gradient) turn rounding-level differences into visible ones. In float64 the same steps agree to
    many digits on any machine, so this is what a test can check (tests/test_stream.py)."""
    _, history, _ = train(dataclasses.replace(config, dtype="float64"), steps=steps, progress=False)
    return [h["loss"] for h in history]


def provenance(config, model, history, splits, seconds, cpu_seconds=None):
    """Everything needed to say how the weights were made, as a JSON-able dict."""
    vocab, _, valid, test = splits
    with _one_blas_thread():
        valid_bpc, test_bpc = (stream.evaluate_stream(model, ids) for ids in (valid, test))
    losses = [h["loss"] for h in history]
    curve = [[min(start + config.curve_every, len(losses)), float(np.mean(losses[start:start + config.curve_every]))]
             for start in range(0, len(losses), config.curve_every)]
    return {
        "command": "python3 course.py train-lm",
        "corpus": data.DATA_FILES["python_stdlib"].filename,
        "corpus_sha256": data.DATA_FILES["python_stdlib"].sha256,
        "split": {"train": len(splits[1]), "valid": len(valid), "test": len(test)},
        "vocabulary": "".join(vocab.tokens),
        "model": {"cell": config.cell, "hidden_size": config.hidden_size, "num_layers": config.num_layers,
                  "embedding_dim": config.embedding_dim, "parameters": int(sum(p.size for p in model.params.values()))},
        "training": dataclasses.asdict(config) | {"optimiser": "Adam", "carry": "detach", "partition": "sequential",
                                                  "lr_schedule": "cosine from lr to lr * final_lr_fraction"},
        "steps": len(history),
        "characters_trained": history[-1]["chars"],
        "valid_bpc": round(valid_bpc, 4),
        "test_bpc": round(test_bpc, 4),
        "seconds": round(seconds),  # wall-clock time of the training
        "cpu_seconds": None if cpu_seconds is None else round(cpu_seconds),  # this process' CPU time
        "characters_per_second": round(history[-1]["chars"] / seconds),
        "versions": {"python": platform.python_version(), "numpy": np.__version__,
                     "machine": platform.machine(), "system": platform.system()},
        "first_losses": losses[:config.first_losses],  # the float32 run itself
        "first_losses_float64": replay_float64(config, min(config.first_losses, len(losses))),
        "loss_curve": curve,
    }


def write(model, record, out_dir):
    """Write the weights (float32 .npz) and the provenance (.json) into out_dir; returns their paths."""
    out_dir = Path(out_dir)
    weights = out_dir / data.DATA_FILES["char_lm_weights"].filename
    record_path = out_dir / data.DATA_FILES["char_lm_provenance"].filename
    np.savez(weights, **{name: p.astype(np.float32) for name, p in model.params.items()})
    record_path.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8", newline="\n")
    return weights, record_path


def record_checksums(paths, source=Path(data.__file__)):
    """Write the files' SHA-256 into the DATA_FILES entries of rnncourse/data.py that name them."""
    text = source.read_text(encoding="utf-8")
    for path in paths:
        pattern = re.compile(rf'(DataFile\("{re.escape(Path(path).name)}",\s*")[0-9a-f]{{64}}(")')
        text, found = pattern.subn(lambda m: m.group(1) + data.sha256_of(path) + m.group(2), text)
        if found != 1:
            raise RuntimeError(f"{source}: expected one DataFile entry for {Path(path).name}, found {found}")
    source.write_text(text, encoding="utf-8", newline="\n")


def record_in_readme(paths, readme=Path(data.__file__).resolve().parents[2] / "data" / "README.md"):
    """Update the size and SHA-256 in the rows of data/README.md's table that name the files."""
    text = readme.read_text(encoding="utf-8")
    for path in paths:
        row = re.compile(rf"(\| `{re.escape(Path(path).name)}` \|[^\n]*\| )[\d,]+ bytes \| `[0-9a-f]{{64}}` \|")
        text, found = row.subn(lambda m: f"{m.group(1)}{Path(path).stat().st_size:,} bytes | `{data.sha256_of(path)}` |",
                               text)
        if found != 1:
            raise RuntimeError(f"{readme}: expected one table row for {Path(path).name}, found {found}")
    readme.write_text(text, encoding="utf-8", newline="\n")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m rnncourse train-lm", description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=CONFIG.steps, help=f"updates (default {CONFIG.steps})")
    parser.add_argument("--out", type=Path, default=None, help="folder to write to (default: the course's data/)")
    args = parser.parse_args(argv)
    if args.steps < 1:
        parser.error(f"--steps: expected a positive integer, got {args.steps}")
    config = dataclasses.replace(CONFIG, steps=args.steps)
    chars = config.steps * config.batch_size * config.k
    print(f"Training CharLM ({config.cell}, hidden {config.hidden_size}) on {data.DATA_FILES['python_stdlib'].filename}: "
          f"{config.steps} updates of {config.batch_size} x {config.k} characters ({chars:,} in all)", flush=True)
    start, cpu = time.perf_counter(), time.process_time()
    model, history, splits = train(config)
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu
    print("Measuring validation and test bits per character ...", flush=True)
    record = provenance(config, model, history, splits, seconds, cpu_seconds)
    out = data.data_dir() if args.out is None else args.out
    out.mkdir(parents=True, exist_ok=True)
    paths = write(model, record, out)
    if args.out is None:
        record_checksums(paths)
        record_in_readme(paths)
    for path in paths:
        print(f"wrote {path} ({path.stat().st_size:,} bytes, SHA-256 {data.sha256_of(path)})")
    print(f"{record['steps']} updates in {seconds / 60:.1f} min ({record['characters_per_second']:,} chars/s; "
          f"{cpu_seconds / 60:.1f} min of CPU time); "
          f"validation {record['valid_bpc']:.3f}, test {record['test_bpc']:.3f} bits per character")
    if args.out is None:
        print("The new checksums are in src/rnncourse/data.py and data/README.md.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
