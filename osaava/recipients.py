"""Who receives the report: ``osaava/config/recipients.yaml``, validated by pydantic.

    sender: "Name <address>"
    reply_to: address            # optional
    groups:
      committee: [{address: ..., language: fi|sv}, ...]
      hr: [...]
      management: [...]

A mistake is a :class:`~osaava.guideline.ConfigError` naming the file, the key and the problem.
"""

from __future__ import annotations

from email.headerregistry import Address
from email.utils import parseaddr
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from osaava.guideline import ConfigError, _validate, default_config_dir

GROUPS = ("committee", "hr", "management")
Group = Literal["committee", "hr", "management"]


def check_address(value: str) -> str:
    """A plain e-mail address (local@domain.tld), ASCII, no display name."""
    value = str(value).strip()
    try:
        a = Address(addr_spec=value)
    except Exception:
        raise ValueError(f"{value!r} is not an e-mail address") from None
    if (not a.username or "." not in a.domain or a.addr_spec != value or not value.isascii()
            or any(c.isspace() for c in value)):
        raise ValueError(f"{value!r} is not an e-mail address (expected name@domain.fi)")
    return value


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Recipient(_Model):
    address: str = Field(description="e-mail address")
    language: Literal["fi", "sv"] = Field(description="language of the report they get")

    _address = field_validator("address")(classmethod(lambda cls, v: check_address(v)))


class Recipients(_Model):
    sender: str = Field(description='"Name <address>" or an address: the From of the mail')
    reply_to: str | None = None
    groups: dict[Group, tuple[Recipient, ...]]

    @field_validator("sender")
    @classmethod
    def _sender(cls, v: str) -> str:
        _name, addr = parseaddr(v)
        check_address(addr)
        return v

    @field_validator("reply_to")
    @classmethod
    def _reply_to(cls, v: str | None) -> str | None:
        return None if v is None else check_address(v)

    @model_validator(mode="after")
    def _check(self) -> "Recipients":
        for name, people in self.groups.items():
            seen: set[str] = set()
            for r in people:
                key = r.address.lower()
                if key in seen:
                    raise ValueError(f"groups.{name}: {r.address} is listed twice")
                seen.add(key)
        return self

    @property
    def sender_address(self) -> str:
        return parseaddr(self.sender)[1]

    def group(self, name: str) -> tuple[Recipient, ...]:
        if name not in GROUPS:
            raise ConfigError(f"unknown recipient group {name!r}: use one of {', '.join(GROUPS)}")
        people = self.groups.get(name)  # type: ignore[call-overload]
        if not people:
            raise ConfigError(f"recipient group {name!r} has no recipients in the configuration")
        return people


def load_recipients(path: Path | str | None = None) -> Recipients:
    """The recipients file: the given path, else the installation's (``OSAAVA_RECIPIENTS``), else
    the packaged example."""
    if not path:
        from osaava.settings import current

        path = current().recipients
    return _validate(Recipients, Path(path) if path else default_config_dir() / "recipients.yaml")


def hr_language(recipients: Recipients | None = None, default: str = "fi") -> str:
    """The language of HR's own files (findings list, data-quality report, the command's
    output): the first HR recipient's language in the recipients file; ``default`` (Finnish)
    when there is no file or no HR recipient."""
    try:
        people = (recipients or load_recipients()).groups.get("hr") or ()
    except (ConfigError, OSError, ValueError):
        return default
    return people[0].language if people else default
