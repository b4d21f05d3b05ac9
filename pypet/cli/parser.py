"""The argument parser of the ``pypet`` command line: one subcommand per job."""

from __future__ import annotations

import argparse

from pypet._version import __version__

__all__ = ["build_parser"]

_EPILOG = ("Exit codes: 0 success, 1 the file or trajectory cannot be used (the message says "
           "why), 2 wrong usage. See doc/cli.md.")


def _traj_args(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("file", help="the HDF5 file")
    sub.add_argument("trajectory", nargs="?", default=None,
                     help="trajectory name (default: the newest in the file)")
    sub.add_argument("--allow-pickle", action="store_true",
                     help="load pickled parameters (only for files you trust: unpickling "
                          "runs code from the file)")


def build_parser() -> argparse.ArgumentParser:
    """The parser with the subcommands ``ls``, ``show``, ``runs``, ``compact`` and
    ``migrate``."""
    from pypet.cli import commands

    parser = argparse.ArgumentParser(
        prog="pypet", description="Look at pypet HDF5 files: list the studies in a file, "
        "show one, export its run table, compact the file, migrate a pypet 0.7 file.",
        epilog=_EPILOG)
    parser.add_argument("--version", action="version", version=f"pypet {__version__}")
    subs = parser.add_subparsers(dest="command", metavar="COMMAND")

    ls = subs.add_parser("ls", help="list the trajectories in a file", epilog=_EPILOG,
                         description="One line per trajectory: name, format, creation time "
                         "(UTC), comment, runs, completed, failed, runtime, git commit and "
                         "Sumatra label when recorded.")
    ls.add_argument("file", help="the HDF5 file")
    ls.add_argument("--csv", action="store_true", help="print CSV instead of a table")
    ls.set_defaults(handler=commands.ls)

    show = subs.add_parser("show", help="parameters, explored ranges, provenance and runs of "
                           "one trajectory", epilog=_EPILOG,
                           description="Show one trajectory: its parameters (explored ones "
                           "with their ranges), provenance (environments, git, Sumatra, "
                           "versions) and a summary of its runs. Results are not loaded.")
    _traj_args(show)
    show.set_defaults(handler=commands.show)

    runs = subs.add_parser("runs", help="the run table of one trajectory", epilog=_EPILOG,
                           description="The run table (one row per run: explored values, "
                           "results kept in the table, point hash, run information) as a "
                           "table on stdout, or written to a .csv or .parquet file.")
    _traj_args(runs)
    runs.add_argument("--out", metavar="PATH",
                      help="write to PATH (.csv, or .parquet, which needs pyarrow); "
                           "'-' writes CSV to stdout")
    runs.add_argument("--all-parameters", action="store_true",
                      help="also add the parameters that are not explored")
    runs.set_defaults(handler=commands.runs)

    compact = subs.add_parser("compact", help="rewrite a file without the space of deleted "
                              "data", epilog=_EPILOG,
                              description="Rewrite the file compactly with ptrepack, using "
                              "the compression settings of its newest (or the named) "
                              "trajectory. The file is replaced only if the copy is smaller; "
                              "no temporary file stays behind.")
    compact.add_argument("file", help="the HDF5 file")
    compact.add_argument("trajectory", nargs="?", default=None,
                         help="trajectory whose settings are used (default: the newest)")
    compact.add_argument("--keep-backup", action="store_true",
                         help="keep the original as <file>_backup.hdf5")
    compact.set_defaults(handler=commands.compact)

    migrate = subs.add_parser("migrate", help="copy a pypet 0.7 file into this pypet's "
                              "format", epilog=_EPILOG,
                              description="Copy every trajectory (or those named) of a file "
                              "written by pypet 0.7 into NEW, in this pypet's format: "
                              "parameters with their ranges, results, run information, links, "
                              "comments and annotations. OLD is only read; NEW is created, or "
                              "the trajectories are added to it.")
    migrate.add_argument("old", metavar="OLD", help="the pypet 0.7 file")
    migrate.add_argument("new", metavar="NEW", help="the file to write")
    migrate.add_argument("trajectories", metavar="TRAJ", nargs="*", default=[],
                         help="trajectories to copy (default: all, oldest first)")
    migrate.add_argument("--allow-pickle", action="store_true",
                         help="copy pickled data too (only for files you trust: unpickling "
                              "runs code from the file)")
    migrate.set_defaults(handler=commands.migrate)
    return parser
