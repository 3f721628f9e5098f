"""Transfer learning: reuse a trained model's body for a new task.

Guide: neural-networks-master, "Advanced Topics > Transfer Learning"
(feature extraction, fine-tuning with a small learning rate). The steps, each
one function:

- :func:`split_model` cuts a trained model into ``Split(body, head)``;
- :func:`attach_head` puts a new kzoo output layer on the body, called with
  ``training=False`` (BatchNorm in inference mode), body frozen;
- :func:`unfreeze_top` / :func:`freeze` choose what trains;
- :func:`fine_tune` unfreezes the top layers or blocks, lowers the learning
  rate 10x and fits;
- :func:`transfer` runs both phases in one call;
- :func:`load_pretrained` reads user-supplied ``.keras`` / ``.weights.h5`` files.

Domain adaptation, in the guide's list, is done here by fine-tuning on the new
domain's data; adversarial domain adaptation (DANN) is not implemented.
"""

from kzoo.transfer.fine_tune import find_body, fine_tune, recompile
from kzoo.transfer.freeze import (
    block_of,
    freeze,
    set_trainable,
    tunable_blocks,
    tunable_layers,
    unfreeze_top,
)
from kzoo.transfer.head import attach_head
from kzoo.transfer.pretrained import copy_model, load_pretrained
from kzoo.transfer.split import Split, split_model
from kzoo.transfer.two_phase import TransferResult, transfer

__all__ = [
    "Split",
    "TransferResult",
    "attach_head",
    "block_of",
    "copy_model",
    "find_body",
    "fine_tune",
    "freeze",
    "load_pretrained",
    "recompile",
    "set_trainable",
    "split_model",
    "transfer",
    "tunable_blocks",
    "tunable_layers",
    "unfreeze_top",
]
