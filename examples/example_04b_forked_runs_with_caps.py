"""One process per run, started only while CPU and memory allow (`use_pool=False` + caps).

Each run builds an object that cannot be pickled (a generator); forking hands it to the run
process without pickling. `memory_cap=(95, 100)` means: do not start another run while
memory use plus an estimated 100 MB for the new run would exceed 95 %.
"""

import os
import tempfile

from pypet import Environment, Trajectory

STATE = {'noise': (i % 7 for i in range(10**6))}  # a generator: not picklable


def simulate(traj):
    """One run in its own process: read the unpicklable object, store a result."""
    value = next(STATE['noise']) + traj.seed
    traj.f_add_result('value', value, comment='seed plus the generator')
    traj.f_add_result('pid', os.getpid())
    return value


def main():
    filename = os.path.join(tempfile.mkdtemp(prefix='pypet_example_04b_'), 'caps.hdf5')
    env = Environment(trajectory='caps_demo', filename=filename, overwrite_file=True,
                      multiproc=True, ncores=2, use_pool=False, wrap_mode='QUEUE',
                      cpu_cap=95.0, memory_cap=(95.0, 100), swap_cap=95.0,
                      log_config=None, report_progress=False)
    traj = env.trajectory
    traj.f_add_parameter('seed', 0)
    traj.f_explore({'seed': [10, 20, 30, 40, 50, 60]})
    print('returned:', env.run(simulate))
    loaded = Trajectory(filename=filename)
    loaded.f_load(index=-1, load_results=2, load_parameters=2)
    pids = set(loaded.f_get_from_runs('pid', fast_access=True).values())
    caps = loaded.f_get(f'config.environment.{env.name}.memory_cap', fast_access=True)
    print(f'{len(pids)} different run processes; memory cap recorded as {caps}')


if __name__ == '__main__':
    main()
