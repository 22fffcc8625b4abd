"""_secrets: every form a registered secret can take is masked (property tests)."""

from __future__ import annotations

import base64
import contextlib
import json
from collections.abc import Iterator
from urllib.parse import quote

from hypothesis import given, settings
from hypothesis import strategies as st

from pywats_production import _secrets

PASSWORDS = st.text(
    alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x2FF, exclude_characters=":"),
    min_size=8,
    max_size=24,
).filter(lambda p: sum(c.isalnum() and c.isascii() for c in p) >= 4)


@contextlib.contextmanager
def _own_registry() -> Iterator[None]:
    """A registry of secrets of this test alone (the real one is process-wide)."""
    saved = (list(_secrets._KNOWN_SECRETS), _secrets._FORMS)
    _secrets._KNOWN_SECRETS.clear()
    _secrets._FORMS = ()
    try:
        yield
    finally:
        _secrets._KNOWN_SECRETS[:] = saved[0]
        _secrets._FORMS = saved[1]


def _escape(text: str, picks: list[bool], how: str) -> str:
    """Escape the characters of ``text`` chosen by ``picks`` in the way ``how`` says."""
    out = []
    for char, pick in zip(text, picks + [False] * len(text), strict=False):
        # Encoders leave ASCII letters and digits alone (JSON, percent and HTML escaping
        # alike); the masking counts on that to stay cheap (see _secrets._Forms).
        if not pick or (char.isascii() and char.isalnum()):
            out.append(char)
        elif how == "json":
            out.append(f"\\u{ord(char):04x}")
        elif how == "percent":
            out.append(quote(char, safe=""))
        else:
            out.append(f"&#{ord(char)};")
    return "".join(out)


@settings(max_examples=100, deadline=None)
@given(
    password=PASSWORDS,
    form=st.sampled_from(["token", "user:password", "password"]),
    how=st.sampled_from(["json", "percent", "html"]),
    picks=st.lists(st.booleans(), max_size=60),
    wrap=st.integers(min_value=0, max_value=60),
)
def test_every_form_of_a_registered_secret_is_masked(
    password: str, form: str, how: str, picks: list[bool], wrap: int
) -> None:
    """Invariant: after register_secret(token), redact_text and redact_bytes leave no copy
    of the token, of its ``user:password`` or of the password, whichever of its characters
    an encoder escapes (all but ASCII letters and digits) are JSON-, percent- or
    HTML-escaped, and also when it is wrapped over two lines; and
    the anchors that keep the patterns cheap never hide a match: the escaped value is
    replaced by ``[redacted]``.
    """
    token = base64.b64encode(f"operator:{password}".encode()).decode()
    with _own_registry():
        _check(token, password, form, how, picks, wrap)


def _check(token: str, password: str, form: str, how: str, picks: list[bool], wrap: int) -> None:
    _secrets.register_secret(token)
    value = {"token": token, "user:password": f"operator:{password}", "password": password}[form]
    echoed = _escape(value, picks, how)
    if form == "token" and 0 < wrap < len(echoed) and not picks:
        echoed = echoed[:wrap] + "\n" + echoed[wrap:]
    text = f"server said: {echoed} (end)"
    redacted = _secrets.redact_text(text)
    assert echoed not in redacted
    assert "[redacted]" in redacted
    assert _secrets.redact_bytes(text.encode()).decode() == redacted


def test_plain_text_is_left_alone() -> None:
    with _own_registry():
        _secrets.register_secret(base64.b64encode(b"someone:Plain-Pa55word").decode())
        text = "Unit SN-0001 of PCBA-100 is not in the box build of BOX-7"
        assert _secrets.redact_text(text) == text
        wrapped = json.dumps({"message": text})
        assert _secrets.redact_text(wrapped) == wrapped
