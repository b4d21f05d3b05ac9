#!/usr/bin/env python
"""Run one pypet workload with our pypet and the original pypet 0.7.0, side by side.

The workload scripts live in ``<repo>/../shared/bench`` (``--bench-dir``) and use
only pypet's public API, so the SAME script runs under both interpreters; which
pypet it measures is decided by the interpreter (``--ours``, ``--orig``). Each
script prints one JSON line; this driver parses it and prints a markdown table
with both figures and the ratio orig/ours.

Workloads::

    many_small N     bench_many_small.py N
    arrays N         bench_arrays.py N
    startup [P]      bench_startup.py [P]          (P parameters, default 100)
    multiproc N      bench_multiproc.py N

Examples (from the repo root)::

    python benchmarks/run_side_by_side.py many_small 2000 --reps 3
    python benchmarks/run_side_by_side.py arrays 200 --plain -- --complevel 0
    python benchmarks/run_side_by_side.py startup --workload-reps 5
    python benchmarks/run_side_by_side.py many_small 5000 --only orig --save-dir benchmarks/results
    python benchmarks/run_side_by_side.py many_small 5000 \\
        --orig-json benchmarks/results/orig_many_small_5000_reps1.json

``--reps R`` is the number of rounds of the driver: in every round each
implementation runs the workload once, in alternating order (ours first in
even rounds, orig first in odd ones), so that machine noise hits both. The
table shows medians over the rounds. ``--workload-reps K`` is passed to the
script as its own ``--reps K`` (default 1: the script's internal medians are
then just one value). Anything after ``--`` (and any option the driver does not
know, e.g. ``--log none``, ``--complevel 9``, ``--data smooth``,
``--result-name '$set.$.z'``, ``--serial``) goes to the workload script.

Every subprocess runs in a fresh scratch directory with ``PYTHONSAFEPATH=1``,
so neither interpreter can import the ``pypet`` package of the current
directory by accident (``python -c "import pypet"`` in /work/main would import
ours even under the original's interpreter). The scripts send their own
stderr to /dev/null once they start; the driver runs them through a tiny
bootstrap that reports an uncaught exception on the real stderr, so a failure
is shown (tail of the error) and the driver continues with the other side.
``--no-bootstrap`` runs ``python script.py ...`` plainly instead.
"""

import argparse
import json
import math
import os
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)

SCRIPTS = {
    "many_small": "bench_many_small.py",
    "arrays": "bench_arrays.py",
    "startup": "bench_startup.py",
    "multiproc": "bench_multiproc.py",
}

# (metric, direction) -- direction: "low" = lower is better, "high" = higher is
# better, "" = informative only (no winner).
METRICS = {
    "many_small": [
        ("setup_s", "low"),
        ("run_s", "low"),
        ("s_per_run", "low"),
        ("run_cpu_s", "low"),
        ("cpu_s_per_run", "low"),
        ("runs_per_s", "high"),
        ("file_bytes", "low"),
        ("bytes_per_run", "low"),
        ("load_s", "low"),
        ("load_cpu_s", "low"),
        ("collect_s", "low"),
        ("iterate_s", "low"),
        ("maxrss_mb", "low"),
    ],
    "arrays": [
        ("run_s", "low"),
        ("s_per_run", "low"),
        ("run_cpu_s", "low"),
        ("write_mb_per_s", "high"),
        ("file_bytes", "low"),
        ("file_mb", "low"),
        ("compression_ratio", "high"),
        ("load_s", "low"),
        ("read_mb_per_s", "high"),
        ("maxrss_mb", "low"),
    ],
    "startup": [
        ("python_pass_s", ""),
        ("import_deps_s", ""),
        ("import_s", "low"),
        ("first_env_s", "low"),
        ("env_s", "low"),
        ("add_s", "low"),
        ("store_s", "low"),
        ("load_s", "low"),
        ("file_bytes", "low"),
    ],
    # per configuration, named "<config> <metric>"
    "multiproc": [
        ("run_s", "low"),
        ("s_per_run", "low"),
        ("cpu_s", "low"),
        ("runs_per_s", "high"),
        ("file_bytes", "low"),
    ],
}

