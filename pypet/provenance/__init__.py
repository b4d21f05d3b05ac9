"""Provenance: versions, host, git and Sumatra records, returned as plain data."""
