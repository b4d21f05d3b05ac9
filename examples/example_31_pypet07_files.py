"""Files written by pypet 0.7: load them as they are, then migrate them to this format.

``tests/data/pypet07/fixture.hdf5`` was written by pypet 0.7 itself (by
``tests/data/make_pypet07_fixtures.py``). This pypet reads such files directly, with every
value as pypet 0.7 loads it, but does not write into them: ``migrate_pypet07_file``
copies all their trajectories into a new file in this pypet's format.
"""

import shutil
from pathlib import Path

from pypet import load_trajectory, migrate_pypet07_file

# work on a copy in the current directory (the original stays untouched)
fixture = Path(__file__).resolve().parents[1] / 'tests' / 'data' / 'pypet07' / 'fixture.hdf5'
old = Path('pypet07_experiment.hdf5')
shutil.copy(fixture, old)

traj = load_trajectory(name='fixture', filename=str(old), load_all=2)
print(f'loaded {traj.v_name!r} written by pypet {traj.v_version}: {len(traj)} runs')
print('explored:', sorted(traj.f_get_explored_parameters()))
for idx in traj.f_iter_runs(yields='idx'):
    print(f'  run {idx}: i = {traj.numbers.i}, z = {traj.res.runs.crun.z}, '
          f'dp = {traj.dpar.runs.crun.dp}, many.d = {traj.res.runs.crun.many.d}')
print(traj.f_get('results.runs.run_00000000.sparse'))
print(traj.f_to_dataframe()[['i', 's', 'z', 'dp', 'completed']])

try:
    traj.f_add_result('new', 1)
    traj.f_store()
except ValueError as refused:
    print('writing into the old file is refused:', str(refused).split(':')[0])

new = Path('migrated.hdf5')
print('migrated:', migrate_pypet07_file(old, new), 'into', new)
again = load_trajectory(name='fixture', filename=str(new), load_all=2)
assert again.f_get('special.csr').f_get_range()[1].nnz == 3
print('the migrated file shows the same table:',
      again.f_to_dataframe()[['i', 'z', 'dp']].equals(traj.f_to_dataframe()[['i', 'z', 'dp']]))
