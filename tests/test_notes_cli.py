"""``python -m pricewatch notes ...`` and ``deadlines``: same rules as the pages, refusals exit 1."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from pricewatch import deadlines
from pricewatch.config import load_settings
from pricewatch.notes import draft
from pricewatch.notes.model import Note
from pwcli.cli import main

TZ = ZoneInfo("Asia/Shanghai")


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_walk_draft_to_published_and_feed(notes_db, capsys, tmp_path):
    body = tmp_path / "body.md"
    body.write_text("猪肉(五花)均价29.13元/公斤,环比上涨2.0%。\n", encoding="utf-8")
    code, out, _ = run(capsys, "notes", "new", "--title", "第17周分析", "--period", "2024-W17",
                       "--body-file", str(body), "--as", "editor", "--json")
    assert code == 0 and json.loads(out)["id"] == "2024-w17-analysis"
    nid = "2024-w17-analysis"
    assert run(capsys, "notes", "submit", nid, "--as", "editor")[0] == 0
    code, _, err = run(capsys, "notes", "approve", nid, "--as", "editor")
    assert code == 1 and "无权" in err
    code, out, _ = run(capsys, "notes", "show", nid, "--as", "reviewer", "--checks", "--json")
    assert [c["ok"] for c in json.loads(out)["checks"]] == [True, True, True]
    assert run(capsys, "notes", "approve", nid, "--as", "reviewer")[0] == 0
    # without --as only published notes are listed
    assert json.loads(run(capsys, "notes", "list", "--json")[1]) == []
    assert run(capsys, "notes", "publish", nid, "--as", "reviewer")[0] == 0
    listed = json.loads(run(capsys, "notes", "list", "--json")[1])
    assert [(n["id"], n["status"]) for n in listed] == [(nid, "published")]
    feed = tmp_path / "feed.xml"
    code, out, _ = run(capsys, "notes", "feed", "--out", str(feed))
    assert code == 0 and "1 篇" in out
    entries = ET.parse(feed).getroot().findall("{http://www.w3.org/2005/Atom}entry")
    assert len(entries) == 1
    code, out, _ = run(capsys, "notes", "show", nid, "--history", "--json")
    assert [h["status"] for h in json.loads(out)] == ["draft", "submitted", "approved", "published"]


def test_cli_refusals_exit_1_with_reason(notes_db, capsys):
    code, _, err = run(capsys, "notes", "new", "--title", "t", "--as", "leader")
    assert code == 1 and "无权" in err
    code, _, err = run(capsys, "notes", "submit", "nope", "--as", "editor")
    assert code == 1 and "不存在" in err
    code, _, err = run(capsys, "notes", "show", "nope")
    assert code == 1 and "Traceback" not in err
    code, _, err = run(capsys, "notes", "new", "--title", "t", "--as", "ghost")
    assert code == 1 and "不存在" in err


def test_cli_draft_generation_and_release_together(notes_db, capsys, tmp_path):
    code, out, err = run(capsys, "notes", "new", "--draft", "--period", "2024-W18", "--as", "editor", "--json")
    assert code == 0, err
    nid = json.loads(out)["id"]
    shown = json.loads(run(capsys, "notes", "show", nid, "--as", "leader", "--json")[1])
    # the 期号 was assigned in the write that created the note
    assert shown["body"].startswith("第1期　总第1期　监测单位：示范县商务局　监测日期：2024年4月29日—5月5日")
    assert "大米上涨7.8%" in shown["body"] and "| 大米 | 元/公斤 | 6.73 | 6.24 | +7.8% | — | — |" in shown["body"]
    # the 后期走势 prompt must be replaced before the draft can be submitted
    code, _, err = run(capsys, "notes", "submit", nid, "--as", "editor")
    assert code == 1 and "后期走势尚未填写" in err
    body = tmp_path / "body.md"
    body.write_text(shown["body"].replace(draft.PROMPT, "预计下周价格总体平稳。"), encoding="utf-8")
    assert run(capsys, "notes", "edit", nid, "--body-file", str(body), "--as", "editor")[0] == 0
    assert run(capsys, "notes", "submit", nid, "--as", "editor")[0] == 0
    code, _, err = run(capsys, "notes", "approve", nid, "--as", "reviewer")
    assert code == 1 and "尚未发布" in err
    assert run(capsys, "notes", "approve", nid, "--as", "reviewer", "--release-data")[0] == 0
    code, out, _ = run(capsys, "notes", "publish", nid, "--as", "reviewer", "--json")
    assert code == 0 and json.loads(out)["status"] == "published"
    with notes_db.read() as s:
        assert s.scalar("SELECT count(*) FROM uploads WHERE released_at IS NULL") == 0
    published = json.loads(run(capsys, "notes", "show", nid, "--json")[1])["body"]
    assert published.startswith("第1期　总第1期　") and published.count("总第") == 1


def test_deadlines_status_and_overdue(notes_db, capsys):
    settings = load_settings()
    # each upload arrived at 09:00 Beijing time on the Monday its data are dated (stored UTC)
    with notes_db.write() as s:
        s.execute("UPDATE uploads SET uploaded_at = CAST(date_min AS TIMESTAMP) + INTERVAL 1 HOUR")
    # Wednesday 2024-05-01 18:00: data (W18, Monday 12:00) uploaded but not released; no note
    now = datetime(2024, 5, 1, 18, 0, tzinfo=TZ)
    st = deadlines.week_status(notes_db, settings, now, notes=[])
    assert st.week.label == "2024-W18"
    got = {i.key: (i.done, i.overdue(now)) for i in st.items}
    assert got == {"data_uploaded": (True, False), "data_released": (False, True),
                   "note_drafted": (False, True), "note_approved": (False, True),
                   "note_published": (False, True)}
    assert st.items[0].due == datetime(2024, 4, 29, 12, 0, tzinfo=TZ)
    assert st.items[1].due == datetime(2024, 5, 1, 17, 0, tzinfo=TZ)
    # Tuesday: nothing is overdue yet; a draft counts as drafted
    tue = datetime(2024, 4, 30, 10, 0, tzinfo=TZ)
    draft = Note(id="x", title="t", period="2024-W18", status="draft")
    st = deadlines.week_status(notes_db, settings, tue, notes=[draft])
    assert st.overdue == [] and [i.done for i in st.items] == [True, False, True, False, False]
    # the note is named by its title (its id is a code), in either language
    assert st.items[2].detail == "《t》（草稿）" and st.items[2].detail_en == "“t” (draft)"
    # the next week: nothing uploaded, data overdue after Monday 12:00
    st = deadlines.week_status(notes_db, settings, datetime(2024, 5, 6, 12, 1, tzinfo=TZ), notes=[])
    assert [i.key for i in st.overdue] == ["data_uploaded"]
    code, out, _ = run(capsys, "deadlines", "--now", "2024-05-01T18:00", "--json")
    assert code == 0 and json.loads(out)["overdue"] == [
        "data_released", "note_drafted", "note_approved", "note_published"]


def test_deadline_setting_is_validated():
    from pricewatch.errors import ConfigError

    assert deadlines.parse_due("3 17:00")[0] == 3
    with pytest.raises(ConfigError, match="星期"):
        deadlines.parse_due("周三 17点")


def test_every_notes_action_has_one_function_and_checks_come_from_check_names(notes_db, capsys):
    import argparse

    from pricewatch.notes.model import CHECK_NAMES
    from pwcli.commands import notes as notes_cmd

    parser = notes_cmd.add_parser(argparse.ArgumentParser().add_subparsers())
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    assert set(sub.choices) == set(notes_cmd.ACTIONS)
    override = sub.choices["override"]
    check = next(a for a in override._actions if a.dest == "check")
    assert tuple(check.choices) == tuple(CHECK_NAMES)
    with pytest.raises(SystemExit) as exit_:
        main(["notes", "override", "x", "--check", "spelling", "--reason", "理由充分", "--as", "reviewer"])
    assert exit_.value.code == 2 and "figures" in capsys.readouterr().err
