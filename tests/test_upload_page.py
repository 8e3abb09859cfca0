"""The upload page in AppTest: drop a file -> report -> preview -> confirm -> pending."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "ingest"))
from ingest_testkit import long_rows, write_xlsx  # noqa: E402

from pricewatch.accounts import User  # noqa: E402
from pricewatch.store import Store  # noqa: E402
from tests import helpers  # noqa: E402

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def open_page(user: User | None) -> AppTest:
    return helpers.open_page("app_pages/upload.py", user, timeout=120)


def xlsx_bytes(tmp_path, rows) -> bytes:
    return write_xlsx(tmp_path / "f.xlsx", {"价格": rows}).read_bytes()


def uploads(store: Store) -> list[tuple]:
    with store.read() as s:
        return s.all("SELECT file_name, status, uploaded_by, rows_loaded FROM uploads ORDER BY id")


def test_only_editors_see_the_page(small_db: Store) -> None:
    import pytest

    for user in (None, User("lead", "leader"), User("rev", "reviewer")):
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            open_page(user)


def alltext(at: AppTest) -> str:
    parts = []
    for kind in ("markdown", "caption", "info", "error", "warning", "success", "subheader", "title"):
        parts += [str(e.value) for e in getattr(at, kind)]
    return "\n".join(parts)


def table_with(at: AppTest, column: str):
    """The first table on the page that has ``column``."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def test_rejected_file_shows_every_error_and_writes_nothing(small_db: Store, tmp_path) -> None:
    before = uploads(small_db)
    at = open_page(User("editor", "editor"))
    rows = long_rows("2024-05-06", 大米__城关农贸市场=6.0)
    rows.append(["2024-05-06", "城关农贸市场", "面粉", "", "元/公斤", "五元"])
    at.file_uploader[0].set_value(("第19周.xlsx", xlsx_bytes(tmp_path, rows), XLSX))
    at.run()
    assert not at.exception
    assert "「第19周.xlsx」未通过校验，共 1 个错误" in at.error[0].value
    # the message first, then where; the code only in the details table
    text = alltext(at)
    assert "「五元」不是数字" in text and "工作表「价格」 第 3 行 F 列" in text
    assert "not_a_number" not in text and "--" not in text
    table = table_with(at, "代码")
    errors = table[table["级别"] == "错误"]
    assert list(errors["代码"]) == ["not_a_number"] and list(errors["行"]) == ["3"]
    assert uploads(small_db) == before
    with small_db.read() as s:
        assert s.scalar("SELECT count(*) FROM audit_log WHERE action = 'ingest.reject'") == 1


def test_skip_rows_by_choice_with_a_reason(small_db: Store, tmp_path) -> None:
    at = open_page(User("editor", "editor"))
    rows = long_rows("2024-05-06", 大米__城关农贸市场=6.7)
    rows.append(["2024-05-06", "城关农贸市场", "猪肉(五花)", "", "元/公斤", "三十"])
    at.file_uploader[0].set_value(("第19周.xlsx", xlsx_bytes(tmp_path, rows), XLSX))
    at.run()
    assert "跳过以下 1 行，导入其余 1 行" in alltext(at)
    assert at.button(key="upload_skip").disabled  # the reason is required
    next(t for t in at.text_input if t.key.startswith("skip_reason_")).input("猪肉本周未采价").run()
    at.button(key="upload_skip").click().run()
    assert not at.exception, at.exception
    assert "将按你的选择跳过 1 行（原因：猪肉本周未采价）" in alltext(at)
    at.button(key="upload_go").click().run()
    assert "已导入" in at.success[0].value
    hist = table_with(at, "跳过")
    assert list(hist["跳过"])[0] == 1
    assert "按选择跳过 1 行（决定人 editor，原因：猪肉本周未采价）" in alltext(at).replace("\\", "")


