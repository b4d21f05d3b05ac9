"""Your own multiprocessing pool over a trajectory, made safe by `MultiprocContext`.

Each task gets the trajectory, picks its run and stores its result; with `wrap_mode='LOCK'`
the workers take turns on the file (and could also load from it).
"""

import multiprocessing as mp
import os
import tempfile

from pypet import MultiprocContext, Trajectory, manual_run


@manual_run()  # f_start_run / f_finalize_run around the function
def square(traj):
    """Store x squared for the current run."""
    traj.f_add_result('$.square', traj.x ** 2, comment='computed in a user pool')
    traj.f_store()


def task(args):
    """One pool task: choose the run, then compute it."""
    traj, idx = args
    traj.v_idx = idx
    square(traj)
    return idx


def main():
    filename = os.path.join(tempfile.mkdtemp(prefix='pypet_example_16_'), 'context.hdf5')
    traj = Trajectory('context_demo', filename=filename)
    traj.f_add_parameter('x', 0)
    traj.f_explore({'x': [1, 2, 3, 4, 5]})
    with MultiprocContext(traj, wrap_mode='LOCK', full_copy=True):
        with mp.get_context('spawn').Pool(2) as pool:
            done = pool.map(task, [(traj, i) for i in range(len(traj))])
    print('runs done:', done)
    loaded = Trajectory(filename=filename)
    loaded.f_load(index=-1, load_results=2)
    print('squares:', list(loaded.f_get_from_runs('square', fast_access=True).values()))
    print('all completed:', loaded.f_is_completed())


if __name__ == '__main__':
    main()
