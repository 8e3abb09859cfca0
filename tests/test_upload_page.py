"""The upload page in AppTest: drop a file -> report -> preview -> confirm -> pending."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "ingest"))
from ingest_testkit import long_rows, write_xlsx  # noqa: E402

from pricewatch.accounts import User  # noqa: E402
from pricewatch.store import Store  # noqa: E402
from tests.conftest import sign_in  # noqa: E402

APP = str(Path(__file__).resolve().parent.parent / "dashboard" / "app.py")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def open_page(user: User | None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    if user is not None:
        sign_in(at, user)
    at.run()
    at.switch_page("app_pages/upload.py")
    at.run()
    return at


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


def test_rejected_file_shows_every_error_and_writes_nothing(small_db: Store, tmp_path) -> None:
    before = uploads(small_db)
    at = open_page(User("editor", "editor"))
    rows = long_rows("2024-05-06", 大米__城关农贸市场=6.0)
    rows.append(["2024-05-06", "城关农贸市场", "面粉", "", "元/公斤", "五元"])
    at.file_uploader[0].set_value(("第19周.xlsx", xlsx_bytes(tmp_path, rows), XLSX))
    at.run()
    assert not at.exception
    assert "「第19周.xlsx」未通过校验，共 1 个错误" in at.error[0].value
    table = at.dataframe[0].value
    errors = table[table["级别"] == "错误"]
    assert list(errors["代码"]) == ["not_a_number"] and list(errors["行"]) == ["3"]
    assert "「五元」不是数字" in errors["说明"].iloc[0]
    assert uploads(small_db) == before


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
    revised = at.dataframe[0].value
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
    hist = at.dataframe[0].value
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
    from tests.conftest import BROWSER_ARGS, ROOT, chromium_or_skip, start_streamlit

    chromium = chromium_or_skip()
    from playwright.sync_api import sync_playwright

    from pricewatch import accounts

    accounts.add_user(small_db, "wang", "editor", "upload-pass-1", actor="test")
    rows = long_rows("2024-04-29", 大米__城关农贸市场=6.5)  # W18 has 6.60: a correction
    src = write_xlsx(tmp_path / "第18周更正.xlsx", {"价格": rows})
    artifacts = ROOT / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    proc, url = start_streamlit({"PRICEWATCH_DB": str(small_db.path),
                                 "PRICEWATCH_NOTES_DIR": str(tmp_path / "interpretations")})
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium, args=BROWSER_ARGS)
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
            assert page.get_by_text("我已逐条核对以上警告").count() == 0
            page.get_by_role("button", name="确认导入(待发布)").click()
            page.get_by_text("已导入，上传编号 4").wait_for(timeout=60000)
            assert page.locator("[data-testid='stException']").count() == 0
            page.screenshot(path=str(artifacts / "upload-done.png"), full_page=True)
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    with small_db.read() as s:
        assert s.all("SELECT uploaded_by, rows_revised FROM uploads WHERE id = 4") == [("wang", 1)]
