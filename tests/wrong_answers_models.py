"""Realistic wrong answers to the exercises of notebooks 08-10, each with the words its ✗ message must contain."""
import functools

import numpy as np

from rnncourse import losses, text
from rnncourse.models import last_steps


# ---------------------------------------------------------------- 08

def _lengths_not_indices(mask, batch, time):
    return np.full(batch, time) if mask is None else mask.sum(axis=1)


def _first_false_minus_one(mask, batch, time):
    return np.full(batch, time - 1) if mask is None else np.argmin(mask, axis=1) - 1


def _hidden_states(model, ids):
    return model.rnn.forward(text.one_hot(ids, model.input_size))[0]  # (B, T, H)


def _read_at_last_column(model, ids, mask):
    return _hidden_states(model, ids)[:, -1] @ model.head.params["W"] + model.head.params["b"]


def _read_one_step_late(model, ids, mask):
    B, T = ids.shape
    last = np.full(B, T - 1) if mask is None else mask.sum(axis=1)
    return _hidden_states(model, ids)[np.arange(B), last] @ model.head.params["W"] + model.head.params["b"]


def _no_read_out_bias(model, ids, mask):
    last = last_steps(mask, *ids.shape)
    return _hidden_states(model, ids)[np.arange(ids.shape[0]), last] @ model.head.params["W"]


def _every_row_at_every_last_step(model, ids, mask):
    last = last_steps(mask, *ids.shape)
    return _hidden_states(model, ids)[:, last] @ model.head.params["W"] + model.head.params["b"]


def _stable_log_softmax(logits):
    shifted = logits - logits.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def _masked_parts(logits, targets):
    log_p = _stable_log_softmax(logits)
    picked = np.take_along_axis(log_p, targets[..., None], axis=-1)[..., 0]         # (B, T)
    return log_p, picked, np.eye(logits.shape[-1])[targets]                         # one-hot (B, T, V)


def _divides_by_every_step(logits, targets, mask):
    log_p, picked, one_hot = _masked_parts(logits, targets)
    return -(picked * mask).sum() / mask.size, (np.exp(log_p) - one_hot) * mask[..., None] / mask.size


def _gradient_on_padding(logits, targets, mask):
    log_p, picked, one_hot = _masked_parts(logits, targets)
    return -(picked * mask).sum() / mask.sum(), (np.exp(log_p) - one_hot) / mask.sum()


def _no_max_subtracted(logits, targets, mask):
    with np.errstate(over="ignore", invalid="ignore"):  # exp(1000) overflows: that is the mistake
        p = np.exp(logits) / np.exp(logits).sum(axis=-1, keepdims=True)
    picked = np.take_along_axis(p, targets[..., None], axis=-1)[..., 0]
    dlogits = (p - np.eye(logits.shape[-1])[targets]) * mask[..., None] / mask.sum()
    return -(np.log(picked) * mask).sum() / mask.sum(), dlogits


# ---------------------------------------------------------------- 09

def _stable_softmax(z):
    e = np.exp(z - z.max())
    return e / e.sum()


def _inverse_cdf(p, rng):
    return min(int(np.searchsorted(np.cumsum(p), rng.random(), side="right")), len(p) - 1)


def _temperature_rule(sample):
    """`sample` behind the temperature rule: a negative temperature raises, 0 gives the argmax."""
    @functools.wraps(sample)
    def sampler(logits, temperature, rng):
        if temperature < 0:
            raise ValueError(f"temperature: expected a number >= 0, got {temperature}")
        if temperature == 0:
            return int(np.argmax(logits))
        return sample(logits, temperature, rng)
    return sampler


@_temperature_rule
def _temperature_ignored(logits, temperature, rng):
    return _inverse_cdf(_stable_softmax(logits), rng)


@_temperature_rule
def _temperature_multiplied(logits, temperature, rng):
    return _inverse_cdf(_stable_softmax(logits * temperature), rng)


@_temperature_rule
def _unstable_softmax(logits, temperature, rng):
    e = np.exp(logits / temperature)
    return int(rng.choice(len(e), p=e / e.sum()))


@_temperature_rule
def _global_generator(logits, temperature, rng):
    return int(np.random.choice(len(logits), p=_stable_softmax(logits / temperature)))


@_temperature_rule
def _reseeded(logits, temperature, rng):
    return _inverse_cdf(_stable_softmax(logits / temperature), np.random.default_rng(0))


@_temperature_rule
def _greedy(logits, temperature, rng):
    return int(np.argmax(logits))


@_temperature_rule
def _returns_the_probabilities(logits, temperature, rng):
    return _stable_softmax(logits / temperature)


def _no_temperature_check(logits, temperature, rng):
    return int(rng.choice(len(logits), p=_stable_softmax(logits / temperature)))


def _zero_refused(logits, temperature, rng):  # the old rule: every temperature <= 0 is an error
    if temperature <= 0:
        raise ValueError(f"temperature: expected a number > 0, got {temperature}")
    return _inverse_cdf(_stable_softmax(logits / temperature), rng)


