"""No half-width comma, colon or semicolon beside a Chinese character in the string literals of
pricewatch/, ingest/ and dashboard/: messages, help texts, labels and the generated forms use
，：；（the parser lists below are the exception).

Every .py file is parsed with ``ast``; each string constant (the literal parts of f-strings
included) is checked with :data:`pricewatch.textfmt.HALF_WIDTH_IN_CHINESE`. Not checked:
docstrings (nobody sees them on a page), and patterns handed to ``re`` (a parser must still
accept "单位:元/公斤" as people type it). What remains allowed is listed in ALLOWED with the
reason, by file and a piece of the literal.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from pricewatch.textfmt import HALF_WIDTH_IN_CHINESE

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("pricewatch", "ingest", "dashboard", "pwcli")

#: (file, piece of the literal): why the half-width character stays
ALLOWED = {
    ("ingest/normalise.py", "注:"): "footer words the reader matches; 注： is listed beside it",
    ("ingest/layouts/table.py", "日期:"): "footer words the reader matches; 日期： is listed beside it",
    ("ingest/template.py", '"零售,批发"'): "an Excel list validation: its items are separated by ASCII commas",
    ("ingest/cli.py", "工作表:行号，如 价格:12"): "the --confirm-row argument's own syntax (sheet:row)",
    ("pricewatch/notes/model.py", "id: 和 title:"): "YAML keys as they must be typed in the note's header",
    ("pricewatch/deadlines.py", "时:分"): "the time syntax a setting is written in (12:00)",
}

_RE_FUNCS = {"compile", "match", "fullmatch", "search", "findall", "finditer", "sub", "subn", "split"}


def _regex_constants(tree: ast.AST) -> set[int]:
    """ids of the string constants inside the pattern argument of a ``re.<fn>(...)`` call."""
    out: set[int] = set()
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name) and node.func.value.id == "re"
                and node.func.attr in _RE_FUNCS and node.args):
            out |= {id(n) for n in ast.walk(node.args[0]) if isinstance(n, ast.Constant)}
    return out


def _docstrings(tree: ast.AST) -> set[int]:
    out: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list):
            for stmt in body:  # a module/class/function docstring and bare strings (attribute docs)
                if (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant)
                        and isinstance(stmt.value.value, str)):
                    out.add(id(stmt.value))
    return out


def offending_literals(path: Path, rel: str) -> list[str]:
    """``file:line: literal`` for each string constant in ``path`` with a half-width , : ;
    beside a Chinese character, except docstrings, regex patterns and :data:`ALLOWED`."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=rel)
    skip = _regex_constants(tree) | _docstrings(tree)
    allowed = [piece for (f, piece) in ALLOWED if f == rel]
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)) or id(node) in skip:
            continue
        text = node.value
        for piece in allowed:
            text = text.replace(piece, "")
        if HALF_WIDTH_IN_CHINESE.search(text):
            found.append(f"{rel}:{node.lineno}: {node.value[:60]!r}")
    return found


def _files() -> list[Path]:
    return sorted(p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py"))


def test_no_half_width_punctuation_in_chinese_literals():
    found = [line for p in _files() for line in offending_literals(p, p.relative_to(ROOT).as_posix())]
    assert not found, ("half-width , : ; beside Chinese text (write ，：；, or add the literal to "
                       "ALLOWED with a reason):\n" + "\n".join(found))


def test_every_allowance_is_still_needed():
    """An ALLOWED entry whose literal is gone or no longer needs it is removed from the list."""
    for (rel, piece), why in ALLOWED.items():
        text = (ROOT / rel).read_text(encoding="utf-8")
        assert piece in text, f"{rel}: {piece!r} is no longer there ({why}); remove it from ALLOWED"


@pytest.mark.parametrize(("source", "bad"), [
    ('MSG = "文件是空的; 请重试"\n', True),
    ('MSG = f"错误: {e}"\n', True),
    ('MSG = "文件是空的；请重试"\n', False),
    ('MSG = "12:00 and A, B"\n', False),
    ('import re\nP = re.compile(r"单位\\s*[:：]")\n', False),
    ('def f():\n    """说明: 这是文档"""\n', False),
])
def test_the_check_itself(tmp_path, source, bad):
    p = tmp_path / "m.py"
    p.write_text(source, encoding="utf-8")
    assert bool(offending_literals(p, "m.py")) is bad
