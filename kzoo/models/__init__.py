"""Model factories, one module per architecture family.

Importing a family module registers its factories; a new family adds one
import line here.
"""

from kzoo.models import dense  # noqa: F401
