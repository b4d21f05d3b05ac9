"""What an Environment records about itself: name, hexsha, versions, host, user, times."""

from __future__ import annotations

import datetime
import getpass
import hashlib
import importlib.metadata
import platform
import re
import socket
import sys

from pypet import Environment, Trajectory
from pypet._version import __version__
from pypet.provenance.versions import versions

VERSION_NAMES = {"pypet", "python", "scipy", "numpy", "PyTables", "pandas", "Sumatra", "dill",
                 "GitPython", "psutil", "platform", "HDF5"}


def test_name_and_hexsha_without_git(tmp_path):
    """environment_<hex7>_<time>; the hexsha is sha1(traj name, traj time, env time, version)
    and the env time is the trajectory's when the env created it."""
    env = Environment(trajectory="ident", filename=str(tmp_path / "i.hdf5"), log_config=None)
    traj = env.trajectory
    assert env.timestamp == traj.v_timestamp and env.time == traj.v_time
    expected = hashlib.sha1(
        f"ident{traj.v_timestamp}{env.timestamp}{__version__}".encode()).hexdigest()
    assert env.hexsha == expected
    assert env.name == f"environment_{expected[:7]}_{env.time}"
    assert re.fullmatch(r"environment_[0-9a-f]{7}_\d{4}_\d\d_\d\d_\d\dh\d\dm\d\ds", env.name)
    assert traj.v_environment_hexsha == env.hexsha and traj.v_environment_name == env.name


def test_a_given_trajectory_gets_the_time_of_now(tmp_path):
    """With a trajectory passed in, the environment's time is its creation time."""
    traj = Trajectory("given", filename=str(tmp_path / "g.hdf5"))
    traj._timestamp -= 3600  # made an hour ago
    env = Environment(trajectory=traj, log_config=None)
    assert env.timestamp - traj.v_timestamp >= 3600


def test_versions_host_user_script_and_times_are_stored(tmp_path):
    """config.environment.<name> holds versions, host, user, script, start/finish/runtime."""
    env = Environment(trajectory="rec", filename=str(tmp_path / "r.hdf5"), log_config=None,
                      report_progress=False)
    env.trajectory.f_add_parameter("x", 1)
    env.run(lambda traj: None)
    loaded = Trajectory(filename=str(tmp_path / "r.hdf5"))
    loaded.f_load(index=-1, load_data=2)
    record = loaded.config.environment.f_get(env.name)
    found = {name: record.versions.f_get(name).f_get() for name in VERSION_NAMES}
    assert found["pypet"] == __version__ and found["python"] == platform.python_version()
    assert found["numpy"] == importlib.metadata.version("numpy")
    uname = platform.uname()
    assert found["platform"] == ", ".join([uname.system, uname.node, uname.release,
                                           uname.version, uname.machine])
    assert re.fullmatch(r"\d+\.\d+\.\d+.*", found["HDF5"])
    assert record.host == socket.gethostname() and record.user == getpass.getuser()
    assert record.script == sys.modules["__main__"].__file__
    assert record.start_timestamp <= record.finish_timestamp
    runtime = datetime.timedelta(seconds=record.finish_timestamp - record.start_timestamp)
    assert record.runtime == str(runtime)
    assert record.hexsha == env.hexsha and record.trajectory.name == "rec"


def test_package_versions_are_read_once_per_process(tmp_path, monkeypatch):
    """A second Environment does not read package metadata again (creation stays cheap)."""
    versions()

    def no_more_lookups(name):
        raise AssertionError(f"package metadata of {name} read again")

    monkeypatch.setattr(importlib.metadata, "version", no_more_lookups)
    Environment(trajectory="cheap", filename=str(tmp_path / "c.hdf5"), log_config=None)
    assert set(versions()) | {"HDF5"} == VERSION_NAMES  # the Environment adds HDF5
