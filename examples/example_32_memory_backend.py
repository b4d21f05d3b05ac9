"""Storage backends: the memory backend, a backend of your own, and the checked settings.

The memory backend keeps trajectories in this process (handy for quick trials and tests);
any backend implements the same interface and can be checked with the conformance suite
(`pypet.storage.testing`, see doc/storage.md). The Environment's keywords are validated
once, into frozen settings grouped by concern.
"""

from pypet import Environment, Trajectory, cartesian_product
from pypet.storage.memory import MemoryStorageService
from pypet.storage.null import LazyStorageService


def square(traj):
    traj.f_add_result("y", traj.x**2, comment="the square")
    return traj.x**2


# 1. A whole experiment in memory: nothing touches the disk.
memory = MemoryStorageService()
env = Environment(trajectory="in_memory", storage_service=memory, log_config=None,
                  report_progress=False)
traj = env.trajectory
traj.f_add_parameter("x", 0.0, comment="the input")
traj.f_explore(cartesian_product({"x": [1.0, 2.0, 3.0]}))
print("results:", env.run(square))
print("stored trajectories:", memory.trajectory_names(), "in", memory.location)

loaded = Trajectory(storage_service=memory)
loaded.f_load(name="in_memory", load_data=2)
print("loaded back:", dict(loaded.f_get_from_runs("y", fast_access=True)))


# 2. A backend of your own: declare what it can do and which keywords it takes.
class CountingService(LazyStorageService):
    """Stores nothing; counts the runs it is given."""

    @classmethod
    def keywords(cls):
        return frozenset({"label"})

    def __init__(self, label=""):
        self.label, self.runs = label, 0

    def store_runs(self, traj_name, outcomes, length, replace=False):
        self.runs += len(outcomes)


counting = Environment(trajectory="counted", storage_service=CountingService, label="demo",
                       log_config=None, report_progress=False)
counting.trajectory.f_add_parameter("x", 0.0)
counting.trajectory.f_explore({"x": [1.0, 2.0]})
counting.run(square)
service = counting.trajectory.v_storage_service
print(f"the counting backend '{service.label}' saw {service.runs} runs")

# 3. Settings are checked once and frozen.
print("parallel settings:", env.settings.parallel.multiproc, env.settings.parallel.wrap_mode)
try:
    Environment(trajectory="loose", multiproc="yes", log_config=None)
except TypeError as error:
    print("refused:", error)
