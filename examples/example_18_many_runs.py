"""Many runs: 20,000 tiny runs in one trajectory, and the file read without pypet.

pypet 0.7 slowed down badly past ~20k runs unless you grouped runs yourself with
``'$set'`` in result names. Here runs are bucketed in the file automatically, and small
per-run results (scalars, short arrays, strings) go into the columns of one run table.
So a plain ``traj.f_add_result('z', ...)`` scales, and the table can be read by any HDF5
tool: at the end we read it with h5py (or PyTables) and pandas alone.
"""

import os
import tempfile
import time

from pypet import Environment, Trajectory, pypetconstants

NRUNS = 20_000


def steps_to_one(n):
    """How many Collatz steps (n/2 if even, else 3n+1) take n down to 1."""
    steps = 0
    while n != 1:
        n = n // 2 if n % 2 == 0 else 3 * n + 1
        steps += 1
    return steps


def collatz_steps(traj):
    """One tiny run: a single integer result."""
    traj.f_add_result('steps', steps_to_one(traj.n), comment='Collatz steps until 1')


filename = os.path.join(tempfile.mkdtemp(prefix='pypet_example_18_'), 'example_18.hdf5')
env = Environment(trajectory='many_runs', filename=filename, overwrite_file=True,
                  log_config=None, report_progress=False)
traj = env.trajectory
traj.f_add_parameter('n', 1, comment='start value')
traj.f_explore({'n': list(range(1, NRUNS + 1))})

start = time.perf_counter()
env.run(collatz_steps)
elapsed = time.perf_counter() - start
print(f'{len(traj)} runs in {elapsed:.2f} s = {elapsed / len(traj) * 1e6:.0f} µs per run '
      '(running and storing)')
print(f'file: {filename}, {os.path.getsize(filename) / 1024:.0f} KiB')

# Load parameters but no results, then fetch the result of one run only.
start = time.perf_counter()
loaded = Trajectory(filename=filename)
loaded.f_load(name='many_runs', load_results=pypetconstants.LOAD_NOTHING)
run = loaded.f_load_child('results.runs.run_00012345', recursive=True)
print(f'loaded the trajectory and one run in {time.perf_counter() - start:.3f} s: '
      f'{run.v_full_name}.steps = {run.steps}')
loaded.v_idx = 12345
print(f'n = {loaded.n} takes {run.steps} steps')
assert loaded.n == 12346 and run.steps == steps_to_one(12346)
print('runs with results in memory:', sorted(loaded.results.runs.f_get_children()))

# --- the run table without pypet: one HDF5 dataset per column, one row per run -----------------
import pandas as pd  # noqa: E402  (imported here to show this part needs no pypet at all)

try:
    import h5py  # noqa: E402  (optional: pip install h5py)
except ImportError:
    h5py = None
if h5py is not None:
    reader = 'h5py'
    with h5py.File(filename, 'r') as h5:
        table = h5['many_runs/overview/runs']
        columns = {name: column[()] for name, column in table.items()
                   if isinstance(column, h5py.Dataset)}
else:  # PyTables is installed with pypet, and reads the file just as well
    import tables  # noqa: E402

    reader = 'PyTables'
    with tables.open_file(filename, 'r') as h5:
        table = h5.get_node('/many_runs/overview/runs')
        columns = {leaf.name: leaf.read() for leaf in table._f_iter_nodes('Leaf')}
frame = pd.DataFrame(columns).set_index('idx')
print(f'\nrun table read with {reader} + pandas:', list(frame.columns))
print(frame[['parameters.n', 'results.runs.$.steps', 'completed']].tail(3).to_string())
longest = frame['results.runs.$.steps'].idxmax()
print(f'longest: n = {frame.loc[longest, "parameters.n"]} '
      f'needs {frame.loc[longest, "results.runs.$.steps"]} steps (run {longest})')
