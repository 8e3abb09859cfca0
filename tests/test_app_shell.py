"""The Streamlit shell: every page runs without an exception; the navigation follows the
role; the home page shows the released week only."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from streamlit.testing.v1 import AppTest

from pricewatch.accounts import User
from pricewatch.store import Store
from tests.helpers import APP, sign_in


def run_app(user: User | None = None, page: str | None = None, **params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    if user is not None:
        sign_in(at, user)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    if page is not None:
        at.switch_page(page)
        at.run()
    return at


def texts(at: AppTest) -> str:
    parts = [e.value for e in at.title] + [e.value for e in at.subheader] + [e.value for e in at.caption]
    parts += [str(e.value) for e in at.markdown] + [e.value for e in at.info] + [e.value for e in at.error]
    return "\n".join(map(str, parts))


def test_home_shows_the_latest_released_week_in_chinese(small_db: Store) -> None:
    at = run_app()
    assert not at.exception
    assert at.title[0].value == "本周价格"
    body = texts(at)
    # the newest week (2024-W18) is pending, so the public sees 2024-W17
    assert "2024年第17周" in body and "2024年第18周" not in body
    assert "本周监测2种商品，2种上涨、0种下降、0种持平" in body
    board = "\n".join(df.value.to_string() for df in at.dataframe)
    # 大米 in W17: 6.12, 6.00 and 6.61 in the three markets -> mean 18.73 / 3 = 6.2433 -> 6.24
    assert "6.24" in board
    # the pending W18: 6.60, 6.47, 7.13 -> 6.73 must not show
    assert "6.73" not in board


def test_english_switch_translates_the_page(small_db: Store) -> None:
    at = run_app(lang="en")
    assert not at.exception
    assert at.title[0].value == "This week's prices"


def test_trend_page_opens_the_commodity_named_in_the_link(small_db: Store) -> None:
    at = run_app(page="app_pages/trend.py", commodity="猪肉(五花)")
    assert not at.exception
    assert at.selectbox(key="commodity").value == "猪肉(五花)"


def test_the_public_sees_no_staff_pages_and_staff_see_theirs(small_db: Store) -> None:
    at = run_app()
    assert not at.exception
    at = run_app(page="app_pages/login.py")
    assert not at.exception
    assert at.title[0].value == "工作人员登录"


def test_login_page_posts_to_the_login_route_and_says_a_refusal_plainly(small_db: Store) -> None:
    at = run_app(page="app_pages/login.py")
    assert not at.exception
    form = "\n".join(str(e.proto.body) for e in at.get("html"))
    assert 'action="/auth/login"' in form and 'type="password"' in form
    at = run_app(page="app_pages/login.py", login="failed")
    assert "用户名或密码错误" in texts(at)


def test_every_staff_page_checks_the_role_itself(small_db: Store) -> None:
    """Each staff page, run by itself (no navigation around it), refuses the public and
    every role the navigation does not give it."""
    from dashboard.nav import STAFF_PAGES
    from pricewatch.accounts import ROLES

    pages = Path(APP).parent / "app_pages"
    for spec in STAFF_PAGES:
        for role in [None, *(r for r in ROLES if r not in spec.roles and r != "admin")]:
            at = AppTest.from_file(str(pages / spec.file), default_timeout=60)
            if role is not None:
                sign_in(at, User(f"x-{role}", role))
            at.run()
            assert not at.exception, (spec.file, role)
            assert at.error, f"{spec.file} opened for {role or 'the public'}"
            assert not at.dataframe and not at.button, (spec.file, role)


def test_audit_page_shows_logins_to_a_reviewer(small_db: Store) -> None:
    from pricewatch import accounts

    accounts.add_user(small_db, "li", "reviewer", "review-pass-1")
    accounts.authenticate(small_db, "li", "review-pass-1")
    at = run_app(user=User("li", "reviewer"), page="app_pages/audit.py")
    assert not at.exception
    table = at.dataframe[0].value
    assert "登录成功" in table["操作"].tolist()
    assert "发布数据" in table["操作"].tolist()
    assert list(table.columns) == ["时间", "操作人", "操作", "对象", "详情"]
    # filters: what, who, when (the data's uploads were today; a range in the past is empty)
    at.selectbox(key="kind").set_value("ingest").run()
    assert set(at.dataframe[0].value["操作"]) == {"上传数据"}
    at.selectbox(key="kind").set_value("").run()
    at.selectbox(key="who").set_value("li").run()
    assert set(at.dataframe[0].value["操作人"]) == {"li"}
    at.date_input(key="when").set_value((date(2020, 1, 1), date(2020, 1, 31))).run()
    assert not at.dataframe and "没有符合条件的记录" in texts(at)



def test_an_identity_provider_can_replace_the_built_in_accounts(small_db: Store, tmp_path: Path,
                                                                 monkeypatch) -> None:
    """[auth] provider = "oidc": st.user (st.login) names the account, which gives the role;
    `users revoke` refuses identities issued before it."""
    import time

    from pricewatch import accounts, sessions

    cfg = tmp_path / "pricewatch.toml"
    cfg.write_text('[auth]\nprovider = "oidc"\n', encoding="utf-8")
    monkeypatch.setenv("PRICEWATCH_CONFIG", str(cfg))
    accounts.add_user(small_db, "zhang@bureau.example", "leader", "leader-pass-1")

    def as_identity(email: str, iat: float) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=60)
        at.user = {"is_logged_in": True, "email": email, "iat": int(iat)}
        at.run()
        return at

    at = as_identity("zhang@bureau.example", time.time() - 5)
    at.switch_page("app_pages/briefing.py").run()
    assert not at.exception and at.title[0].value == "领导简报"
    assert not any("仅供工作人员" in e.value for e in at.error)  # not refused
    at = as_identity("stranger@elsewhere.example", time.time())  # no account: no staff pages
    assert not at.exception
    at.switch_page("app_pages/login.py").run()
    assert [b.label for b in at.button] == ["使用统一身份认证登录"]
    sessions.revoke_user(small_db, "zhang@bureau.example", actor="admin")
    at = as_identity("zhang@bureau.example", time.time() - 5)
    at.switch_page("app_pages/login.py").run()
    assert [b.label for b in at.button] == ["使用统一身份认证登录"]
