"""Post-processing that expands the trajectory: an adaptive search for a threshold.

Each run integrates a leaky integrator driven by an input current and reports whether it
crossed a threshold. Post-processing looks at all results so far and adds new points between
the largest current that stayed below and the smallest that crossed, until the bracket is
narrow. The new runs execute automatically (in a pool of 2 processes).
"""

import os
import tempfile

import numpy as np

from pypet import Environment, Trajectory


def integrate(traj):
    """One run: Euler-integrate dv/dt = (-v + I) / tau and store the trace maximum."""
    steps = int(traj.duration / traj.dt)
    v = 0.0
    peak = 0.0
    for _ in range(steps):
        v += traj.dt * (-v + traj.current) / traj.tau
        peak = max(peak, v)
    crossed = peak >= traj.threshold
    traj.f_add_result('peak', peak, comment='largest membrane value')
    traj.f_add_result('crossed', crossed)
    return crossed


def bisect(traj, results, tolerance):
    """Add points inside the bracket [largest below, smallest above] until it is narrow."""
    currents = traj.f_get('current').f_get_range()
    below = max((currents[i] for i, crossed in results if not crossed), default=0.0)
    above = min((currents[i] for i, crossed in results if crossed), default=None)
    if above is None or above - below < tolerance:
        print(f'threshold current in [{below:.4f}, {above}] after {len(results)} runs')
        return None
    new = np.linspace(below, above, 5)[1:-1].tolist()
    return {'current': new}


def main():
    filename = os.path.join(tempfile.mkdtemp(prefix='pypet_example_13_'), 'search.hdf5')
    env = Environment(trajectory='threshold_search', filename=filename, overwrite_file=True,
                      multiproc=True, ncores=2, use_pool=True, wrap_mode='QUEUE',
                      log_config=None, report_progress=False)
    traj = env.trajectory
    traj.f_add_parameter('current', 0.0, comment='input drive')
    traj.f_add_parameter('tau', 10.0)
    traj.f_add_parameter('dt', 0.1)
    traj.f_add_parameter('duration', 100.0)
    traj.f_add_parameter('threshold', 0.8)
    traj.f_explore({'current': [0.0, 0.5, 1.0, 1.5, 2.0]})
    env.add_postprocessing(bisect, tolerance=0.01)
    results = env.run(integrate)
    print(f'{len(results)} runs in total')
    loaded = Trajectory(filename=filename)
    loaded.f_load(index=-1)
    frame = loaded.f_to_dataframe().sort_values('current')
    print(frame[['current', 'peak', 'crossed']].to_string(index=False))


if __name__ == '__main__':
    main()
