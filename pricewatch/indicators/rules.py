"""价格预警 as rules: thresholds from published documents, applied to one period's figures.

The rules are data (``warning_rules.toml`` beside this module; a deployment's own file in
``[alerts] rules_file`` is laid over it): groups of commodities, and presets that each cite
the document they come from. A deployment picks presets in pricewatch.toml
(``[alerts] presets = ["abnormal", "guangdong2013", "pork"]``); without that,
:data:`DEFAULT_PRESETS` apply: 价格异常波动 (a one-period rise above 5 % in grain, oil, meat or
eggs, at every frequency) and the bureau's own lines (``local``: the category's
``jump_threshold_pct``, else ``[alerts] jump_threshold_pct``, default 5 %, either way).

What each rule kind compares (published values, so a message agrees with the tables):

* ``change`` - the item's 环比 or 同比 (matched markets, rounded to 0.1 %) against ``above``:
  a level applies when the change is strictly above its line (超过);
* ``threshold`` - |环比| at or above the bureau's line (达到 when exactly on it);
* ``consecutive`` - the commodity price (all markets that reported, 2 decimals) rose ``n``
  periods in a row, each change rounding above 0.0 %;
* ``cumulative`` - the commodity price now against ``window_days`` earlier, counted in whole
  periods (10 days: 10 days, 2 weeks, 1 旬, 1 month);
* ``ratio`` - numerator / denominator commodity prices (猪粮比价: 生猪 : 玉米) against bands;
  active only where both are monitored and priced this period. A band with ``periods``
  holds only when the ratio stayed in it that many periods in a row.

A commodity gets at most one alert per measure (环比, 同比, ...): the most severe level, and
among equals the rule listed first. Levels are red, orange and yellow, each with its words
(红色预警 ...); an alert never relies on colour alone.
"""

from __future__ import annotations

import math
import threading
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..config import Settings
from ..errors import ConfigError
from .formulas import round_half_up, round_half_up_array
from .messages import jump_message

RULES_FILE = Path(__file__).with_name("warning_rules.toml")
DEFAULT_PRESETS = ("abnormal", "local")
KINDS = ("change", "threshold", "consecutive", "cumulative", "ratio")
#: severity and words of each level (higher is more severe)
LEVELS: dict[str, tuple[int, str]] = {"red": (3, "红色预警"), "orange": (2, "橙色预警"),
                                      "yellow": (1, "黄色预警")}

_PERIOD_DAYS = {"day": 1, "week": 7, "xun": 10, "month": 30}
_UNIT_ZH = {"day": "天", "week": "周", "xun": "旬", "month": "个月"}
_MEASURE_ZH = {"wow": "环比", "yoy": "同比"}


@dataclass(frozen=True)
class Group:
    categories: tuple[str, ...] = ()
    prefixes: tuple[str, ...] = ()
    suffixes: tuple[str, ...] = ()

    def has(self, name: str, category: str | None) -> bool:
        return (category in self.categories) or name.startswith(self.prefixes or ("\0",)) \
            or name.endswith(self.suffixes or ("\0",))


@dataclass(frozen=True)
class Level:
    level: str
    label: str
    above: float | None = None
    below: float | None = None
    between: tuple[float, float] | None = None
    periods: int = 1


@dataclass(frozen=True)
class Rule:
    id: str
    kind: str
    preset: str
    source: str
    levels: tuple[Level, ...]
    standard: str = ""
    name: str = ""
    measure: str = "wow"
    direction: str = "up"
    groups: tuple[str, ...] = ()
    freqs: tuple[str, ...] = ()
    n: int = 3
    window_days: int = 10
    numerator: tuple[str, ...] = ()
    denominator: tuple[str, ...] = ()

    def window(self, freq: str) -> int:
        """Periods of history this rule needs before the current one."""
        if self.kind == "consecutive":
            return self.n
        if self.kind == "cumulative":
            return max(1, math.ceil(self.window_days / _PERIOD_DAYS[freq]))
        if self.kind == "ratio":
            return max(lv.periods for lv in self.levels) - 1
        return 0


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[Rule, ...]
    groups: dict[str, Group]
    #: (rule id, name, category) -> whether the item is in the rule's groups (the catalog is
    #: bounded, and a rule set is made once per rules file version: see :func:`load_rules`)
    _member: dict[tuple[str, str, str | None], bool] = field(default_factory=dict, compare=False, repr=False)

    def for_freq(self, freq: str) -> tuple[Rule, ...]:
        return tuple(r for r in self.rules if not r.freqs or freq in r.freqs)

    def window(self, freq: str) -> int:
        return max((r.window(freq) for r in self.for_freq(freq)), default=0)

    def in_groups(self, rule: Rule, name: str, category: str | None) -> bool:
        if not rule.groups:
            return True
        key = (rule.id, name, category)
        hit = self._member.get(key)
        if hit is None:
            hit = self._member[key] = any(self.groups[g].has(name, category) for g in rule.groups)
        return hit


