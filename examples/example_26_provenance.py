"""Provenance: pypet commits the experiment's code with git and records the commit.

Builds a throwaway git repository, changes a tracked file, and lets the Environment commit
it (`git_repository`, `git_message`); then shows `git_fail=True` refusing to run with an
uncommitted change, and what every environment records (versions, host, user). For Sumatra
records (`sumatra_project`) see doc/provenance.md.
"""

import os
import subprocess
import tempfile

from pypet import Environment, GitDiffError


def git(repo, *args):
    done = subprocess.run(['git', *args], cwd=repo, check=True, capture_output=True, text=True)
    return done.stdout.strip()


def main():
    folder = tempfile.mkdtemp(prefix='pypet_example_26_')
    repo = os.path.join(folder, 'my_model')
    os.makedirs(repo)
    git(repo, 'init', '-q')
    with open(os.path.join(repo, 'model.py'), 'w') as handle:
        handle.write('RATE = 0.1\n')
    git(repo, 'add', 'model.py')
    git(repo, '-c', 'user.name=Ada', '-c', 'user.email=ada@example.org',
        'commit', '-q', '-m', 'first model')

    with open(os.path.join(repo, 'model.py'), 'w') as handle:   # not committed yet
        handle.write('RATE = 0.2\n')
    env = Environment(trajectory='rates', filename=os.path.join(folder, 'rates.hdf5'),
                      log_config=None, report_progress=False, comment='a faster rate',
                      git_repository=repo, git_message='try RATE = 0.2')
    print('pypet committed:', git(repo, 'log', '-1', '--format=%s'))
    print('environment hexsha is the commit:', env.hexsha == git(repo, 'rev-parse', 'HEAD'))
    traj = env.trajectory
    (name,) = traj.config.git.f_get_children()
    commit = traj.config.git.f_get(name)
    print(f'config.git.{name[:15]}...: dirty={commit.dirty}, branch={commit.branch!r}')
    record = traj.config.environment.f_get(env.name)
    print('recorded: python', record.versions.python, '| numpy', record.versions.numpy,
          '| host and user known:', bool(record.host) and bool(record.user))
    traj.f_add_parameter('steps', 10)
    env.run(lambda traj: traj.steps)
    print(f'stored in {os.path.relpath(traj.v_storage_service.filename)}')

    with open(os.path.join(repo, 'model.py'), 'w') as handle:
        handle.write('RATE = 0.3\n')
    try:
        Environment(trajectory='strict', log_config=None, git_repository=repo, git_fail=True)
    except GitDiffError as error:
        print('git_fail=True refused:', str(error).split(':')[0])


if __name__ == '__main__':
    main()
