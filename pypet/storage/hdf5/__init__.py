"""The HDF5 backend: the only code that imports PyTables."""
