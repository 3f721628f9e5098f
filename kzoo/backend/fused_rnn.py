"""PyTorch's fused LSTM/GRU kernels driven by a Keras layer's own weights.

On the torch backend Keras 3 calls cuDNN only on CUDA; on CPU its LSTM and
GRU run the recurrence step by step in Python, one autograd node per step,
while ``torch.nn.LSTM`` calls one fused ATen kernel (``torch.lstm`` /
``torch.gru``) for the whole sequence. This module calls those same kernels
with the Keras layer's variables (on torch they wrap ``torch.nn.Parameter``,
so autograd reaches them), on every device.

Weight layout (checked by ``tests/test_fast_recurrent.py``):

* LSTM: Keras gates are ``i, f, c, o``, PyTorch's ``i, f, g, o`` (``g`` is
  Keras' ``c``): the same order, so ``weight_ih = kernel.T``,
  ``weight_hh = recurrent_kernel.T``, ``bias_ih = bias``, ``bias_hh = 0``.
* GRU (``reset_after=True``): Keras gates are ``z, r, h``, PyTorch's
  ``r, z, n``; PyTorch's ``n = tanh(W_in x + b_in + r * (W_hn h + b_hn))`` and
  ``h' = (1 - z) n + z h`` are Keras' ``reset_after`` equations, with
  ``bias[0]`` the input and ``bias[1]`` the recurrent bias.

Masks: a mask whose kept steps form one contiguous block per sample (right
or left padding, the usual case of padded token ids) runs as a packed
sequence when the layer returns only its last output; Keras' semantics
there is "masked steps leave the state unchanged", so the result is the
recurrence over the kept block. Any other mask, ``return_sequences`` with a
mask, ``recurrent_dropout``, ``unroll``, other activations, ``reset_after=False``,
half precision and ``torch.compile`` tracing are left to Keras' own loop
(:func:`supported` says which). Written by hand because Keras uses these
kernels only through cuDNN on CUDA.
"""

import keras

_FLOAT_DTYPES = ("float32", "float64")


def _is_activation(fn, name):
    import torch

    torch_fn = getattr(torch, name)
    return fn in (keras.activations.get(name), getattr(keras.ops, name), torch_fn)


def supported(layer, mask=None):
    """Whether ``layer`` (a Keras LSTM or GRU) can run on the fused kernel now.

    Args:
        layer: keras.layers.LSTM or keras.layers.GRU.
        mask: tensor or None. The mask passed to ``inner_loop``.

    Returns:
        bool. True on the torch backend for the standard configuration.
    """
    if keras.backend.backend() != "torch":
        return False
    import torch

    cell = layer.cell
    if (layer.unroll or cell.recurrent_dropout or cell.compute_dtype not in _FLOAT_DTYPES
            or not _is_activation(cell.activation, "tanh")
            or not _is_activation(cell.recurrent_activation, "sigmoid")
            or not getattr(cell, "reset_after", True)):
        return False
    if torch.jit.is_tracing() or torch.compiler.is_compiling():
        return False
    if mask is None:
        return True
    return not layer.return_sequences and _contiguous(_as_bool(mask))


def _as_bool(mask):
    import torch

    mask = keras.ops.convert_to_tensor(mask)
    if mask.dim() == 3:
        mask = mask[..., 0]
    return mask.to(torch.bool)


def _contiguous(mask):
    """True when every sample's kept steps form one block (one host sync)."""
    import torch

    steps = torch.arange(mask.shape[1], device=mask.device)
    lengths = mask.sum(1)
    first = torch.where(mask, steps, mask.shape[1]).min(1).values
    last = torch.where(mask, steps, -1).max(1).values
    return bool(torch.all((lengths == 0) | (last - first + 1 == lengths)))


def _lstm_params(cell):
    import torch

    kernel = keras.ops.convert_to_tensor(cell.kernel)
    recurrent = keras.ops.convert_to_tensor(cell.recurrent_kernel)
    params = [kernel.T, recurrent.T]
    if cell.use_bias:
        bias = keras.ops.convert_to_tensor(cell.bias)
        params += [bias, torch.zeros_like(bias)]
    return params