# -- reading the rules file -------------------------------------------------------------------
def _read(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError as e:
        raise ConfigError(f"预警规则文件 {path} 不存在", "检查 pricewatch.toml 中 [alerts] rules_file 的路径") from e
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"预警规则文件 {path} 格式错误：{e}", "按 TOML 语法修改后重试") from e


def _tuple(v: Any) -> tuple[str, ...]:
    return tuple(str(x) for x in v) if isinstance(v, list) else ((str(v),) if v else ())


def _level(raw: Any, where: str) -> Level:
    if not isinstance(raw, dict) or raw.get("level") not in LEVELS:
        raise ConfigError(f"{where}：级别写法不对（{raw!r}）",
                          "每级写作 { level = \"yellow\", above = 5 }，level 为 red、orange 或 yellow")
    between = raw.get("between")
    try:
        return Level(str(raw["level"]), str(raw.get("label") or LEVELS[raw["level"]][1]),
                     None if raw.get("above") is None else float(raw["above"]),
                     None if raw.get("below") is None else float(raw["below"]),
                     (float(between[0]), float(between[1])) if between else None,
                     int(raw.get("periods", 1)))
    except (TypeError, ValueError, IndexError) as e:
        raise ConfigError(f"{where}：阈值必须是数字（{raw!r}）", "例如 above = 5、between = [5, 6]") from e


def _rule(raw: dict[str, Any], preset: str, source: str, groups: dict[str, Group]) -> Rule:
    rid = str(raw.get("id") or "")
    where = f"预警规则「{rid or '未命名'}」（预设 {preset}）"
    if not rid:
        raise ConfigError(f"预设 {preset} 中有一条规则没有 id", "每条规则写一个 id，例如 id = \"abnormal\"")
    kind = raw.get("kind")
    if kind not in KINDS:
        raise ConfigError(f"{where}的类型「{kind}」无效", "kind 可选：" + "、".join(KINDS))
    levels = tuple(_level(lv, where) for lv in raw.get("levels") or [])
    if not levels:
        raise ConfigError(f"{where}没有预警级别", "至少写一级，例如 levels = [{ level = \"yellow\", above = 5 }]")
    unknown = [g for g in _tuple(raw.get("groups")) if g not in groups]
    if unknown:
        raise ConfigError(f"{where}引用了未定义的商品组：{'、'.join(unknown)}",
                          "在规则文件的 [groups] 中定义它们，或改用已有的组：" + "、".join(groups))
    if raw.get("measure", "wow") not in _MEASURE_ZH or raw.get("direction", "up") not in ("up", "down", "both"):
        raise ConfigError(f"{where}的 measure 或 direction 无效", "measure 为 wow 或 yoy；direction 为 up、down 或 both")
    if kind == "ratio" and not (raw.get("numerator") and raw.get("denominator")):
        raise ConfigError(f"{where}缺少比价的分子或分母商品", "例如 numerator = [\"生猪\"]，denominator = [\"玉米\"]")
    # a rule may cite its own document (a preset gathering rules from more than one)
    return Rule(id=rid, kind=str(kind), preset=preset, source=str(raw.get("source") or source), levels=levels,
                standard=str(raw.get("standard") or ""), name=str(raw.get("name") or ""),
                measure=str(raw.get("measure", "wow")), direction=str(raw.get("direction", "up")),
                groups=_tuple(raw.get("groups")), freqs=_tuple(raw.get("freqs")),
                n=int(raw.get("n", 3)), window_days=int(raw.get("window_days", 10)),
                numerator=_tuple(raw.get("numerator")), denominator=_tuple(raw.get("denominator")))


def parse_rules(data: list[dict[str, Any]], presets: tuple[str, ...]) -> RuleSet:
    """The rules of ``presets`` from rules-file contents (later files override earlier ones)."""
    groups_raw: dict[str, Any] = {}
    presets_raw: dict[str, Any] = {}
    for d in data:
        groups_raw.update(d.get("groups") or {})
        presets_raw.update(d.get("presets") or {})
    groups = {k: Group(_tuple(v.get("categories")), _tuple(v.get("prefixes")), _tuple(v.get("suffixes")))
              for k, v in groups_raw.items()}
    rules: list[Rule] = []
    for name in presets:
        p = presets_raw.get(name)
        if p is None:
            raise ConfigError(f"预警规则预设「{name}」不存在",
                              "pricewatch.toml 中 [alerts] presets 可选：" + "、".join(presets_raw))
        source = str(p.get("source") or "")
        if not source:
            raise ConfigError(f"预警规则预设「{name}」没有注明依据（source）", "写明规则出自哪份文件")
        rules += [_rule(r, name, source, groups) for r in p.get("rules") or []]
    seen: set[str] = set()
    for r in rules:
        if r.id in seen:
            raise ConfigError(f"预警规则 id「{r.id}」重复", "每条规则的 id 应唯一")
        seen.add(r.id)
    return RuleSet(tuple(rules), groups)


