"""An experiment described in an ini file: keywords, parameters, config data and logging.

Runs `configs/environment_config.ini` (a trajectory with two parameters and a seed, its
storage settings, and a logging configuration writing below `$temp`, the system's
temporary folder), with one keyword given here winning over the file.
"""

import os
from pathlib import Path

from pypet import Environment, Trajectory
from pypet.log.filenames import temp_log_folder

CONFIG = Path(__file__).resolve().parents[1] / 'configs' / 'environment_config.ini'


def simulate(traj):
    """One run: print (captured into the log by log_stdout) and store a product."""
    product = traj.x * traj.y * traj.simulation.steps
    print(f'x={traj.x} y={traj.y} -> {product}')
    traj.f_add_result('product', product)
    return product


def main():
    # multiproc=False here beats `multiproc` in the file's [environment] section. The file
    # sets log_stdout, so what is printed inside the block goes to the log files.
    with Environment(config=str(CONFIG), multiproc=False) as env:
        traj = env.trajectory
        traj.f_explore({'x': [1.0, 2.0, 3.0]})
        results = env.run(simulate)
    print('from the file:', traj.v_name, '| x =', traj.f_get('x').f_get_default(),
          '| y =', traj.y, f'({traj.f_get("y").v_comment})', '| seed =', traj.seed,
          '| steps =', traj.simulation.steps)
    print('returned:', results)
    filename = traj.v_storage_service.filename
    loaded = Trajectory(filename=filename)
    loaded.f_load(index=-1, load_data=2)
    print('stored products:', list(loaded.f_get_from_runs('product', fast_access=True).values()))
    print(f'trajectory stored in {os.path.relpath(filename)}')
    log = os.path.join(temp_log_folder(), traj.v_name, env.name, 'LOG.txt')
    with open(log) as handle:
        printed = [line.split('INFO')[1].strip() for line in handle if ' STDOUT ' in line]
    print(f'{len(printed)} printed lines in the log below $temp, the first: {printed[0]}')


if __name__ == '__main__':
    main()
