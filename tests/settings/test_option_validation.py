"""Environment keywords are validated once into frozen option groups; bad values are named."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from pypet import Environment, Trajectory, cartesian_product
from pypet.settings.environment import split_kwargs


def make_env(tmp_path, **kwargs):
    return Environment(filename=str(tmp_path / "v.hdf5"), log_config=None, **kwargs)


@pytest.mark.parametrize(("keyword", "value"), [("multiproc", "yes"), ("add_time", "no"),
                                                 ("automatic_storing", None),
                                                 ("resumable", 2), ("git_fail", "true")])
def test_a_flag_must_be_true_or_false(tmp_path, keyword, value):
    """A string, None or 2 for an on/off keyword is refused, naming keyword, value and fix."""
    with pytest.raises(TypeError, match=rf"{keyword} must be True or False, got {value!r}.*"
                                        rf"pass {keyword}=True"):
        make_env(tmp_path, **{keyword: value})


def test_flags_accept_bools_numpy_bools_and_one_or_zero():
    """True/False, numpy booleans and 1/0 are flags."""
    settings, _ = split_kwargs({"multiproc": np.bool_(True), "add_time": 0,
                                "clean_up_runs": 1})
    assert settings.parallel.multiproc is True and settings.trajectory.add_time is False
    assert settings.run.clean_up_runs is True


def test_filename_must_be_a_path():
    """filename=123 names the keyword and the value, not a bare error from os."""
    with pytest.raises(TypeError, match=r"filename must be a path \(a str or os.PathLike\), "
                                        "got 123"):
        Environment(filename=123, log_config=None)


def test_a_file_below_a_regular_file_is_named(tmp_path):
    """A filename whose folder part is a regular file says which file is in the way."""
    regular = tmp_path / "notes.txt"
    regular.write_text("x")
    with pytest.raises(NotADirectoryError, match=r"notes\.txt' is a file, not a folder"):
        Environment(filename=str(regular / "sub" / "run.hdf5"), log_config=None)
    assert regular.read_text() == "x"


def test_cartesian_product_names_a_value_that_is_not_a_list():
    """cartesian_product({'y': 3}) says that y needs a list of values."""
    with pytest.raises(TypeError, match=r"values of 'y' must be a list .* got 3; e\.g\. "
                                        r"\{'y': \[3\]\}"):
        cartesian_product({"y": 3})


def test_exploring_a_parameter_never_added_names_the_fix():
    """f_explore of an unknown name tells to add the parameter first."""
    traj = Trajectory("t")
    with pytest.raises(AttributeError, match=r"no parameter .*f_add_parameter\('z'"):
        traj.f_explore({"z": [1, 2]})


def test_settings_are_grouped_frozen_and_normalised(tmp_path):
    """The validated settings are frozen groups with normalised values."""
    env = make_env(tmp_path, multiproc=True, ncores=2, wrap_mode="queue", memory_cap=80,
                   resumable=False, report_progress=10)
    settings = env.settings
    assert settings.parallel.wrap_mode == "QUEUE" and settings.parallel.ncores == 2
    assert settings.parallel.memory_cap == (80.0, 0.0)
    assert settings.run.report_progress == (10.0, "pypet", 20)
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.parallel.ncores = 3  # type: ignore[misc]
    env.disable_logging()


@pytest.mark.parametrize(("keyword", "value", "match"), [
    ("timeout", -1, "timeout must be a positive number"),
    ("ncores", "2", "ncores must be an int"),
    ("comment", 5, "comment must be a str"),
    ("log_folder", 5, "log_folder must be a path"),
])
def test_other_malformed_keywords_are_named(tmp_path, keyword, value, match):
    """Numbers, texts and paths of the wrong kind are refused with the keyword's name."""
    with pytest.raises((TypeError, ValueError), match=match):
        make_env(tmp_path, **{keyword: value})
