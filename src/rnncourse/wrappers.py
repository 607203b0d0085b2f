"""Layers built from other recurrent layers: a bidirectional pair and a stack.

Both behave like a single sequence layer (forward, backward, params, grads), so optimisers,
clipping and gradient checks need no special case. Their `params` and `grads` are dicts
rebuilt on each access from the sub-layers' own dicts: the arrays are the sub-layers' arrays
(not copies), under prefixed names such as "fwd.W_xh" or "1.W_hh". Changing an array in
place changes the sub-layer's (`stack.params["1.b_h"] -= 0.1` works); putting a new array into
such a dict would be lost, so it raises.
"""
import numpy as np

from .validation import check_gradient, check_sequence_input, require_forward


class MergedDict(dict):
    """A dict read from several layers' dicts. Arrays in it can be changed in place (`d[k] -= v`
    works); putting a new value into it raises, since the next access would not show it."""

    def __setitem__(self, key, value):
        if key in self and value is dict.__getitem__(self, key):
            return  # d[k] -= v: the array was changed in place, Python then stores it back
        self._refuse()

    def _refuse(self, *args, **kwargs):
        raise TypeError("this dict is rebuilt from the sub-layers' dicts on every access, so a value put "
                        "into it would be lost; expected a write into a sub-layer's own dict, e.g. "
                        "stack.layers[1].grads['W_hh'] or bidirectional.fwd.grads['W_hh']")

    __delitem__ = __ior__ = update = setdefault = pop = popitem = clear = _refuse

    def __reduce__(self):  # copy.copy, deepcopy and pickle give a plain dict
        return dict, (dict(self),)


def _merged(prefixed_dicts):
    """{prefix + "." + name: array} over (prefix, dict) pairs; the arrays themselves, not copies."""
    return MergedDict((f"{prefix}.{name}", value) for prefix, d in prefixed_dicts for name, value in d.items())


def _per_layer(value, count, name):
    """None -> [None] * count; otherwise a sequence of `count` entries, one per layer."""
    if value is None:
        return [None] * count
    if not hasattr(value, "__len__") or len(value) != count:
        got = f"length {len(value)}" if hasattr(value, "__len__") else type(value).__name__
        raise ValueError(f"{name}: expected one entry per layer ({count}), got {got}")
    return list(value)


class Bidirectional:
    """Two recurrent layers over one sequence, one reading it forwards and one backwards.

    outputs<t> = [forward_layer's h<t>, backward_layer's h<t>]: (B, T, H_fwd + H_bwd), so every
    step sees the whole sequence: its past through the first half, its future through the second.
    States are pairs (state_fwd, state_bwd); the backward layer's final state is the one it
    reaches after reading x<1>. hidden_size is H_fwd + H_bwd, the width of the outputs.
    """

    def __init__(self, forward_layer, backward_layer):
        if forward_layer is backward_layer:
            raise ValueError("Bidirectional: expected two separate layers, got the same layer twice")
        if forward_layer.input_size != backward_layer.input_size:
            raise ValueError(f"Bidirectional: expected layers with the same input_size, got "
                             f"{forward_layer.input_size} and {backward_layer.input_size}")
        self.fwd, self.bwd = forward_layer, backward_layer
        self.input_size = forward_layer.input_size
        self.hidden_size = forward_layer.hidden_size + backward_layer.hidden_size
        self.hidden_states = None

    @property
    def params(self):
        return _merged([("fwd", self.fwd.params), ("bwd", self.bwd.params)])

    @property
    def grads(self):
        return _merged([("fwd", self.fwd.grads), ("bwd", self.bwd.grads)])

    def zero_state(self, batch):
        return self.fwd.zero_state(batch), self.bwd.zero_state(batch)

    def forward(self, x, state0=None, lengths=None):
        """x: (B, T, D); state0: None or (state0_fwd, state0_bwd); lengths: None (every step is real)
        or (B,) ints for right-padded sequences.

        With lengths, the backward layer reads each sequence from its last REAL step to its first,
        x<L>, ..., x<1>, and then its padding: it never starts on padding. Its output at step t is
        what it has read of x<t>, ..., x<L>, so its summary of a whole sequence is at step 0.
        Returns outputs (B, T, H_fwd + H_bwd) and (final_fwd, final_bwd).
        """
        x = check_sequence_input(x, self.input_size)
        s_fwd, s_bwd = _per_layer(state0, 2, "state0")
        self._reading_order = reversed_within(lengths, *x.shape[:2])  # (B, T) the step read at each time
        rows = np.arange(x.shape[0])[:, None]
        out_fwd, final_fwd = self.fwd.forward(x, s_fwd)
        out_bwd, final_bwd = self.bwd.forward(x[rows, self._reading_order], s_bwd)  # reads x<L>, ..., x<1>
        self.hidden_states = np.concatenate([out_fwd, out_bwd[rows, self._reading_order]], axis=2)  # (B, T, H)
        return self.hidden_states, (final_fwd, final_bwd)

    def backward(self, d_outputs, d_state=None):
        """d_outputs: (B, T, H_fwd + H_bwd) or None; d_state: None or (d_final_fwd, d_final_bwd).

        Returns dx (B, T, D) and (d_state0_fwd, d_state0_bwd); fills both layers' grads.
        """
        require_forward(self.hidden_states, "Bidirectional")
        if d_outputs is None:  # only the final states feed the loss
            d_outputs = np.zeros_like(self.hidden_states)
        d_outputs = check_gradient(d_outputs, self.hidden_states.shape, "d_outputs")
        d_fwd, d_bwd = _per_layer(d_state, 2, "d_state")
        H = self.fwd.hidden_size
        rows = np.arange(d_outputs.shape[0])[:, None]
        dx_fwd, d0_fwd = self.fwd.backward(d_outputs[..., :H], d_fwd)
        dx_bwd, d0_bwd = self.bwd.backward(d_outputs[rows, self._reading_order, H:], d_bwd)  # in the order it read
        return dx_fwd + dx_bwd[rows, self._reading_order], (d0_fwd, d0_bwd)


