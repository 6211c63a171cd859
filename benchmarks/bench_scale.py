"""check over many documents: in one process, on a Dask cluster, with the store on S3.

Makes N catalogues of W local witnesses each (made copies of the statement with
made variants: tests/made_catalogues.py) in a temporary folder, then times whole
``docwitness check`` processes on them, each into a fresh store:

- in one process (``check DIR``),
- ``--workers 1`` and ``--workers 2`` (a LocalCluster, store in a local folder),
- ``--workers 2`` with the store on a local moto S3 server (``s3://…``).

It prints documents per second, the speed-up over one process, the peak memory
of the process (in one process) or of each worker, and the projection to
100,000 documents × 5 witnesses a day: CPU-hours, and the request rate per host
that ``--per-host`` allows.

    python benchmarks/bench_scale.py                    # 2,000 documents × 5 (the full size)
    python benchmarks/bench_scale.py --documents 200    # a few minutes
    python benchmarks/bench_scale.py --no-s3            # without the moto server
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from made_catalogues import make_catalogues  # noqa: E402
from moto_server import aws_environment, make_bucket, moto_server  # noqa: E402


def run(args: list[str], env: dict[str, str] | None = None) -> tuple[float, float, dict[str, Any]]:
    """Wall seconds, the process's peak memory (MB), and the JSON summary it printed."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "docwitness", "check", *args, "--summary", "json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env={**os.environ, **(env or {})},
    )
    out = proc.stdout.read() if proc.stdout else b""
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise SystemExit(f"docwitness check {' '.join(args)} exited {code}")
    return wall, usage.ru_maxrss / 1024, json.loads(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=2000)
    parser.add_argument("--witnesses", type=int, default=5)
    parser.add_argument("--no-s3", action="store_true", help="skip the run on moto's S3 server")
    parser.add_argument("--per-host", type=int, default=2)
    parser.add_argument(
        "--response-s", type=float, default=0.5, help="a response's time, for the projection"
    )
    opts = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="docwitness-bench-scale-") as tmp:
        root = Path(tmp)
        cats = make_catalogues(root / "made", opts.documents, opts.witnesses)
        n = opts.documents
        rows: list[tuple[str, float, str]] = []
        base = ["--no-html"]
        wall1, rss1, s1 = run([str(cats), "--store", str(root / "one"), *base])
        assert s1["documents"] == n
        rows.append(("in one process", wall1, f"{rss1:.0f} (the process)"))
        walls: dict[str, float] = {}
        for workers in (1, 2):
            wall, _, summary = run(
                [str(cats), "--store", str(root / f"w{workers}"), "--workers", str(workers)]
            )
            assert summary["documents"] == n and summary["by_verdict"] == s1["by_verdict"]
            peaks = ", ".join(f"{w['peak_rss_mb']:.0f}" for w in summary["workers"].values())
            rows.append((f"--workers {workers}", wall, peaks))
            walls[str(workers)] = wall
        if not opts.no_s3:
            with moto_server() as endpoint:
                make_bucket(endpoint, "made-bench")
                wall, _, summary = run(
                    [str(cats), "--store", "s3://made-bench/watch", "--workers", "2"],
                    env=aws_environment(endpoint),
                )
                assert summary["by_verdict"] == s1["by_verdict"]
                peaks = ", ".join(f"{w['peak_rss_mb']:.0f}" for w in summary["workers"].values())
                rows.append(("--workers 2, store on moto S3", wall, peaks))
    print(f"{n} documents × {opts.witnesses} local witnesses, {os.cpu_count()} cores\n")
    print("| run | wall s | documents/s | speed-up | peak MB (per worker) |")
    print("| --- | ---: | ---: | ---: | --- |")
    for name, wall, peaks in rows:
        print(f"| {name} | {wall:.1f} | {n / wall:.1f} | {wall1 / wall:.2f}× | {peaks} |")
    # One worker is one core: its rate, start-up included, is a core's rate.
    per_core = n / walls["1"]
    docs, wit = 100_000, 5
    cpu_hours = docs / per_core / 3600
    per_host_day = opts.per_host / opts.response_s * 86_400
    print(
        f"\nprojection, {docs:,} documents × {wit} witnesses a day: "
        f"{cpu_hours:.1f} CPU-hours at {per_core:.1f} documents/s per core "
        f"(local witnesses: extraction, collation, the store; no network)."
    )
    print(
        f"politeness: --per-host {opts.per_host} with {opts.response_s} s responses allows "
        f"{opts.per_host / opts.response_s:.1f} requests/s to one host, {per_host_day:,.0f} a "
        f"day; {docs * wit:,} witnesses a day need at least "
        f"{-(-docs * wit // int(per_host_day))} host(s)' worth of that budget."
    )


if __name__ == "__main__":
    main()
