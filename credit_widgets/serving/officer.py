"""Who is using the page: the officer's id, set by the bank's authenticating proxy in a request header.

`APP_USER_HEADER=X-Forwarded-User make app` tells Voilà to pass that header to the kernel
(`VoilaConfiguration.http_header_envs`, as the CGI variable HTTP_X_FORWARDED_USER). A kernel started on request
has it in its environment from the start; a pre-heated kernel only learns it when a page claims it, through
`voila.utils.wait_for_request`, which blocks until then: so the page asks after its heavy loading is done.
Without the setting the page runs for one person on loopback, and its records say `local`.
The header is trusted only because the proxy sets it itself and Voilà listens on loopback (docs/deploy.md).
"""
from __future__ import annotations

import html
import os
import re

from ..text import i18n

LOCAL = "local"
_MAX = 128  # an id longer than this is not an officer's login
_cache: dict[int, str | None] = {}  # per process: wait_for_request answers once, a second call would wait forever


def header_variable(header: str) -> str:
    """The kernel's environment variable for an HTTP header, as Voilà names it (RFC 3875 section 4.1.18)."""
    return "HTTP_" + header.strip().upper().replace("-", "_")


def current_officer() -> str | None:
    """The signed-in officer's id; `local` when APP_USER_HEADER is not set; None when it is set but the request
    carried no usable header (the page was reached around the proxy): the records then say NULL, not a guess."""
    header = os.environ.get("APP_USER_HEADER", "").strip()
    if not header:
        return LOCAL
    if os.getpid() not in _cache:
        if os.environ.get("VOILA_PREHEAT") == "True":
            from voila.utils import wait_for_request  # only under Voilà, and only for pre-heated kernels

            wait_for_request()
        value = os.environ.get(header_variable(header), "").strip()
        _cache[os.getpid()] = value if value and len(value) <= _MAX and not re.search(r"[\x00-\x1f]", value) \
            else None
    return _cache[os.getpid()]


def officer_html(officer: str | None, lang: str) -> str:
    """The page's "signed in as" line."""
    if officer is None:
        return f"⚠ {i18n.t('ui:officer_unknown', lang)}"
    return i18n.t("ui:officer", lang, who=f"<b>{html.escape(officer)}</b>")
