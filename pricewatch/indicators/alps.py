"""The ALPS score (an Alert for Price Spikes, after WFP): trend plus month dummies fitted by
least squares, the score is the residual over its sd. An analyst's indicator: staff see it;
the public sees it only where the deployment says so (never the word 危机).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ..periods import PER_YEAR, Freq, Period, ordinal, period_of
from ..rounding import is_missing

if TYPE_CHECKING:
    import pandas as pd



ALPS_BANDS = ((2.0, "crisis"), (1.0, "alert"), (0.25, "stress"))
ALPS_LEVEL_ZH = {"normal": "正常", "stress": "关注", "alert": "预警", "crisis": "危机"}
#: the words public pages use, where pricewatch.toml shows ALPS to the public at all
ALPS_LEVEL_PUBLIC = {"normal": "正常", "stress": "略高", "alert": "偏高", "crisis": "明显偏高"}
ALPS_SOURCE = "ALPS价格异常预警指数（世界粮食计划署方法：价格偏离长期趋势和季节规律的程度），仅供分析参考"
ALPS_YEARS = 3
#: what the score measures, in plain words for staff (where staff see an ALPS alert: the
#: internal briefing, the text report); it names the bands, so never on a public surface
ALPS_EXPLAINED = ("ALPS指数说明：ALPS指数衡量本期价格比按近三年长期趋势和季节规律推算的水平高出多少，"
                  "以过去价格偏离这一水平的通常幅度（标准差）为1个单位；0.25以下为正常，0.25至1为关注，"
                  "1至2为预警，2及以上为危机。它是分析人员的参考指标，不是发布的预警标准；"
                  "猪肉等有周期波动的商品在周期上行阶段会持续偏高，解读时应结合供求情况。")
ALPS_EXPLAINED_EN = ("About ALPS: the score says how far this period's price is above the level that the "
                     "last three years' trend and seasonal pattern predict, in units of the usual size of "
                     "such departures (one standard deviation): below 0.25 normal, 0.25-1 stress, 1-2 alert, "
                     "2 or more crisis. It is an analyst's indicator, not a published warning rule; a "
                     "cyclical price such as pork stays high through the upswing of its cycle.")
#: ALPS levels that become an alert line. With normal residuals about 16 % of periods score
#: 1 or more (the "alert" band) and about 2 % score 2 or more, so listing only "crisis" keeps
#: the weekly list to real exceptions; every item still carries its score and level.
ALPS_ALERT_LEVELS = ("crisis",)


def alps_band(score: float | None) -> str | None:
    """normal (< 0.25) | stress (0.25-1) | alert (1-2) | crisis (>= 2); None for None."""
    if is_missing(score):
        return None
    for bound, name in ALPS_BANDS:
        if score >= bound:
            return name
    return "normal"


def _season_of(starts: Any, freq: str) -> np.ndarray:
    """Month (1-12) standing for each period's season: the month of a week's Thursday.
    ``starts``: the periods' first days (dates, numpy datetime64 or a pandas index)."""
    d = np.asarray(starts, dtype="datetime64[D]")
    if freq == "week":
        d = d + np.timedelta64(3, "D")
    return d.astype("datetime64[M]").astype("int64") % 12 + 1


def _design(season: np.ndarray, t_years: np.ndarray) -> np.ndarray:
    """[1, trend in years, dummies for months 2..12]."""
    x = np.zeros((len(season), 13))
    x[:, 0] = 1.0
    x[:, 1] = t_years
    for m in range(2, 13):
        x[:, m] = season == m
    return x


