"""A resumable sweep is killed half-way (as by a power cut or the OOM killer) and resumed.

The sweep runs in a child process (this script with the argument ``sweep``) that kills
itself with SIGKILL in run 7. With ``resumable=True`` every finished run was journaled
first, so resuming runs only what did not finish, on another runner if you like: here a
pool of two processes instead of the serial runner that crashed.
"""

import os
import signal
import subprocess
import sys
import tempfile

from pypet import Environment, Trajectory


def simulate(traj, crash_at):
    """x**2 + y; the crashing child dies in run ``crash_at`` (once: the flag is in the
    environment variables of that child only)."""
    if traj.v_idx == crash_at and os.environ.get('EXAMPLE_CRASH') == '1':
        os.kill(os.getpid(), signal.SIGKILL)
    value = traj.x ** 2 + traj.y
    traj.f_add_result('z', value, comment='x squared plus y')
    return value


def make_env(folder, **kwargs):
    return Environment(trajectory='resumable_demo', filename=os.path.join(folder, 'demo.hdf5'),
                       resumable=True, resume_folder=os.path.join(folder, 'resume'),
                       log_config=None, report_progress=False, **kwargs)


def sweep(folder):
    env = make_env(folder)
    traj = env.trajectory
    traj.f_add_parameter('x', 0.0, comment='first axis')
    traj.f_add_parameter('y', 0.0, comment='second axis')
    traj.f_explore({'x': [float(i) for i in range(12)], 'y': [0.5] * 12})
    env.run(simulate, crash_at=7)


def main():
    folder = tempfile.mkdtemp()
    crashed = subprocess.run([sys.executable, __file__, 'sweep', folder],
                             env={**os.environ, 'EXAMPLE_CRASH': '1'})
    print(f'the sweep was killed: exit code {crashed.returncode}')

    from pypet.execution.journal import read_journal

    journal = os.path.join(folder, 'resume', 'resumable_demo')
    print('runs finished before the crash:', sorted(o.idx for o in read_journal(journal)))

    # a new environment resumes it, with another runner (pypet's env.f_continue works too)
    env = make_env(folder, multiproc=True, ncores=2, use_pool=True, wrap_mode='QUEUE')
    results = env.resume(trajectory_name='resumable_demo')
    print('resume returned', len(results), 'results; run 7:', results[7])

    traj = Trajectory(filename=os.path.join(folder, 'demo.hdf5'))
    traj.f_load(name='resumable_demo', load_data=2)
    print('every run completed:', traj.f_is_completed())
    print('z of runs 5..8:', [traj.f_get_from_runs('z', fast_access=True)[f'run_{i:08d}']
                              for i in range(5, 9)])
    print('the resume folder is gone:', not os.path.exists(journal))
    print('file:', os.path.relpath(os.path.join(folder, 'demo.hdf5')))


if __name__ == '__main__':
    if sys.argv[1:2] == ['sweep']:
        sweep(sys.argv[2])
    else:
        main()
