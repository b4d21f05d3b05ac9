"""Multiprocessing with a pool: the trajectory reaches each worker once, one writer stores.

Runs a small parameter grid on 2 worker processes (`use_pool=True`, `freeze_input=True`,
`wrap_mode='QUEUE'`) and checks that the results equal a serial computation.
"""

import os
import tempfile

from pypet import Environment, Trajectory, cartesian_product


def multiply(traj, offset):
    """One run: store and return x * y + offset."""
    z = traj.x * traj.y + offset
    traj.f_add_result('z', z, comment='x times y plus offset')
    return z


def main():
    filename = os.path.join(tempfile.mkdtemp(prefix='pypet_example_04_'), 'example_04.hdf5')
    env = Environment(trajectory='pool_demo', filename=filename, overwrite_file=True,
                      multiproc=True, ncores=2, use_pool=True, freeze_input=True,
                      wrap_mode='QUEUE', graceful_exit=True, log_config=None,
                      report_progress=(25, 'print'))
    traj = env.trajectory
    traj.f_add_parameter('x', 1.0, comment='first factor')
    traj.f_add_parameter('y', 1.0, comment='second factor')
    traj.f_explore(cartesian_product({'x': [1.0, 2.0, 3.0, 4.0], 'y': [0.5, 1.5, 2.5]}))
    results = env.run(multiply, 0.25)
    print('returned (sorted by run):', [round(v, 2) for _, v in results])

    loaded = Trajectory(filename=filename)
    loaded.f_load(index=-1, load_results=2)
    stored = loaded.f_get_from_runs('z', fast_access=True, use_indices=True)
    expected = [x * y + 0.25 for x in (1.0, 2.0, 3.0, 4.0) for y in (0.5, 1.5, 2.5)]
    assert list(stored.values()) == expected
    print(f'all {len(stored)} results stored in {filename}')


if __name__ == '__main__':  # required: worker processes may import this module
    main()