def _alps_fit(y: np.ndarray, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Least squares per column of ``y`` (T x C, NaN = missing) on design ``x`` (T x K).

    Returns (residuals T x C with NaN where y is missing, residual sd per column with
    n - rank degrees of freedom; NaN when fewer than rank + 2 observations). Batched normal
    equations with a pseudo-inverse, so a month never observed (a rank-deficient design)
    still gives the least-squares fit.

    The per-column Gram matrices X' diag(m) X take one product with the distinct columns of
    the products x_k x_l (for :func:`_design`: 1, t, t^2, the dummies and t x each dummy, 25
    columns rather than 13 x 13), and a column whose Gram matrix has full rank is solved
    directly; only the rank-deficient ones take the eigendecomposition.
    """
    mask = ~np.isnan(y)
    y0 = np.where(mask, y, 0.0)
    m = mask.astype("float64")
    t, k = x.shape
    pairs = [(a, c) for a in range(k) for c in range(a, k)]
    prods = np.stack([x[:, a] * x[:, c] for a, c in pairs], axis=1)
    # identical product columns (a dummy squared is the dummy; two dummies multiply to 0) once
    first: dict[bytes, int] = {}
    back = [first.setdefault(prods[:, j].tobytes(), len(first)) for j in range(len(pairs))]
    uniq = prods[:, [back.index(i) for i in range(len(first))]]
    sums = m.T @ uniq                                        # C x (distinct products)
    g = np.empty((y.shape[1], k, k))
    for j, (a, c) in enumerate(pairs):
        g[:, a, c] = g[:, c, a] = sums[:, back[j]]
    b = (m * y0).T @ x
    beta, rank = _solve(g, b)
    fitted = x @ beta.T
    resid = np.where(mask, y0 - fitted, np.nan)
    n = m.sum(axis=0)
    dof = n - rank
    with np.errstate(invalid="ignore", divide="ignore"):
        sd = np.sqrt(np.nansum(resid**2, axis=0) / dof)
    sd = np.where(dof >= 2, sd, np.nan)
    return resid, sd


def _solve(g: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(beta C x K, rank C) of the normal equations g beta = b, one per column: Gram matrices
    ``g`` (C x K x K) and ``b`` (C x K). A column whose Gram matrix is well-conditioned for
    certain (no design column unobserved, such as a month never priced; a Cholesky
    factorisation that exists, pivots within 1e-6 of each other in scale) is solved
    directly; the rest take a symmetric eigendecomposition, which gives the pseudo-inverse
    (the least-squares fit of a rank-deficient design) and the rank."""
    c, k = b.shape
    beta = np.empty((c, k))
    rank = np.full(c, k)
    solid = (np.diagonal(g, axis1=1, axis2=2) > 0).all(axis=1)
    if solid.any():
        try:
            d = np.diagonal(np.linalg.cholesky(g[solid]), axis1=1, axis2=2) ** 2
            solid[solid] = d.min(axis=1) > 1e-6 * d.max(axis=1)
        except np.linalg.LinAlgError:
            solid[:] = False
    if solid.any():
        beta[solid] = np.linalg.solve(g[solid], b[solid][:, :, None])[:, :, 0]
    weak = ~solid
    if weak.any():
        lam, vec = np.linalg.eigh(g[weak])
        tol = lam.max(axis=1, keepdims=True) * k * np.finfo("float64").eps
        keep = lam > tol
        inv = np.where(keep, 1.0 / np.where(keep, lam, 1.0), 0.0)
        beta[weak] = np.einsum("ckl,cl->ck", vec, np.einsum("cml,cm->cl", vec, b[weak]) * inv)
        rank[weak] = keep.sum(axis=1)
    return beta, rank


def alps_scores(prices: pd.Series, freq: Freq = "week") -> pd.Series:
    """ALPS score of every period of one series, from one fit over the whole series.

    ``prices`` is indexed by period start (dates). The series must span 3 years (156 weeks,
    108 旬, 36 months or 1095 days from the first to the last price), else every score is NaN. The fit is
    in-sample (the score of a period uses the whole series); :func:`report` scores period t
    with the series up to t. A residual sd of 0 (a perfect fit) gives NaN.
    """
    import pandas as pd

    s = prices.astype("float64")
    out = pd.Series(np.nan, index=s.index)
    ok = s.dropna()
    if ok.empty:
        return out
    starts = pd.DatetimeIndex(pd.to_datetime(pd.Index(s.index)))
    first = pd.Timestamp(pd.to_datetime(ok.index.min()))
    last = pd.Timestamp(pd.to_datetime(ok.index.max()))
    span = ordinal(period_of(last.date(), freq)) - ordinal(period_of(first.date(), freq)) + 1
    if span < ALPS_YEARS * PER_YEAR[freq]:
        return out
    t_years = np.asarray((starts - first).days, dtype="float64") / 365.25
    x = _design(_season_of(starts, freq), t_years)
    resid, sd = _alps_fit(s.to_numpy()[:, None], x)
    if not np.isfinite(sd[0]) or sd[0] == 0:
        return out
    return pd.Series(resid[:, 0] / sd[0], index=s.index)



def _alps_from_sums(sums: dict[str, np.ndarray], ids: np.ndarray, y_now: np.ndarray, now: Period) -> np.ndarray:
    """ALPS score of period ``now`` for each commodity of ``ids`` (sorted; NaN where not
    defined), each series fitted on its prices up to and including ``now``, from the sums of
    :func:`pricewatch.store.aggregates.season_sums` (taken up to ``now.start``, with t in
    years from ``now.start``) and the period's own prices ``y_now`` (NaN: not priced).

    The fit is :func:`_alps_fit`'s: the Gram matrix of the design [1, t, month dummies 2-12]
    and its right-hand side are the per-season sums put in place, and the residual sum of
    squares is y'y - 2 beta'b + beta'G beta. A series needs 3 years from its first price to
    ``now`` and a price at ``now``; a residual sd of 0 (a perfect fit, such as a price that
    never moved: rounding leaves a sum of squares of a few 1e-16 of y'y) gives no score.
    """
    c = len(ids)
    out = np.full(c, np.nan)
    cid = np.asarray(sums["commodity_id"], dtype="int64")
    if c == 0 or not len(cid):
        return out
    col = np.minimum(np.searchsorted(ids, cid), c - 1)
    known = ids[col] == cid
    col = col[known]
    season = np.asarray(sums["season"], dtype="int64")[known]

    def part(name: str) -> np.ndarray:
        return np.asarray(sums[name], dtype="float64")[known]

    nm, st, stt, sy, sty, syy = (part(x) for x in ("n", "st", "stt", "sy", "sty", "syy"))
    first = np.full(c, np.iinfo("int64").max)
    np.minimum.at(first, col, np.asarray(sums["first"], dtype="int64")[known])
    need = ALPS_YEARS * PER_YEAR[now.freq]
    eligible = (ordinal(now) - first + 1 >= need) & ~np.isnan(y_now)
    if not eligible.any():
        return out
    k = 13
    g = np.zeros((c, k, k))
    b = np.zeros((c, k))

    def total(w: np.ndarray) -> np.ndarray:
        return np.bincount(col, weights=w, minlength=c)

    n = total(nm)
    g[:, 0, 0] = n
    g[:, 0, 1] = g[:, 1, 0] = total(st)
    g[:, 1, 1] = total(stt)
    b[:, 0], b[:, 1] = total(sy), total(sty)
    yy = total(syy)
    d = season >= 2                      # a month's dummy (January is the intercept's)
    cd, j = col[d], season[d]
    g[cd, 0, j] = g[cd, j, 0] = g[cd, j, j] = nm[d]
    g[cd, 1, j] = g[cd, j, 1] = st[d]
    b[cd, j] = sy[d]
    cols = np.nonzero(eligible)[0]
    g, b, yy, n = g[cols], b[cols], yy[cols], n[cols]
    beta, rank = _solve(g, b)
    x_now = np.zeros(k)
    x_now[0] = 1.0                       # t = 0: the sums' years count from now.start
    season_now = int(_season_of([now.start], now.freq)[0])
    if season_now >= 2:
        x_now[season_now] = 1.0
    resid = y_now[cols] - beta @ x_now
    rss = yy - 2 * np.einsum("ck,ck->c", beta, b) + np.einsum("ck,ckl,cl->c", beta, g, beta)
    dof = n - rank
    with np.errstate(invalid="ignore", divide="ignore"):
        sd = np.sqrt(rss / dof)
        score = resid / sd
    score[(dof < 2) | (rss <= 1e-12 * yy) | ~np.isfinite(score)] = np.nan
    out[cols] = score
    return out
