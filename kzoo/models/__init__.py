"""Model factories, one module per architecture family.

Importing a family module registers its factories; a new family adds one
import line here.
"""

from kzoo.models import dense  # noqa: F401
from kzoo.models import conv, recurrent  # noqa: F401
from kzoo.models import attention  # noqa: F401
from kzoo.models import capsule, ode, rbf, som  # noqa: F401
from kzoo.models import autoencoders, gan, vae  # noqa: F401
