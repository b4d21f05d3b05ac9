"""The memory backend passes the storage conformance suite."""

from pypet.storage.memory import MemoryStorageService
from pypet.storage.testing import StorageServiceTests


class TestMemoryConformance(StorageServiceTests):
    """Every conformance test, on a new MemoryStorageService."""

    def make_service(self, tmp_path):
        return MemoryStorageService()
