"""The HDF5 backend passes the storage conformance suite."""

from pypet.storage.hdf5.service import HDF5StorageService
from pypet.storage.testing import StorageServiceTests


class TestHDF5Conformance(StorageServiceTests):
    """Every conformance test, on a new HDF5 file."""

    def make_service(self, tmp_path):
        return HDF5StorageService(str(tmp_path / "conformance.hdf5"))
