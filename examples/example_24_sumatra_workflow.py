"""A Sumatra user's workflow in pypet: a record of every study, listed and inspected.

Sumatra records each run of a script (``smt run``) with its parameters, code version,
reason and duration, and ``smt list`` shows the records. In pypet each study is a trajectory
in the file, with its comment (the reason), parameters, the environments that ran it and the
run table; ``pypet.list_trajectories(file)`` (or ``pypet ls FILE`` in a shell) is the list,
``pypet show FILE NAME`` one record. (With ``git_repository=`` / ``sumatra_project=`` the
Environment also records the commit and a Sumatra record; they appear in the list.)
"""

import os
import tempfile

from pypet import Environment, list_trajectories
from pypet.cli import main as pypet_command_line

FILENAME = os.path.join(tempfile.mkdtemp(prefix='pypet_example_24_'), 'records.hdf5')


def relax(traj):
    """A toy simulation: relax towards the target with the given rate."""
    value = 0.0
    for _ in range(traj.steps):
        value += traj.rate * (1.0 - value)
    traj.f_add_result('final', value, comment='value after the steps')


for reason, rates in (('first look', [0.1, 0.2]), ('finer rates', [0.05, 0.1, 0.15, 0.2])):
    # add_time=True: every study gets its own name, unique even within the same second
    env = Environment(trajectory='relax', add_time=True, filename=FILENAME, comment=reason,
                      log_config=None, report_progress=False)
    env.trajectory.f_add_parameter('rate', 0.1, comment='relaxation rate')
    env.trajectory.f_add_parameter('steps', 20, comment='number of steps')
    env.trajectory.f_explore({'rate': rates})
    env.run(relax)

records = list_trajectories(FILENAME)  # smt list
print(records[['comment', 'runs', 'completed', 'failed']].to_string())
print('distinct names:', records['name'].is_unique)
print('--- pypet ls (the same from a shell) ---')
pypet_command_line(['ls', FILENAME])
print('--- pypet show of the newest study ---')
pypet_command_line(['show', FILENAME])
print(f'records in {FILENAME}')
