"""Prefect blocks → plain settings: the SMTP relay's prefect-email block and Secret blocks. The
domain never imports Prefect; the tasks resolve a block here and pass the plain values down."""

from __future__ import annotations

from osaava.delivery import SmtpSettings


def smtp_settings(creds, timeout: float = 30.0) -> SmtpSettings:
    """SmtpSettings from a prefect-email ``EmailServerCredentials`` block (its fields, the way
    its ``get_server()`` reads them: SSL / STARTTLS / INSECURE, the port defaulting to 465 /
    587 / 25)."""
    from prefect_email.credentials import SMTPServer, SMTPType

    host = creds.smtp_server.value if isinstance(creds.smtp_server, SMTPServer) else str(creds.smtp_server)
    kind = creds.smtp_type if isinstance(creds.smtp_type, SMTPType) else SMTPType[str(creds.smtp_type).upper()]
    security = {SMTPType.SSL: "ssl", SMTPType.STARTTLS: "starttls", SMTPType.INSECURE: "plain"}[kind]
    password = creds.password.get_secret_value() if creds.password is not None else None
    return SmtpSettings(host=host, port=creds.smtp_port or kind.value, security=security,
                        username=creds.username or None, password=password or None,
                        verify=bool(creds.verify), timeout=timeout)


def resolve_smtp(smtp) -> SmtpSettings:
    """A block name, an ``EmailServerCredentials`` or :class:`SmtpSettings` → SmtpSettings."""
    if isinstance(smtp, SmtpSettings):
        return smtp
    if isinstance(smtp, str):
        from prefect_email import EmailServerCredentials

        return smtp_settings(EmailServerCredentials.load(smtp))
    return smtp_settings(smtp)


def smtp_block_name() -> str:
    from osaava.settings import current

    return current().smtp_block
