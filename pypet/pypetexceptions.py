"""pypet 0.7's module name for the exceptions (``from pypet.pypetexceptions import ...``)."""

from pypet.errors import *  # noqa: F401,F403
from pypet.errors import __all__  # noqa: F401