INFO_KEYS = ("pypet", "python", "numpy", "pandas", "tables", "cpus", "loadavg_1m_at_end")

# Run the script as __main__ (runpy), but first keep a copy of the real stderr
# and print an uncaught exception there: the scripts point fd 2 at /dev/null.
BOOTSTRAP = r"""
import os, sys, runpy, traceback
_fd = os.dup(2)
def _hook(t, v, tb):
    with os.fdopen(os.dup(_fd), "w") as f:
        f.write("Uncaught exception in workload:\n")
        traceback.print_exception(t, v, tb, file=f)
sys.excepthook = _hook
_script = sys.argv[1]
sys.argv = sys.argv[1:]
runpy.run_path(_script, run_name="__main__")
"""


def parse_args(argv):
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Unknown options and everything after -- are passed to the workload script.",
    )
    ap.add_argument("workload", choices=sorted(SCRIPTS))
    ap.add_argument("n", nargs="?", type=int, help="runs (parameters for startup)")
    ap.add_argument("--ours", default=os.path.join(REPO, ".venv", "bin", "python"))
    ap.add_argument("--orig", default="/tmp/pypet-orig/bin/python")
    ap.add_argument("--bench-dir", default=os.path.join(REPO, "..", "shared", "bench"))
    ap.add_argument("--only", choices=["ours", "orig"], help="run one implementation only")
    ap.add_argument("--reps", type=int, default=1, help="alternating rounds (default 1)")
    ap.add_argument(
        "--workload-reps", type=int, default=1, help="passed to the script as --reps (default 1)"
    )
    ap.add_argument(
        "--orig-json", help="use this saved JSON (line file) for orig instead of running it"
    )
    ap.add_argument(
        "--ours-json", help="use this saved JSON (line file) for ours instead of running it"
    )
    ap.add_argument(
        "--plain",
        action="store_true",
        help="arrays only: also run bench_plain_pytables.py with the same N/size/data/"
        "compression (ours' interpreter) and show ours/plain",
    )
    ap.add_argument(
        "--save-dir", help="save each side's JSON lines to DIR/<impl>_<workload>_<args>.json"
    )
    ap.add_argument("--markdown-out", help="also append the markdown table to this file")
    ap.add_argument("--timeout", type=float, default=None, help="seconds per workload run")
    ap.add_argument("--no-bootstrap", action="store_true", help="run 'python script args' plainly")
    ap.add_argument("--all-metrics", action="store_true", help="show every numeric field")
    ap.add_argument("-q", "--quiet", action="store_true", help="no progress lines on stderr")
    if "--" in argv:
        i = argv.index("--")
        own, extra = argv[:i], argv[i + 1 :]
    else:
        own, extra = argv, []
    args, unknown = ap.parse_known_args(own)
    args.extra = unknown + extra
    if args.workload in ("many_small", "arrays", "multiproc") and args.n is None:
        ap.error(f"workload {args.workload} needs N")
    if args.plain and args.workload != "arrays":
        ap.error("--plain is for the arrays workload")
    return args


def log(args, msg):
    if not args.quiet:
        sys.stderr.write("[side-by-side {}] {}\n".format(time.strftime("%H:%M:%S"), msg))
        sys.stderr.flush()


def workload_argv(args):
    out = []
    if args.n is not None:
        out.append(str(args.n))
    out += ["--reps", str(args.workload_reps)]
    out += args.extra
    return out


def slug(args):
    parts = [args.workload]
    if args.n is not None:
        parts.append(str(args.n))
    parts.append(f"reps{args.workload_reps}")
    for a in args.extra:
        a = a.lstrip("-")
        a = "".join(c if c.isalnum() else "-" for c in a).strip("-")
        if a:
            parts.append(a)
    return "_".join(parts)


