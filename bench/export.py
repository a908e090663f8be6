"""Figures for exports: `python -m bench.export`.

For an Orders tab of 10k and 100k rows on both backends (Google answered by
the in-process fake of tests/fake_sheets), it prints the time to build the
Orders tab as CSV and as .xlsx, and the whole workbook as .xlsx, with the
file sizes, the time to read each file back, the requests each export made,
and the process's peak memory. Each case runs in a fresh process.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.record import google_workbook, local_workbook, order_rows  # noqa: E402
from processes import export  # noqa: E402
from processes.permissions import Actor  # noqa: E402

MANAGER = Actor("bench", "manager")
EXPORTS = (("Orders", "csv"), ("Orders", "xlsx"), (export.WHOLE_WORKBOOK, "xlsx"))


def run_case(backend: str, size: int) -> dict:
    folder = Path(tempfile.mkdtemp(prefix="flowsheet-bench-"))
    workbook, fake = (local_workbook if backend == "local" else google_workbook)(order_rows(size), folder)
    results = []
    for tab, file_format in EXPORTS:
        if fake is not None:
            fake.reset_counts()
        started = time.perf_counter()
        made = export.export(workbook, by=MANAGER, tab=tab, file_format=file_format)
        built = time.perf_counter() - started
        requests = sum(fake.counts().values()) if fake is not None else 0
        started = time.perf_counter()
        export.read_export(made.content, file_format, tab=tab)
        read_back = time.perf_counter() - started
        results.append(
            {
                "what": f"{tab or 'whole workbook'} as {file_format}",
                "built": built,
                "read_back": read_back,
                "bytes": len(made.content),
                "requests": requests,
            }
        )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"backend": backend, "rows": size, "results": results, "peak_mb": peak_mb}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--backends", nargs="+", default=["local", "google"], choices=["local", "google"])
    parser.add_argument("--case", nargs=2, metavar=("BACKEND", "ROWS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        print(json.dumps(run_case(args.case[0], int(args.case[1]))))
        return
    print(
        f"{'backend':8} {'orders':>8}  {'export':26} {'build':>8} {'read back':>10} {'size':>9} {'requests':>8}  peak MB"
    )
    for backend in args.backends:
        for size in args.sizes:
            case = json.loads(
                subprocess.run(
                    [sys.executable, "-m", "bench.export", "--case", backend, str(size)],
                    cwd=ROOT,
                    capture_output=True,
                    text=True,
                    check=True,
                ).stdout.splitlines()[-1]
            )
            for result in case["results"]:
                print(
                    f"{backend:8} {size:>8,}  {result['what']:26} {result['built']:>7.2f}s {result['read_back']:>9.2f}s"
                    f" {result['bytes'] / 1e6:>7.1f}MB {result['requests'] or '-':>8}  {case['peak_mb']:.0f}"
                )


if __name__ == "__main__":
    main()
