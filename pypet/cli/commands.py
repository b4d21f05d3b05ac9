"""What each ``pypet`` subcommand does. Each takes the parsed arguments and prints."""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from typing import Any

__all__ = ["compact", "ls", "migrate", "runs", "show"]

#: explored values shown by ``show`` before the list is cut
_SHOWN_VALUES = 8


def ls(args: argparse.Namespace) -> None:
    """``pypet ls FILE``: one line per trajectory."""
    from pypet.storage.hdf5.listing import list_trajectories

    frame = list_trajectories(args.file)
    if frame.empty:
        print(f"{args.file}: no trajectories", file=sys.stderr)
        return
    frame["git_commit"] = frame["git_commit"].map(lambda h: h[:7] if isinstance(h, str) else h)
    if args.csv:
        frame.to_csv(sys.stdout, index=False)
        return
    frame["time"] = frame["time"].dt.strftime("%Y-%m-%d %H:%M:%S")
    frame["runtime"] = frame["runtime"].map(_duration)
    print(frame.fillna("").to_string(index=False))


def _duration(value: Any) -> str:
    import pandas as pd

    if pd.isna(value):
        return ""
    seconds = value.total_seconds()
    return f"{seconds:.1f} s" if seconds < 60 else str(value.round("s")).replace("0 days ", "")


def _load(args: argparse.Namespace) -> tuple[Any, list[str]]:
    """The chosen trajectory with parameters and config (results are not loaded).

    Pickled parameters are loaded only with ``--allow-pickle``; returns the names of those
    left out.
    """
    from pypet import PickleParameter, load_trajectory
    from pypet import constants as C

    choice = {"name": args.trajectory} if args.trajectory else {"index": -1}
    traj = load_trajectory(**choice, filename=args.file, load_parameters=C.LOAD_SKELETON,
                           load_derived_parameters=C.LOAD_NOTHING,
                           load_results=C.LOAD_NOTHING, load_other_data=C.LOAD_NOTHING,
                           allow_pickle=args.allow_pickle)
    leaves = [*traj.f_get_parameters().values(), *traj.f_get_config().values()]
    pickled = [leaf for leaf in leaves if isinstance(leaf, PickleParameter)]
    wanted = leaves if args.allow_pickle else [leaf for leaf in leaves if leaf not in pickled]
    for leaf in wanted:
        leaf.f_unlock()  # loaded parameters are locked; loading data into them needs this
    if wanted:
        traj.f_load_items(wanted, load_data=C.LOAD_DATA)
    for leaf in wanted:
        leaf.f_lock()
    skipped = [] if args.allow_pickle else [leaf.v_full_name for leaf in pickled]
    return traj, skipped


def show(args: argparse.Namespace) -> None:
    """``pypet show FILE [TRAJ]``: parameters, explored ranges, provenance, run summary."""
    from pypet.storage.hdf5.listing import trajectory_rows

    traj, skipped = _load(args)
    row = next(r for r in trajectory_rows(args.file) if r["name"] == traj.v_name)
    lines = [f"Trajectory {traj.v_name} in {os.path.abspath(args.file)}",
             f"  created  {_utc(traj.v_timestamp)}",
             f"  comment  {traj.v_comment or '-'}",
             f"  written by pypet {traj.v_version} on Python {traj.v_python}",
             "", f"Runs: {row['runs']} ({row['completed']} completed, {row['failed']} "
             f"failed), runtime {_seconds(row['runtime'])}", "", "Parameters:"]
    explored = traj.f_get_explored_parameters()
    for name, param in sorted(traj.f_get_parameters().items()):
        if name in skipped:
            lines.append(f"  {name}  <pickled, not loaded: --allow-pickle to show it>")
        elif name in explored and param.f_has_range():
            lines.append(f"  {name}  explored, {_values(param.f_get_range(copy=False))}")
        else:
            lines.append(f"  {name} = {param.f_get()!r}" if not param.f_is_empty()
                         else f"  {name}  (empty)")
    lines += ["", "Provenance:", *_provenance(traj)]
    print("\n".join(lines))


def _utc(timestamp: float) -> str:
    import datetime

    moment = datetime.datetime.fromtimestamp(timestamp, tz=datetime.UTC)
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC")


def _seconds(value: float) -> str:
    import math

    import pandas as pd

    if value is None or math.isnan(value):
        return "unknown"
    return _duration(pd.Timedelta(seconds=value))


def _values(values: list) -> str:
    """``6 runs, 3 distinct values: 0.0, 1.0, 2.0`` (distinct by the point-hash encoding)."""
    from pypet.hashing import encode

    distinct: dict[bytes, Any] = {}
    for value in values:
        try:
            distinct.setdefault(encode(value), value)
        except TypeError:  # no stable encoding: show the values as they come
            distinct = {str(i).encode(): v for i, v in enumerate(values)}
            break
    shown = ", ".join(repr(v) for v in list(distinct.values())[:_SHOWN_VALUES])
    more = f", ... ({len(distinct) - _SHOWN_VALUES} more)" if len(distinct) > _SHOWN_VALUES \
        else ""
    return f"{len(values)} runs, {len(distinct)} distinct values: {shown}{more}"