def _zero_divided_by(logits, temperature, rng):  # no case for 0: logits / 0 is ±inf, the softmax NaN
    if temperature < 0:
        raise ValueError(f"temperature: expected a number >= 0, got {temperature}")
    return _inverse_cdf(_stable_softmax(logits / temperature), rng)


def _draws_before_the_zero_case(logits, temperature, rng):  # u is drawn first, even when it is not needed
    if temperature < 0:
        raise ValueError(f"temperature: expected a number >= 0, got {temperature}")
    u = rng.random()
    if temperature == 0:
        return int(np.argmax(logits))
    return min(int(np.searchsorted(np.cumsum(_stable_softmax(logits / temperature)), u, side="right")),
               len(logits) - 1)


def _fancy_index_add(ids, d_out, vocab_size):
    dE = np.zeros((vocab_size, d_out.shape[-1]))
    dE[ids] += d_out
    return dE


def _fancy_index_assign(ids, d_out, vocab_size):
    dE = np.zeros((vocab_size, d_out.shape[-1]))
    dE[ids] = d_out
    return dE


def _transposed_table(ids, d_out, vocab_size):
    dE = np.zeros((d_out.shape[-1], vocab_size))
    np.add.at(dE.T, ids, d_out)
    return dE


def _counts_every_id(train_sequences, eval_sequences, vocab_size, smoothing=1.0):
    counts = np.full(vocab_size, float(smoothing))
    for s in train_sequences:
        counts += np.bincount(s, minlength=vocab_size)
    log_p = np.log(counts / counts.sum())
    return float(-log_p[np.concatenate([s[1:] for s in eval_sequences])].mean())


def _smoothing_forgotten(train_sequences, eval_sequences, vocab_size, smoothing=1.0):
    counts = sum(np.bincount(s[1:], minlength=vocab_size) for s in train_sequences).astype(float)
    with np.errstate(divide="ignore"):
        log_p = np.log(counts / counts.sum())
    return float(-log_p[np.concatenate([s[1:] for s in eval_sequences])].mean())


def _mean_of_means(train_sequences, eval_sequences, vocab_size, smoothing=1.0):
    counts = np.full(vocab_size, float(smoothing))
    for s in train_sequences:
        counts += np.bincount(s[1:], minlength=vocab_size)
    log_p = np.log(counts / counts.sum())
    return float(np.mean([-log_p[s[1:]].mean() for s in eval_sequences]))


def _picked_log_p(model, ids, targets):
    log_p = losses.log_softmax(model.forward(ids[:, :-1]))                             # (B, T, V)
    return np.take_along_axis(log_p, targets[..., None], axis=-1)[..., 0]              # (B, T)


def _metrics(loss, base=np.e):
    return {"loss": loss, "perplexity": base ** loss, "bits_per_char": loss / np.log(2)}


def _scores_the_input(model, ids, mask):
    picked = _picked_log_p(model, ids, ids[:, :-1])
    return _metrics(-picked[np.ones(picked.shape, bool) if mask is None else mask].mean())


def _mask_ignored(model, ids, mask):
    return _metrics(-_picked_log_p(model, ids, ids[:, 1:]).mean())


def _perplexity_in_base_2(model, ids, mask):
    picked = _picked_log_p(model, ids, ids[:, 1:])
    return _metrics(-picked[np.ones(picked.shape, bool) if mask is None else mask].mean(), base=2)


# ---------------------------------------------------------------- 10

def _rnn(x, params, order):
    h = np.zeros((x.shape[0], params["W_hh"].shape[0]))
    states = np.empty((x.shape[0], x.shape[1], h.shape[1]))
    for t in order:
        h = np.tanh(x[:, t] @ params["W_xh"] + h @ params["W_hh"] + params["b_h"])
        states[:, t] = h
    return states


def _backward_half_in_reading_order(x, params_fwd, params_bwd):
    T = x.shape[1]
    return np.concatenate([_rnn(x, params_fwd, range(T)), _rnn(x[:, ::-1], params_bwd, range(T))], axis=2)


def _backward_half_reads_forwards(x, params_fwd, params_bwd):
    T = x.shape[1]
    return np.concatenate([_rnn(x, params_fwd, range(T)), _rnn(x, params_bwd, range(T))], axis=2)


def _halves_swapped(x, params_fwd, params_bwd):
    T = x.shape[1]
    return np.concatenate([_rnn(x, params_bwd, reversed(range(T))), _rnn(x, params_fwd, range(T))], axis=2)


def _every_layer_reads_x(stack, x, state0=None):
    starts = state0 or [None] * len(stack.layers)
    finals = []
    for layer, start in zip(stack.layers, starts):
        out, final = layer.forward(x, start)
        finals.append(final)
    return out, finals


def _initial_states_ignored(stack, x, state0=None):
    finals = []
    for layer in stack.layers:
        x, final = layer.forward(x)
        finals.append(final)
    return x, finals


def _top_final_state_only(stack, x, state0=None):
    starts = state0 or [None] * len(stack.layers)
    for layer, start in zip(stack.layers, starts):
        x, final = layer.forward(x, start)
    return x, final


def _swapped_forward_outputs(stack, x, state0=None):
    out, finals = stack.forward(x, state0)
    return finals, out