def _gru_params(cell):
    import torch

    def reorder(w):  # Keras z, r, h -> PyTorch r, z, n
        z, r, h = torch.chunk(w, 3, dim=-1)
        return torch.cat([r, z, h], dim=-1)

    kernel = keras.ops.convert_to_tensor(cell.kernel)
    recurrent = keras.ops.convert_to_tensor(cell.recurrent_kernel)
    params = [reorder(kernel).T, reorder(recurrent).T]
    if cell.use_bias:
        bias = keras.ops.convert_to_tensor(cell.bias)
        params += [reorder(bias[0]), reorder(bias[1])]
    return params


def _block_gather(sequences, mask, go_backwards):
    """Each sample's kept block moved to the front (reversed if go_backwards)."""
    import torch

    steps = torch.arange(mask.shape[1], device=mask.device)
    lengths = mask.sum(1)
    first = torch.where(mask, steps, mask.shape[1]).min(1).values
    first = torch.where(lengths > 0, first, 0)
    offset = (lengths[:, None] - 1 - steps) if go_backwards else steps.expand(len(mask), -1)
    index = (first[:, None] + offset.clamp(min=0)).clamp(max=mask.shape[1] - 1)
    gathered = torch.gather(sequences, 1, index[..., None].expand(-1, -1, sequences.shape[2]))
    return gathered, lengths


def run(layer, sequences, initial_state, mask=None):
    """The layer's recurrence on the fused kernel, in ``inner_loop``'s contract.

    Args:
        layer: keras.layers.LSTM or keras.layers.GRU for which
            :func:`supported` is True.
        sequences: tensor ``(batch, time, features)``, input dropout applied.
        initial_state: list of tensors ``(batch, units)``: ``[h, c]`` (LSTM)
            or ``[h]`` (GRU).
        mask: tensor or None. A contiguous-block mask (see module docstring).

    Returns:
        tuple ``(last_output, outputs, states)`` as Keras' ``inner_loop``:
        ``outputs`` is ``(batch, time, units)`` in processing order (reversed
        when ``go_backwards``) or ``(batch, 1, units)`` without
        ``return_sequences``.
    """
    import torch

    is_lstm = len(initial_state) == 2
    params = _lstm_params(layer.cell) if is_lstm else _gru_params(layer.cell)
    dtype = params[0].dtype
    x = keras.ops.convert_to_tensor(sequences).to(dtype)
    states = [keras.ops.convert_to_tensor(s).to(dtype)[None] for s in initial_state]
    if mask is not None:
        return _run_packed(layer, is_lstm, params, x, states, _as_bool(mask))
    if layer.go_backwards:
        x = torch.flip(x, dims=[1])
    hx = tuple(states) if is_lstm else states[0]
    fused = torch.lstm if is_lstm else torch.gru
    outputs, *final = fused(x, hx, params, layer.cell.use_bias, 1, 0.0,
                            torch.is_grad_enabled(), False, True)
    final = [s[0] for s in final]
    last = outputs[:, -1]
    if not layer.return_sequences:
        outputs = last[:, None]
    return last, outputs, final


def _run_packed(layer, is_lstm, params, x, states, mask):
    """Masked input, last output only: the packed-sequence form of the kernel."""
    import torch
    from torch.nn.utils.rnn import pack_padded_sequence

    x, lengths = _block_gather(x, mask, layer.go_backwards)
    packed = pack_padded_sequence(x, lengths.clamp(min=1).cpu(), batch_first=True,
                                  enforce_sorted=False)
    hx = [s.index_select(1, packed.sorted_indices) for s in states]
    fused = torch.lstm if is_lstm else torch.gru
    _, *final = fused(packed.data, packed.batch_sizes, tuple(hx) if is_lstm else hx[0],
                      params, layer.cell.use_bias, 1, 0.0, torch.is_grad_enabled(), False)
    # A fully masked sample: Keras keeps the initial state and outputs zeros.
    empty = (lengths == 0)[:, None]
    final = [torch.where(empty, s0[0], s.index_select(1, packed.unsorted_indices)[0])
             for s, s0 in zip(final, states)]
    last = torch.where(empty, torch.zeros_like(final[0]), final[0])
    return last, last[:, None], final