_CACHE: dict[tuple[Any, ...], RuleSet] = {}
_LOCK = threading.Lock()


def load_rules(settings: Settings) -> RuleSet:
    """The deployment's rules: the built-in file, its own file over it, its presets."""
    files = [RULES_FILE] + ([Path(settings.rules_file)] if settings.rules_file else [])
    presets = tuple(settings.alert_presets) if settings.alert_presets is not None else DEFAULT_PRESETS
    try:
        key = (tuple((str(f), f.stat().st_mtime_ns) for f in files), presets)
    except FileNotFoundError as e:
        raise ConfigError(f"预警规则文件 {e.filename} 不存在",
                          "检查 pricewatch.toml 中 [alerts] rules_file 的路径") from e
    with _LOCK:
        hit = _CACHE.get(key)
    if hit is None:
        hit = parse_rules([_read(f) for f in files], presets)
        with _LOCK:
            _CACHE[key] = hit
    return hit


def preset_names(settings: Settings | None = None) -> dict[str, str]:
    """Every preset the rules files define: id -> name (for pages and help texts)."""
    files = [RULES_FILE] + ([Path(settings.rules_file)] if settings and settings.rules_file else [])
    out: dict[str, str] = {}
    for f in files:
        for k, v in (_read(f).get("presets") or {}).items():
            out[k] = str(v.get("name") or k)
    return out


# -- evaluation ---------------------------------------------------------------------------------
def _first_level(rule: Rule, value: float) -> Level | None:
    for lv in rule.levels:
        if lv.above is None or value > lv.above:
            return lv
    return None


def _alert(rule: Rule, lv: Level, commodity: str | None, message: str, value: float | None,
           threshold: float | None, measure: str) -> dict[str, Any]:
    return {"commodity": commodity, "market": None, "kind": "rule", "rule": rule.id,
            "level": lv.level, "level_label": lv.label, "message": message, "source": rule.source,
            "value": value, "threshold": threshold, "measure": measure}


def _change(rule: Rule, name: str, pct: float | None, standard: str) -> dict[str, Any] | None:
    r = round_half_up(pct, 1)
    if r is None:
        return None
    signed = r if rule.direction != "down" else -r
    value = abs(r) if rule.direction == "both" else signed
    if value <= 0:
        return None
    for lv in rule.levels:
        if lv.above is not None and value > lv.above:
            verb = "上涨" if r > 0 else "下降"
            msg = (f"{name}价格{_MEASURE_ZH[rule.measure]}{verb}{abs(r):.1f}%，"
                   f"超过{lv.above:g}%的{standard}（{lv.label}）")
            return _alert(rule, lv, name, msg, r, lv.above, rule.measure)
    return None


def _ratio_alert(rule: Rule, ratios: np.ndarray) -> dict[str, Any] | None:
    """``ratios``: the ratio over the last periods, oldest first (NaN: not computable)."""
    cur = ratios[-1]
    if np.isnan(cur):
        return None
    name = rule.name or "比价"
    shown = round_half_up(float(cur), 2)
    for lv in rule.levels:
        if lv.between is not None:
            lo, hi = lv.between
            recent = ratios[-lv.periods:] if lv.periods <= len(ratios) else None
            if recent is not None and len(recent) == lv.periods and bool(
                    np.all((recent >= lo) & (recent <= hi))):
                msg = (f"{name}连续{lv.periods}期处于{lo:g}:1至{hi:g}:1之间（本期{shown:.2f}:1，"
                       f"{lv.label}）")
                return _alert(rule, lv, None, msg, shown, hi, "ratio")
        elif lv.below is not None and cur < lv.below:
            msg = f"{name}为{shown:.2f}:1，低于{lv.below:g}:1（{lv.label}）"
            return _alert(rule, lv, None, msg, shown, lv.below, "ratio")
        elif lv.above is not None and cur > lv.above:
            msg = f"{name}为{shown:.2f}:1，高于{lv.above:g}:1（{lv.label}）"
            return _alert(rule, lv, None, msg, shown, lv.above, "ratio")
    return None


