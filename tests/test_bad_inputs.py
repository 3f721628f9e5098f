"""Registry-wide: every registered model refuses bad arguments and bad data before training.

The cases are generated from each factory's signature and registry record
(``kzoo.testing.bad_inputs``), so a new model is covered without new code here.
"""

import re
import subprocess
import sys

import keras
import numpy as np
import pytest

import kzoo
from kzoo.testing.bad_inputs import bad_argument_cases, bad_data_cases

NAMES = kzoo.list_models()


@pytest.mark.parametrize("name", NAMES)
def test_bad_arguments_are_refused_by_name(name):
    factory = kzoo.model_info(name).factory
    silent, unclear = [], []
    for case in bad_argument_cases(name):
        try:
            factory(**case.kwargs)
        except (ValueError, TypeError) as error:
            if not re.search(rf"\b{case.argument}\b", str(error)):
                unclear.append(f"{case}: {str(error)[:120]}")
            continue
        silent.append(str(case))
    assert not silent, f"{name} accepted {silent}"
    assert not unclear, f"{name} raised without naming the argument: {unclear}"


@pytest.mark.parametrize("name", NAMES)
def test_bad_data_is_refused_before_training(name):
    info = kzoo.model_info(name)
    model = info.factory(**info.example.kwargs)
    for what, x, y in bad_data_cases(name):
        with pytest.raises(ValueError) as error:
            model.fit(x, y, epochs=1, verbose=0, **info.example.fit_kwargs)
        assert "Received" in str(error.value), f"{name}, {what}: {error.value}"


SAVE = """
import kzoo, numpy as np
m = kzoo.mlp_classifier(num_classes=3, input_shape=(8,))
x, y = kzoo.data.examples.blobs(np.random.default_rng(0))
m.fit(x, y, epochs=1, verbose=0)
m.save({path!r})
print(m.jit_compile)
"""
LOAD = """
import time, kzoo, keras, numpy as np
m = keras.saving.load_model({path!r})
x = np.zeros((16, 8), "float32")
start = time.perf_counter(); m.predict(x, verbose=0); print(time.perf_counter() - start)
print(m.jit_compile)
"""


def _run(code, backend):
    env = {"KERAS_BACKEND": backend, "TF_CPP_MIN_LOG_LEVEL": "3", "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={**__import__("os").environ, **env}, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout.split()


@pytest.mark.skipif(keras.backend.backend() != "torch",
                    reason="one cross-backend run is enough: it runs when the suite is on torch")
def test_model_saved_on_jax_predicts_at_normal_speed_on_torch(tmp_path):
    path = str(tmp_path / "jax.keras")
    assert _run(SAVE.format(path=path), "jax")[-1] == "True"  # XLA on JAX...
    seconds, jit = _run(LOAD.format(path=path), "torch")[-2:]
    assert jit == "False"  # ...not torch.compile on PyTorch
    assert float(seconds) < 10.0


# --- the cases the hostile-user run found, one line each ---------------------

def _rings():
    return kzoo.data.examples.rings(np.random.default_rng(0))


def test_numpy_integers_are_integers_and_bools_are_not():
    model = kzoo.mlp_classifier(num_classes=np.int64(3), input_shape=(np.int64(8),))
    assert model.output.shape[-1] == 3
    with pytest.raises(ValueError, match=r"Received: num_classes=True"):
        kzoo.mlp_classifier(num_classes=True, input_shape=(8,))
    with pytest.raises(ValueError, match=r"verbose must be one of \[0, 1, 2\]. Received: "
                                         r"verbose=True"):
        kzoo.tune("mlp_classifier", *kzoo.data.examples.blobs(np.random.default_rng(0)),
                  fixed={"num_classes": 3}, verbose=True)


@pytest.mark.parametrize("call, match", [
    (lambda: kzoo.vae(input_shape=(4,), seed=-1), r"Received: seed=-1"),
    (lambda: kzoo.gan(input_shape=(2,), seed=2**32), r"Received: seed=4294967296"),
    (lambda: kzoo.rbf_classifier(num_classes=2, input_shape=(2,), trainable_centers=None),
     r"Received: trainable_centers=None"),
    (lambda: kzoo.mlp_regressor(input_shape=(3,), loss="bogus_loss"),
     r"one of \[.*'huber'.*\]. Received: loss='bogus_loss'"),
    (lambda: kzoo.mlp_regressor(input_shape=(3,), loss="hubr"),
     r"Did you mean 'huber'\? Received: loss='hubr'"),
    (lambda: kzoo.cnn_classifier(num_classes=2, input_shape=(8, 8, 1), batch_norm="no"),
     r"Received: batch_norm='no'"),
    (lambda: kzoo.denoising_autoencoder(input_shape=(4,), noise_level=1.5),
     r"Received: noise_level=1.5"),
    (lambda: kzoo.rbf_classifier(num_classes=2, input_shape=(2,), num_centers=4,
                                 x_init=np.zeros((8, 3))), r"x_init must have 2 features"),
    (lambda: kzoo.data.split(np.zeros((10, 2)), None), r"Received: y=None"),
    (lambda: kzoo.data.check_arrays(np.zeros((3, 2)), np.eye(3), num_classes=3),
     r"not one-hot vectors. Received: y with shape \(3, 3\)"),
    (lambda: kzoo.callbacks.AtomicModelCheckpoint(None), r"Received: filepath=None"),
    (lambda: kzoo.callbacks.checkpoint.atomic_save(
        kzoo.perceptron(input_shape=(2,)), "/nonexistent_dir/x.keras"),
     r"/nonexistent_dir does not exist"),
])
def test_hostile_cases_get_a_clear_error(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_model_methods_check_their_arguments():
    som = kzoo.self_organizing_map(input_shape=(8,), grid_shape=(2, 2))
    with pytest.raises(ValueError, match=r"x must have samples of shape \(8,\)"):
        som.winner(np.zeros((3, 5), "float32"))
    gan = kzoo.gan(input_shape=(2,), latent_dim=4)
    with pytest.raises(ValueError, match=r"n must equal len\(z\)=2"):
        gan.generate(3, z=np.zeros((2, 4)))
    s2s = kzoo.seq2seq_attention(input_vocab_size=9, target_vocab_size=9, units=4,
                                 embedding_dim=4)
    with pytest.raises(ValueError, match=r"encoder_tokens must be ids in 0..8"):
        kzoo.greedy_decode(s2s, np.full((2, 3), 9), max_length=2)


def test_lr_find_refuses_labels_out_of_range():
    x, y = _rings()
    model = kzoo.mlp_classifier(num_classes=2, input_shape=(2,), hidden_units=(8,))
    with pytest.raises(ValueError, match=r"labels must be in 0..1"):
        kzoo.lr_find(model, x, y + 1, steps=5)


def test_validation_data_is_checked_before_the_first_step():
    x, y = _rings()
    model = kzoo.mlp_classifier(num_classes=2, input_shape=(2,), hidden_units=(8,))
    with pytest.raises(ValueError, match=r"validation_data\[0\] must have samples of shape"):
        model.fit(x, y, validation_data=(x[:, :1], y), epochs=1, verbose=0)
    assert int(keras.ops.convert_to_numpy(model.optimizer.iterations)) == 0
