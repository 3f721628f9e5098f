"""The guide's numbers, stated once.

Every factory, callback and helper in kzoo reads its defaults from here, so the
numbers the guide recommends live in a single place. Section names refer to
``deep-learning-guide.md`` in the guide.
"""

# Quick Start Guide > Recommended Default Configuration.
OPTIMIZER = "adam"
LEARNING_RATE = 1e-3
BATCH_SIZE = 32
EPOCHS = 200  # "Epochs: 100-200", always with early stopping.
HIDDEN_UNITS = (256, 128)  # "2-3 hidden layers, 128-256 neurons", funnel shaped.
ACTIVATION = "relu"
DROPOUT = 0.3  # "Dropout 0.3-0.5"

# Regularization > Early Stopping / ReduceLROnPlateau.
EARLY_STOPPING_PATIENCE = 15
REDUCE_LR_FACTOR = 0.5
REDUCE_LR_PATIENCE = 5
MIN_LEARNING_RATE = 1e-7

# Regularization > L2 Regularization: "Lambda = 0.01: moderate regularization".
L2 = 0.01

# Training Methodology > Phase 1 > Splitting: 70 / 15 / 15.
SPLIT_FRACTIONS = (0.70, 0.15, 0.15)

# Seed used by the data helpers when none is given.
SEED = 1337

# Hyperparameters > guide ranges used by the search spaces (Fine-Tuning phase).
LEARNING_RATE_RANGE = (1e-4, 1e-2)
UNITS_RANGE = (16, 1024)
DROPOUT_RANGE = (0.1, 0.5)
LAYERS_RANGE = (1, 3)
BATCH_SIZE_CHOICES = (32, 64, 128, 256)
OPTIMIZER_CHOICES = ("adam", "adamw", "sgd", "rmsprop")

# Optimizers > SGD + Momentum.
SGD_MOMENTUM = 0.9

# Activation Functions: the ones the guide discusses for hidden layers.
HIDDEN_ACTIVATIONS = ("relu", "leaky_relu", "elu", "gelu", "swish", "tanh", "sigmoid")

# "linear" (no activation): accepted by the dense family for the guide's point that a
# deep network without activations is one linear layer (Activation Functions > What is
# an Activation Function?). An experiment's switch, never searched, so it is not in
# HIDDEN_ACTIVATIONS.
LINEAR_ACTIVATION = "linear"
