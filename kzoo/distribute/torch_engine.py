"""The PyTorch backend: no engine ``model.fit`` can use, refused with the upstream reason.

Keras 3.15.1 implements ``keras.distribution`` for JAX only
(``keras/src/backend/torch`` has no ``distribution_lib``), and the torch
trainer runs ``model.fit`` in one process on one device. The route Keras
documents for PyTorch (``examples/demo_torch_multi_gpu.py`` in keras-team/keras,
and the keras.io guide "Multi-GPU distributed training with PyTorch") is to
leave ``model.fit``: launch one process per device with ``torchrun
--nproc_per_node=N train.py`` (or ``torch.multiprocessing.spawn``), call
``torch.distributed.init_process_group`` in each, wrap the Keras model in
``torch.nn.parallel.DistributedDataParallel``, feed it with a
``DistributedSampler`` and write the training loop in PyTorch. That loop is
the user's own; kzoo does not hide it behind a scope that would not apply to
``model.fit``.
"""

REASON = (
    "data-parallel model.fit is not available on the torch backend: Keras 3.15.1 implements "
    "keras.distribution for JAX only and its torch trainer runs model.fit in one process on "
    "one device. Keras' documented PyTorch route (keras-team/keras "
    "examples/demo_torch_multi_gpu.py) wraps the model in "
    "torch.nn.parallel.DistributedDataParallel inside a hand-written torch loop launched "
    "with `torchrun --nproc_per_node=N train.py`; or use KERAS_BACKEND=jax or tensorflow "
    "with kzoo.distribute.data_parallel.")


def make(names):
    raise ValueError(f"kzoo.distribute: {REASON} Received: backend='torch'")
