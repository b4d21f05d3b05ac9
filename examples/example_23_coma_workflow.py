"""A Coma user's workflow in pypet: define parameter sets, run, run again, retrieve tables.

Coma's pendulum tutorial: ``Experiment.run(run_it)`` computes every parameter set once;
calling it again computes nothing, because every measurement exists (``(60, 60)`` then
``(0, 60)``); ``retrieve_results`` then gives one table per initial angle.

In pypet the experiment is a trajectory in one file, ``if_exists='extend'`` gives the
"only what is missing" re-run, and the run table grouped by ``theta_0`` gives Coma's
result tables.
"""

import math
import os
import tempfile

from pypet import Environment, load_trajectory

FILENAME = os.path.join(tempfile.mkdtemp(prefix='pypet_example_23_'), 'experiment.hdf5')


def run_it(traj):
    """Time for the pendulum to swing from theta_0 to theta: exact and small-angle."""
    scale = math.sqrt(traj.L / 9.81)
    theta0, theta = math.radians(traj.theta_0), math.radians(traj.theta)
    k = math.sin(theta0 / 2)
    # theta = 2 asin(k sin(phi)): the time is an elliptic integral over phi, from
    # phi(theta) up to pi/2 (where the pendulum starts); midpoint rule
    start = math.asin(max(-1.0, min(1.0, math.sin(theta / 2) / k)))
    steps = 400
    width = (math.pi / 2 - start) / steps
    exact = scale * width * sum(1 / math.sqrt(1 - (k * math.sin(start + (i + 0.5) * width)) ** 2)
                                for i in range(steps))
    traj.f_add_result('t', exact, comment='exact time (s)')
    traj.f_add_result('t_', scale * math.acos(max(-1.0, min(1.0, theta / theta0))),
                      comment='small-angle approximation (s)')


def experiment():
    """Coma's define_parameter_set / add_parameter_set / run, as one script."""
    env = Environment(trajectory='pendulum', filename=FILENAME, if_exists='extend',
                      log_config=None, report_progress=False)
    traj = env.trajectory
    traj.f_add_parameter('theta_0', -5.0, comment='initial angle (degrees)')
    traj.f_add_parameter('theta', -5.0, comment='angle reached (degrees)')
    traj.f_add_parameter('L', 1.0, comment='length (m)')
    sets = [(t0, round(t0 + i * (-2 * t0) / 19, 4)) for t0 in (-5.0, -30.0, -60.0)
            for i in range(20)]
    traj.f_explore({'theta_0': [s[0] for s in sets], 'theta': [s[1] for s in sets]})
    return len(env.run(run_it)), len(traj)


print('first run (measured, defined):', experiment())
print('second run (measured, defined):', experiment())

table = load_trajectory(name='pendulum', filename=FILENAME).f_to_dataframe()
for theta_0, result in table.groupby('theta_0', sort=False):  # Coma's retrieve_results
    print(f'theta_0 = {theta_0}: table {result[["theta", "t", "t_"]].shape}, '
          f'largest gap exact - small angle {(result.t - result.t_).abs().max():.3f} s')
print(f'experiment in {FILENAME}')
