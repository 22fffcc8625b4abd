"""mkdocs hooks of the documentation site (``hooks:`` in mkdocs.yml).

Pages written by different people land in ``docs/`` at different times, and a page
missing from ``nav`` fails ``mkdocs build --strict``. :func:`on_config` therefore lists
every page that ``nav`` does not: the known ones in their section (:data:`PLACES`), any
other under "More", titled by its first heading.

Pages in ``docs/`` link to repository files outside the site (``../tests/...``,
``../pywats_production/mock/seeds/example.yaml``): right when the Markdown is read on a
forge, but not found in the built site, which ``mkdocs build --strict`` treats as an
error. Such a link is rendered as the file's path in code, so the site says where the
file is instead of linking nowhere.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

#: Where a page that may not exist yet goes when it does: (section, title).
PLACES: dict[str, tuple[str, str]] = {
    "reliability.md": ("Guides", "Reliability"),
    "property-tests.md": ("Testing", "Property tests"),
}

_LINK = re.compile(r"(?<!!)\[([^\]\n]+)\]\(((?:\.\./)+[^)\s#]+)(#[^)\s]*)?\)")
_FENCE = re.compile(r"^(```|~~~)")


def _pages(node: object) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, list):
        for item in node:
            yield from _pages(item)
    elif isinstance(node, dict):
        for item in node.values():
            yield from _pages(item)


def _title(path: Path) -> str:
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return path.stem.replace("-", " ").capitalize()


def _append(nav: list[Any], section: str, entry: dict[str, str]) -> None:
    for item in nav:
        if isinstance(item, dict) and isinstance(item.get(section), list):
            item[section].append(entry)
            return
    nav.append({section: [entry]})


def on_config(config: Any, **_: Any) -> Any:
    """Add the pages of docs/ that ``nav`` does not list (see the module docstring).

    Args:
        config: the mkdocs configuration (``nav`` and ``docs_dir`` are read).
        **_: other hook arguments.

    Returns:
        The configuration, its ``nav`` completed.

    """
    nav = config["nav"]
    if nav is None:
        return config
    docs = Path(config["docs_dir"])
    listed = set(_pages(nav))
    for path in sorted(docs.rglob("*.md")):
        page = path.relative_to(docs).as_posix()
        if page in listed:
            continue
        section, title = PLACES.get(page, ("More", _title(path)))
        _append(nav, section, {title: page})
    return config


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
