"""Collecting one result from every run: ``f_get_from_runs`` and ``f_to_dataframe``.

We explore a 2-D grid of ``x`` and ``y``, compute a bumpy surface ``z(x, y)`` in every run
and then gather all ``z`` values at once, in two ways:

* ``traj.f_get_from_runs('z', fast_access=True)`` gives an ordered dict {run: value}
  (``use_indices=True`` keys it by run index instead of run name);
* ``traj.f_to_dataframe()`` gives a pandas DataFrame with one row per run, holding the
  explored parameters, small results and the run information.

The grid is printed as a small text table (a plot would need matplotlib).
"""

import math
import os
import tempfile

from pypet import Environment, Trajectory, cartesian_product


def surface(traj):
    """One run: a smooth bump plus ripples, evaluated at the run's (x, y)."""
    x, y = traj.x, traj.y
    z = math.exp(-(x * x + y * y) / 4.0) + 0.1 * math.cos(3 * x) * math.sin(3 * y)
    traj.f_add_result('z', z, comment='height of the surface at (x, y)')
    traj.f_add_result('above_half', z > 0.5, comment='whether z exceeds 0.5')


filename = os.path.join(tempfile.mkdtemp(prefix='pypet_example_10_'), 'example_10.hdf5')
env = Environment(trajectory='surface', filename=filename, overwrite_file=True,
                  log_config=None, report_progress=False)
traj = env.trajectory
traj.f_add_parameter('x', 0.0, comment='first coordinate')
traj.f_add_parameter('y', 0.0, comment='second coordinate')
grid = [-2.0, -1.0, 0.0, 1.0, 2.0]
traj.f_explore(cartesian_product({'x': grid, 'y': grid}))
env.run(surface)
print(f'stored in {filename}')

# Analysis with a trajectory loaded from the file (results with data: 2 = LOAD_DATA).
traj = Trajectory(filename=filename)
traj.f_load(index=-1, load_results=2)
print(f'{len(traj)} runs over a {len(grid)} x {len(grid)} grid')

# 1) An ordered dict per result: keys are run names, or run indices with use_indices.
z_by_run = traj.f_get_from_runs('z', fast_access=True)
print('first entries:', [(name, round(z, 3)) for name, z in list(z_by_run.items())[:2]])
z_by_idx = traj.f_get_from_runs('z', fast_access=True, use_indices=True)
xs = traj.f_get('x').f_get_range()
ys = traj.f_get('y').f_get_range()
table = {(x, y): z_by_idx[idx] for idx, (x, y) in enumerate(zip(xs, ys, strict=True))}

print('\nz(x, y)  ' + ''.join(f'{f"y={y:+.1f}":>7} ' for y in grid))
for x in grid:
    print(f'x={x:+4.1f}   ' + ''.join(f'{table[x, y]:7.3f} ' for y in grid))
peak = max(z_by_idx, key=z_by_idx.get)
traj.v_idx = peak  # the trajectory now shows run `peak`
print(f'\nhighest z = {z_by_idx[peak]:.3f} in {traj.v_crun} at x={traj.x}, y={traj.y}')
traj.v_idx = -1

# 2) The same as a DataFrame: one row per run, columns x, y, z, above_half, run info.
frame = traj.f_to_dataframe()
print('\nDataFrame columns:', list(frame.columns))
print(frame[['x', 'y', 'z', 'above_half']].head(3).round(3).to_string())
print('runs with z > 0.5:', int(frame['above_half'].sum()))
print('mean z per x:', frame.groupby('x')['z'].mean().round(3).to_dict())
pivot = frame.pivot_table(index='x', columns='y', values='z')
assert abs(pivot.loc[1.0, -2.0] - table[1.0, -2.0]) < 1e-12
