"""The project's own exceptions.

Every error a person can see carries a message (what is wrong) and a hint (what to do
instead), both in plain Chinese. Library code raises these; the CLI and the pages print
them. Low-level errors are wrapped with ``raise ... from e`` so the cause is kept.
"""

from __future__ import annotations


class PricewatchError(Exception):
    """Base class: ``message`` says what is wrong, ``hint`` how to fix it, ``details`` (one
    line each) what exactly was found, where a refusal has several findings to name."""

    exit_code = 1

    def __init__(self, message: str, hint: str = "", details: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.details: list[str] = list(details or [])

    def __str__(self) -> str:
        head = f"{self.message}。{self.hint}" if self.hint else self.message
        return "\n".join([head, *(f"  · {d}" for d in self.details)])


class ConfigError(PricewatchError):
    """A setting is missing or malformed (CLI exit code 2)."""

    exit_code = 2


class StoreError(PricewatchError):
    """The database could not be opened, migrated or queried."""


class StoreBusy(StoreError):
    """Another process held the database for longer than we were willing to wait."""


class StoreFull(StoreError):
    """The disk cannot hold what a write needs: refused before anything changed."""


class StoreUnavailable(StoreError):
    """No readable copy of the data right now (the message is fit for the public)."""


class PublishFailed(StoreError):
    """A write was committed, but its public snapshot could not be made (yet)."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"已写入，但公开数据未更新：{reason}，请联系管理员",
                         "数据已保存；下一次读写时会自动补发，管理员也可运行 python -m pricewatch doctor")
        self.reason = reason


class NotFound(PricewatchError):
    """A named thing (user, upload, note, commodity) does not exist."""


class PermissionDenied(PricewatchError):
    """The acting user's role does not allow the action."""


class AuthError(PricewatchError):
    """Login failed (wrong name or password, or too many tries)."""


class InputError(PricewatchError):
    """Input from a person or a file is unusable as given."""
