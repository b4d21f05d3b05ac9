"""Large results: store big arrays per run, then load only the piece you need.

Every run stores a few megabytes: a 2-D voltage trace, a long vector of spike times and a
pandas DataFrame. Loading all of that back would fill the memory for nothing, so the
analysis loads the results as a *skeleton* (empty leaves that know their names and
comments) and then fetches a single item of a single run with
``f_load_item(..., load_only=[...])``. The other runs stay empty.
"""

import os
import tempfile

import numpy as np
import pandas as pd

from pypet import Environment, Trajectory, pypetconstants


def simulate(traj):
    """One run: a noisy trace, spike times and a small table of statistics."""
    rng = np.random.default_rng(traj.seed + traj.v_idx)
    trace = rng.normal(traj.drive, 1.0, size=(100, 2_000))  # 1.6 MB of float64
    spikes = np.sort(rng.uniform(0.0, 1000.0, size=50_000))  # 0.4 MB
    stats = pd.DataFrame({'neuron': np.arange(100), 'mean': trace.mean(axis=1),
                          'std': trace.std(axis=1)})
    traj.f_add_result('activity', trace=trace, spikes=spikes,
                      comment='voltage trace (neurons x steps) and spike times (ms)')
    traj.f_add_result('stats', stats, comment='per-neuron mean and std')
    traj.f_add_result('mean_drive', float(trace.mean()), comment='a scalar: run table')


filename = os.path.join(tempfile.mkdtemp(prefix='pypet_example_09_'), 'example_09.hdf5')
env = Environment(trajectory='large_results', filename=filename, overwrite_file=True,
                  log_config=None, report_progress=False)
traj = env.trajectory
traj.f_add_parameter('seed', 42, comment='random seed')
traj.f_add_parameter('drive', 0.0, comment='mean input')
traj.f_explore({'drive': [0.5, 1.0, 1.5, 2.0]})
env.run(simulate)
print(f'{len(traj)} runs stored in {filename}: '
      f'{os.path.getsize(filename) / 2**20:.1f} MiB on disk')

# Load parameters with data, but results only as a skeleton: names and comments, no data.
analysis = Trajectory(filename=filename)
analysis.f_load(name='large_results', load_parameters=pypetconstants.LOAD_DATA,
                load_results=pypetconstants.LOAD_SKELETON)
runs = [analysis.f_idx_to_run(idx) for idx in range(len(analysis))]
activity = [analysis.f_get(f'results.runs.{run}.activity') for run in runs]
print('after the skeleton load, empty:', [leaf.f_is_empty() for leaf in activity])

# Fetch only the spike times of run 2; its trace and the other runs stay on disk.
wanted = activity[2]
analysis.f_load_item(wanted, load_only=['spikes'])
print(f'loaded {wanted.v_full_name}: items {sorted(wanted.f_to_dict())}, '
      f'spikes {wanted.spikes.shape} = {wanted.spikes.nbytes / 1024:.0f} KiB')
print('other runs still empty:', [leaf.f_is_empty() for i, leaf in enumerate(activity) if i != 2])
assert 'trace' not in wanted.f_to_dict() and all(activity[i].f_is_empty() for i in (0, 1, 3))

# The rest of that result can be added later without touching what is already there.
analysis.f_load_item(wanted)
print(f'loaded the rest: items {sorted(wanted.f_to_dict())}, '
      f'trace {wanted.trace.shape} = {wanted.trace.nbytes / 2**20:.1f} MiB')
stats = analysis.f_get(f'results.runs.{runs[2]}.stats')
analysis.f_load_item(stats)
print('stats of run 2 (a DataFrame):', stats.stats.shape, '| first row:',
      stats.stats.iloc[0].round(2).to_dict())

# Scalars live in the run table: one column for all runs, no per-run loading needed.
print(analysis.f_to_dataframe()[['drive', 'mean_drive']].round(2).to_string())
