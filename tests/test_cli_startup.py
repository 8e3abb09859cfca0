"""The command line imports only the command it runs: ``--help`` loads neither pandas nor
duckdb, and every command module is listed in the one table of commands."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import pytest

from pwcli import cli, commands

PROBE = """
import sys
from pwcli import cli
try:
    cli.main({argv!r})
except SystemExit:
    pass
heavy = sorted(m for m in ("pandas", "duckdb", "numpy", "pyarrow", "pricewatch.store",
                           "pricewatch.notes", "pricewatch.site") if m in sys.modules)
print("LOADED", ",".join(heavy))
"""


def _run(argv: list[str]) -> tuple[set[str], str]:
    """(the heavy modules the command loaded, what it printed before the probe's line)."""
    out = subprocess.run([sys.executable, "-c", PROBE.format(argv=argv)], capture_output=True,
                         text=True, check=True).stdout
    line = next(x for x in out.splitlines() if x.startswith("LOADED"))
    return {m for m in line.removeprefix("LOADED").strip().split(",") if m}, out


def _loaded(argv: list[str]) -> set[str]:
    return _run(argv)[0]


def test_help_loads_no_data_libraries() -> None:
    assert _loaded(["--help"]) == set()


def test_a_light_command_help_loads_none_either() -> None:
    assert _loaded(["serve", "--help"]) == set()


def test_report_loads_what_it_needs() -> None:
    got = _loaded(["report", "--help"])
    assert {"duckdb", "numpy"} <= got
    assert "pandas" not in got  # the report is numpy arrays; frames are made only when asked for


def test_a_whole_json_report_runs_without_pandas(small_db) -> None:
    """The figures, the alerts and the JSON of a real report: no pandas in the process."""
    got, out = _run(["report", "--json", "--db", str(small_db.path)])
    assert '"items": [' in out and '"commodity": "大米"' in out  # a report, not an error
    assert "duckdb" in got and "pandas" not in got and "pyarrow" not in got


def test_every_command_module_is_in_the_table() -> None:
    modules = {m.name for m in pkgutil.iter_modules(commands.__path__) if not m.name.startswith("_")}
    assert modules == set(commands.COMMANDS)


@pytest.mark.parametrize("name", sorted(commands.COMMANDS))
def test_each_command_builds_its_parser(name: str) -> None:
    parser = cli.build_parser(name)
    with pytest.raises(SystemExit) as e:
        parser.parse_args([name, "--help"])
    assert e.value.code == 0


def test_top_level_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    out = capsys.readouterr().out
    for name, help_ in commands.COMMANDS.items():
        assert name in out and help_[:6] in out


def test_an_unknown_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as e:
        cli.main(["nonsense"])
    assert e.value.code == 2
    assert "nonsense" in capsys.readouterr().err


def test_python_m_pricewatch_is_the_command_line(tmp_path) -> None:
    """pricewatch/__main__.py hands over to pwcli (the layer above the library) by name: the
    entry point works from any directory, exits with the command line's codes."""
    r = subprocess.run([sys.executable, "-m", "pricewatch", "--help"], capture_output=True,
                       text=True, cwd=tmp_path, timeout=60)
    assert r.returncode == 0, r.stderr
    assert "python -m pricewatch" in r.stdout
    assert all(name in r.stdout for name in commands.COMMANDS)
    bad = subprocess.run([sys.executable, "-m", "pricewatch", "nonsense"], capture_output=True,
                         text=True, cwd=tmp_path, timeout=60)
    assert bad.returncode == 2 and "nonsense" in bad.stderr
