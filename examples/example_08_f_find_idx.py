"""Finding runs by their parameter values with ``f_find_idx``.

``traj.f_find_idx(names, predicate)`` yields the index of every run for which
``predicate(*values)`` is true, where ``values`` are the parameters' values in that run.
Setting ``traj.v_idx`` then turns the trajectory into a view of that run: explored
parameters show the run's values, and ``crun`` / ``v_crun`` name the run.
"""

from pypet import Trajectory, cartesian_product

traj = Trajectory('find_runs')
traj.f_add_parameter('x', 0, comment='an integer grid axis')
traj.f_add_parameter('y', 0, comment='another integer grid axis')
traj.f_add_parameter('scale', 10, comment='not explored: the same in every run')
traj.f_explore(cartesian_product({'x': [1, 2, 3, 4], 'y': [5, 6, 7]}))
print(f'{len(traj)} runs')

# Simulate the runs by hand so that each one has a result to look at later.
for _ in traj.f_iter_runs():
    traj.f_start_run()
    traj.f_add_result('product', traj.x * traj.y * traj.scale)
    traj.f_finalize_run(clean_up=False)

# Which runs have an even x and y > 5? (Unexplored parameters may be named, too.)
found = list(traj.f_find_idx(['x', 'y', 'scale'], lambda x, y, scale: x % 2 == 0 and y > 5))
print('runs with even x and y > 5:', found)
assert found == [4, 5, 10, 11]

# A single name may be passed as a plain string.
print('runs with x == 3:', list(traj.f_find_idx('x', lambda x: x == 3)))

for idx in found:
    traj.v_idx = idx  # the trajectory now looks like run `idx`
    product = traj.crun.product  # 'crun' stands for the current run's name
    print(f'idx {traj.v_idx:2d} = {traj.v_crun}: x={traj.x}, y={traj.y}, '
          f'product={product}')
    assert product == traj.x * traj.y * 10

traj.v_idx = -1  # back to the defaults; no current run
print('after v_idx = -1: v_crun =', traj.v_crun, '| x =', traj.x, '| y =', traj.y)
