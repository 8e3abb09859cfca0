"""ALPS: a synthetic seasonal series with one injected spike is flagged at exactly that period."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from pricewatch import indicators
from pricewatch.config import Settings
from pricewatch.periods import period_of
from tests.fixtures.indicator_data import M1, make_store

N_WEEKS, SPIKE = 200, 170
FIRST = date(2021, 1, 4)  # 2021-W01


def synthetic() -> tuple[list[date], np.ndarray]:
    """Trend + a month-of-year season + bounded noise (uniform +-0.3), and +3.0 at SPIKE."""
    rng = np.random.default_rng(7)
    starts = [FIRST + timedelta(weeks=i) for i in range(N_WEEKS)]
    month = np.array([(d + timedelta(days=3)).month for d in starts])
    y = 20 + 0.01 * np.arange(N_WEEKS) + 2 * np.sin(2 * np.pi * month / 12) \
        + rng.uniform(-0.3, 0.3, N_WEEKS)
    y[SPIKE] += 3.0
    return starts, np.round(y, 2)


def test_alps_flags_exactly_the_spike():
    starts, y = synthetic()
    scores = indicators.alps_scores(pd.Series(y, index=pd.to_datetime(starts)), "week")
    bands = [indicators.alps_band(v) for v in scores]
    # the spike is ~10 residual sd above the fit; bounded noise never reaches 2 sd
    assert [i for i, b in enumerate(bands) if b == "crisis"] == [SPIKE]
    assert scores.iloc[SPIKE] > 5


def test_alps_needs_three_years():
    starts, y = synthetic()
    short = pd.Series(y[:155], index=pd.to_datetime(starts[:155]))   # 155 weeks < 156
    assert indicators.alps_scores(short, "week").isna().all()
    enough = pd.Series(y[:156], index=pd.to_datetime(starts[:156]))
    assert indicators.alps_scores(enough, "week").notna().all()


def test_alps_monthly_series():
    # 48 months: trend + season + bounded noise; a spike in month 40 is the only crisis
    rng = np.random.default_rng(3)
    idx = pd.date_range("2020-01-01", periods=48, freq="MS")
    y = 10 + 0.05 * np.arange(48) + np.cos(2 * np.pi * np.asarray(idx.month) / 12) \
        + rng.uniform(-0.1, 0.1, 48)
    y[40] += 1.5
    bands = [indicators.alps_band(v) for v in indicators.alps_scores(pd.Series(y, index=idx), "month")]
    assert [i for i, b in enumerate(bands) if b == "crisis"] == [40]


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    starts, y = synthetic()
    rows = [("季节菜", M1, d, float(v)) for d, v in zip(starts, y, strict=True)]
    return make_store(tmp_path_factory.mktemp("alps") / "pw.duckdb", rows)


def test_report_raises_an_alps_alert_at_the_spike(store):
    starts, _ = synthetic()
    # the series is scored with its prices up to the reported period
    spike = indicators.report(store, period=period_of(starts[SPIKE]).label, public=False, settings=Settings())
    alps = [a for a in spike.alerts if a["kind"] == "alps"]
    assert len(alps) == 1 and alps[0]["commodity"] == "季节菜" and alps[0]["level"] == "crisis"
    assert alps[0]["message"].startswith("季节菜价格明显高于按长期趋势和季节规律推算的水平（ALPS指数")
    assert (alps[0]["rule"], alps[0]["level_label"]) == ("alps", "危机") and "ALPS" in alps[0]["source"]
    row = spike.items.iloc[0]
    # the item's alert text carries every alert of the commodity: here the jump too (+11.4 %)
    assert row["alps_level"] == "crisis"
    assert row["alert"] == "季节菜价格环比上涨11.4%，超过5%的预警线（黄色预警）；" + alps[0]["message"]


def test_public_sees_no_alps_unless_the_deployment_says_so(store):
    starts, _ = synthetic()
    label = period_of(starts[SPIKE]).label
    public = indicators.report(store, period=label, settings=Settings())
    assert [a for a in public.alerts if a["kind"] == "alps"] == []
    assert public.items.iloc[0]["alps"] is None and "ALPS" not in str(public.items.iloc[0]["alert"])
    assert "危机" not in repr(public.to_json())
    shown = indicators.report(store, period=label, settings=Settings(alps_public=True))
    alps = [a for a in shown.alerts if a["kind"] == "alps"]
    assert len(alps) == 1 and "危机" not in alps[0]["message"] and "ALPS指数" not in alps[0]["message"]
    assert alps[0]["level_label"] == "明显偏高"


@pytest.mark.parametrize("week", [
    SPIKE - 1,   # the week before the spike: normal noise
    SPIKE + 1,   # the week after: back on trend (the spike is in the fit now)
    N_WEEKS - 1,  # the latest week
])
def test_report_has_no_alps_alert_elsewhere(store, week):
    starts, _ = synthetic()
    rep = indicators.report(store, period=period_of(starts[week]).label, public=False, settings=Settings())
    assert [a for a in rep.alerts if a["kind"] == "alps"] == []
    assert rep.items.iloc[0]["alps"] is not None


def test_report_has_no_alps_score_before_three_years(store):
    starts, _ = synthetic()
    rep = indicators.report(store, period=period_of(starts[150]).label, public=False, settings=Settings())
    assert rep.items.iloc[0]["alps"] is None and rep.items.iloc[0]["alps_level"] is None


def test_staff_read_what_alps_measures_the_public_never_does(store):
    """Where staff see an ALPS alert (the text report, the internal briefing) a plain-Chinese
    explanation follows; a public briefing, even with ALPS allowed, has neither it nor 危机."""
    from html import escape

    from pricewatch import briefing
    from pricewatch.briefing import render_html
    from pwcli.commands.report import render_text

    starts, _ = synthetic()
    label = period_of(starts[SPIKE]).label
    staff = indicators.report(store, period=label, public=False, settings=Settings())
    assert indicators.ALPS_EXPLAINED in render_text(staff)
    assert "趋势和季节规律" in indicators.ALPS_EXPLAINED and "标准差" in indicators.ALPS_EXPLAINED
    html = render_html.render(briefing.build(store, Settings(), label, public=False))
    assert escape(indicators.ALPS_EXPLAINED) in html
    calm = indicators.report(store, period=period_of(starts[SPIKE - 1]).label, public=False, settings=Settings())
    assert indicators.ALPS_EXPLAINED not in render_text(calm)      # no ALPS alert, no explanation
    shown = Settings(alps_public=True)
    public = briefing.build(store, shown, label, public=True)
    assert any(a.kind == "alps" for a in public.alerts)
    html = render_html.render(public)
    assert "ALPS指数说明" not in html and "危机" not in html
    assert "ALPS指数说明" not in render_text(indicators.report(store, period=label, settings=shown))


def test_the_staff_briefing_page_explains_alps(tmp_path, monkeypatch):
    """The staff page 领导简报 in the week of the spike: the ALPS alert and, under the alerts,
    what the score measures."""
    from streamlit.testing.v1 import AppTest

    from pricewatch.accounts import User
    from tests.helpers import APP, sign_in

    starts, y = synthetic()
    rows = [("季节菜", M1, d, float(v)) for d, v in zip(starts[:SPIKE + 1], y[:SPIKE + 1], strict=True)]
    store = make_store(tmp_path / "pw.duckdb", rows)
    monkeypatch.setenv("PRICEWATCH_DB", str(store.path))
    at = AppTest.from_file(APP, default_timeout=120)
    sign_in(at, User("leader", "leader"))
    at.run()
    at.switch_page("app_pages/briefing.py")
    at.run()
    assert not at.exception, at.exception
    assert at.selectbox(key="period").value == period_of(starts[SPIKE]).label
    assert any("ALPS指数" in str(t.value) for t in at.text)
    assert indicators.ALPS_EXPLAINED in [str(c.value) for c in at.caption]


def _lstsq_oracle(y: np.ndarray, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One ``numpy.linalg.lstsq`` per column on its observed rows: residuals and their sd
    with n - rank degrees of freedom (NaN below 2), as the batched fit defines them."""
    resid = np.full(y.shape, np.nan)
    sd = np.full(y.shape[1], np.nan)
    for c in range(y.shape[1]):
        ok = ~np.isnan(y[:, c])
        if not ok.any():
            continue
        beta, _res, rank, _sv = np.linalg.lstsq(x[ok], y[ok, c], rcond=None)
        resid[ok, c] = y[ok, c] - x[ok] @ beta
        dof = ok.sum() - rank
        if dof >= 2:
            sd[c] = np.sqrt((resid[ok, c] ** 2).sum() / dof)
    return resid, sd