def test_a_tenfold_price_needs_a_reason_for_its_row(small_db: Store, tmp_path) -> None:
    at = open_page(User("editor", "editor"))
    rows = long_rows("2024-05-06", 大米__城关农贸市场=66.0, 大米__城南农贸市场=6.5, 大米__惠民超市=7.2)
    at.file_uploader[0].set_value(("第19周.xlsx", xlsx_bytes(tmp_path, rows), XLSX))
    at.run()
    assert "未通过校验" in at.error[0].value and "需逐行确认的价格变动 1 处" in alltext(at)
    why = next(t for t in at.text_input if t.key.startswith("why|"))
    assert why.key.endswith("|价格:2")
    why.input("米价上涨属实，已电话核实").run()
    assert not at.exception, at.exception
    assert not at.error and not at.button(key="upload_go").disabled
    at.button(key="upload_go").click().run()
    assert "已导入" in at.success[0].value
    with small_db.read() as s:
        rep = s.scalar("SELECT report FROM uploads ORDER BY id DESC LIMIT 1")
        assert s.scalar("SELECT count(*) FROM audit_log WHERE action = 'ingest.confirm_rows'") == 1
    assert json.loads(rep)["confirmed"][0]["reason"] == "米价上涨属实，已电话核实"


def test_a_unit_change_needs_a_reason_for_its_row_and_shows_on_the_release_page(small_db: Store, tmp_path) -> None:
    """元/斤 stored last week, 元/公斤 now: the file does not load until that row's own reason
    is given, like a jump; the reviewer sees it confirmed on the release page."""
    from ingest_testkit import run

    head = ["日期", "市场", "品名", "规格", "单位", "价格"]
    w19 = [head, ["2024-05-06", "城关农贸市场", "大米", "", "元/斤", 3.3], ["2024-05-06", "惠民超市", "大米", "", "元/斤", 3.5]]
    assert run(small_db, write_xlsx(tmp_path / "w19.xlsx", {"价格": w19})).status == "loaded"
    at = open_page(User("editor", "editor"))
    w20 = [head, ["2024-05-13", "城关农贸市场", "大米", "", "元/公斤", 6.7], ["2024-05-13", "惠民超市", "大米", "", "元/斤", 3.6]]
    at.file_uploader[0].set_value(("第20周.xlsx", xlsx_bytes(tmp_path, w20), XLSX))
    at.run()
    text = alltext(at).replace("\\", "")
    assert not at.error
    assert "需逐行确认 1 处（价格变动 0 处，计量单位变化 1 处）" in text
    assert "计量单位由上期的「元/斤」（2024-05-06）变为「元/公斤」" in text
    assert at.button(key="upload_go").disabled  # not without the row's reason
    why = next(t for t in at.text_input if t.key.startswith("why|"))
    assert why.key.endswith("|价格:2")
    why.input("本周起按公斤报价").run()
    assert not at.exception, at.exception
    assert not at.error and not at.button(key="upload_go").disabled
    at.button(key="upload_go").click().run()
    assert "已导入" in at.success[0].value
    with small_db.read() as s:
        rep = json.loads(s.scalar("SELECT report FROM uploads ORDER BY id DESC LIMIT 1"))
    assert [(c["row"], c["code"], c["reason"]) for c in rep["confirmed"]] == [(2, "unit_changed", "本周起按公斤报价")]
    rel = helpers.open_page("app_pages/release.py", User("li", "reviewer"), timeout=120)
    assert not rel.exception, rel.exception
    shown = alltext(rel).replace("\\", "")
    assert "由 editor 逐行确认，原因：本周起按公斤报价" in shown
    assert "计量单位由上期的「元/斤」（2024-05-06）变为「元/公斤」" in shown


