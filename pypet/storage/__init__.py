"""Storage: the interface between the trajectory and its backends."""
