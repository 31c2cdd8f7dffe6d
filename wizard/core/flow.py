"""The connection wizard's flow as data, with no Qt: a draft connection, which page follows which, and when a page is
complete.

Each page writes what the user chose into the `Draft` when Next is taken (`apply`); the next page is decided from the
draft alone (`next_page`), so what a page shows always follows what the draft holds, never a widget that changed after
Next. A page is complete when none of its fields that apply to the draft has an error (`page_problems`, from the field
catalogue's checks). The Qt wizard (`wizard.ui.wizard`) only shows the pages and derives Back/Next/Finish from here.
See docs/architecture.md ("How the wizard's flow works").
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from wizard.core import fields
from wizard.core.connection import Connection, Secrets

METHOD, CREDENTIALS, SERVICE, REGION, TEST, SUMMARY = "method", "credentials", "service", "region", "test", "summary"
SSO_LOGIN, SSO_ROLE = "sso-login", "sso-role"  # IAM Identity Center: the login, then the account and role picked
PAGES = (METHOD, CREDENTIALS, SSO_LOGIN, SSO_ROLE, SERVICE, REGION, TEST, SUMMARY)
OPTIONAL_PAGES = (TEST,)  # a front end may leave these out (the test page when its module is not installed)

# Which page follows which. A value is the next page, or a function of the draft for a branch that depends on what was
# chosen (e.g. a sign-in method that needs a page of its own): IAM Identity Center (sso) logs in and picks an
# account and role between the credentials and the service.


def _after_credentials(draft: Draft) -> str:
    return SSO_LOGIN if draft.connection.method == "sso" else SERVICE


NEXT: dict[str, object] = {
    METHOD: CREDENTIALS,
    CREDENTIALS: _after_credentials,
    SSO_LOGIN: SSO_ROLE,
    SSO_ROLE: SERVICE,
    SERVICE: REGION,
    REGION: TEST,
    TEST: SUMMARY,
    SUMMARY: None,
}


@dataclass
class Draft:
    """The connection being entered: what the pages have applied so far."""

    connection: Connection = field(default_factory=Connection)
    secrets: Secrets = field(default_factory=Secrets)

    def copy(self) -> Draft:
        return copy.deepcopy(self)

    def apply(self, values: dict) -> None:
        """Write a page's values (field key -> value as entered) into the draft, each where its field lives."""
        for key, value in values.items():
            fields.store(self.connection, self.secrets, key, value)

    def result(self) -> tuple[Connection, Secrets]:
        """The connection and secrets to test and save: fields that don't apply to the chosen method and service are
        left out (back to their defaults)."""
        return fields.without_unused(self.connection, self.secrets)


def next_page(page: str, draft: Draft, present: tuple[str, ...] = PAGES) -> str | None:
    """The page after `page` for this draft, skipping pages the front end leaves out; None after the last."""
    following = NEXT[page]
    while True:
        following = following(draft) if callable(following) else following
        if following is None or following in present:
            return following
        following = NEXT[following]


def path(draft: Draft, present: tuple[str, ...] = PAGES) -> list[str]:
    """Every page from the first to the last, for this draft."""
    pages, page = [], PAGES[0]
    while page is not None:
        pages.append(page)
        page = next_page(page, draft, present)
    return pages


def page_fields(page: str, draft: Draft) -> tuple[fields.Field, ...]:
    """The fields a page asks for, for the draft's method and service."""
    return fields.fields_for(draft.connection, page)


def page_problems(page: str, draft: Draft) -> list[fields.Problem]:
    """The errors that keep Next disabled on a page (its fields' errors; the test and summary pages have their own)."""
    return fields.problems(draft.connection, draft.secrets, page)


def is_complete(page: str, draft: Draft) -> bool:
    return not page_problems(page, draft)
