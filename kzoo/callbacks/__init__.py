"""Training callbacks and tools: the guide's recommended callbacks, an atomic
checkpoint, the training doctor and the learning-rate finder."""

from kzoo.callbacks.checkpoint import AtomicModelCheckpoint, atomic_save
from kzoo.callbacks.doctor import DIAGNOSES, Finding, TrainingDoctor
from kzoo.callbacks.lr_finder import LRFinderResult, lr_find
from kzoo.callbacks.recommended import (
    ScheduleAwareReduceLROnPlateau,
    StepAwareEarlyStopping,
    recommended,
)

__all__ = [
    "AtomicModelCheckpoint",
    "DIAGNOSES",
    "Finding",
    "LRFinderResult",
    "ScheduleAwareReduceLROnPlateau",
    "StepAwareEarlyStopping",
    "TrainingDoctor",
    "atomic_save",
    "lr_find",
    "recommended",
]