def test_map_an_unknown_layout_save_the_profile_and_the_next_file_loads_by_itself(small_db: Store) -> None:
    at = open_page(User("editor", "editor"))
    dump = "1001,大米,6.90,6.10,城关农贸市场,2024-05-06 09:12:00,admin\n1002,猪肉(五花),31.00,29.80,城关农贸市场,2024-05-06 09:13:00,admin\n"
    at.file_uploader[0].set_value(("导出0506.csv", dump.encode(), "text/csv"))
    at.run()
    assert not at.exception, at.exception
    assert at.error  # not readable by itself
    at.selectbox(key="map_commodity").set_value("B")
    at.selectbox(key="map_price").set_value("D")
    at.selectbox(key="map_market").set_value("E")
    at.selectbox(key="map_date").set_value("F")
    at.selectbox(key="map_unit").set_value("=").run()
    at.text_input(key="map_unit_const").input("元/公斤")
    at.button(key="map_go").click().run()
    assert not at.exception, at.exception
    preview = table_with(at, "价格")
    assert dict(zip(preview["商品"], preview["价格"], strict=True)) == {"大米": 6.1, "猪肉(五花)": 29.8}
    at.text_input(key="profile_name").input("价格系统导出").run()
    at.button(key="profile_save").click().run()
    assert "导入方案「价格系统导出」已保存" in at.success[0].value
    at.button(key="upload_go").click().run()
    assert "已导入" in at.success[0].value
    nxt = dump.replace("2024-05-06", "2024-05-13").replace("6.10", "6.20")
    at.file_uploader[0].set_value(("导出0513.csv", nxt.encode(), "text/csv"))
    at.run()
    assert "按导入方案「价格系统导出」读取" in alltext(at)
    assert not at.error
    at.button(key="upload_go").click().run()
    assert "已导入" in at.success[0].value
    with small_db.read() as s:
        assert s.scalar("SELECT price FROM obs_staff WHERE commodity = '大米' AND obs_date = '2024-05-13'") == 6.2
        assert s.scalar("SELECT count(*) FROM audit_log WHERE action = 'profile.create'") == 1


def test_preview_confirm_and_history(small_db: Store, tmp_path) -> None:
    at = open_page(User("editor", "editor"))
    # W18 is in the small db: 大米 城关 = 6.60; correct it, add a new week row and a new name
    rows = long_rows("2024-04-29", 大米__城关农贸市场=6.5)
    rows.append(["2024-05-06", "城关农贸市场", "小米", "", "元/公斤", 8.0])
    rows.append(["2024-05-06", "城关农贸市场", "大米", "", "元/公斤", 6.6])
    at.file_uploader[0].set_value(("更正.xlsx", xlsx_bytes(tmp_path, rows), XLSX))
    at.run()
    assert not at.exception
    info = at.info[0].value
    assert "将新增 1 行、更正 1 行" in info
    revised = table_with(at, "原值")
    assert (revised["原值"].iloc[0], revised["新值"].iloc[0]) == (6.6, 6.5)
    assert at.multiselect(key="upload_new_names").options == ["小米"]
    # the warnings (here: the unknown name) must be ticked first
    assert at.button(key="upload_go").disabled
    at.multiselect(key="upload_new_names").set_value(["小米"])
    at.checkbox(key="upload_ack").check()
    at.run()
    at.button(key="upload_go").click()
    at.run()
    assert not at.exception
    assert "已导入，上传编号 4，新增 2 行、更正 1 行，待审核发布" in at.success[0].value
    last = uploads(small_db)[-1]
    assert last == ("更正.xlsx", "pending", "editor", 3)
    with small_db.read() as s:
        assert s.scalar("SELECT count(*) FROM observations WHERE revision = 2") == 1
        assert s.scalar("SELECT created_by FROM commodities WHERE name = '小米'") == "editor"
    hist = table_with(at, "文件")
    assert list(hist["文件"])[0] == "更正.xlsx" and list(hist["状态"])[0] == "待发布"
    assert at.selectbox(key="upload_report_pick").value == 4  # the new upload's report
    report = at.dataframe[-1].value
    assert "new_commodity" in set(report["代码"])


def test_template_download(small_db: Store) -> None:
    at = open_page(User("editor", "editor"))
    assert not at.exception
    from openpyxl import load_workbook

    from ingest.template import build_template

    wb = load_workbook(io.BytesIO(build_template(small_db)))
    assert wb["价格监测表"]["A3"].value == "序号"


