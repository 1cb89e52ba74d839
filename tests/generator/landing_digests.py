"""Digests of the landing shape's output, recorded from the generator before `--shape` existed.

tests/generator/test_shapes.py regenerates each case and compares: the landing shape must stay
byte for byte what it was. CSV files are compared by their bytes; Parquet files by their bytes
when the pyarrow that wrote the record is installed (the writer stamps its version into the
file), and always by their content (schema and values). The manifest is compared without its
``shape`` key, which the shapes added.

Regenerate (only when the landing output is meant to change):
    .venv/bin/python tests/generator/landing_digests.py
"""

from __future__ import annotations

import hashlib
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

RECORD = Path(__file__).with_name("landing_digests.json")
MANIFEST_NAME = "_generator_manifest.json"
# name -> (leads, seed, keyword arguments of generate)
CASES: dict[str, tuple[int, int, dict[str, Any]]] = {
    "parquet": (300, 7, {}),
    "csv_batches": (300, 7, {"file_format": "csv", "batches": 4}),
    "parquet_dirty_batches": (400, 3, {"dirty": True, "batches": 3}),
    "csv_dirty": (300, 5, {"file_format": "csv", "dirty": True}),
    "parts": (700, 2, {"file_format": "csv", "batches": 2, "part_size": 300}),
}


def content_digest(data: pa.Table) -> str:
    """A digest of a table's schema and values that does not depend on the writer's version."""
    digest = hashlib.sha256(str(data.schema).encode())
    for name in data.column_names:
        digest.update(name.encode())
        digest.update(json.dumps(data.column(name).to_pylist(), default=str).encode())
    return digest.hexdigest()


def digests(root: Path) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for path in sorted(root.rglob("*")):
        if not path.is_file():
            continue
        rel = str(path.relative_to(root))
        if rel == MANIFEST_NAME:
            manifest = json.loads(path.read_text())
            manifest.pop("shape", None)
            text = json.dumps(manifest, indent=2, sort_keys=True)
            out[rel] = {"content": hashlib.sha256(text.encode()).hexdigest()}
        elif path.suffix == ".parquet":
            out[rel] = {
                "bytes": hashlib.sha256(path.read_bytes()).hexdigest(),
                "content": content_digest(pq.read_table(path)),
            }
        else:
            out[rel] = {"bytes": hashlib.sha256(path.read_bytes()).hexdigest()}
    return out


def record() -> dict[str, Any]:
    from orchestration.generator import generate

    cases = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, (leads, seed, kwargs) in CASES.items():
            root = Path(tmp) / name
            generate(leads, seed, root, **kwargs)
            cases[name] = digests(root)
    return {"pyarrow": pa.__version__, "cases": cases}


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    RECORD.write_text(json.dumps(record(), indent=1, sort_keys=True) + "\n")
    print(f"wrote {RECORD}")
