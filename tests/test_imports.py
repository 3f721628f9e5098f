"""``import kzoo`` stays light: it adds no heavy import beyond what Keras itself does.

Keras 3.15 already imports scikit-learn, matplotlib and (when installed) JAX
from ``import keras`` (its sklearn wrappers, plotting utils and Orbax
checkpoint callback). The promise kzoo can keep is that it adds none of its
own: KerasTuner never, and nothing that ``import keras`` alone does not load.
"""

import json
import os
import subprocess
import sys

HEAVY = ("keras_tuner", "sklearn", "matplotlib", "tensorflow", "jax", "torch", "scipy",
         "pandas", "nbclient")


def _loaded_after(statement):
    code = (f"import sys, json; {statement}; "
            f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}, check=True)
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def test_import_kzoo_adds_no_heavy_module():
    keras_alone = _loaded_after("import keras")
    with_kzoo = _loaded_after("import kzoo")
    assert "keras_tuner" not in with_kzoo
    assert with_kzoo <= keras_alone, f"kzoo adds {sorted(with_kzoo - keras_alone)}"
