"""The single source of the package version."""

__version__ = "0.8.0.dev0"
