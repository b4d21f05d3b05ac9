"""pypet 0.7's ``pypet.utils`` package path, kept for user imports."""