def _state_gradients_ignored(stack, d_outputs, d_state=None):
    d_state0 = []
    for layer in reversed(stack.layers):
        d_outputs, d0 = layer.backward(d_outputs)
        d_state0.insert(0, d0)
    return d_outputs, d_state0


def _top_gradient_everywhere(stack, d_outputs, d_state=None):
    d_states = d_state or [None] * len(stack.layers)
    d_state0 = [None] * len(stack.layers)
    for l in reversed(range(len(stack.layers))):
        dx, d_state0[l] = stack.layers[l].backward(d_outputs, d_states[l])
    return dx, d_state0


def _initial_gradients_top_first(stack, d_outputs, d_state=None):
    d_states = d_state or [None] * len(stack.layers)
    d_state0 = []
    for layer, d in zip(reversed(stack.layers), reversed(d_states)):
        d_outputs, d0 = layer.backward(d_outputs, d)
        d_state0.append(d0)
    return d_outputs, d_state0


WRONG_ANSWERS = {
    "last_steps": [
        (_lengths_not_indices, ["no mask", "the lengths are returned, not the last indices"]),
        (_first_false_minus_one, ["a mask without padding", "np.argmin finds the first False"]),
        (lambda mask, batch, time: time - 1 if mask is None else mask.sum(axis=1) - 1,
         ["no mask", "expected shape (3,), got ()", "np.full(batch, time - 1)"]),
    ],
    "many_to_one_forward": [
        (_read_at_last_column, ["not at the last column", "read at the last column (padding included)"]),
        (_read_one_step_late, ["a padded batch", "one step after the last word"]),
        (_no_read_out_bias, ["no padding", "bias b is left out"]),
        (_every_row_at_every_last_step, ["expected shape (1, 2), got (1, 1, 2)", "hs[np.arange(B), last]"]),
        (lambda model, ids, mask: losses.softmax(model.forward(ids, mask)), ["a softmax is applied"]),
    ],
    "masked_cross_entropy": [
        (_divides_by_every_step, ["padded steps", "divides by B·T"]),
        (_gradient_on_padding, ["['dlogits']", "the padded steps still get a gradient"]),
        (_no_max_subtracted, ["huge logits", "subtract the maximum"]),
    ],
    "sample_with_temperature": [
        (_temperature_ignored, ["at temperature 0.5", "is the temperature applied?"]),
        (_temperature_multiplied, ["at temperature 0.5", "divide by the temperature, don't multiply"]),
        (_unstable_softmax, ["at temperature 0.001", "subtract the maximum before np.exp"]),
        (_global_generator, ["randomness other than the rng"]),
        (_reseeded, ["ignores the rng"]),
        (_greedy, ["ignores the rng", "always returning the argmax"]),
        (_returns_the_probabilities, ["expected an integer index"]),
        (_no_temperature_check, ["temperature -1.0: expected a ValueError"]),
        (_zero_refused, ["temperature 0: expected the argmax, index 2, got ValueError", "greedy decoding"]),
        (_zero_divided_by, ["temperature 0: expected the argmax, index 2", "logits / 0 are ±inf"]),
        (_draws_before_the_zero_case, ["temperature 0", "rng was used", "draw nothing from rng"]),
    ],
    "embedding_backward": [
        (_fancy_index_add, ["repeats within one sequence", "dE[ids] += d_out is used"]),
        (_fancy_index_assign, ["repeats within one sequence", "dE[ids] += d_out is used"]),
        (_transposed_table, ["expected shape (7, 3), got (3, 7)", "dE is transposed"]),
    ],
    "unigram_baseline": [
        (_counts_every_id, ["no smoothing", "the first id of every training sequence is counted"]),
        (_smoothing_forgotten, ["the smoothing is not added"]),
        (_mean_of_means, ["different lengths", "the mean over ALL targets"]),
    ],
    "language_model_metrics": [
        (_scores_the_input, ["one name", "it predicts the next one"]),
        (_mask_ignored, ["padded names", "the mask is ignored"]),
        (_perplexity_in_base_2, ["['perplexity']", "2 ** loss"]),
    ],
    "bidirectional_forward": [
        (_backward_half_in_reading_order, ["stored back in time order", "flip them back along time"]),
        (_backward_half_reads_forwards, ["stored back in time order", "give it x[:, ::-1]"]),
        (_halves_swapped, ["the last 2 columns must be 0", "the halves are swapped"]),
    ],
    "stack_forward": [
        (_every_layer_reads_x, ["not x", "every layer reads x"]),
        (_initial_states_ignored, ["initial states", "layer l starts from state0[l]"]),
        (_top_final_state_only, ["only the top layer's final state is returned"]),
        (_swapped_forward_outputs, ["returns its outputs in the order (final_states, outputs)"]),
    ],
    "stack_backward": [
        (_state_gradients_ignored, ["final-state gradients only", "d_state are ignored"]),
        (_top_gradient_everywhere, ["layer 1's output gradient is layer 2's dx", "every layer gets the top's"]),
        (_initial_gradients_top_first, ["['d_state0']", "listed top layer first"]),
    ],
}
