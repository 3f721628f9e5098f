"""Custom layers: one public, serializable layer per file, written with ``keras.ops``."""

from kzoo.layers.batch_normalization import BatchNormalization  # noqa: F401
from kzoo.layers.capsule import Squash, squash  # noqa: F401
from kzoo.layers.capsule_length import CapsuleLength  # noqa: F401
from kzoo.layers.capsule_mask import CapsuleMask  # noqa: F401
from kzoo.layers.capsule_primary import PrimaryCapsules  # noqa: F401
from kzoo.layers.capsule_routing import RoutingCapsules  # noqa: F401
from kzoo.layers.last_value_offset import LastValueOffset  # noqa: F401
from kzoo.layers.masked_global_max_pooling import MaskedGlobalMaxPooling1D  # noqa: F401
from kzoo.layers.masking_noise import MaskingNoise  # noqa: F401
from kzoo.layers.ode_block import ODEBlock, odeint  # noqa: F401
from kzoo.layers.positional_embedding import PositionalEmbedding  # noqa: F401
from kzoo.layers.rbf import RBF  # noqa: F401
from kzoo.layers.sampling import Sampling  # noqa: F401
from kzoo.layers.transformer_encoder import TransformerEncoder  # noqa: F401
