"""pypet 0.7's module name for the constants (``from pypet import pypetconstants``)."""

from pypet.constants import *  # noqa: F401,F403
