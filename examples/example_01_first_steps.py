"""First steps: describe two parameters, run a grid of them, store and reload the results.

An Environment creates the trajectory and an HDF5 file. We add the parameters ``x`` and
``y``, explore every combination of a few values (a cartesian product) and let
``env.run`` call ``multiply`` once per point. Each run adds its product as a result, and
the Environment stores it. Afterwards a brand-new Trajectory loads everything back from
the file, as a separate analysis script would.
"""

import os
import tempfile

from pypet import Environment, Trajectory, cartesian_product


def multiply(traj):
    """One run: read the current point, add the product as a result and return it."""
    z = traj.x * traj.y
    traj.f_add_result('z', z, comment='the product of x and y')
    return z


# The file goes to a fresh temporary folder, so running the demo changes nothing else.
filename = os.path.join(tempfile.mkdtemp(prefix='pypet_example_01_'), 'example_01.hdf5')
env = Environment(trajectory='first_steps', filename=filename, overwrite_file=True,
                  comment='a tiny grid search', log_config=None, report_progress=False)
traj = env.trajectory

# Every parameter has a default value and, ideally, a comment saying what it means.
traj.f_add_parameter('x', 1.0, comment='the first factor')
traj.f_add_parameter('y', 1.0, comment='the second factor')
# Explore 2 x 3 points; in the cartesian product the last key varies fastest.
traj.f_explore(cartesian_product({'x': [1.0, 2.0], 'y': [3.0, 4.0, 5.0]}))
print(f'trajectory {traj.v_name!r}: {len(traj)} runs')

returned = env.run(multiply)  # [(run index, return value), ...]
print('returned by the runs:', [z for _, z in returned])
print(f'stored in {filename} ({os.path.getsize(filename) / 1024:.0f} KiB)')

# --- later, maybe in another script: load the trajectory back from the file ------------------
loaded = Trajectory(filename=filename)
loaded.f_load(index=-1, load_results=2)  # the newest trajectory in the file; 2 = LOAD_DATA
print(f'\nloaded {loaded.v_name!r} ({loaded.v_comment}): {len(loaded)} runs')

# One ordered dict {run name: value} holding the result of every run.
z_by_run = loaded.f_get_from_runs('z', fast_access=True)
xs = loaded.f_get('x').f_get_range()
ys = loaded.f_get('y').f_get_range()
print('run             x     y      z')
for (run_name, z), x, y in zip(z_by_run.items(), xs, ys, strict=True):
    print(f'{run_name}   {x:4.1f}  {y:4.1f}  {z:5.1f}')

first = loaded.f_get('results.runs.run_00000000.z')
print(f'the first result is {first.v_full_name} ({first.v_comment})')

# The same as a pandas DataFrame: one row per run, read from the file's run table.
frame = loaded.f_to_dataframe()
print(frame[['x', 'y', 'z', 'completed']].to_string())
assert list(frame['z']) == [3.0, 4.0, 5.0, 6.0, 8.0, 10.0]
print(f'sum of all products: {frame["z"].sum()}')
