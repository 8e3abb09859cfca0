"""Settings: environment first, then pricewatch.toml, then defaults.

The database path is resolved in this order (the same for every command and page):
``--db PATH`` > ``PRICEWATCH_DB`` > ``[store] db`` in pricewatch.toml > ``data/pricewatch.duckdb``.
The toml file is looked up in ``PRICEWATCH_CONFIG`` or the current directory.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import ConfigError, PricewatchError
from .periods import normalise_freq

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = Path("data/pricewatch.duckdb")

DEFAULT_SENSITIVE_TERMS = (
    "绝密", "机密", "秘密", "内部资料", "内部使用", "不得外传", "注意保密", "涉密", "内部文件",
)


@dataclass(frozen=True)
class Settings:
    db_path: Path = DEFAULT_DB
    bureau_name: str = "示范县商务局"
    county_name: str = "示范县"
    #: |环比| at or above this many percent raises a jump alert, unless the category says otherwise
    jump_threshold_pct: float = 5.0
    category_thresholds: dict[str, float] = field(default_factory=dict)
    #: a price more than this share away from the previous period is an ingest warning
    ingest_jump_warning: float = 0.5
    #: a price more than this many times (or under 1/this) the previous one is an ingest
    #: error unless a person confirms that row with a reason (``[ingest] jump_error_factor``)
    ingest_jump_error: float = 3.0
    max_upload_mb: float = 20.0
    #: ingest reads and checks untrusted files in a child process with this memory limit
    parser_memory_mb: int = 2048
    #: a file with more rows (all sheets together) or cells is refused before it is read
    max_rows: int = 200_000
    max_cells: int = 5_000_000
    public_base_url: str = "http://localhost:8501"
    #: where the Streamlit app itself is reached (its pages' QR codes and share links);
    #: empty means the same as ``public_base_url`` (the app serves the public directly).
    #: Behind deploy/nginx the public site is static at / and the app lives at /app.
    app_url: str = ""
    interpretations_dir: Path = PROJECT_ROOT / "interpretations"
    #: generated briefings; unless configured, ``archive/`` beside the database file
    archive_dir: Path = PROJECT_ROOT / "data" / "archive"
    sensitive_terms: tuple[str, ...] = DEFAULT_SENSITIVE_TERMS
    #: weekly deadlines: weekday (1 = Monday) and HH:MM
    data_due: str = "1 12:00"
    note_due: str = "3 17:00"
    timezone: str = "Asia/Shanghai"
    login_max_tries: int = 3
    #: the static public site: ``<site_dir>/current`` is the live build (a symlink)
    site_dir: Path = PROJECT_ROOT / "data" / "site"
    #: the scheduler wakes this often (seconds): publication within a minute of its time
    scheduler_interval_s: float = 20.0
    #: ``[publication] frequency``: the period reports and pages use when none is named
    #: ("day", "week", "xun", "month"; 日/周/旬/月 accepted); None detects it from the data
    publication_frequency: str | None = None
    #: ``[alerts] presets``: the warning-rule presets in force (None: the defaults, see
    #: pricewatch.indicators.rules); ``rules_file`` a deployment's own rules over the built-in
    alert_presets: tuple[str, ...] | None = None
    rules_file: Path | None = None
    #: ``[alerts] alps_public``: show the ALPS score on public surfaces (default: staff only)
    alps_public: bool = False
    #: a staff session lasts this long from its login, and ends sooner when idle this long
    session_hours: float = 8.0
    session_idle_minutes: float = 60.0
    #: "builtin" (accounts in the database, the default) or "oidc" (st.login: an identity
    #: provider configured in .streamlit/secrets.toml; roles still come from the accounts)
    auth_provider: str = "builtin"
    #: the session cookie's Secure flag: "auto" (when the request came over HTTPS), or always
    cookie_secure: str = "auto"

    def threshold_for(self, category: str | None) -> float:
        if category and category in self.category_thresholds:
            return float(self.category_thresholds[category])
        return self.jump_threshold_pct


def _toml_path() -> Path | None:
    explicit = os.environ.get("PRICEWATCH_CONFIG")
    if explicit:
        p = Path(explicit)
        if not p.is_file():
            raise ConfigError(f"配置文件 {p} 不存在", "检查环境变量 PRICEWATCH_CONFIG 的路径")
        return p
    p = Path.cwd() / "pricewatch.toml"
    return p if p.is_file() else None


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"配置文件 {path} 格式错误：{e}", "按 TOML 语法修改后重试") from e


def _zone_name(path: Path | None, name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as e:
        raise ConfigError(f"配置文件 {path} 中 [bureau] timezone「{name}」不是有效的时区",
                          '写作 timezone = "Asia/Shanghai"（IANA 时区名）') from e
    return name


def _lower(v: Any) -> str:
    return str(v).lower()


def _thresholds(v: Any) -> dict[str, float]:
    return {k: float(x) for k, x in v.items()}


def _terms(v: Any) -> tuple[str, ...]:
    return tuple(str(t) for t in v)


#: ``[section] key`` -> the Settings field it sets, and how its value is converted
_FIELDS: dict[str, dict[str, tuple[str, Any]]] = {
    "bureau": {"name": ("bureau_name", str), "county": ("county_name", str)},
    "alerts": {"jump_threshold_pct": ("jump_threshold_pct", float),
               "category_thresholds": ("category_thresholds", _thresholds), "alps_public": ("alps_public", bool)},
    "ingest": {"max_upload_mb": ("max_upload_mb", float), "parser_memory_mb": ("parser_memory_mb", int),
               "max_rows": ("max_rows", int), "max_cells": ("max_cells", int)},
    "store": {"interpretations_dir": ("interpretations_dir", Path), "archive_dir": ("archive_dir", Path)},
    "review": {"sensitive_terms": ("sensitive_terms", _terms)},
    "schedule": {"data_due": ("data_due", str), "note_due": ("note_due", str),
                 "interval_s": ("scheduler_interval_s", float)},
    "site": {"out_dir": ("site_dir", Path)},
    "auth": {"session_hours": ("session_hours", float), "idle_minutes": ("session_idle_minutes", float),
             "provider": ("auth_provider", _lower), "cookie_secure": ("cookie_secure", _lower)},
}
#: environment variables that, when set and not empty, win over the file for a path field
_PATH_ENV = {"interpretations_dir": "PRICEWATCH_NOTES_DIR", "site_dir": "PRICEWATCH_SITE_DIR"}


def load_settings(db: str | os.PathLike[str] | None = None) -> Settings:
    """Build the settings; ``db`` (from ``--db``) wins over everything else."""
    data: dict[str, Any] = {}
    path = _toml_path()
    if path is not None:
        data = _read_toml(path)
    store = data.get("store", {})
    bureau = data.get("bureau", {})
    alerts = data.get("alerts", {})
    ingest = data.get("ingest", {})
    public = data.get("public", {})
    publication = data.get("publication", {})

    if db is not None:
        db_path = Path(db)
    elif os.environ.get("PRICEWATCH_DB"):
        db_path = Path(os.environ["PRICEWATCH_DB"])
    elif store.get("db"):
        db_path = Path(store["db"])
    else:
        db_path = DEFAULT_DB

    # the briefing archive belongs to its database: beside it, wherever --db points
    kwargs: dict[str, Any] = {"db_path": db_path, "archive_dir": db_path.parent / "archive"}
    for section, fields in _FIELDS.items():
        for key, (attr, convert) in fields.items():
            if key in data.get(section, {}):
                kwargs[attr] = convert(data[section][key])
    for attr, env in _PATH_ENV.items():
        if os.environ.get(env):
            kwargs[attr] = Path(os.environ[env])
    if "timezone" in bureau:
        kwargs["timezone"] = _zone_name(path, str(bureau["timezone"]))
    if "presets" in alerts:
        presets = alerts["presets"]
        if not isinstance(presets, list) or not all(isinstance(x, str) for x in presets):
            raise ConfigError(f"配置文件 {path} 中 [alerts] presets 应是预设名称的列表",
                              '例如 presets = ["abnormal", "local", "pork"]')
        kwargs["alert_presets"] = tuple(presets)
    if alerts.get("rules_file"):
        kwargs["rules_file"] = Path(alerts["rules_file"])
    if "jump_error_factor" in ingest:
        factor = float(ingest["jump_error_factor"])
        if factor <= 1:
            raise ConfigError(f"[ingest] jump_error_factor = {factor:g} 应大于 1", "例如 3（三倍或三分之一）")
        kwargs["ingest_jump_error"] = factor
    # the public addresses: the environment, else the file; an empty one keeps the default
    for attr, env, key in (("public_base_url", "PRICEWATCH_PUBLIC_URL", "base_url"),
                           ("app_url", "PRICEWATCH_APP_URL", "app_url")):
        url = os.environ.get(env) or public.get(key)
        if url:
            kwargs[attr] = str(url).rstrip("/")
    if publication.get("frequency"):
        try:
            kwargs["publication_frequency"] = normalise_freq(publication["frequency"])
        except PricewatchError as e:
            raise ConfigError(f"配置文件 {path} 中 [publication] frequency 无效：{e.message}",
                              "写作 frequency = \"旬\"（或 日、周、月）") from e
    if kwargs.get("auth_provider", "builtin") not in ("builtin", "oidc"):
        raise ConfigError(f"[auth] provider「{kwargs['auth_provider']}」无效",
                          "只能是 builtin（内置账号）或 oidc（统一身份认证）")
    if kwargs.get("session_hours", 8.0) <= 0 or kwargs.get("session_idle_minutes", 60.0) <= 0:
        raise ConfigError("[auth] session_hours 和 idle_minutes 必须大于 0", "例如 session_hours = 8")
    return Settings(**kwargs)
