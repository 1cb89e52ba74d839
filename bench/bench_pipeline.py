"""Benchmark of the pipeline: a full build, an incremental build after one more day, and a plain
DuckDB query as the yardstick.

    .venv/bin/python bench/bench_pipeline.py [--leads N] [--batches K] [--out DIR] [--keep]
                                             [--part-size P]

1. generates LEADS leads (about twenty activities each) as K daily batches, in parts of at
   most P leads (default a million: 10,000,000 leads are ten parts, so memory stays bounded);
2. loads batches 1..K-1 and runs the full build (`dbt build`: seeds, models, tests);
3. loads batch K (one more day, with late activities for earlier days) and runs the
   incremental build (`dbt build` again: only the touched leads are recomputed);
4. runs the same build once more with nothing new: the floor of any incremental build;
5. times the yardstick: one DuckDB query over the same raw activities computing each
   activity's running decayed engagement per lead (one window pass, anchored and scaled back).

Prints each time, the peak RSS of each step's process (dbt with DuckDB in it, the loader, the
yardstick) and the ratios; the last two lines are `full_vs_yardstick=<ratio>` and
`incremental_vs_full=<ratio>`. DuckDB's memory limit and threads come from
FUNNEL_DUCKDB_MEMORY_LIMIT and FUNNEL_DUCKDB_THREADS (profiles.yml, the loader, the yardstick),
dbt's threads from FUNNEL_DBT_THREADS. 10,000,000 leads complete on a 24 GB, 2-core machine with
FUNNEL_DUCKDB_MEMORY_LIMIT=16GB FUNNEL_DBT_THREADS=1 and about 65 GB of free disk.
Per-node dbt timings are in <out>/run_results_full.json and <out>/run_results_incremental.json
(use --keep).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from orchestration.defs.dbt_project import dbt_build_args

PROJECT_DIR = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent

YARDSTICK_SQL = """
create temp table yardstick as
with params as (
    select
        max(case when parameter = 'half_life_days' then value end) * 86400.0 as half_life_s,
        (select min(epoch(occurred_at)) from raw.activities) as t0
    from config.scoring_parameters
)
select
    activities.activity_id,
    activities.lead_id,
    activities.occurred_at,
    sum(types.points * power(2.0, (epoch(activities.occurred_at) - params.t0) / params.half_life_s))
        over (
            partition by activities.lead_id
            order by activities.occurred_at, activities.activity_id
            rows between unbounded preceding and current row
        )
    * power(2.0, -(epoch(activities.occurred_at) - params.t0) / params.half_life_s) as engagement
from raw.activities as activities
inner join config.scoring_activity_types as types
    on activities.activity_type = types.activity_type
