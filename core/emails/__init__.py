"""Email address validation and normalisation, agreeing with email-validator 2.4 (without DNS), stdlib only.

>>> validate_email("POSTMASTER@Example.COM").normalized
'postmaster@example.com'
>>> validate_email("me@xn--bcher-kva.example").domain
'bücher.example'

Deviations from email-validator are listed in docs/compatibility.md and pinned by compat_tests/test_emails.py.
"""

from __future__ import annotations

from core.emails._errors import EmailNotValidError
from core.emails._key import email_key
from core.emails._validate import ValidatedEmail, validate_email

__all__ = ["EmailNotValidError", "ValidatedEmail", "email_key", "validate_email"]