@pytest.mark.parametrize("seed", range(6))
def test_batched_fit_matches_one_least_squares_per_series(seed):
    """The batched fit (direct solves where the design is well-conditioned, the
    pseudo-inverse elsewhere) gives every series the least-squares fit: a month never priced,
    a nearly empty series and a seasonal fruit (priced half the year) included."""
    from pricewatch.indicators.alps import _alps_fit, _design

    rng = np.random.default_rng(seed)
    t, c = int(rng.integers(60, 400)), 40
    season = (np.arange(t) // 4) % 12 + 1
    x = _design(season, np.arange(t) / 52)
    y = rng.uniform(2, 300) + rng.normal(size=(t, c)).cumsum(axis=0) * rng.uniform(0.05, 2)
    y[rng.random((t, c)) < 0.2] = np.nan
    y[season == 7, 0] = np.nan                       # July never priced
    y[rng.random(t) < 0.97, 1] = np.nan              # a handful of prices
    y[(season > 3) & (season < 10), 2] = np.nan      # priced October to March only
    y[:, 3] = np.nan                                 # never priced
    resid, sd = _alps_fit(y, x)
    want_resid, want_sd = _lstsq_oracle(y, x)
    np.testing.assert_array_equal(np.isnan(sd), np.isnan(want_sd))
    np.testing.assert_allclose(sd, want_sd, rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(resid, want_resid, rtol=1e-7, atol=1e-7)


@pytest.mark.parametrize("seed", range(3))
def test_the_report_scores_each_series_as_its_own_least_squares_fit(tmp_path, seed):
    """The report's ALPS score of each commodity (fitted from per-season sums the store
    groups) is the residual over its sd of one least-squares fit of that commodity's own
    series up to the reported period, [1, years, month dummies] by ``numpy.linalg.lstsq``:
    random walks with gaps, a fruit priced October to March, a series three years old only in the last week, a
    price that never moved (no score: its fit is perfect) and a series a month short of
    every July; scored only where the commodity was priced this period and the last."""
    rng = np.random.default_rng(seed)
    weeks = int(rng.integers(170, 260))
    starts = [FIRST + timedelta(weeks=i) for i in range(weeks)]
    month = np.array([(d + timedelta(days=3)).month for d in starts])
    series: dict[str, np.ndarray] = {}
    for i in range(5):
        y = rng.uniform(5, 60) + rng.normal(size=weeks).cumsum() * rng.uniform(0.05, 1.0)
        y[rng.random(weeks) < 0.15] = np.nan
        series[f"随机菜{i}"] = y
    fruit = 20 + rng.normal(size=weeks).cumsum() * 0.3
    fruit[(month > 3) & (month < 10)] = np.nan
    series["冬果"] = fruit
    short = 8 + rng.normal(size=weeks).cumsum() * 0.1
    short[: weeks - 156] = np.nan                  # three years old in the last week only
    series["新菜"] = short
    series["定价米"] = np.full(weeks, 6.0)
    july = 12 + rng.normal(size=weeks).cumsum() * 0.2
    july[month == 7] = np.nan
    series["缺七月"] = july
    series = {k: np.round(np.where(np.isnan(v), np.nan, np.abs(v) + 1), 2) for k, v in series.items()}
    rows = [(name, M1, starts[t], float(v[t])) for name, v in series.items() for t in range(weeks)
            if not np.isnan(v[t])]
    store = make_store(tmp_path / "pw.duckdb", rows)
    years = np.array([(d - FIRST).days for d in starts], dtype="float64") / 365.25
    x = np.zeros((weeks, 13))
    x[:, 0], x[:, 1] = 1.0, years
    for m in range(2, 13):
        x[:, m] = month == m
    checked = 0
    for ti in sorted({weeks - 1, weeks - 2, *rng.integers(150, weeks, 4).tolist()}):
        indicators.clear_cache()
        rep = indicators.report(store, period=period_of(starts[ti]).label, public=False, settings=Settings())
        got = dict(zip(rep.raw["commodity"], rep.raw["alps"], strict=True))
        for name, y in series.items():
            want = None
            seen = np.flatnonzero(~np.isnan(y[: ti + 1]))
            if (len(seen) and ti - seen[0] + 1 >= 156 and not np.isnan(y[ti]) and not np.isnan(y[ti - 1])
                    and np.ptp(y[seen]) > 0):
                ok = ~np.isnan(y[: ti + 1])
                beta, _r, rank, _s = np.linalg.lstsq(x[: ti + 1][ok], y[: ti + 1][ok], rcond=None)
                resid = y[: ti + 1][ok] - x[: ti + 1][ok] @ beta
                want = resid[-1] / np.sqrt((resid**2).sum() / (ok.sum() - rank))
            have = got.get(name)
            if want is None:
                assert have is None or np.isnan(have), (name, starts[ti], have)
            else:
                assert have == pytest.approx(want, rel=1e-7, abs=1e-7), (name, starts[ti])
                checked += 1
    assert checked >= 10
