"""Shards: one study cut into slices that run apart (batch jobs), merged from their folder.

On a cluster each shard is one job of a job array (e.g. SLURM's SLURM_ARRAY_TASK_ID picks the
shard); here a process pool stands in for the jobs. Every job explores only its slice of the
grid and writes its own file, so the jobs share nothing. A last step merges the folder into
one file; the result is the study one machine would have produced, run for run.
See doc/merging.md.
"""

import concurrent.futures
import math
import os
import tempfile

from pypet import (
    Environment,
    cartesian_product,
    load_trajectory,
    merge_all_in_folder,
    split_exploration,
)

N_SHARDS = 4
GRID = cartesian_product({'amplitude': [0.5, 1.0, 1.5], 'frequency': [1.0, 2.0, 3.0, 4.0, 5.0]})


def oscillate(traj):
    """The 'simulation': the mean square of a sampled sine."""
    samples = [traj.amplitude * math.sin(2 * math.pi * traj.frequency * t / 100)
               for t in range(100)]
    traj.f_add_result('power', sum(s * s for s in samples) / len(samples))


def run_shard(folder, index):
    """One batch job: explore shard `index` of the grid and run it into its own file."""
    env = Environment(trajectory='oscillator', filename=os.path.join(folder, f'shard_{index:04d}.hdf5'),
                      log_config=None, report_progress=False)
    traj = env.trajectory
    traj.f_add_parameter('amplitude', 1.0)
    traj.f_add_parameter('frequency', 1.0)
    traj.f_explore(split_exploration(GRID, N_SHARDS, index=index))
    env.run(oscillate)
    return len(traj)


def main():
    workdir = tempfile.mkdtemp(prefix='pypet_example_30_')
    shards = os.path.join(workdir, 'shards')
    os.makedirs(shards)
    with concurrent.futures.ProcessPoolExecutor(2) as jobs:
        sizes = list(jobs.map(run_shard, [shards] * N_SHARDS, range(N_SHARDS)))
    first = os.path.join(shards, sorted(os.listdir(shards))[0])
    print(f'{N_SHARDS} shards of {sizes} runs, one file each, the first: {first}')

    merged_file = os.path.join(workdir, 'oscillator.hdf5')
    merged = merge_all_in_folder(shards, into=merged_file)  # the shard files stay as they are
    print(f'merged: {len(merged)} runs in {merged_file}')

    study = load_trajectory(name='oscillator', filename=merged_file)
    frame = study.f_to_dataframe()
    same = (frame['amplitude'].tolist() == GRID['amplitude']
            and frame['frequency'].tolist() == GRID['frequency'])
    print('runs in the order of the whole grid:', same)
    print(frame[['amplitude', 'frequency', 'power']].round(3).head(6).to_string())


if __name__ == '__main__':  # needed: the job processes import this file
    main()
