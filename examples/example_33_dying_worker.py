"""A worker process that dies does not take its runs with it.

A simulation's process can die without any Python exception: the kernel's OOM killer sends
SIGKILL when memory runs out, compiled code segfaults, a library calls ``abort()``. pypet
notices such a death at once, runs the run again on a new process (``max_retries``, 2 by
default) and, if its process keeps dying, records the run as failed with the cause.
``on_error`` then decides, as for a run that raised: the default stops the sweep after
storing everything finished, ``'continue'`` goes on.

Here the process of run 2 is killed once (as the OOM killer would) and the run succeeds on
a new worker; run 3 aborts every time and is recorded as failed. (pypet logs each death as
a warning on stderr.)
"""

import os
import resource
import signal
import tempfile

from pypet import Environment


def attempt(scratch, idx):
    """Count this attempt of run ``idx``; return how many there were so far."""
    with open(os.path.join(scratch, f'attempts_{idx}'), 'a') as log:
        log.write('x')
    with open(os.path.join(scratch, f'attempts_{idx}')) as log:
        return len(log.read())


def simulate(traj, scratch):
    """Sum up to n; run 2's first process is killed, n = 13 always crashes."""
    if attempt(scratch, traj.v_idx) == 1 and traj.v_idx == 2:
        os.kill(os.getpid(), signal.SIGKILL)  # out of memory, say
    if traj.n == 13:
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # no core file
        os.abort()  # a crash in compiled code
    total = sum(range(traj.n))
    traj.f_add_result('total', total, comment='sum of 0 .. n-1')
    return total


def main():
    scratch = tempfile.mkdtemp()
    filename = os.path.join(scratch, 'dying.hdf5')
    env = Environment(trajectory='dying', filename=filename, multiproc=True, ncores=2,
                      use_pool=True, wrap_mode='QUEUE', max_retries=2, on_error='continue',
                      log_config=None, report_progress=False)
    traj = env.trajectory
    traj.f_add_parameter('n', 1, comment='how far to sum')
    traj.f_explore({'n': [10, 11, 12, 13, 14, 15]})

    results = env.run(simulate, scratch)
    print('finished runs:', [idx for idx, _ in results])
    print('attempts per run:', [attempt(scratch, idx) - 1 for idx in range(len(traj))])
    info = traj.f_get_run_information(3)
    print('run 3 failed:', bool(info['failed']))
    print('why:', info['error'].split('. Nothing')[0])
    print('completed:', traj.f_to_dataframe()['completed'].tolist())
    print('file:', os.path.relpath(filename))


if __name__ == '__main__':
    main()
