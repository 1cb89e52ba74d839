"""Arrow columns built straight from numpy buffers, and the file writers.

Formatting twenty million ids through Python strings would take minutes; writing the digits
into a byte matrix and handing it to Arrow as a string buffer takes well under a second.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from orchestration.ingestion.contract import TABLES


def id_width(minimum: int, largest: int) -> int:
    """Digits of an id: the house width, wider only when the numbers need it."""
    return max(minimum, len(str(max(largest, 0))))


def ids(prefix: str, number: np.ndarray, width: int) -> pa.Array:
    """'L0000042'-style ids for 1-based ``number``; null where number <= 0."""
    number = np.asarray(number, dtype=np.int64)
    n = number.size
    size = len(prefix) + width
    chars = np.empty((n, size), dtype=np.uint8)
    chars[:, : len(prefix)] = np.frombuffer(prefix.encode(), dtype=np.uint8)
    rest = np.maximum(number, 0)
    for position in range(size - 1, len(prefix) - 1, -1):
        chars[:, position] = 48 + rest % 10
        rest = rest // 10
    if (rest > 0).any():
        raise ValueError(f"id numbers do not fit in {width} digits")
    offsets = np.arange(0, (n + 1) * size, size, dtype=np.int32)
    valid = number > 0
    validity = None if valid.all() else pa.py_buffer(np.packbits(valid, bitorder="little"))
    return pa.StringArray.from_buffers(
        n, pa.py_buffer(offsets), pa.py_buffer(chars.reshape(-1)), validity
    )


def timestamps(seconds: np.ndarray, null: np.ndarray | None = None) -> pa.Array:
    micros = np.asarray(seconds, dtype=np.int64) * 1_000_000
    return pa.array(micros, type=pa.timestamp("us"), mask=null)


def dates(seconds: np.ndarray, null: np.ndarray | None = None) -> pa.Array:
    days = (np.asarray(seconds, dtype=np.int64) // 86_400).astype(np.int32)
    return pa.array(days, type=pa.date32(), mask=null)


def labels(index: np.ndarray, vocabulary: Sequence[str]) -> pa.Array:
    """Dictionary-encoded text; null where index < 0. The dictionary is made unique first:
    Arrow's parquet writer does not write a dictionary with repeated values reproducibly."""
    index = np.asarray(index)
    unique, position = np.unique(np.array(vocabulary, dtype=object), return_inverse=True)
    idx_type = pa.int8() if len(unique) < 128 else pa.int32()
    indices = pa.array(
        position[np.maximum(index, 0)].astype(idx_type.to_pandas_dtype()),
        type=idx_type,
        mask=index < 0 if (index < 0).any() else None,
    )
    return pa.DictionaryArray.from_arrays(indices, pa.array(unique.tolist(), type=pa.string()))


def table(name: str, columns: dict[str, pa.Array]) -> pa.Table:
    """The contract's columns in the contract's order (a missing or extra column is a bug)."""
    names = TABLES[name].column_names
    if sorted(columns) != sorted(names):
        raise ValueError(f"{name}: columns {sorted(columns)} are not the contract's {names}")
    return pa.table({c: columns[c] for c in names})


def write(data: pa.Table, path: Path, file_format: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if file_format == "parquet":
        # store_schema=False: readers see plain strings, not Arrow dictionaries.
        pq.write_table(data, path, compression="zstd", compression_level=1, store_schema=False)
        return
    columns = []
    for field, column in zip(data.schema, data.columns, strict=True):
        if pa.types.is_dictionary(field.type):
            column = column.cast(pa.string())
        elif pa.types.is_timestamp(field.type):
            column = column.cast(pa.timestamp("s"))
        columns.append(column)
    text = pa.table(columns, names=data.column_names)
    pa_csv.write_csv(text, path)