@pytest.mark.browser
def test_upload_in_a_real_browser(small_db: Store, tmp_path: Path) -> None:
    """Log in as an editor, drop a file, tick the warnings, load it; screenshots of each step
    in test-artifacts/upload-*.png."""
    from pricewatch import accounts
    from tests.helpers import ROOT, browser_on_app

    accounts.add_user(small_db, "wang", "editor", "upload-pass-1", actor="test")
    rows = long_rows("2024-04-29", 大米__城关农贸市场=6.5)  # W18 has 6.60: a correction
    src = write_xlsx(tmp_path / "第18周更正.xlsx", {"价格": rows})
    artifacts = ROOT / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    with browser_on_app({"PRICEWATCH_DB": str(small_db.path),
                         "PRICEWATCH_NOTES_DIR": str(tmp_path / "interpretations")}) as (browser, url):
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        page.goto(url + "/", wait_until="networkidle")
        page.get_by_text("工作人员登录").first.click()
        page.get_by_label("用户名").fill("wang")
        page.get_by_label("密码").fill("upload-pass-1")
        page.get_by_role("button", name="登录").click()
        page.get_by_text("上传价格表").first.click()
        page.get_by_role("heading", name="上传价格表").wait_for(timeout=30000)
        page.set_input_files("input[type=file]", str(src))
        page.get_by_text("将更正的价格").wait_for(timeout=60000)
        page.screenshot(path=str(artifacts / "upload-preview.png"), full_page=True)
        # a correction of a loaded week: no warning to tick
        assert page.get_by_text("我已核对以上其他提示").count() == 0
        page.get_by_role("button", name="确认导入（待发布）").click()
        page.get_by_text("已导入，上传编号 4").wait_for(timeout=60000)
        assert page.locator("[data-testid='stException']").count() == 0
        page.screenshot(path=str(artifacts / "upload-done.png"), full_page=True)
    with small_db.read() as s:
        assert s.all("SELECT uploaded_by, rows_revised FROM uploads WHERE id = 4") == [("wang", 1)]


def _login(page, url: str, name: str, password: str) -> None:
    page.goto(url + "/", wait_until="networkidle")
    page.get_by_text("工作人员登录").first.click()
    page.get_by_label("用户名").fill(name)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


def _shot(page, path: Path, width: int = 1280) -> None:
    """The whole page: Streamlit scrolls inside its own container, so the viewport is made
    as tall as the content for the picture."""
    height = page.evaluate("() => Math.max(...[...document.querySelectorAll('section, div')]"
                           ".map(e => e.scrollHeight), 800)")
    page.set_viewport_size({"width": width, "height": min(int(height) + 100, 6000)})
    page.wait_for_timeout(800)
    page.screenshot(path=str(path))
    page.set_viewport_size({"width": 1280, "height": 1000})


def _choose(page, label: str, option: str) -> None:
    """Pick ``option`` in the Streamlit selectbox labelled ``label``."""
    from tests.helpers import wait_for_run

    box = page.get_by_label(label, exact=True)
    opt = page.get_by_role("option", name=option, exact=True)
    wait_for_run(page)  # a run still drawing the page would close the list as it opens
    box.click()
    try:
        # the list opens at once; the first click on a box just scrolled into view
        # sometimes only focuses it
        opt.wait_for(timeout=3000)
        opt.click(timeout=15000)
    except Exception:  # noqa: BLE001 - a slow rerun closed the list: open it again
        wait_for_run(page)
        box.click()
        opt.click(timeout=60000)
    wait_for_run(page)


