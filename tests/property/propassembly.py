"""The assembly (box build) machine: AddChildUnit, RemoveChildUnit, CheckChildUnits."""

from __future__ import annotations

from typing import ClassVar

from hypothesis import event
from hypothesis import strategies as st
from hypothesis.stateful import initialize, invariant, rule
from propmodels import FINALIZED, Change, Key, Line, UnitFields, assign, unit_mismatches
from proptarget import step
from propunits import UnitsMachine

import pywats_production as wp
from pywats_production.errors import WatsError
from pywats_production.mock import MockAdmin

#: Part number -> revision -> box build. BOX holds one CTRL and two PSUs of any "B"
#: revision; a CTRL holds two LEAFs of any revision: trees can be three levels deep.
BOX_BUILDS: dict[str, dict[str, list[Line]]] = {
    "BOX": {"A": [Line("CTRL", "A", 1), Line("PSU", "B*", 2)]},
    "CTRL": {"A": [Line("LEAF", "*", 2)]},
}
PHASES = [FINALIZED, FINALIZED, FINALIZED, 2, 4098, FINALIZED | 8192, 32]
NO_CHECK = (None, None)
FITTING = {"BOX": "A", "CTRL": "A", "PSU": "B1", "LEAF": "1"}

Rule = type[WatsError] | None


