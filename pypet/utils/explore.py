"""pypet 0.7's module path ``pypet.utils.explore`` (re-export)."""

from pypet.explore import cartesian_product, find_unique_points

__all__ = ["cartesian_product", "find_unique_points"]
