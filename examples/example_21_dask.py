"""Runs on a Dask cluster: here an embedded LocalCluster with two workers.

`executor='dask'` starts the cluster for the duration of `env.run`; pass a
`dask.distributed.Client` instead to use a cluster you started (see doc/parallel.md). The
driver alone writes the HDF5 file.
"""

import os
import tempfile

from pypet import Environment, Trajectory, cartesian_product


def energy(traj):
    """A tiny 'simulation'."""
    e = 0.5 * traj.mass * traj.velocity ** 2
    traj.f_add_result('energy', e, comment='kinetic energy')
    return e


def main():
    filename = os.path.join(tempfile.mkdtemp(prefix='pypet_example_21_'), 'dask.hdf5')
    env = Environment(trajectory='dask_demo', filename=filename, overwrite_file=True,
                      executor='dask', ncores=2, log_config=None, report_progress=False)
    traj = env.trajectory
    traj.f_add_parameter('mass', 1.0)
    traj.f_add_parameter('velocity', 0.0)
    traj.f_explore(cartesian_product({'mass': [1.0, 2.0], 'velocity': [0.0, 1.0, 2.0, 3.0]}))
    results = env.run(energy)
    print('energies:', [e for _, e in results])
    loaded = Trajectory(filename=filename)
    loaded.f_load(index=-1)
    print(loaded.f_to_dataframe()[['mass', 'velocity', 'energy']])


if __name__ == '__main__':
    main()
