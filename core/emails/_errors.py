"""The error raised for every rejected email address."""

from __future__ import annotations

from core.errors import LeancoreError


class EmailNotValidError(LeancoreError, ValueError):
    """The address is not a valid, safe email address; the message says why (email-validator's wording).

    ``code`` is stable for the api; the message text mirrors email-validator 2.4's and may follow it.
    """

    code = "email_not_valid"
