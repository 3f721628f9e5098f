"""Model factories, one module per architecture family.

``FAMILIES`` names every family and the module(s) that define it; importing a
module registers its factories, and ``kzoo.<name>`` / ``kzoo.__all__`` follow
the registry. Adding a model to a family touches its module only; a new
family adds its module and one entry here.
"""

import importlib

#: family -> the modules whose factories register under it.
FAMILIES = {
    "dense": ("dense",),
    "conv": ("conv",),
    "conv1d": ("conv1d.fcn", "conv1d.resnet", "conv1d.inception"),
    "recurrent": ("recurrent",),
    "attention": ("attention",),
    "rbf": ("rbf",),
    "ode": ("ode",),
    "capsule": ("capsule",),
    "som": ("som",),
    "autoencoder": ("autoencoders", "vae"),
    "gan": ("gan",),
}

for _modules in FAMILIES.values():
    for _module in _modules:
        importlib.import_module(f"kzoo.models.{_module}")
del _modules, _module