def reversed_within(lengths, batch, time):
    """(B, T) step indices that reverse each row's first length steps and keep its padding in place:
    for length 3 of 5, [2, 1, 0, 3, 4]. The permutation is its own inverse. lengths None: all T."""
    steps = np.arange(time)
    if lengths is None:
        return np.broadcast_to(steps[::-1], (batch, time))
    lengths = np.asarray(lengths)
    if lengths.shape != (batch,) or lengths.dtype.kind not in "iu" or lengths.min() < 1 or lengths.max() > time:
        raise ValueError(f"lengths: expected ({batch},) ints in [1, {time}], got {lengths!r}")
    return np.where(steps < lengths[:, None], lengths[:, None] - 1 - steps, steps)


class Stack:
    """Recurrent layers on top of each other: the outputs of layer k are the inputs of layer k+1.

    States are lists with one entry per layer (bottom first). After forward, `layer_outputs`
    holds every layer's outputs, a list of (B, T, H_k) arrays.
    """

    def __init__(self, layers):
        self.layers = list(layers)
        if not self.layers:
            raise ValueError("Stack: expected at least one layer, got none")
        for k, (below, above) in enumerate(zip(self.layers, self.layers[1:])):
            if above.input_size != below.hidden_size:
                raise ValueError(f"Stack: layer {k + 1} expected input_size = {below.hidden_size} "
                                 f"(layer {k}'s hidden_size), got {above.input_size}")
        if len({id(layer) for layer in self.layers}) != len(self.layers):
            raise ValueError("Stack: expected separate layers, got the same layer more than once")
        self.input_size, self.hidden_size = self.layers[0].input_size, self.layers[-1].hidden_size
        self.hidden_states = self.layer_outputs = None

    @property
    def params(self):
        return _merged([(str(k), layer.params) for k, layer in enumerate(self.layers)])

    @property
    def grads(self):
        return _merged([(str(k), layer.grads) for k, layer in enumerate(self.layers)])

    def zero_state(self, batch):
        return [layer.zero_state(batch) for layer in self.layers]

    def forward(self, x, state0=None, lengths=None):
        """x: (B, T, D); state0: None or one initial state (or None) per layer; lengths: None or (B,)
        ints, passed to the Bidirectional layers (see Bidirectional.forward).

        Returns the top layer's outputs (B, T, H_top) and the list of final states.
        """
        states = _per_layer(state0, len(self.layers), "state0")
        self.layer_outputs, finals = [], []
        for layer, state in zip(self.layers, states):
            extra = {"lengths": lengths} if isinstance(layer, Bidirectional) else {}
            x, final = layer.forward(x, state, **extra)  # (B, T, H_k)
            self.layer_outputs.append(x)
            finals.append(final)
        self.hidden_states = x
        return x, finals

    def backward(self, d_outputs, d_state=None):
        """d_outputs: (B, T, H_top) or None; d_state: None or one final-state gradient (or None) per layer.

        Returns dx (B, T, D) and the list of initial-state gradients; fills every layer's grads.
        """
        require_forward(self.hidden_states, "Stack")
        d_states = _per_layer(d_state, len(self.layers), "d_state")
        d_state0 = [None] * len(self.layers)
        for k in reversed(range(len(self.layers))):
            d_outputs, d_state0[k] = self.layers[k].backward(d_outputs, d_states[k])  # (B, T, H_k-1)
        return d_outputs, d_state0
