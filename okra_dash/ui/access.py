"""Who may see the dashboard when sign-in is on: an e-mail domain or an explicit list."""

from __future__ import annotations


def allowed(email: str | None, domains: list[str] | tuple[str, ...] = (),
            emails: list[str] | tuple[str, ...] = (), verified: bool | None = None) -> bool:
    """True when the signed-in e-mail is listed or in a listed domain (case-insensitive).

    With neither list set, anyone the identity provider signs in is allowed. An e-mail the
    provider says is not verified is never allowed.
    """
    if not email or "@" not in email or verified is False:
        return False
    email = email.strip().lower()
    domains = [domain.strip().lower().lstrip("@") for domain in domains]
    emails = [address.strip().lower() for address in emails]
    if not domains and not emails:
        return True
    return email in emails or email.rsplit("@", 1)[1] in domains
