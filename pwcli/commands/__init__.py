"""One module per ``python -m pricewatch`` command (see pwcli/cli.py).

:data:`COMMANDS` names every command with its one-line help: ``python -m pricewatch --help``
lists them from this table alone, and a run imports only its own command's module, so one
command's imports (pandas and duckdb for a report, the notes, the site builder) cost the
others nothing. A new command is a module here with ``add_parser(sub)`` and ``run(args)``, and
a line in this table.
"""

COMMANDS: dict[str, str] = {
    "backup": "备份数据库、解读、简报归档和配置到一个文件",
    "briefing": "生成领导简报（PDF 或 Word），或查看简报归档",
    "deadlines": "本周限时发布进度（数据上传、发布，解读起草、审核、发布）",
    "demo": "用 data/sample/ 的样例上传建立演示数据库",
    "doctor": "检查数据库、快照、解读和简报归档，修复可安全修复的问题",
    "export": "导出价格数据（csv/xlsx/json）",
    "markets": "市场目录及网点类型（农贸市场、超市、批发市场、社区菜店）",
    "notes": "价格解读：撰写、审核、发布、订阅源",
    "release": "发布待发布的数据上传",
    "report": "某一期的价格指标：环比、同比、指数、涨跌家数和预警",
    "restore": "从备份文件恢复（先校验清单）",
    "scheduler": "调度器：定时发布、截止提醒、公开网站更新",
    "serve": "同时运行网页应用和调度器（Ctrl-C 停止两者）",
    "site": "静态公开网站：生成全部公开页面、下载文件和订阅源",
    "users": "管理账号和登录会话",
}
