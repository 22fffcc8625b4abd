"""mkdocs hooks of the documentation site (``hooks:`` in mkdocs.yml).

Pages in ``docs/`` link to repository files outside the site (``../tests/...``,
``../pywats_production/mock/seeds/example.yaml``): right when the Markdown is read on a
forge, but not found in the built site, which ``mkdocs build --strict`` treats as an
error. Such a link is rendered as the file's path in code, so the site says where the
file is instead of linking nowhere.
"""

from __future__ import annotations

import posixpath
import re
from typing import Any

_LINK = re.compile(r"(?<!!)\[([^\]\n]+)\]\(((?:\.\./)+[^)\s#]+)(#[^)\s]*)?\)")
_FENCE = re.compile(r"^(```|~~~)")


def _outside(page_path: str, target: str) -> str | None:
    """Return the repository path of ``target`` when it leaves docs/, else None."""
    folder = posixpath.dirname(page_path)
    joined = posixpath.normpath(posixpath.join("docs", folder, target))
    if joined.startswith("docs/") or joined == "docs":
        return None
    return joined


def on_page_markdown(markdown: str, page: Any, **_: Any) -> str:
    """Turn links to repository files outside docs/ into their paths in code.

    Args:
        markdown: the page's Markdown.
        page: the mkdocs page (its ``file.src_uri`` locates relative links).
        **_: other hook arguments (config, files).

    Returns:
        The Markdown with such links rewritten; fenced code is left alone.

    """
    src = str(page.file.src_uri)
    out: list[str] = []
    fenced = False
    for line in markdown.splitlines(keepends=True):
        if _FENCE.match(line.lstrip()):
            fenced = not fenced
        if not fenced and "](../" in line:

            def rewrite(match: re.Match[str]) -> str:
                path = _outside(src, match.group(2))
                if path is None:
                    return match.group(0)
                text = match.group(1).strip("`")
                return (
                    f"`{path}`"
                    if text in (path, match.group(2)) or path.endswith(text)
                    else (f"{match.group(1)} (`{path}`)")
                )

            line = _LINK.sub(rewrite, line)
        out.append(line)
    return "".join(out)
