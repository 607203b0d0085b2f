"""How fast do the widgets respond? Median time of one control move, per widget and control.

A move is what the browser triggers: setting the control's value, which runs the widget's
observer up to the new PNG bytes or HTML. Every case moves to a new value each time; the cases
run interleaved, REPS times each, so a slow spell of the machine hits all of them. Goal: a
median of at most 50 ms on a 2-core laptop. Build (and the explorer's text-box recompute)
times are listed once below the table.

    PYTHONPATH=src python3 benchmarks/bench_widgets.py
"""
import itertools
import os
import statistics
import time

import numpy as np

from rnncourse import models, widgets
from rnncourse.text import Vocabulary

REPS = 25
GOAL_MS = 50.0
H = 64  # hidden units of the models (a realistic size for the course's notebooks)


def timed(make):
    start = time.perf_counter()
    value = make()
    return value, time.perf_counter() - start


def build():
    """The widgets, their build times and the moves to time: {name: (control, values cycled)}."""
    vocab = Vocabulary("abcdefghijklmnopqrstuvwxyz", specials=(".",))
    model = models.CharLM(vocab, H, rng=0)
    gated = models.CharLM(vocab, H, cell="lstm", rng=0)
    text = ".emma.olivia.ava.sophia.isabella.mia.charlotte.amelia."
    builds, cases = {}, {}

    box, builds["hidden_state_explorer"] = timed(lambda: widgets.hidden_state_explorer(model, "hello.world"))
    cases["hidden_state_explorer: step t"] = (box.slider, range(1, 12))
    _, builds["hidden_state_explorer: new text (recompute)"] = timed(lambda: setattr(box.text, "value", ".helloworld"))

    box, builds["gradient_explorer"] = timed(widgets.gradient_explorer)
    cases["gradient_explorer: radius"] = (box.radius, np.round(np.arange(0.5, 1.51, 0.05), 2))
    cases["gradient_explorer: nonlinearity"] = (box.activation, list(widgets.ACTIVATIONS))
    cases["gradient_explorer: gate bias"] = (box.gate_bias, widgets.GATE_BIASES)
    cases["gradient_explorer: length"] = (box.length, range(5, 61, 5))

    box, builds["gate_viewer (LSTM)"] = timed(lambda: widgets.gate_viewer(gated, text[:20]))
    cases["gate_viewer: gate"] = (box.toggle, "ifgo")

    box, builds["neuron_viewer"] = timed(lambda: widgets.neuron_viewer(model, text))
    cases["neuron_viewer: unit"] = (box.slider, range(H))

    box, builds["sampling_control"] = timed(lambda: widgets.sampling_control(model, count=8, max_chars=20))
    cases["sampling_control: temperature"] = (box.temperature, [0.5, 1.0, 1.5])
    cases["sampling_control: seed (new samples)"] = (box.seed, range(1, 10_000))  # never revisited

    box, builds["memory_demo"] = timed(widgets.memory_demo)
    cases["memory_demo: w"] = (box.children[0], [-1.0, 0.5, 1.0, 1.5])
    return builds, cases


def main():
    builds, cases = build()
    values = {name: itertools.cycle(vals) for name, (_, vals) in cases.items()}
    for name, (control, vals) in cases.items():  # warm up: visit every value once (short cycles only)
        for _ in range(len(vals) if len(vals) <= 100 else 0):
            control.value = next(values[name])
    times = {name: [] for name in cases}
    for _ in range(REPS):
        for name, (control, _) in cases.items():
            value = next(values[name])
            while value == control.value:
                value = next(values[name])
            start = time.perf_counter()
            control.value = value
            times[name].append(1e3 * (time.perf_counter() - start))

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"widget move times, median (max) of {REPS} interleaved moves; {os.cpu_count()} cores, "
          f"load average {load:.1f}")
    print(f"{'widget: control':44s} {'median ms':>10s} {'max ms':>8s}  goal <= {GOAL_MS:.0f} ms")
    for name, ts in times.items():
        median = statistics.median(ts)
        print(f"{name:44s} {median:10.1f} {max(ts):8.1f}  {'ok' if median <= GOAL_MS else 'SLOW'}")
    print(f"\n{'built once':44s} {'ms':>10s}")
    for name, seconds in builds.items():
        print(f"{name:44s} {1e3 * seconds:10.0f}")


if __name__ == "__main__":
    main()
