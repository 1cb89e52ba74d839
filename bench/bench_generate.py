"""Benchmark of the demo-data generator: elapsed time, rows per table and peak memory.

    .venv/bin/python bench/bench_generate.py [--leads N] [--out DIR] [--keep] [--part-size P]

The budget is one million leads (about twenty million activities) as parquet in under two
minutes on a two-core machine; the output goes to a temporary directory under bench/out/ that
is removed afterwards unless --keep is given.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

from orchestration.generator import generate

BUDGET_SECONDS = 120.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--format", choices=("parquet", "csv"), default="parquet")
    parser.add_argument("--out", type=Path, default=None, help="default: a temp dir in bench/out")
    parser.add_argument("--keep", action="store_true", help="keep the generated files")
    parser.add_argument(
        "--part-size", type=int, default=1_000_000, help="leads generated at a time (memory)"
    )
    args = parser.parse_args(argv)

    if args.out is None:
        base = Path(__file__).resolve().parent / "out"
        base.mkdir(parents=True, exist_ok=True)
        out = Path(tempfile.mkdtemp(prefix="generate-", dir=base))
    else:
        out = args.out
    try:
        started = time.perf_counter()
        manifest = generate(
            args.leads, args.seed, out, file_format=args.format, part_size=args.part_size
        )
        elapsed = time.perf_counter() - started
        peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2  # KiB on Linux
        size_gb = sum(p.stat().st_size for p in out.rglob("*") if p.is_file()) / 1024**3
        print(f"generated {args.leads:,} leads ({args.format}) in {elapsed:.1f} s")
        for table, count in manifest["rows"].items():
            print(f"  {table:<28}{count:>14,}")
        print(f"peak RSS {peak_gb:.2f} GiB, {size_gb:.2f} GiB on disk in {out}")
        if args.leads >= 1_000_000 and elapsed > BUDGET_SECONDS * args.leads / 1_000_000:
            print(f"over budget: {BUDGET_SECONDS:.0f} s per million leads")
            return 1
    finally:
        if not args.keep:
            shutil.rmtree(out, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
