"""Exercises of notebooks 08-10: losses, sampling, bidirectional and stacked layers."""
import numpy as np

from ..losses import softmax, softmax_cross_entropy
from ..models import sample_with_temperature
from ..rnn import RNN
from ..wrappers import Bidirectional

from .compare import Case, Mistake, check_function, only, returns_verdict  # noqa: F401
from .recurrent import _name, _rnn_params  # noqa: F401
from .registry import exercise, register


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
        arg_names = ("logits", "targets")
    else:
        reference = lambda z, y, m: softmax_cross_entropy(z, y, m)  # noqa: E731
        B, T = 2, 3
        z3, y3 = rng.standard_normal((B, T, V)), rng.integers(0, V, size=(B, T))
        full, padded = np.ones((B, T), bool), np.array([[True, True, True], [True, False, False]])
        cases = [Case("no padding: the mean over all B·T steps", (z3, y3, full)),
                 Case("padded steps: they add nothing to the loss and get zero gradient, and the mean "
                      "divides by the number of real steps (4), not by B·T", (z3, y3, padded)),
                 Case("huge logits (about 1000): subtract the maximum before exp", (z3 + 1000, y3, padded))]
        arg_names = ("logits", "targets", "mask")
    return check_function(student_fn, reference, cases, _name(student_fn, "softmax_cross_entropy"),
                          arg_names=arg_names,
                      outputs=("loss", "dlogits"))



SAMPLING_LOGITS = np.array([2.0, 1.0, 0.2, -1.0, 0.5])


@returns_verdict
def check_sample_with_temperature(student_fn, draws=3000):
    """Self-check for student_fn(logits (V,), temperature, rng) -> one index in [0, V).

    The index must be drawn from softmax(logits / temperature) with the Generator `rng` only
    (no np.random.seed, no np.random.* functions, no new generator inside), and a temperature
    <= 0 must raise ValueError. Frequencies over `draws` draws are compared with the
    expected probabilities, so any correct way of drawing passes.
    """
    name = _name(student_fn, "sample_with_temperature")
    logits = SAMPLING_LOGITS
    V = len(logits)

    def fail(message):
        print(f"✗ {name}: {message}")
        return False

    def run(temperature, seed, n):
        rng = np.random.default_rng(seed)
        return [student_fn(logits.copy(), temperature, rng) for _ in range(n)]

    saved = np.random.get_state()  # numpy's global generator, restored below
    try:
        np.random.seed(1)  # if the draws depend on the global generator, the two seeds change them
        first = run(1.0, 7, 50)
        bad = [i for i in first if not (isinstance(i, (int, np.integer)) and 0 <= i < V)]
        if bad:
            return fail(f"expected an integer index in [0, {V}), got {bad[0]!r}")
        np.random.seed(2)
        again = run(1.0, 7, 50)
        if again != first:
            return fail("two generators made with the same seed gave different draws: the function uses "
                        "randomness other than the rng it is given (np.random.* or a generator made inside)")
        if run(1.0, 8, 50) == first:
            return fail("generators with different seeds gave the same 50 draws: the function ignores the rng "
                        "it is given (is it reseeding, or always returning the argmax?)")
        greedy = run(0.01, 9, 20)
        if any(i != logits.argmax() for i in greedy):
            return fail(f"at temperature 0.01 expected the argmax (index {logits.argmax()}) every time, "
                        f"got {sorted(set(greedy))}")
        for temperature in (1.0, 0.5, 2.0):
            counts = np.bincount(run(temperature, 100, draws), minlength=V)
            freq = counts / draws
            expected = softmax(logits / temperature)
            tolerance = 5 * np.sqrt(expected * (1 - expected) / draws) + 0.005
            wrong = np.abs(freq - expected) > tolerance
            if wrong.any():
                k = int(np.argmax(np.abs(freq - expected) - tolerance))
                hint = ""
                for label, p in (("softmax(logits): is the temperature applied?", softmax(logits)),
                                 ("softmax(logits * temperature): divide by the temperature, don't multiply",
                                  softmax(logits * temperature))):
                    if np.all(np.abs(freq - p) <= 5 * np.sqrt(p * (1 - p) / draws) + 0.005):
                        hint = f"\n  your frequencies match {label}"
                        break
                return fail(f"at temperature {temperature}, index {k} was drawn {100 * freq[k]:.1f}% of the time; "
                            f"expected {100 * expected[k]:.1f}% = softmax(logits / {temperature})[{k}]{hint}")
    except NotImplementedError:
        return fail("is not written yet.")
    except Exception as error:  # a student's bug is reported, not raised
        return fail(f"raised {type(error).__name__}: {error}")
    finally:
        np.random.set_state(saved)
    for temperature in (0, -1.0):
        try:
            with np.errstate(all="ignore"):
                got = student_fn(logits.copy(), temperature, np.random.default_rng(0))
        except ValueError:
            continue
        except Exception as error:
            return fail(f"temperature {temperature}: expected a ValueError, got {type(error).__name__}: {error}")
        return fail(f"temperature {temperature}: expected a ValueError (the temperature must be > 0), "
                    f"got the result {got!r}")
    print(f"✓ {name} draws from softmax(logits / temperature) with the given rng only "
          f"(checked at temperatures 0.01, 0.5, 1 and 2).")
    return True


# ---------------------------------------------------------------- bidirectional layer

def _bidirectional_reference(x, params_fwd, params_bwd):
    layers = []
    for params in (params_fwd, params_bwd):
        layer = RNN(params["W_xh"].shape[0], params["W_hh"].shape[0])
        layer.params = {key: np.array(value, dtype=np.float64) for key, value in params.items()}
        layers.append(layer)
    return Bidirectional(*layers).forward(x)[0]


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
                          arg_names=("x", "params_fwd", "params_bwd"))


register("sample_with_temperature", "def sample_with_temperature(logits, temperature, rng) -> int",
         "divide the logits by the temperature, take a stable softmax, then rng.choice(len(p), p=p); "
         "raise ValueError for a temperature <= 0.", sample_with_temperature, check_sample_with_temperature)
register("bidirectional_forward", "def bidirectional_forward(x, params_fwd, params_bwd) -> outputs (B, T, H_fwd + H_bwd)",
         "run one RNN on x and the other on x[:, ::-1]; flip the second one's states back before concatenating "
         "on the last axis.", _bidirectional_reference, check_bidirectional_forward)