def extra_value(extra, name, default=None):
    """Value of option ``name`` in the extra args (``--name v`` or ``--name=v``)."""
    val = default
    for i, a in enumerate(extra):
        if a == name and i + 1 < len(extra):
            val = extra[i + 1]
        elif a.startswith(name + "="):
            val = a.split("=", 1)[1]
    return val


def run_one(args, label, python, script, script_args):
    """Run one workload invocation; return (record or None, error text or None)."""
    if not os.path.exists(python):
        return None, f"interpreter not found: {python}"
    if not os.path.exists(script):
        return None, f"script not found: {script}"
    if args.no_bootstrap:
        cmd = [python, script] + script_args
    else:
        cmd = [python, "-c", BOOTSTRAP, script] + script_args
    env = dict(os.environ)
    env["PYTHONSAFEPATH"] = "1"
    env.pop("PYTHONPATH", None)
    scratch = tempfile.mkdtemp(prefix=f"sbs_{label}_")
    log(
        args,
        "{}: {}".format(label, " ".join(shlex.quote(c) for c in [python, script] + script_args)),
    )
    t0 = time.perf_counter()
    # Own session, so that a timeout can end the workload with its worker processes.
    proc = subprocess.Popen(
        cmd,
        cwd=scratch,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        stdout, stderr = proc.communicate(timeout=args.timeout)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        stdout, stderr = proc.communicate()
        return None, f"timed out after {args.timeout:g} s\n{_tail(stderr)}"
    finally:
        if proc.returncode is not None:
            shutil.rmtree(scratch, ignore_errors=True)
    wall = time.perf_counter() - t0
    rec = None
    for line in reversed(stdout.splitlines()):
        line = line.strip()
        if line.startswith("{"):
            try:
                rec = json.loads(line)
                break
            except ValueError:
                continue
    if proc.returncode != 0 or rec is None:
        msg = f"exit code {proc.returncode} after {wall:.1f} s"
        if rec is None:
            msg += ", no JSON line"
        tail = _tail(stderr) or _tail(stdout)
        return None, msg + ("\n" + tail if tail else "")
    log(args, f"{label}: done in {wall:.1f} s")
    return rec, None


def _tail(text, lines=25):
    if not text:
        return ""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return "\n".join(text.rstrip().splitlines()[-lines:])


def load_json_lines(path):
    recs = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line.startswith("{"):
                recs.append(json.loads(line))
    if not recs:
        raise SystemExit(f"no JSON line in {path}")
    return recs


def flatten(workload, rec, all_metrics):
    """Numeric metrics of one record as an ordered dict name -> value."""
    out = {}
    if workload == "multiproc":
        for cfg, vals in rec.get("configs", {}).items():
            for m, _ in METRICS["multiproc"]:
                if isinstance(vals.get(m), (int, float)):
                    out[f"{cfg} {m}"] = vals[m]
            out[f"{cfg} ok"] = vals.get("ok")
        return out
    for m, _ in METRICS[workload]:
        if isinstance(rec.get(m), (int, float)) and not isinstance(rec.get(m), bool):
            out[m] = rec[m]
    if all_metrics:
        skip = {"n", "reps", "size", "params", "cpus", "raw_mb", "complevel", "loadavg_1m_at_end"}
        for k, v in rec.items():
            if (
                k not in out
                and k not in skip
                and isinstance(v, (int, float))
                and not isinstance(v, bool)
            ):
                out[k] = v
    out["ok"] = rec.get("ok")
    return out


def direction(workload, metric):
    base = metric.split(" ")[-1] if workload == "multiproc" else metric
    for m, d in METRICS[workload]:
        if m == base:
            return d
    if base.endswith("_s") or base.endswith("bytes"):
        return "low"
    return ""


def aggregate(flats):
    """Median of each metric over rounds; ok = all ok."""
    keys = []
    for f in flats:
        for k in f:
            if k not in keys:
                keys.append(k)
    out = {}
    for k in keys:
        vals = [f.get(k) for f in flats if k in f]
        if k == "ok" or k.endswith(" ok"):
            out[k] = all(v is True for v in vals) if vals else None
        else:
            nums = [v for v in vals if isinstance(v, (int, float))]
            out[k] = statistics.median(nums) if nums else None
    return out


def fmt(v):
    if v is None:
        return "–"
    if isinstance(v, bool):
        return "yes" if v else "NO"
    if isinstance(v, int) or (isinstance(v, float) and v.is_integer() and abs(v) >= 1000):
        return f"{int(v):,}"
    a = abs(v)
    if a == 0:
        return "0"
    if a >= 100:
        return f"{v:.1f}"
    if a >= 10:
        return f"{v:.2f}"
    return f"{v:.4g}"


def ratio(a, b):
    if not isinstance(a, (int, float)) or not isinstance(b, (int, float)) or isinstance(a, bool):
        return None
    if b == 0 or a is None:
        return None
    return a / b


def fmt_ratio(r):
    if r is None or (isinstance(r, float) and (math.isnan(r) or math.isinf(r))):
        return "–"
    return f"{r:.2f}x"


def build_table(args, agg, plain_agg):
    have_orig = "orig" in agg
    have_ours = "ours" in agg
    keys = []
    for side in ("orig", "ours"):
        for k in agg.get(side, {}):
            if k not in keys:
                keys.append(k)
    header = ["metric"]
    if have_orig:
        header.append("orig 0.7.0")
    if have_ours:
        header.append("ours")
    if have_orig and have_ours:
        header += ["orig/ours", "ours ahead by"]
    if plain_agg is not None:
        header += ["plain PyTables", "ours/plain"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for k in keys:
        o = agg.get("orig", {}).get(k)
        u = agg.get("ours", {}).get(k)
        row = [k]
        if have_orig:
            row.append(fmt(o))
        if have_ours:
            row.append(fmt(u))
        if have_orig and have_ours:
            r = ratio(o, u)
            row.append(fmt_ratio(r))
            d = direction(args.workload, k)
            if r is None or not d:
                row.append("")
            else:
                adv = r if d == "low" else (1.0 / r if r else None)
                row.append(fmt_ratio(adv))
        if plain_agg is not None:
            p = plain_agg.get(k)
            row.append(fmt(p))
            d = direction(args.workload, k)
            r = ratio(u, p) if have_ours else None
            row.append(fmt_ratio(r) if d else "")
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def info_line(side, recs):
    rec = recs[-1]
    parts = [f"{k}={rec.get(k)}" for k in INFO_KEYS if k in rec]
    return "- {}: {}".format(side, ", ".join(parts))


def save(args, side, recs, save_name=None):
    os.makedirs(args.save_dir, exist_ok=True)
    path = os.path.join(args.save_dir, f"{side}_{save_name or slug(args)}.json")
    with open(path, "w") as f:
        for r in recs:
            f.write(json.dumps(r) + "\n")
    log(args, f"saved {path}")


def plain_argv(args):
    complevel = extra_value(args.extra, "--complevel", "9")
    argv = [str(args.n), "--reps", str(args.workload_reps), "--complevel", str(complevel)]
    for opt in ("--size", "--data"):
        v = extra_value(args.extra, opt)
        if v is not None:
            argv += [opt, v]
    return argv


def plain_slug(args):
    """Same naming as the saved plain results, e.g.
    ``arrays_200_size100000_complevel9_zlib_shuffle`` (``_smooth`` for smooth data)."""
    complevel = int(extra_value(args.extra, "--complevel", "9"))
    size = extra_value(args.extra, "--size", "100000")
    name = f"arrays_{args.n}_size{size}_complevel{complevel}"
    if complevel > 0:
        name += "_zlib_shuffle"
    if extra_value(args.extra, "--data", "random") != "random":
        name += "_" + extra_value(args.extra, "--data")
    if args.workload_reps != 1:
        name += f"_reps{args.workload_reps}"
    return name


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    bench_dir = os.path.abspath(args.bench_dir)
    script = os.path.join(bench_dir, SCRIPTS[args.workload])
    script_args = workload_argv(args)

    sides = ["ours", "orig"]
    if args.only:
        sides = [args.only]
    preloaded = {}
    if args.orig_json:
        preloaded["orig"] = load_json_lines(args.orig_json)
        if "orig" not in sides:
            sides.append("orig")
    if args.ours_json:
        preloaded["ours"] = load_json_lines(args.ours_json)
        if "ours" not in sides:
            sides.append("ours")
    pythons = {"ours": os.path.abspath(args.ours), "orig": args.orig}
    plain_script = os.path.join(HERE, "bench_plain_pytables.py")

    recs = {s: list(preloaded.get(s, [])) for s in sides}
    errors = {s: [] for s in sides}
    plain_recs, plain_errors = [], []
    for rnd in range(args.reps):
        order = list(sides) if rnd % 2 == 0 else list(reversed(sides))
        if args.plain:
            order.append("plain")
        for side in order:
            if side == "plain":
                rec, err = run_one(args, "plain", pythons["ours"], plain_script, plain_argv(args))
                (plain_recs.append(rec) if rec else plain_errors.append(err))
                continue
            if side in preloaded:
                continue
            rec, err = run_one(args, side, pythons[side], script, script_args)
            if rec is None:
                errors[side].append(err)
                sys.stderr.write(f"\n*** {side} failed (round {rnd + 1}): {err}\n\n")
            else:
                recs[side].append(rec)

    if args.save_dir:
        for side in sides:
            if recs[side] and side not in preloaded:
                save(args, side, recs[side])
        if plain_recs:
            save(args, "plain", plain_recs, plain_slug(args))

    agg = {}
    for side in sides:
        if recs[side]:
            agg[side] = aggregate([flatten(args.workload, r, args.all_metrics) for r in recs[side]])
    plain_agg = None
    if plain_recs:
        plain_agg = aggregate([flatten("arrays", r, args.all_metrics) for r in plain_recs])

    n_txt = args.n if args.n is not None else ""
    alt = ", alternating" if args.reps > 1 and len(sides) > 1 else ""
    title = (
        f"### {args.workload} {n_txt} (script args: {' '.join(script_args)}; "
        f"{args.reps} round(s){alt})"
    )
    out = [title, ""]
    if agg:
        out.append(build_table(args, agg, plain_agg))
        out.append("")
    if len(agg) == 2:
        out.append(
            "orig/ours > 1: ours is lower (faster/smaller for times and sizes); "
            "'ours ahead by' > 1 means ours is better whatever the direction."
        )
        out.append("")
    for side in sides:
        if recs[side]:
            out.append(
                info_line(side, recs[side])
                + (" (from {})".format(getattr(args, side + "_json")) if side in preloaded else "")
            )
    if plain_recs:
        out.append(info_line("plain", plain_recs))
    for side in sides:
        for err in errors[side]:
            out.append("- **{} FAILED**: {}".format(side, err.splitlines()[0] if err else "?"))
            tail = "\n".join(err.splitlines()[1:])
            if tail:
                out.append("")
                out.append("```")
                out.append(tail)
                out.append("```")
    for err in plain_errors:
        out.append(f"- **plain FAILED**: {err}")
    text = "\n".join(out) + "\n"
    sys.stdout.write(text)
    if args.markdown_out:
        with open(args.markdown_out, "a") as f:
            f.write(text + "\n")
    failed = any(errors[s] for s in sides) or bool(plain_errors)
    return 1 if failed and not agg else 0


if __name__ == "__main__":
    sys.exit(main())
