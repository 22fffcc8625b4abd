"""The documentation holds: guide examples run, README commands and facts are current."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from pywats_production import ProductionService
from pywats_production.mock import MockAdmin, MockSyncTransport, create_app

pytest_plugins = ["pytester"]

REPO = Path(__file__).resolve().parents[2]
DOCS = REPO / "docs"
# Guides whose Python blocks form one story each, run in order against a fresh mock.
GUIDES = [
    "units-and-phases.md",
    "serial-numbers.md",
    "box-build.md",
    "changes-feed.md",
    "server-versions.md",
]
_BLOCK = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)


def python_blocks(path: Path) -> list[str]:
    return _BLOCK.findall(path.read_text(encoding="utf-8"))


@pytest.fixture
def wats() -> Iterator[tuple[ProductionService, MockAdmin]]:
    app = create_app(seed="demo")
    client = httpx.Client(transport=MockSyncTransport(app), base_url="http://wats-mock")
    with ProductionService("http://wats-mock", http_client=client) as service:
        admin = MockAdmin.for_app(app)
        yield service, admin
        admin.close()
    client.close()
    assert app.violations == []


@pytest.mark.parametrize("page", GUIDES)
def test_guide_examples_run(
    page: str, wats: tuple[ProductionService, MockAdmin], capsys: pytest.CaptureFixture[str]
) -> None:
    service, admin = wats
    blocks = python_blocks(DOCS / page)
    assert blocks, f"{page} has no Python example"
    namespace: dict[str, object] = {"wats": service, "mock_admin": admin}
    for index, block in enumerate(blocks, 1):
        if re.match(r"# [\w./-]+\.py\n", block):
            continue  # a file for the reader to save (tests/docs runs those)
        code = compile(block, f"{page} (example {index})", "exec")
        exec(code, namespace)


# ------------------------------------------------------------------------------ README

README = REPO / "README.md"
TOKEN = "cmVhZG1lOnRlc3Q="  # base64("readme:test")


def test_readme_fresh_machine_commands() -> None:
    text = README.read_text(encoding="utf-8")
    lines = text.splitlines()
    assert "python3 -m pip install nox && nox -s demo" in lines
    assert "python3 -m pip install nox && nox" in lines
    # .ci/run runs the second command: they must not drift apart.
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert "python3 -m pip install nox && nox" in ci


def test_readme_quickstart_runs_against_the_mock(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from pywats_production.mock import run_in_thread

    blocks = python_blocks(README)
    sync_block, async_block = blocks[0], blocks[1]
    assert "ProductionService(" in sync_block and "AsyncProductionService(" in async_block
    app = create_app(seed="demo", token=TOKEN)
    monkeypatch.setenv("WATS_AUTH_TOKEN", TOKEN)
    with run_in_thread(app) as url:
        for name, block in (("sync", sync_block), ("async", async_block)):
            code = compile(block.replace("https://wats.example.com", url), f"README {name}", "exec")
            exec(code, {"__name__": "__readme__"})
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "SN00000001 Finalized 20"
    assert out[1].startswith("404 ")
    assert out[2].startswith("[('SN00000002', 'unknown'), ")
    assert app.violations == []


def test_readme_contract_testing_example_passes(pytester: pytest.Pytester) -> None:
    block = next(b for b in python_blocks(README) if "def test_build_box" in b)
    pytester.makepyfile(test_station=block)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-q")
    result.assert_outcomes(passed=3)


def test_readme_compatibility_table_is_current() -> None:
    from pywats_production_api import _meta

    import pywats_production

    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Compatibility") : text.index("## Contract testing")]
    assert f"| pywats-production (this SDK) | {pywats_production.__version__} |" in section
    assert pywats_production.__version__ == _meta.SDK_VERSION
    assert f"sha256 `{_meta.SPEC_SHA256}`" in section
    upstream = re.findall(
        r"\| `(openapi_public_\w+\.json)` \| [^|]+ \| ([0-9a-f]{64}) \|",
        (REPO / "spec" / "README.md").read_text(encoding="utf-8"),
    )
    assert len(upstream) == 2
    for name, digest in upstream:
        assert f"`{name}` sha256 `{digest}`" in section


def test_readme_and_nav_point_at_existing_pages() -> None:
    import yaml

    text = README.read_text(encoding="utf-8")
    targets = re.findall(r"\]\((docs/[^)#]+)\)", text)
    assert targets
    for target in targets:
        if target == "docs/benchmarks.md":
            continue  # written by the benchmark run; the README keeps its place
        assert (REPO / target).is_file(), target
    config = yaml.load((REPO / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)

    def pages(node: object) -> Iterator[str]:
        if isinstance(node, str):
            yield node
        elif isinstance(node, list):
            for item in node:
                yield from pages(item)
        elif isinstance(node, dict):
            for item in node.values():
                yield from pages(item)

    for page in pages(config["nav"]):
        assert (DOCS / page).is_file(), page


# The 55 production methods of pywats-api 0.6.0rc1 (pywats/domains/production/async_service.py).
PYWATS_METHODS = """
acknowledge_unit_change add_child_to_assembly add_child_unit_validated allocate_serial_numbers
change_unit_part_number create_batch create_unit create_unit_public create_units delete_unit
delete_unit_change export_serial_numbers find_serial_numbers find_serial_numbers_by_reference
find_serial_numbers_in_range free_serial_numbers get_all_unit_phases get_batches get_phase
get_phase_by_name get_phase_id get_phases get_serial_number_count get_serial_number_ranges
get_serial_number_statistics get_serial_number_types get_sites get_unit get_unit_changes
get_unit_contents get_unit_grade get_unit_hierarchy get_unit_history get_unit_info
get_unit_state_history import_serial_numbers is_connected is_unit_passing query_units
remove_all_child_units remove_all_children_from_assembly remove_child_from_assembly
remove_child_unit_localized reserve_serial_numbers save_batches set_unit_phase set_unit_process
set_unit_tag take_serial_numbers update_batch update_unit update_unit_public
validate_child_units verify_assembly verify_unit
""".split()  # noqa: SIM905 - a readable block of names


def test_migration_guide_maps_every_pywats_method() -> None:
    from pywats_production import ProductionService

    text = (DOCS / "migrating-from-pywats.md").read_text(encoding="utf-8")
    assert len(PYWATS_METHODS) == len(set(PYWATS_METHODS)) == 55
    rows = {
        m: line for line in text.splitlines() for m in PYWATS_METHODS if line.startswith(f"| `{m}(")
    }
    assert set(rows) == set(PYWATS_METHODS)
    # Every method the guide names as the replacement exists on the service.
    named = set()
    for line in rows.values():
        here = line.rsplit("|", 2)[-2]
        named.update(re.findall(r"`(?:wats\.)?([a-z_]+)\(", here))
    builtins = {"list", "int", "len", "sum"}
    assert named - builtins <= {m for m in dir(ProductionService) if not m.startswith("_")}
    assert {"get_unit", "save_units", "take_serial_numbers", "check_child_units"} <= named


def _hooks() -> object:
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "_mkdocs_hooks", REPO / "scripts" / "mkdocs_hooks.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_docs_hook_lists_pages_missing_from_nav(tmp_path: Path) -> None:
    hooks = _hooks()
    for name, text in {
        "index.md": "# Home",
        "reliability.md": "# Reliability",
        "extra-page.md": "# An extra page",
    }.items():
        (tmp_path / name).write_text(text)
    config = {
        "docs_dir": str(tmp_path),
        "nav": [{"Home": "index.md"}, {"Guides": [{"Box": "index.md"}]}],
    }

    hooks.on_config(config)  # type: ignore[attr-defined]

    assert config["nav"] == [
        {"Home": "index.md"},
        {"Guides": [{"Box": "index.md"}, {"Reliability": "reliability.md"}]},
        {"More": [{"An extra page": "extra-page.md"}]},
    ]


def test_docs_hook_rewrites_links_outside_docs() -> None:
    hooks = _hooks()

    class Page:
        class file:  # mimics mkdocs' page.file
            src_uri = "mock.md"

    markdown = (
        "see [`pywats_production/mock/seeds/example.yaml`](../pywats_production/mock/seeds/example.yaml)\n"
        "and [the test](../tests/cli/test_cli_docs.py#L1), [wire](wire-formats.md)\n"
        "```\n[kept](../in/code.md)\n```\n"
    )

    out = hooks.on_page_markdown(markdown, Page)  # type: ignore[attr-defined]

    assert out.splitlines() == [
        "see `pywats_production/mock/seeds/example.yaml`",
        "and the test (`tests/cli/test_cli_docs.py`), [wire](wire-formats.md)",
        "```",
        "[kept](../in/code.md)",
        "```",
    ]


def test_docstring_rewrite_for_the_api_reference() -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "_griffe_docstrings", REPO / "scripts" / "griffe_docstrings.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    text = (
        "Link a child.\n\n"
        "    Raises:\n"
        "        ChildAlreadyHasParentError, ChildNotFinalizedError,\n"
        "        NotInBoxBuildError: the server's rules refused the link.\n"
        "        NotFoundError: a unit does not exist.\n\n"
        "    Example:\n"
        "        >>> [1]\n"
        "        [1]\n"
    )

    out = module.rewrite(text)

    assert out.splitlines() == [
        "Link a child.",
        "",
        "    Raises:",
        "        ChildAlreadyHasParentError: the server's rules refused the link.",
        "        ChildNotFinalizedError: the server's rules refused the link.",
        "        NotInBoxBuildError: the server's rules refused the link.",
        "        NotFoundError: a unit does not exist.",
        "",
        "    Examples:",
        "        >>> [1]",
        "        [1]",
    ]
    assert module.rewrite("Plain.\n") == "Plain.\n"
