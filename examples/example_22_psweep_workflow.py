"""A psweep user's workflow in pypet: grid, database, look before you leap, extend the study.

psweep builds a list of parameter sets (``ps.pgrid``), calls ``func(pset)`` for each and
keeps a pandas DataFrame with one row per set, including a ``_pset_hash``. Re-running with
more sets appends rows; ``simulate=True`` shows what would run without running it.

In pypet: ``cartesian_product`` builds the grid, ``env.run`` runs it, ``f_to_dataframe()``
is the database (with ``point_hash``), ``dry_run=True`` is simulate, and
``if_exists='extend'`` makes re-running the same script add only the new points.
"""

import os
import tempfile

from pypet import Environment, cartesian_product, load_trajectory

FILENAME = os.path.join(tempfile.mkdtemp(prefix='pypet_example_22_'), 'calc.hdf5')


def func(traj):
    """psweep's func(pset): here the point is the trajectory's current run."""
    traj.f_add_result('result', traj.a * traj.b, comment='a times b')
    return {'result': traj.a * traj.b}


def study(a_values, dry_run=False):
    """The whole script; psweep users re-run it with new values."""
    env = Environment(trajectory='sweep', filename=FILENAME, if_exists='extend',
                      dry_run=dry_run, log_config=None, report_progress=False)
    traj = env.trajectory
    traj.f_add_parameter('a', 1, comment='first factor')
    traj.f_add_parameter('b', 88, comment='second factor')
    traj.f_explore(cartesian_product({'a': a_values, 'b': [88, 99]}))
    return env.run(func)


print('first study:', len(study([1, 2, 3])), 'runs')
plan = study([1, 2, 3, 4], dry_run=True)  # psweep's simulate: nothing runs, nothing written
print('a dry run of the larger grid would run:', plan[['a', 'b', 'state']].to_dict('records'))
print('extended study:', len(study([1, 2, 3, 4])), 'new runs')

database = load_trajectory(name='sweep', filename=FILENAME).f_to_dataframe()
print(database[['a', 'b', 'result', 'point_hash', 'completed']].to_string())
print('every point once:', database['point_hash'].is_unique)
print('runs per run of the script (psweep _run_id):', sorted(database.groupby('hexsha').size()))
print(f'database in {FILENAME}')
