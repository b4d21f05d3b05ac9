"""Runs that fail: record the failure and go on (``on_error='continue'``), then re-run
only the failed runs (``only_failed=True``).

pypet's default stops the sweep at the first failing run (after storing every finished
one). With ``on_error='continue'`` a failing run is recorded in the run table, with its
error and traceback, and the others run on.
"""

import math
import os
import tempfile

from pypet import Environment


def decay_time(traj):
    """Time for the quantity to fall from start to 1 at the given rate (fails for rate 0)."""
    value = math.log(traj.start) / traj.rate  # ZeroDivisionError for rate 0
    traj.f_add_result('t', value, comment='decay time')
    return value


def decay_time_guarded(traj):
    """The fixed version: rate 0 never decays."""
    value = math.inf if traj.rate == 0 else math.log(traj.start) / traj.rate
    traj.f_add_result('t', value, comment='decay time')
    return value


def main():
    filename = os.path.join(tempfile.mkdtemp(), 'decay.hdf5')
    env = Environment(trajectory='decay', filename=filename, on_error='continue',
                      log_config=None, report_progress=False)
    traj = env.trajectory
    traj.f_add_parameter('start', 100.0)
    traj.f_add_parameter('rate', 1.0)
    traj.f_explore({'rate': [0.5, 0.0, 2.0, 0.0, 4.0]})

    results = env.run(decay_time)
    print('finished runs:', [idx for idx, _ in results])
    for idx in range(len(traj)):
        info = traj.f_get_run_information(idx)
        if info['failed']:
            print(f"run {idx} failed: {info['error']}")
    frame = traj.f_to_dataframe()
    print('completed:', frame['completed'].tolist())

    results = env.run(decay_time_guarded, only_failed=True)
    print('re-ran only:', [idx for idx, _ in results])
    print('all completed now:', traj.f_is_completed())
    print('file:', os.path.relpath(filename))


if __name__ == '__main__':
    main()
