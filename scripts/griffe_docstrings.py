"""A Griffe extension for the API reference: read the SDK's docstrings as they are written.

The SDK's docstrings (Google style) head their examples ``Example:``, which Griffe reads
as a generic admonition whose doctest lines are then Markdown (``['A1']`` becomes a
broken link). They also list several exceptions on one ``Raises:`` line
(``ChildAlreadyHasParentError, ChildNotFinalizedError: ...``), which Griffe cannot split.
This extension rewrites both before Griffe parses them: ``Example:`` becomes
``Examples:`` (rendered as code) and a multi-exception line becomes one line per
exception with the same text. The docstrings themselves stay as they are.
"""

from __future__ import annotations

import re
from typing import Any

try:
    import griffe
except ImportError:  # pragma: no cover - the text rewrite is usable (and tested) without it
    griffe = None

_EXAMPLE = re.compile(r"^(\s*)Example:\s*$", re.MULTILINE)
_SECTION = re.compile(r"^(\s*)([A-Z][A-Za-z ]*):\s*$")
_NAME_LIST = re.compile(r"^[A-Za-z_][\w.]*(?:\s*,\s*[A-Za-z_][\w.]*)+$")


def _split_raises(text: str) -> str:
    lines = text.splitlines()
    out: list[str] = []
    index = 0
    in_raises = False
    indent = ""
    while index < len(lines):
        line = lines[index]
        header = _SECTION.match(line)
        if header:
            in_raises = header.group(2) == "Raises"
            indent = header.group(1) + "    "
            out.append(line)
            index += 1
            continue
        if in_raises and line.startswith(indent) and not line.startswith(indent + " "):
            item = line.strip()
            # "A, B," continued on the next line(s) until the colon.
            while item.endswith(",") and index + 1 < len(lines):
                index += 1
                item = f"{item} {lines[index].strip()}"
            names, colon, description = item.partition(":")
            if colon and _NAME_LIST.match(names.strip()):
                for name in (n.strip() for n in names.split(",")):
                    out.append(f"{indent}{name}:{description}")
                index += 1
                continue
            out.append(f"{indent}{item}")
            index += 1
            continue
        out.append(line)
        index += 1
    return "\n".join(out)


def rewrite(text: str) -> str:
    """Return a docstring with ``Example:`` as ``Examples:`` and one exception per line.

    Args:
        text: the docstring.

    Returns:
        The rewritten docstring (unchanged when there is nothing to rewrite).

    """
    value = _EXAMPLE.sub(r"\1Examples:", text)
    if "Raises:" in value:
        value = _split_raises(value)
    return value


if griffe is not None:

    class SdkDocstrings(griffe.Extension):
        """Rewrite ``Example:`` headings and multi-exception ``Raises:`` lines."""

        def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:
            """Adjust the docstring of every loaded object.

            Args:
                obj: the object Griffe just loaded.
                **kwargs: other arguments of the event.

            """
            if obj.docstring is not None:
                obj.docstring.value = rewrite(obj.docstring.value)