@pytest.mark.browser
def test_mapping_flow_in_a_real_browser(small_db: Store, tmp_path: Path) -> None:
    """An unknown layout (a headerless export) is mapped by hand, previewed, saved as a
    profile and loaded; next week's export loads by itself with that profile; a tenfold
    price is confirmed on its row; the release page shows the confirmation and the
    profile. Screenshots (desktop and 390x844) in test-artifacts/mapping-*.png and
    release-*.png."""
    from pricewatch import accounts
    from tests.helpers import ROOT, browser_on_app, wait_for_run

    accounts.add_user(small_db, "wang", "editor", "upload-pass-1", actor="test")
    accounts.add_user(small_db, "li", "reviewer", "review-pass-1", actor="test")
    week1 = ("1001,大米,6.90,6.60,城关农贸市场,2024-05-06 09:12:00,admin\n"
             "1002,猪肉(五花),31.00,30.20,城关农贸市场,2024-05-06 09:13:00,admin\n")
    week2 = ("2001,大米,7.00,6.70,城关农贸市场,2024-05-13 09:02:00,admin\n"
             "2002,猪肉(五花),330.00,302.00,城关农贸市场,2024-05-13 09:03:00,admin\n")
    f1, f2 = tmp_path / "价格系统导出0506.csv", tmp_path / "价格系统导出0513.csv"
    f1.write_text(week1, encoding="utf-8")
    f2.write_text(week2, encoding="utf-8")
    artifacts = ROOT / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    with browser_on_app({"PRICEWATCH_DB": str(small_db.path),
                         "PRICEWATCH_NOTES_DIR": str(tmp_path / "interpretations")}) as (browser, url):
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        _login(page, url, "wang", "upload-pass-1")
        page.get_by_text("上传价格表").first.click()
        page.get_by_role("heading", name="上传价格表").wait_for(timeout=30000)
        page.set_input_files("input[type=file]", str(f1))
        page.get_by_text("未通过校验").wait_for(timeout=60000)
        page.get_by_text("文件的前几行").wait_for(timeout=30000)  # the mapping step is open
        _shot(page, artifacts / "mapping-grid.png")
        _choose(page, "品名所在列", "B")
        _choose(page, "价格所在列", "D")
        _choose(page, "市场所在列", "E")
        _choose(page, "日期所在列", "F")
        _choose(page, "单位所在列", "（固定值，下面填写）")
        page.get_by_label("单位（固定值）").fill("元/公斤")
        page.get_by_label("单位（固定值）").press("Enter")
        page.get_by_role("button", name="按此读取并预览").click()
        page.get_by_text("预览：将写入的数据").wait_for(timeout=60000)
        page.get_by_label("方案名称").fill("价格系统导出")
        page.get_by_label("方案名称").press("Enter")
        _shot(page, artifacts / "mapping-preview.png")
        page.get_by_role("button", name="保存方案").click()
        page.get_by_text("导入方案「价格系统导出」已保存").wait_for(timeout=60000)
        page.get_by_role("button", name="确认导入（待发布）").click()
        page.get_by_text("已导入，上传编号 4").wait_for(timeout=120000)
        # next week's export: read with the profile by itself; the tenfold pork price
        # stops the file until its own row is confirmed with a reason
        # the box is emptied after a load (a new widget): wait for that before the next file
        page.locator("[data-testid='stFileUploaderFile']").wait_for(state="detached", timeout=60000)
        wait_for_run(page)  # a file set while a run redraws the box is dropped with the old box
        page.set_input_files("input[type=file]", str(f2))
        try:
            page.get_by_text("按导入方案「价格系统导出」读取").wait_for(timeout=120000)
        except Exception:
            _shot(page, artifacts / "mapping-debug.png")
            raise
        page.get_by_text("需逐行确认的价格变动 1 处").wait_for(timeout=30000)
        _shot(page, artifacts / "upload-report-desktop.png")
        _shot(page, artifacts / "upload-report-phone.png", 390)
        page.get_by_label("确认原因").fill("猪肉为整箱批发价，已电话核实")
        page.get_by_label("确认原因").press("Enter")
        page.get_by_role("button", name="确认导入（待发布）").wait_for(timeout=60000)
        wait_for_run(page)  # the reason's run enables the button
        page.get_by_role("button", name="确认导入（待发布）").click()
        page.get_by_text("已导入，上传编号 5").wait_for(timeout=60000)
        assert page.locator("[data-testid='stException']").count() == 0
        page.close()
        # the reviewer sees both uploads, the profile and the confirmation
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        _login(page, url, "li", "review-pass-1")
        page.get_by_text("数据发布").first.click()
        page.get_by_role("heading", name="数据发布").wait_for(timeout=30000)
        page.get_by_text("猪肉为整箱批发价，已电话核实").first.wait_for(timeout=30000)
        page.get_by_text("按导入方案「价格系统导出」读取").first.wait_for(timeout=30000)
        assert page.locator("[data-testid='stException']").count() == 0
        _shot(page, artifacts / "release-desktop.png")
        _shot(page, artifacts / "release-phone.png", 390)
    with small_db.read() as s:
        assert s.all("SELECT uploaded_by FROM uploads WHERE id IN (4, 5) ORDER BY id") == [("wang",), ("wang",)]
        assert s.scalar("SELECT count(*) FROM import_profiles") == 1
        actions = {r[0] for r in s.all("SELECT action FROM audit_log")}
    assert {"profile.create", "ingest.confirm_rows", "ingest.reject"} <= actions


