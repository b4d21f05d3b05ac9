"""First steps: describe parameters, explore a grid, run by hand, collect the results.

The trajectory holds two parameters, ``x`` and ``y``. We explore every combination of a
few values of each (a cartesian product), compute ``z = x * y`` in every run and finally
gather all ``z`` values into a table. No Environment and no file are involved yet: the
runs are driven by hand with ``f_start_run`` / ``f_finalize_run``.
"""

from pypet import Trajectory, cartesian_product


def multiply(traj):
    """The 'simulation' of one run: read the current point, add the product as a result."""
    z = traj.x * traj.y
    traj.f_add_result('z', z, comment='the product of x and y')
    return z


traj = Trajectory('first_steps', comment='a tiny grid search')

# Every parameter has a default value and, ideally, a comment saying what it means.
traj.f_add_parameter('x', 1.0, comment='the first factor')
traj.f_add_parameter('y', 1.0, comment='the second factor')

# Explore 2 x 3 points; in the cartesian product the last key varies fastest.
traj.f_explore(cartesian_product({'x': [1.0, 2.0], 'y': [3.0, 4.0, 5.0]}))
print(f'trajectory {traj.v_name!r}: {len(traj)} runs, explored:',
      ', '.join(sorted(traj.f_get_explored_parameters())))

for run_name in traj.f_iter_runs():      # sets each run in turn (traj.x, traj.y follow)
    traj.f_start_run()                   # results now land in results.runs.<run_name>
    z = multiply(traj)
    traj.f_finalize_run(clean_up=False)  # clean_up=False keeps the results in memory
    print(f'{run_name}: z = {z}')

# One ordered dict {run name: value} holding the result of every run.
z_by_run = traj.f_get_from_runs('z', fast_access=True)
xs = traj.f_get('x').f_get_range()
ys = traj.f_get('y').f_get_range()

print('\nrun             x     y      z')
for (run_name, z), x, y in zip(z_by_run.items(), xs, ys, strict=True):
    print(f'{run_name}   {x:4.1f}  {y:4.1f}  {z:5.1f}')

first = traj.f_get('results.runs.run_00000000.z')
print(f'\nthe first result is {first.v_full_name} ({first.v_comment})')
assert list(z_by_run.values()) == [3.0, 4.0, 5.0, 6.0, 8.0, 10.0]
print(f'sum of all products: {sum(z_by_run.values())}')