class AssemblyMachine(UnitsMachine):
    """Box build: the parent/child relation against a model of the server's rules.

    Each example's mock is seeded with products BOX rev A (box build: 1 CTRL rev A,
    2 PSU rev B*) and CTRL rev A (2 LEAF, any revision). Units are saved with any of
    these part numbers and revisions A, B1, B2, 1 or none, in phases Finalized, Under
    production, In production queue, Finalized|8192 or Scrapped. Beyond the checks of
    :class:`UnitsMachine` (the feed records every parent change: the new parent's
    serial number, or "" when removed), with tags:

    - ``assembly.rules``: AddChildUnit refuses exactly what the rules forbid, checked in
      the mock's order, each with its typed error: a missing unit (NotFoundError); a
      child that already has a parent, even this one (ChildAlreadyHasParentError); a
      child that is the parent or one of its ancestors (AssemblyLoopError); a child that
      does not match the check part number/revision (``*`` masks) when one is given, or
      else no box-build line of the parent's revision that matches it and still has
      room (NotInBoxBuildError); a child whose phase is not exactly 16
      (ChildNotFinalizedError). Everything else is accepted. RemoveChildUnit undoes an
      AddChildUnit, and raises NotLinkedError when the child is not this parent's
      (NotFoundError for a missing unit).
    - ``assembly.forest``: after every step, read through the SDK, every unit's parent
      and direct sub-units are the model's, no unit is the sub-unit of two parents, and
      following parents never loops.
    - ``assembly.check``: CheckChildUnits agrees with the model: one row per direct
      child (valid when it fills a box-build line and is Finalized), one row per line
      with its quantity and fill, and valid overall when every child is valid and every
      line is full. A live server cannot be given box builds: there only the children
      it lists are compared.
    """

    # A few units per part number (S4 is both a PSU and a LEAF: serials may repeat
    # across part numbers), so that random pairs are often real units.
    KEYS: ClassVar[list[Key]] = [
        ("S1", "BOX"),
        ("S2", "BOX"),
        ("S3", "CTRL"),
        ("S4", "PSU"),
        ("S5", "PSU"),
        ("S6", "PSU"),
        ("S4", "LEAF"),
        ("S7", "LEAF"),
        ("S8", "LEAF"),
    ]
    SERIALS: ClassVar[list[str]] = sorted({k[0] for k in KEYS})
    PARTS: ClassVar[list[str]] = ["BOX", "CTRL", "PSU", "LEAF"]
    REVISIONS: ClassVar[list[str | None]] = ["A", "B1", "B2", "1", None]

    def __init__(self) -> None:
        super().__init__()
        self.box_builds = BOX_BUILDS if self.caps.box_builds else {}
        self.since_full = 0

    @initialize(units=st.lists(st.sampled_from(KEYS), max_size=9, unique=True))
    def products_and_units(self, units: list[Key]) -> None:
        """Seed the products (mock), then save some units, Finalized (random pairs of
        units that may not exist yet would mostly test NotFoundError)."""
        if self.target.admin is not None and self.caps.box_builds:
            self.seed_products(self.target.admin)
        if units:
            self.save_finalized.__wrapped__(self, units)  # type: ignore[attr-defined]

    def seed_products(self, admin: MockAdmin) -> None:
        admin.seed(
            {
                "products": [
                    {
                        "partNumber": part,
                        "revisions": [
                            {
                                "revision": revision,
                                "boxBuild": [
                                    {
                                        "partNumber": ln.part,
                                        "revision": ln.revision,
                                        "quantity": ln.quantity,
                                    }
                                    for ln in lines
                                ],
                            }
                            for revision, lines in revisions.items()
                        ],
                    }
                    for part, revisions in BOX_BUILDS.items()
                ]
            }
        )

    # ------------------------------------------------------------------- the rules

    def lines_of(self, key: Key) -> list[Line]:
        unit = self.units[key]
        return self.box_builds.get(unit.part, {}).get(unit.revision or "", [])

    def add_rule(self, parent: Key, child: Key, check: tuple[str | None, str | None]) -> Rule:
        """The error AddChildUnit must raise (None: it must link), in the mock's order."""
        if parent not in self.units or child not in self.units:
            return wp.NotFoundError
        unit = self.units[child]
        if unit.parent is not None:
            return wp.ChildAlreadyHasParentError
        ancestor: Key | None = parent
        while ancestor is not None:
            if ancestor == child:
                return wp.AssemblyLoopError
            ancestor = self.units[ancestor].parent
        check_part, check_revision = check
        if check_part is not None:
            if not Line(check_part, check_revision or "*", 1).matches(unit.part, unit.revision):
                return wp.NotInBoxBuildError
        else:
            lines = self.lines_of(parent)
            found, _ = assign(lines, [self.units[k] for k in self.units[parent].children])
            if not any(
                line.matches(unit.part, unit.revision) and found[i] < line.quantity
                for i, line in enumerate(lines)
            ):
                return wp.NotInBoxBuildError
        if unit.phase != FINALIZED:
            return wp.ChildNotFinalizedError
        return None

    def remove_rule(self, parent: Key, child: Key) -> Rule:
        if parent not in self.units or child not in self.units:
            return wp.NotFoundError
        if self.units[child].parent != parent:
            return wp.NotLinkedError
        return None

    def link(self, parent: Key, child: Key) -> None:
        self.units[child].parent = parent
        self.units[parent].children.append(child)
        self.feed.append(Change(child[0], parent=parent[0]))
        self.dirty.update((parent, child))

    def unlink(self, parent: Key, child: Key) -> None:
        self.units[child].parent = None
        self.units[parent].children.remove(child)
        self.feed.append(Change(child[0], parent=""))
        self.dirty.update((parent, child))

    def outcome(self, expected: Rule, got: WatsError | None, what: str) -> None:
        if expected is None:
            self.check("assembly.rules", got is None, f"{what} refused: {got!r}")
        else:
            self.check(
                "assembly.rules",
                isinstance(got, expected),
                f"{what}: {expected.__name__} expected, got {got!r}",
            )

    # ------------------------------------------------------------------- the steps

    @rule(
        unit=st.sampled_from(KEYS),
        revision=st.sampled_from(["fitting", "fitting", *REVISIONS]),
        phase=st.sampled_from(PHASES),
    )
    @step
    def save_unit(self, unit: Key, revision: str | None, phase: int) -> None:
        """Save a unit; "fitting" is the revision its box-build line asks for."""
        if revision == "fitting":
            revision = FITTING[unit[1]]
        self.save([UnitFields(*unit, revision=revision, phase=phase)])

    @rule(units=st.lists(st.sampled_from(KEYS), min_size=2, max_size=6, unique=True))
    @step
    def save_finalized(self, units: list[Key]) -> None:
        """Several units at once, Finalized, with the revision their box-build line wants."""
        self.save([UnitFields(*k, revision=FITTING[k[1]], phase=FINALIZED) for k in units])

    @rule(unit=st.sampled_from(KEYS), phase=st.sampled_from(PHASES))
    @step
    def set_unit_phase(self, unit: Key, phase: int) -> None:
        self.set_phase(unit, phase)

    @rule(
        parent=st.sampled_from(KEYS),
        child=st.sampled_from(KEYS),
        check=st.sampled_from(
            [
                NO_CHECK,
                NO_CHECK,
                ("PSU", None),
                ("PSU", "B*"),
                ("LEAF", "1"),
                ("CTRL", "A"),
                ("CTRL", "B*"),
                ("BOX", None),
            ]
        ),
    )
    @step
    def add_child_unit(self, parent: Key, child: Key, check: tuple[str | None, str | None]) -> None:
        if check == NO_CHECK and not self.caps.box_builds:
            check = (child[1], None)  # no box builds here: validate against the child itself
        expected = self.add_rule(parent, child, check)
        got: WatsError | None = None
        try:
            self.sdk.add_child_unit(
                *self.real(parent),
                *self.real(child),
                check_part_number=None if check[0] is None else self.target.name(check[0]),
                check_revision=check[1],
            )
        except WatsError as exc:
            got = exc
        event(f"add: {'linked' if got is None else type(got).__name__.lstrip('_')}")
        self.outcome(expected, got, f"add {child} to {parent} (check {check})")
        if got is None and parent in self.units and child in self.units:
            self.link(parent, child)

    @rule(
        parent=st.integers(0, 100),
        child=st.integers(0, 100),
        check=st.sampled_from([NO_CHECK, NO_CHECK, NO_CHECK, ("PSU", "B*"), ("LEAF", None)]),
    )
    @step
    def add_saved_child(
        self, parent: int, child: int, check: tuple[str | None, str | None]
    ) -> None:
        """AddChildUnit on two saved units (by index among the saved ones)."""
        saved = sorted(self.units)
        if saved:
            self.add_child_unit.__wrapped__(  # type: ignore[attr-defined]
                self, saved[parent % len(saved)], saved[child % len(saved)], check
            )

    @rule(
        index=st.integers(0, 100), check=st.sampled_from([NO_CHECK, ("BOX", None), ("CTRL", "*")])
    )
    @step
    def add_an_ancestor(self, index: int, check: tuple[str | None, str | None]) -> None:
        """AddChildUnit of a unit's parent or grandparent under that unit (a loop)."""
        pairs = sorted(
            (ancestor, key) for key, unit in self.units.items() for ancestor in self.ancestors(key)
        )
        if pairs:
            ancestor, key = pairs[index % len(pairs)]
            self.add_child_unit.__wrapped__(self, key, ancestor, check)  # type: ignore[attr-defined]

    def ancestors(self, key: Key) -> list[Key]:
        out = []
        while (parent := self.units[key].parent) is not None:
            out.append(parent)
            key = parent
        return out

    @rule(parent=st.sampled_from(KEYS), child=st.sampled_from(KEYS))
    @step
    def remove_child_unit(self, parent: Key, child: Key) -> None:
        self.remove(parent, child)

    @rule(index=st.integers(0, 100))
    @step
    def remove_a_link(self, index: int) -> None:
        """RemoveChildUnit on an existing link (random pairs seldom hit one)."""
        links = sorted((u.parent, k) for k, u in self.units.items() if u.parent is not None)
        if links:
            self.remove(*links[index % len(links)])

    def remove(self, parent: Key, child: Key) -> None:
        expected = self.remove_rule(parent, child)
        got: WatsError | None = None
        try:
            self.sdk.remove_child_unit(*self.real(parent), *self.real(child))
        except WatsError as exc:
            got = exc
        event(f"remove: {'unlinked' if got is None else type(got).__name__.lstrip('_')}")
        self.outcome(expected, got, f"remove {child} from {parent}")
        if got is None and self.units.get(child) and self.units[child].parent == parent:
            self.unlink(parent, child)

    @rule(parent=st.sampled_from(KEYS))
    @step
    def check_child_units(self, parent: Key) -> None:
        try:
            got = self.sdk.check_child_units(*self.real(parent))
        except wp.NotFoundError:
            self.check("assembly.check", parent not in self.units, f"{parent} exists")
            return
        if parent not in self.units:
            self.check("assembly.check", False, f"{parent} was never saved, yet checked: {got}")
            return
        children = [self.units[k] for k in self.units[parent].children]
        got_children = [(c.serial_number, c.part_number) for c in got.children]
        expected_children = [self.real(c.key) for c in children]
        if not self.caps.box_builds:
            self.check(
                "assembly.check",
                sorted(got_children) == sorted(expected_children),
                f"{parent} lists {got_children}, the model {expected_children}",
            )
            return
        lines = self.lines_of(parent)
        found, placed = assign(lines, children)
        rows = [
            (*self.real(c.key), c.revision, c.phase, line is not None and c.phase == FINALIZED)
            for c, line in zip(children, placed, strict=True)
        ]
        requirements = [
            (ln.part, ln.revision, ln.quantity, n) for ln, n in zip(lines, found, strict=True)
        ]
        valid = all(r[4] for r in rows) and all(r[3] == r[2] for r in requirements)
        event(f"check: {'valid' if valid else 'invalid'} box with {len(rows)} children")
        got_rows = [
            (
                c.serial_number,
                c.part_number,
                c.revision,
                None if c.phase is None else int(c.phase),
                c.is_valid,
            )
            for c in got.children
        ]
        got_requirements = [
            (r.part_number, r.revision, r.quantity, r.found) for r in got.requirements
        ]
        self.check(
            "assembly.check",
            (got.is_valid, got_rows, got_requirements) == (valid, rows, requirements),
            f"CheckChildUnits({parent}) is {(got.is_valid, got_rows, got_requirements)}, "
            f"the model {(valid, rows, requirements)}",
        )

    # ------------------------------------------------------------------ invariants

    def written_units_read_back(self) -> None:
        """Not an invariant here: :meth:`relation_is_a_forest` reads the same units."""

    def root(self, key: Key) -> Key:
        while (parent := self.units[key].parent) is not None:
            key = parent
        return key

    @invariant()
    def relation_is_a_forest(self) -> None:
        """The trees holding the units written by the last step (every tree, every fifth
        step) read back as the model says: each unit's fields, its parent and its direct
        sub-units; no unit appears twice (two parents, or a loop)."""
        self.since_full += 1
        if self.since_full >= 5:
            self.since_full = 0
            roots = {self.root(k) for k in self.units}
        else:
            roots = {self.root(k) for k in self.dirty if k in self.units}
        self.dirty.clear()
        by_real = {self.real(k): k for k in self.units}
        seen: dict[tuple[str, str], tuple[str, str] | None] = {}
        for root in sorted(roots):
            serial, part = self.real(root)
            try:
                got = self.sdk.get_unit(serial, part)
            except WatsError as exc:
                self.check("assembly.forest", False, f"{root} cannot be read: {exc!r}")
                return
            stack: list[tuple[wp.Unit, tuple[str, str] | None]] = [(got, None)]
            while stack:
                unit, parent = stack.pop()
                real = (unit.serial_number, unit.part_number)
                self.check(
                    "assembly.forest",
                    real not in seen,
                    f"{real} appears twice: under {seen.get(real)} and {parent}",
                )
                seen[real] = parent
                key = by_real.get(real)
                if key is None:
                    self.check("assembly.forest", False, f"{real} is not a unit of the model")
                    continue
                model = self.units[key]
                wrong = unit_mismatches(unit, model, *real)
                self.check("unit.read-back", not wrong, f"{key} reads back with {wrong}")
                expected_parent = None if model.parent is None else self.real(model.parent)[0]
                self.check(
                    "assembly.forest",
                    (unit.parent_serial_number or None) == expected_parent,
                    f"{key} has parent {unit.parent_serial_number!r}, "
                    f"the model {expected_parent!r}",
                )
                subs = sorted((s.serial_number, s.part_number) for s in unit.sub_units)
                expected = sorted(self.real(k) for k in model.children)
                self.check(
                    "assembly.forest",
                    subs == expected,
                    f"{key} has sub-units {subs}, the model {expected}",
                )
                stack.extend((sub, real) for sub in unit.sub_units)