cross join params;
select count(*) from yardstick;
"""

GENERATE_SCRIPT = """
import sys
from pathlib import Path
from orchestration.generator import generate
leads, seed, batches, part_size = (int(value) for value in sys.argv[1:5])
manifest = generate(leads, seed, Path(sys.argv[5]), batches=batches, part_size=part_size)
print(manifest["rows"]["activities"])
"""

YARDSTICK_SCRIPT = """
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True, config={
    "memory_limit": sys.argv[2], "threads": int(sys.argv[3]), "preserve_insertion_order": False,
})
con.execute("set enable_progress_bar = false")
print(con.execute(sys.argv[4]).fetchall()[0][0])
"""


def run(args: list[str], env: dict[str, str], log: Path) -> tuple[float, float]:
    """Runs a command to completion; returns (seconds, peak RSS in GiB of that process)."""
    started = time.perf_counter()
    with log.open("w") as out:
        proc = subprocess.Popen(args, cwd=PROJECT_DIR, env=env, stdout=out, stderr=out)
        _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        tail = "\n".join(log.read_text().splitlines()[-30:])
        raise SystemExit(f"{args[0]} failed ({proc.returncode}), see {log}:\n{tail}")
    return elapsed, usage.ru_maxrss / 1024**2  # KiB on Linux


def deliver(generated: Path, landing: Path, batches: range) -> None:
    """Moves batches into the landing zone (batch_NNNN.parquet or its parts)."""
    for table_dir in sorted(p for p in generated.iterdir() if p.is_dir()):
        for batch in batches:
            for path in table_dir.glob(f"batch_{batch:04d}.*"):
                (landing / table_dir.name).mkdir(parents=True, exist_ok=True)
                path.rename(landing / table_dir.name / path.name)  # no copy: disk at 10M leads


def slowest_nodes(run_results: Path, count: int = 8) -> list[str]:
    results = json.loads(run_results.read_text())["results"]
    ranked = sorted(results, key=lambda r: r["execution_time"], reverse=True)[:count]
    return [f"    {r['execution_time']:7.2f} s  {r['unique_id']}" for r in ranked]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--batches", type=int, default=3, help="daily batches; the last is new")
    parser.add_argument("--out", type=Path, default=None, help="default: a temp dir in bench/out")
    parser.add_argument("--keep", action="store_true", help="keep the data and the warehouse")
    parser.add_argument(
        "--part-size",
        type=int,
        default=1_000_000,
        help="leads generated at a time (about 2.5 GiB of memory per million)",
    )
    args = parser.parse_args(argv)
    if args.batches < 2:
        parser.error("--batches must be at least 2 (an initial load and one more day)")

    if args.out is None:
        base = Path(__file__).resolve().parent / "out"
        base.mkdir(parents=True, exist_ok=True)
        out = Path(tempfile.mkdtemp(prefix="pipeline-", dir=base))
    else:
        out = args.out
        out.mkdir(parents=True, exist_ok=True)
    generated, landing, warehouse = out / "generated", out / "landing", out / "funnel.duckdb"
    memory = os.environ.get("FUNNEL_DUCKDB_MEMORY_LIMIT", "8GB")
    threads = os.environ.get("FUNNEL_DUCKDB_THREADS", "2")
    dbt_threads = os.environ.get("FUNNEL_DBT_THREADS", "2")
    env = dict(
        os.environ,
        FUNNEL_WAREHOUSE=str(warehouse),
        FUNNEL_DUCKDB_MEMORY_LIMIT=memory,
        FUNNEL_DUCKDB_THREADS=threads,
        DBT_SEND_ANONYMOUS_USAGE_STATS="False",
        # Batches are delivered by rename, complete: the loader's settle wait would only add
        # to the load times measured here.
        FUNNEL_LANDING_SETTLE_SECONDS="0",
        PATH=str(BIN) + os.pathsep + os.environ.get("PATH", ""),
    )
    # The scheduled build's command line (unit tests left out: they run in `make test`).
    dbt_build = [str(BIN / "dbt"), *dbt_build_args(), "--target-path", str(out / "target")]
    load = [str(BIN / "python"), "-c", "import sys; from orchestration.ingestion.loader import "
            "load_landing; from pathlib import Path; "
            "print(load_landing(Path(sys.argv[1]), Path(sys.argv[2])).summary())",
            str(landing), str(warehouse)]  # fmt: skip
    try:
        print(f"pipeline benchmark: {args.leads:,} leads in {args.batches} daily batches, "
              f"DuckDB memory_limit={memory} threads={threads}, dbt threads={dbt_threads}",
              flush=True)  # fmt: skip
        # Every step runs in a child process, the generator too: a child's peak RSS starts from
        # its parent's size at the fork, so a parent holding the generated data would hide every
        # peak below it.
        generate = [str(BIN / "python"), "-c", GENERATE_SCRIPT, str(args.leads), str(args.seed),
                    str(args.batches), str(args.part_size), str(generated)]  # fmt: skip
        gen_s, gen_gb = run(generate, env, out / "generate.log")
        activities = int((out / "generate.log").read_text().split()[-1])
        print(f"generate          {gen_s:8.1f} s   peak RSS {gen_gb:5.2f} GiB   "
              f"{activities:,} activities", flush=True)  # fmt: skip

        deliver(generated, landing, range(1, args.batches))
        load_s, load_gb = run(load, env, out / "load_initial.log")
        print(f"load initial      {load_s:8.1f} s   peak RSS {load_gb:5.2f} GiB", flush=True)
        full_s, full_gb = run(dbt_build, env, out / "build_full.log")
        print(f"full build        {full_s:8.1f} s   peak RSS {full_gb:5.2f} GiB", flush=True)
        print("  slowest nodes of the full build:")
        print("\n".join(slowest_nodes(out / "target" / "run_results.json")), flush=True)
        shutil.copy(out / "target" / "run_results.json", out / "run_results_full.json")

        deliver(generated, landing, range(args.batches, args.batches + 1))
        inc_load_s, inc_load_gb = run(load, env, out / "load_last.log")
        print(f"load last day     {inc_load_s:8.1f} s   peak RSS {inc_load_gb:5.2f} GiB")
        inc_s, inc_gb = run(dbt_build, env, out / "build_incremental.log")
        print(f"incremental build {inc_s:8.1f} s   peak RSS {inc_gb:5.2f} GiB", flush=True)
        print("  slowest nodes of the incremental build:")
        print("\n".join(slowest_nodes(out / "target" / "run_results.json")), flush=True)
        shutil.copy(out / "target" / "run_results.json", out / "run_results_incremental.json")

        # The same build again with nothing new: what every build pays whatever it recomputes
        # (dbt's start-up, every node, the tests, the models that are rebuilt in full).
        noop_s, noop_gb = run(dbt_build, env, out / "build_nothing_new.log")
        print(f"build, nothing new{noop_s:8.1f} s   peak RSS {noop_gb:5.2f} GiB   "
              f"(the floor of an incremental build: {noop_s / full_s:.3f} of the full build)",
              flush=True)  # fmt: skip

        yardstick = [str(BIN / "python"), "-c", YARDSTICK_SCRIPT, str(warehouse), memory,
                     threads, YARDSTICK_SQL]  # fmt: skip
        yard_s, yard_gb = run(yardstick, env, out / "yardstick.log")
        rows = (out / "yardstick.log").read_text().strip()
        print(f"yardstick query   {yard_s:8.1f} s   peak RSS {yard_gb:5.2f} GiB   ({rows} rows, "
              "incl. ~1 s interpreter start)")  # fmt: skip
        print(f"full_vs_yardstick={full_s / yard_s:.2f}")
        print(f"incremental_vs_full={inc_s / full_s:.3f}")
    finally:
        if not args.keep:
            shutil.rmtree(out, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
