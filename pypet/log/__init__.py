"""Logging configuration of the Environment."""
