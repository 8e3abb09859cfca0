"""Timing helpers, the results table and the machine description."""

from __future__ import annotations

import os
import platform
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = Path(__file__).resolve().parent / "out"


@dataclass
class Result:
    """One line of the results table.

    ``value`` is the median of ``runs`` runs in ``unit``; ``target`` a bound such as
    ("<", 50.0) checked only at the size the issue sets it for (province); ``ref`` a number
    measured side by side (the naive baseline, a hand-written DuckDB floor), and ``ratio``
    how the two compare, as text ("12.3x baseline").
    """

    name: str
    label: str
    size: str
    value: float | None
    unit: str
    runs: int = 1
    target: tuple[str, float] | None = None
    ref: float | None = None
    ref_label: str = ""
    ratio: str = ""
    note: str = ""
    #: check the target at this size too (the ingest rate does not depend on the history)
    check: bool = False
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def met(self) -> str:
        if self.target is None or self.value is None:
            return ""
        if self.size not in ("province", "stress") and not self.check:
            return ""
        op, bound = self.target
        ok = self.value < bound if op == "<" else self.value >= bound
        if self.size == "stress" and not self.check:
            return "(yes)" if ok else "(no)"
        return "yes" if ok else "**NO**"


def compile_bytecode(root: Path = ROOT) -> None:
    """Write the bytecode of a checkout's packages, as an installation has it. Where
    ``PYTHONDONTWRITEBYTECODE`` is set (or the sources are read-only, as under the systemd
    units) a process that finds none compiles every module it imports, on every run: about
    as long again as the imports themselves, which no deployed process pays."""
    import compileall

    for pkg in ("ingest", "pricewatch", "pwcli", "dashboard"):
        if (root / pkg).is_dir():
            compileall.compile_dir(str(root / pkg), quiet=1)


def median_ms(fn: Callable[[], object], n: int, warmup: int = 1) -> tuple[float, list[float]]:
    """Median wall time of ``n`` calls after ``warmup`` untimed ones, in milliseconds."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times), times


#: units shown in one fixed format; any other (ms) with fewer decimals the larger it is
_FORMATS = {"errors": "{:.0f}", "rows/s": "{:,.0f} rows/s", "MB": "{:,.0f} MB", "s": "{:,.2f} s"}


def fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "n/a"
    if unit in _FORMATS:
        return _FORMATS[unit].format(value)
    places = 0 if value >= 100 else 1 if value >= 10 else 2
    return f"{value:,.{places}f} {unit}"


def table(results: list[Result]) -> str:
    head = ["measurement", "size", "median", "runs", "target (10 M)", "met", "side by side", "ratio",
            "note"]
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    for r in results:
        target = f"{r.target[0]} {fmt(r.target[1], r.unit)}" if r.target else ""
        if r.target and r.unit == "errors":
            target = "0"
        ref = f"{r.ref_label}: {fmt(r.ref, r.unit)}" if r.ref is not None else r.ref_label
        cells = [r.label, r.size, fmt(r.value, r.unit), str(r.runs), target, r.met, ref, r.ratio,
                 r.note]
        lines.append("| " + " | ".join(c.replace("|", "/") for c in cells) + " |")
    return "\n".join(lines)


def machine() -> dict[str, str]:
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gb = "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem_gb = f"{int(line.split()[1]) / 1024 / 1024:.1f} GB"
                break
    except OSError:
        pass
    return {"nproc": str(os.cpu_count()), "ram": mem_gb, "cpu": model,
            "python": platform.python_version(), "kernel": platform.release()}


def versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for pkg in ("duckdb", "pandas", "pyarrow", "streamlit", "python-calamine", "openpyxl"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            out[pkg] = "-"
    return out


def vm_hwm_mb(pid: int) -> float | None:
    """Peak resident memory (VmHWM) of a live process, in MB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None