def test_a_saved_profile_loads_back_into_the_mapping_to_edit_and_save(small_db: Store) -> None:
    """Choose a saved profile: the mapping fields take its columns; change one, preview,
    save under a new name (created) or the same name (updated), each audited."""
    from ingest.profiles import Mapping, save_profile

    dump = ("1001,大米,6.90,6.10,城关农贸市场,2024-05-06 09:12:00,admin\n"
            "1002,猪肉(五花),31.00,29.80,城关农贸市场,2024-05-06 09:13:00,admin\n")
    peek = [("导出0506", [r.split(",") for r in dump.strip().split("\n")])]
    save_profile(small_db, "价格系统导出", Mapping.parse("commodity=B,price=D,market=E,date=F,unit=元/公斤"), peek,
                 "editor")
    at = open_page(User("editor", "editor"))
    at.file_uploader[0].set_value(("导出0506.csv", dump.encode(), "text/csv"))
    at.run()
    assert not at.exception, at.exception
    assert "按导入方案「价格系统导出」读取" in alltext(at)
    assert at.selectbox(key="map_profile").value == "价格系统导出"  # the profile the file was read with
    at.button(key="map_load").click().run()
    assert not at.exception, at.exception
    got = {f: at.selectbox(key=f"map_{f}").value for f in ("commodity", "price", "market", "date", "unit")}
    assert got == {"commodity": "B", "price": "D", "market": "E", "date": "F", "unit": "="}
    assert at.text_input(key="map_unit_const").value == "元/公斤"
    # the high price instead of the average, previewed, kept as a second profile
    at.selectbox(key="map_price").set_value("C")
    at.button(key="map_go").click().run()
    assert not at.exception, at.exception
    assert at.text_input(key="profile_name").value == "价格系统导出"  # the name it came from
    preview = table_with(at, "价格")
    assert dict(zip(preview["商品"], preview["价格"], strict=True)) == {"大米": 6.9, "猪肉(五花)": 31.0}
    at.text_input(key="profile_name").input("价格系统导出最高价").run()
    at.button(key="profile_save").click().run()
    assert "导入方案「价格系统导出最高价」已保存" in at.success[0].value
    # and over the first one, under its own name
    at.text_input(key="profile_name").input("价格系统导出").run()
    at.button(key="profile_save").click().run()
    assert "导入方案「价格系统导出」已更新" in at.success[0].value
    with small_db.read() as s:
        maps = dict(s.all("SELECT name, mapping FROM import_profiles"))
        actions = [r[0] for r in s.all("SELECT action FROM audit_log WHERE action LIKE 'profile.%' ORDER BY id")]
    assert {n: json.loads(m)["fields"]["price"] for n, m in maps.items()} == {
        "价格系统导出": "C", "价格系统导出最高价": "C"}
    assert actions == ["profile.create", "profile.create", "profile.update"]
