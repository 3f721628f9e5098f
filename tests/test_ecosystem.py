"""The tools around Keras work with kzoo models out of the box: TensorBoard, plot_model."""

import shutil

import keras
import numpy as np
import pytest

import kzoo


def test_tensorboard_callback_writes_event_files(tmp_path):
    # tensorboard is an install requirement: TensorFlow 2.21 no longer installs it.
    x = np.random.default_rng(0).normal(size=(64, 6)).astype("float32")
    y = (x[:, 0] > 0).astype("int32")
    model = kzoo.mlp_classifier(num_classes=2, input_shape=(6,), hidden_units=(8,))
    model.fit(x, y, validation_split=0.25, epochs=2, verbose=0,
              callbacks=[keras.callbacks.TensorBoard(log_dir=str(tmp_path))])
    for split in ("train", "validation"):
        events = list((tmp_path / split).glob("events.out.tfevents.*"))
        assert events and events[0].stat().st_size > 0, split


@pytest.mark.skipif(shutil.which("dot") is None,
                    reason="graphviz's `dot` binary is not installed (apt-get install "
                           "graphviz); pydot comes with pip install 'kzoo[plot]'")
def test_plot_model_draws_a_kzoo_model(tmp_path):
    pytest.importorskip("pydot", reason="pip install 'kzoo[plot]'")
    model = kzoo.cnn_classifier(num_classes=3, input_shape=(8, 8, 1))
    path = tmp_path / "model.png"
    keras.utils.plot_model(model, to_file=str(path), show_shapes=True)
    with open(path, "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n"
