"""The ``pypet`` command line: look at files without writing Python.

``pypet ls FILE``, ``pypet show FILE [TRAJ]``, ``pypet runs FILE [TRAJ] [--out PATH]``,
``pypet compact FILE``, ``pypet migrate OLD NEW``; ``pypet COMMAND --help`` for each. Exit
codes: 0 success, 1 the file or trajectory could not be used (the message says why), 2 wrong
usage. Messages go to stderr as ``pypet: error: ...``; data goes to stdout, so the output
can be piped.

Built on :mod:`argparse`: the standard library does everything this small command line needs
(subcommands, ``--help`` on each, usage errors with exit code 2), so there is no extra
dependency. Commands import what they need when they run, so ``import pypet`` stays light.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); return the exit code."""
    from pypet.cli.parser import build_parser
    from pypet.errors import DataNotInStorageError, UnsafeDataError, VersionMismatchError

    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        args.handler(args)
        sys.stdout.flush()
    except BrokenPipeError:  # e.g. `pypet runs f.hdf5 --out - | head`: not an error
        _silence_stdout()
    except (DataNotInStorageError, UnsafeDataError, VersionMismatchError, OSError,
            ValueError, RuntimeError) as error:
        print(f"pypet: error: {error}", file=sys.stderr)
        return 1
    return 0


def _silence_stdout() -> None:
    """After a closed pipe, keep Python's final flush of stdout from failing again."""
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
