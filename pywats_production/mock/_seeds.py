"""Seeds: ``demo`` (the default), ``empty``, or a YAML/JSON seed file."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import cast

import yaml

DEMO_SEED: Mapping[str, object] = {
    # The demo shows the changes feed at work; a real server (and the other seeds) log
    # unit changes only when turned on (support:360017889980).
    "logUnitChanges": True,
    "serialNumberTypes": [
        {
            "name": "SerialNumber",
            "description": "Unit serial numbers",
            "format": "SN{0:00000000}",
            "regEx": r"^SN\d{8}$",
            "identifier": 0,
            "addresses": {"start": "SN00000001", "count": 100_000},
        },
        {
            "name": "MACAddress",
            "description": "Ethernet MAC addresses",
            "format": "00:1A:2B:{0:X2}:{1:X2}:{2:X2}",
            "regEx": r"^([0-9A-F]{2}:){5}[0-9A-F]{2}$",
            "identifier": 1,
            "addresses": {"start": "00:1A:2B:00:00:00", "count": 65_536},
        },
    ],
    "products": [
        {"partNumber": "PCBA-100", "name": "Main board", "revisions": [{"revision": "A"}]},
        {"partNumber": "PSU-200", "name": "Power supply", "revisions": [{"revision": "A"}]},
        {
            "partNumber": "BOX-900",
            "name": "Boxed product",
            "revisions": [
                {
                    "revision": "A",
                    "boxBuild": [
                        {"partNumber": "PCBA-100", "revision": "A", "quantity": 1},
                        {"partNumber": "PSU-200", "revision": "A", "quantity": 1},
                    ],
                }
            ],
        },
    ],
    "processes": [
        {"code": 10, "name": "ICT"},
        {"code": 20, "name": "FCT"},
        {"code": 30, "name": "Final test"},
    ],
}

EMPTY_SEED: Mapping[str, object] = {}


def load_seed(seed: str | Path | Mapping[str, object]) -> Mapping[str, object]:
    """Resolve a seed given by name, file path or document.

    Args:
        seed: ``"demo"``, ``"empty"``, a path to a ``.yaml``/``.yml``/``.json`` file, or a
            seed document (same structure as POST /_mock/seed).

    Returns:
        The seed document.

    Raises:
        FileNotFoundError: A path that does not exist.
        ValueError: The file does not hold a mapping.

    Example:
        >>> sorted(load_seed("demo"))
        ['logUnitChanges', 'processes', 'products', 'serialNumberTypes']

    """
    if isinstance(seed, Mapping):
        return seed
    if isinstance(seed, str) and seed in ("demo", "empty"):
        return DEMO_SEED if seed == "demo" else EMPTY_SEED
    path = Path(seed)
    text = path.read_text(encoding="utf-8")
    data = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    if not isinstance(data, Mapping):
        raise ValueError(f"seed file {path} must hold a mapping")
    return cast("Mapping[str, object]", data)
