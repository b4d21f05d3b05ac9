"""Logging: pypet's log files (`log_config='DEFAULT'`), prints captured with `log_stdout`,
and one log file per run in worker processes.

Runs a grid on a pool of 2 workers, then lists the files written below
`logs/<trajectory>/<environment>/` and shows what one run printed.
"""

import os
import tempfile

from pypet import Environment


def noisy(traj):
    """One run: print something (it lands in this run's log file) and return x squared."""
    print(f'run {traj.v_idx}: x = {traj.x}')
    return traj.x ** 2


def main():
    os.chdir(tempfile.mkdtemp(prefix='pypet_example_27_'))   # logs/ is made here
    with Environment(trajectory='logged', filename='logged.hdf5', log_config='DEFAULT',
                     log_stdout=True, report_progress=False, multiproc=True, ncores=2,
                     use_pool=True, wrap_mode='QUEUE') as env:
        env.trajectory.f_add_parameter('x', 0)
        env.trajectory.f_explore({'x': [1, 2, 3]})
        env.run(noisy)
    folder = os.path.join('logs', 'logged', env.name)
    names = sorted(os.listdir(folder))
    print('main process files:', [n for n in names if not n.startswith('run_')])
    run_files = [n for n in names if n.startswith('run_') and n.endswith('_LOG.txt')]
    print('per-run files:', len(run_files), 'e.g.', run_files[0].split('_')[:2])
    with open(os.path.join(folder, run_files[0])) as handle:
        print('run 0 printed:', handle.read().split('STDOUT INFO')[1].strip())
    with open(os.path.join(folder, 'LOG.txt')) as handle:
        print('the main LOG.txt has the experiment:', 'Starting 3 runs' in handle.read())


if __name__ == '__main__':  # required: worker processes may import this module
    main()
