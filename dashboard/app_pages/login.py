"""工作人员登录: the same form as every staff URL opened without a session (dashboard/auth.py)."""

from dashboard.auth import login_form

login_form("")
