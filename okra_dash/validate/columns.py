"""A clean table as named numpy columns of one length: what the validators build and DuckDB scans in place.

DuckDB reads a dict of numpy arrays by name (NaN and None are NULL), so a sync needs no pandas: at
10,000 KRs, importing pandas alone took about 0.35 s and 90 MB of the sync's process.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np


def objects(values: Iterable[object], count: int) -> np.ndarray:
    """A one-dimensional object array (np.array would nest tuples into more dimensions)."""
    return np.fromiter(values, dtype=object, count=count)


def floats(values: Iterable[object], count: int) -> np.ndarray:
    """A float64 array, None as NaN (stored as NULL)."""
    return np.fromiter((math.nan if value is None else value for value in values), dtype=np.float64, count=count)


class Columns:
    """Named numpy columns of equal length (float64, int64, or objects: see `of`)."""

    def __init__(self, data: dict[str, np.ndarray]):
        lengths = {len(column) for column in data.values()}
        if len(lengths) > 1:
            raise ValueError(f"columns of different lengths: {sorted(lengths)}")
        self.data = data
        self.length = lengths.pop() if lengths else 0

    @classmethod
    def of(cls, rows: Sequence[Sequence[object]], names: Sequence[str],
           kinds: dict[str, str] | None = None) -> Columns:
        """From row tuples (or dicts keyed by name): a column per name, "float" and "int" ones typed."""
        kinds = kinds or {}
        count = len(rows)
        data = {}
        for index, name in enumerate(names):
            values = (row[name] for row in rows) if rows and isinstance(rows[0], dict) else (row[index] for row in rows)
            kind = kinds.get(name)
            if kind == "float":
                data[name] = floats(values, count)
            elif kind == "int":
                data[name] = np.fromiter(values, dtype=np.int64, count=count)
            else:
                data[name] = objects(values, count)
        return cls(data)

    @classmethod
    def concat(cls, parts: Sequence[Columns], names: Sequence[str]) -> Columns:
        return cls({name: np.concatenate([part[name] for part in parts]) for name in names})

    def __len__(self) -> int:
        return self.length

    def __getitem__(self, name: str) -> np.ndarray:
        return self.data[name]

    @property
    def empty(self) -> bool:
        return self.length == 0

    def where(self, mask: np.ndarray) -> Columns:
        """The rows where mask is true, in order."""
        return Columns({name: column[mask] for name, column in self.data.items()})

    def select(self, names: Sequence[str]) -> Columns:
        return Columns({name: self.data[name] for name in names})