def evaluate(rules: RuleSet, freq: str, names: list[str], categories: list[str | None],
             wow: np.ndarray, yoy: np.ndarray, thresholds: np.ndarray,
             history: np.ndarray) -> list[dict[str, Any]]:
    """Rule alerts for one period.

    ``names``, ``categories``, ``wow`` and ``yoy`` (unrounded, matched markets) and
    ``thresholds`` (the bureau's line per item) are aligned per item; ``history`` is
    (W + 1) x items: the commodity price of the W periods before this one and of this one
    (oldest first, NaN where none), W = ``rules.window(freq)``.
    """
    out: list[dict[str, Any]] = []
    hist = round_half_up_array(history, 2) if history.size else history
    wow_shown = round_half_up_array(wow, 1)  # as published (round_half_up, vectorised)
    for rule in rules.for_freq(freq):
        if rule.kind == "ratio":
            num = [i for i, n in enumerate(names) if n.startswith(rule.numerator)]
            den = [i for i, n in enumerate(names) if n.startswith(rule.denominator)]
            if num and den:
                with np.errstate(invalid="ignore", divide="ignore"):
                    ratios = history[:, num[0]] / history[:, den[0]]
                a = _ratio_alert(rule, ratios[-(rule.window(freq) + 1):])
                if a is not None:
                    a["commodity"] = names[num[0]]
                    out.append(a)
            continue
        members = [i for i, name in enumerate(names) if rules.in_groups(rule, name, categories[i])]
        if rule.kind == "threshold":
            # only a published change at or past the item's own line can alert
            members = [i for i in members if not np.isnan(wow_shown[i]) and wow_shown[i] != 0
                       and abs(wow_shown[i]) >= thresholds[i]]
        for i in members:
            name = names[i]
            a = None
            if rule.kind == "change":
                pct = wow[i] if rule.measure == "wow" else yoy[i]
                a = _change(rule, name, None if np.isnan(pct) else float(pct),
                            rule.standard or f"{_MEASURE_ZH[rule.measure]}预警标准")
            elif rule.kind == "threshold":
                a = _threshold(rule, name, wow[i], float(thresholds[i]))
            elif rule.kind == "consecutive":
                a = _consecutive(rule, name, hist[-(rule.n + 1):, i], freq)
            elif rule.kind == "cumulative":
                a = _cumulative(rule, name, hist[-(rule.window(freq) + 1):, i], freq)
            if a is not None:
                out.append(a)
    return _most_severe(out)


def _threshold(rule: Rule, name: str, pct: float, line: float) -> dict[str, Any] | None:
    r = round_half_up(None if np.isnan(pct) else float(pct), 1)
    if r is None or abs(r) < line or r == 0:
        return None
    lv = rule.levels[0]
    msg = jump_message(name, r, line, level_label=lv.label, standard=rule.standard or "预警线")
    return _alert(rule, lv, name, msg, r, line, "wow")


def _consecutive(rule: Rule, name: str, p: np.ndarray, freq: str) -> dict[str, Any] | None:
    if len(p) < rule.n + 1 or np.isnan(p).any():
        return None
    steps = [round_half_up((p[k + 1] / p[k] - 1) * 100, 1) if p[k] else None for k in range(rule.n)]
    if any(s is None or s <= 0 for s in steps):
        return None
    cum = round_half_up((p[-1] / p[0] - 1) * 100, 1) or 0.0
    lv = _first_level(rule, cum)
    if lv is None:
        return None
    line = f"，超过{lv.above:g}%" if lv.above is not None else ""
    msg = f"{name}价格连续{rule.n}{_UNIT_ZH[freq]}上涨，累计上涨{cum:.1f}%{line}（{lv.label}）"
    return _alert(rule, lv, name, msg, cum, lv.above, "consecutive")


def _cumulative(rule: Rule, name: str, p: np.ndarray, freq: str) -> dict[str, Any] | None:
    k = rule.window(freq)
    if len(p) < k + 1 or np.isnan(p[0]) or np.isnan(p[-1]) or p[0] == 0:
        return None
    rise = round_half_up((p[-1] / p[0] - 1) * 100, 1)
    if rise is None or rise <= 0:
        return None
    for lv in rule.levels:
        if lv.above is not None and rise > lv.above:
            span = f"{rule.window_days}天" if freq == "day" else f"{k}{_UNIT_ZH[freq]}"
            msg = f"{name}价格近{span}累计上涨{rise:.1f}%，超过{lv.above:g}%的累计涨幅标准（{lv.label}）"
            return _alert(rule, lv, name, msg, rise, lv.above, "cumulative")
    return None


def _most_severe(alerts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """At most one alert per (commodity, measure): the most severe, the first rule on ties."""
    best: dict[tuple[Any, str], int] = {}
    for i, a in enumerate(alerts):
        key = (a["commodity"] if a["measure"] != "ratio" else a["rule"], a["measure"])
        j = best.get(key)
        if j is None or LEVELS[a["level"]][0] > LEVELS[alerts[j]["level"]][0]:
            best[key] = i
    keep = sorted(best.values())
    return [alerts[i] for i in keep]


def severity(level: str | None) -> int:
    """3 red, 2 orange, 1 yellow, 0 anything else (gaps, ALPS bands)."""
    return LEVELS.get(str(level), (0, ""))[0]
