"""The pipeline benchmark (`make bench`) at a tiny scale: it runs every step and ends with the
two ratios a script reads, computed from the times it printed."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from conftest import PROJECT_DIR


def test_pipeline_benchmark_prints_its_steps_and_ends_with_the_two_ratios(tmp_path: Path) -> None:
    out = tmp_path / "bench"
    result = subprocess.run(
        [sys.executable, str(PROJECT_DIR / "bench" / "bench_pipeline.py"),
         "--leads", "2000", "--batches", "2", "--out", str(out), "--keep"],
        cwd=PROJECT_DIR, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.strip().splitlines()

    def seconds(step: str) -> float:
        (line,) = [line for line in lines if line.startswith(step)]
        return float(re.match(rf"{re.escape(step)}\s*([\d.]+) s", line).group(1))

    generated, full, incremental = (
        seconds("generate"),
        seconds("full build"),
        seconds("incremental build"),
    )
    nothing_new, yardstick = seconds("build, nothing new"), seconds("yardstick query")
    assert min(generated, full, incremental, nothing_new, yardstick) > 0

    ratio_lines = lines[-2:]
    assert re.fullmatch(r"full_vs_yardstick=\d+\.\d{2}", ratio_lines[0]), ratio_lines
    assert re.fullmatch(r"incremental_vs_full=\d+\.\d{3}", ratio_lines[1]), ratio_lines
    full_vs_yardstick = float(ratio_lines[0].split("=")[1])
    incremental_vs_full = float(ratio_lines[1].split("=")[1])

    # The ratios are of the unrounded times; each printed time is within 0.05 s of its own.
    def within_rounding(ratio: float, numerator: float, denominator: float) -> bool:
        low = (numerator - 0.05) / (denominator + 0.05)
        high = (numerator + 0.05) / max(denominator - 0.05, 1e-9)
        return low - 0.005 <= ratio <= high + 0.005

    assert within_rounding(full_vs_yardstick, full, yardstick), (full_vs_yardstick, full, yardstick)
    assert within_rounding(incremental_vs_full, incremental, full), (incremental_vs_full, full)

    # The last day was loaded and built incrementally over the first: both builds' results kept.
    assert (out / "run_results_full.json").is_file()
    assert (out / "run_results_incremental.json").is_file()
    assert lines[0].startswith("pipeline benchmark: 2,000 leads in 2 daily batches")
