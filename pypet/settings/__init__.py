"""Validated option objects (built once from keywords or an ini file)."""
