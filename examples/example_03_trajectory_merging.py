"""Merging two trajectories: a study extended by a second, overlapping one.

Two colleagues ran the same model on overlapping grids, each into their own file. We merge the
second study into the first: points both explored are kept once (remove_duplicates), the
second study's runs get the next run indices, and every result moves with its run. The merge
is recorded under config.merge. See doc/merging.md.
"""

import os

from pypet import Environment, cartesian_product, load_trajectory


def growth(traj):
    """A toy model: the population after `years` years at a yearly `rate`."""
    size = traj.start * (1.0 + traj.rate) ** traj.years
    traj.f_add_result('size', size, comment='population at the end')
    return size


def study(filename, name, rates, years):
    env = Environment(trajectory=name, filename=filename, overwrite_file=True,
                      log_config=None, report_progress=False, comment=f'the study of {name}')
    traj = env.trajectory
    traj.f_add_parameter('start', 100.0, comment='initial population')
    traj.f_add_parameter('rate', 0.01, comment='growth per year')
    traj.f_add_parameter('years', 1, comment='duration')
    traj.f_explore(cartesian_product({'rate': rates, 'years': years}))
    env.run(growth)
    return traj


os.makedirs('hdf5', exist_ok=True)
first = study('hdf5/example_03_ana.hdf5', 'ana', rates=[0.01, 0.02], years=[10, 20])
second = study('hdf5/example_03_ben.hdf5', 'ben', rates=[0.02, 0.05], years=[10, 20])
print(f'before: {first.v_name} has {len(first)} runs, {second.v_name} has {len(second)} runs')

# rate 0.02 was run by both: with remove_duplicates=True those runs of 'ben' are left out.
first.f_merge(second, remove_duplicates=True, backup=False)
print(f'after the merge: {first.v_name} has {len(first)} runs')

merged = load_trajectory(name='ana', filename='hdf5/example_03_ana.hdf5', load_results=2)
frame = merged.f_to_dataframe()
print(frame[['rate', 'years', 'size']].round(2).to_string())

record = next(iter(merged.f_get('config.merge').f_get_children().values()))
print('merged from', record.f_get('other_trajectory.name').f_get(), '-',
      record.f_get('merged_runs').f_get(), 'runs merged,',
      record.f_get('length_before_merge').f_get(), 'runs before')
print('the merged study is in hdf5/example_03_ana.hdf5')
