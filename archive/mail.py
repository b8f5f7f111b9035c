"""E-mail notices through the SMTP server named by ``Settings.smtp_url``."""
from __future__ import annotations

import smtplib
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

from archive.errors import NotificationFailed


def send_mail(smtp_url: str, sender: str, to: str, subject: str, body: str) -> None:
    """``smtp://[user:password@]host:port`` (STARTTLS when the server offers it) or ``smtps://``."""
    parts = urlsplit(smtp_url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise NotificationFailed(f"invalid SMTP URL scheme {parts.scheme!r} (use smtp:// or smtps://)")
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, to, subject
    message.set_content(body)
    client = smtplib.SMTP_SSL if parts.scheme == "smtps" else smtplib.SMTP
    try:
        with client(parts.hostname, parts.port or (465 if parts.scheme == "smtps" else 25), timeout=30) as smtp:
            if parts.scheme == "smtp":
                smtp.ehlo()
                if smtp.has_extn("starttls"):
                    smtp.starttls()
            if parts.username:
                smtp.login(unquote(parts.username), unquote(parts.password or ""))
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        raise NotificationFailed(f"{parts.hostname}:{parts.port}: {exc}", recipient=to) from exc