def _provenance(traj: Any) -> list[str]:
    """Environments (newest last), git commits, Sumatra records and versions from the config."""
    config = traj.f_get_config(fast_access=True)
    groups: dict[str, dict[str, Any]] = {}
    for name, value in config.items():
        parts = name.split(".")
        if len(parts) >= 4 and parts[1] in ("environment", "git", "sumatra"):
            groups.setdefault(f"{parts[1]}.{parts[2]}", {})[".".join(parts[3:])] = value
    lines = []
    for key, entries in sorted(groups.items(), key=lambda kv: _started(kv[1])):
        kind, name = key.split(".", 1)
        if kind == "environment":
            when = entries.get("start_timestamp", entries.get("timestamp"))
            script = f", script {entries['script']}" if "script" in entries else ""
            lines.append(f"  {name}  started {_utc(when) if when else '?'}{script}")
        elif kind == "git":
            message = str(entries.get("message", "")).strip().splitlines()[:1]
            lines.append(f"  git commit {entries.get('hexsha', name)}"
                         f"{'  ' + message[0] if message else ''}")
        else:
            lines.append(f"  Sumatra record {entries.get('label', name[len('record_'):])}")
    versions = {}
    for entries in groups.values():
        versions.update({k[len("versions."):]: v for k, v in entries.items()
                         if k.startswith("versions.")})
    if versions:
        lines.append("  versions: " + ", ".join(f"{k} {v}" for k, v in sorted(versions.items())))
    return lines or ["  (none recorded)"]


def _started(entries: dict[str, Any]) -> float:
    value = entries.get("start_timestamp", entries.get("timestamp", 0.0))
    return float(value) if isinstance(value, (int, float)) else 0.0


def runs(args: argparse.Namespace) -> None:
    """``pypet runs FILE [TRAJ] [--out PATH]``: the run table."""
    traj, skipped = _load(args)
    left_out = [name for name in skipped if name in traj._explored_names or
                args.all_parameters and name.startswith("parameters.")]
    if left_out:
        print(f"pypet: note: the pickled parameters {left_out} are left out (--allow-pickle "
              "loads them)", file=sys.stderr)
    frame = traj.f_to_dataframe(all_parameters=args.all_parameters)
    out = args.out
    if out is None:
        print(frame.to_string(max_rows=60, max_cols=20))
    elif out == "-":
        _for_csv(frame).to_csv(sys.stdout)
    elif out.endswith(".csv"):
        _for_csv(frame).to_csv(out)
    elif out.endswith(".parquet"):
        try:
            import pyarrow  # noqa: F401 - pandas needs it for parquet
        except ImportError:
            raise RuntimeError("Writing parquet needs pyarrow: pip install pyarrow (or "
                               "'pypet[parquet]'), or write a .csv file.") from None
        frame.to_parquet(out)
    else:
        raise ValueError(f"--out {out!r}: use a name ending in .csv or .parquet, or '-'.")
    if out not in (None, "-"):
        print(f"{len(frame)} runs of {traj.v_name} written to {out}", file=sys.stderr)


def _for_csv(frame: Any) -> Any:
    """Times as ISO 8601 UTC text and the runtime in seconds (``runtime_s``): plain CSV
    values any reader parses, and written four times faster than pandas' own forms."""
    import numpy as np

    frame = frame.copy()
    for column in ("start", "finish"):
        if column in frame:
            naive = frame[column].dt.tz_localize(None).to_numpy()
            text = np.datetime_as_string(naive, unit="us", timezone="UTC")
            frame[column] = np.where(np.isnat(naive), "", text)
    if "runtime" in frame:
        frame["runtime"] = frame["runtime"].dt.total_seconds()
        frame = frame.rename(columns={"runtime": "runtime_s"})
    return frame


def compact(args: argparse.Namespace) -> None:
    """``pypet compact FILE [TRAJ]``: rewrite the file without deleted space."""
    from pypet.storage.hdf5.compact import compact_hdf5_file

    before = os.path.getsize(args.file) if os.path.exists(args.file) else 0
    compact_hdf5_file(args.file, name=args.trajectory, keep_backup=args.keep_backup)
    after = os.path.getsize(args.file)
    if after < before:
        print(f"{args.file}: {_size(before)} -> {_size(after)}")
    else:
        print(f"{args.file}: compact already ({_size(after)}); unchanged")


def _size(size: int) -> str:
    return f"{size / 1e6:.2f} MB" if size >= 1e5 else f"{size / 1e3:.1f} kB"


def migrate(args: argparse.Namespace) -> None:
    """``pypet migrate OLD NEW [TRAJ ...]``: copy a pypet 0.7 file into our format (a line
    for each trajectory as it is written)."""
    from pypet.errors import UnsafeDataError
    from pypet.migrate import migrate_pypet07_file

    if not os.path.isfile(args.old):
        raise FileNotFoundError(f"{args.old!r} does not exist (or is not a file).")
    written: list[str] = []

    def done(name: str) -> None:
        written.append(name)
        print(f"{name}: written to {args.new}", flush=True)

    try:
        migrate_pypet07_file(args.old, args.new, names=args.trajectories or None,
                             allow_pickle=args.allow_pickle, on_written=done)
    except UnsafeDataError as error:
        from pypet.storage.hdf5.service import HDF5StorageService

        # every trajectory not written yet, as named (or all of the file, in its order)
        names = args.trajectories or HDF5StorageService(filename=args.old).trajectory_names()
        again = shlex.join(["pypet", "migrate", args.old, args.new,
                            *(n for n in names if n not in written), "--allow-pickle"])
        raise UnsafeDataError(
            f"{error} Written to {args.new}: {', '.join(written) or 'nothing'}. If you "
            f"trust {args.old!r}: {again}") from None
