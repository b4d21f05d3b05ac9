"""Parameters: leaves holding one value and, once explored, a range of values."""

from pypet.parameters.array import ArrayParameter
from pypet.parameters.base import BaseParameter
from pypet.parameters.parameter import Parameter
from pypet.parameters.pickle import PickleParameter
from pypet.parameters.sparse import SparseParameter

__all__ = ["ArrayParameter", "BaseParameter", "Parameter", "PickleParameter", "SparseParameter"]
