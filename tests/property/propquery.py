"""The one-unit operations of server 2026.3 as a state machine: query sees what was saved.

The model is a plain dict of units keyed by (serial number, part number), kept by the
machine itself from the documented rules (docs/server-versions.md): create refuses an
existing key and a parent; update keeps what it is not given and refuses another part
number; delete refuses a unit with children; change moves a unit (and its links) to a
new key unless that key is taken; a tag is added or replaced. After every step the
machine asks the server, through the SDK's query and keyset iteration, and compares.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hypothesis import strategies as st
from hypothesis.stateful import invariant, precondition, rule
from proptarget import TargetMachine, step

import pywats_production as wp

# Small alphabets so that keys collide (refusals happen) and hostile text appears: a
# quote, an OData keyword and a parenthesis inside serial numbers.
SERIALS = st.sampled_from(["S1", "S2", "O'Brien", "x' or 'a' eq 'a", "A (1)", "s1", "Z"])
PARTS = st.sampled_from(["PCB", "BOX", "P'Q"])
REVISIONS = st.sampled_from(["A", "B", "C'"])
LOCATIONS = st.one_of(st.none(), st.sampled_from(["Line 1", "Rework", "Stock 'B'"]))
TAG_KEYS = st.sampled_from(["Customer", "Order"])
TAG_VALUES = st.sampled_from(["ACME", "O'Hara", ""])

Key = tuple[str, str]


@dataclass
class UnitModel:
    """What the machine believes one unit is."""

    revision: str
    location: str | None = None
    tags: dict[str, str] = field(default_factory=dict)
    parent: Key | None = None
    children: set[Key] = field(default_factory=set)


class UnitQueryMachine(TargetMachine):
    """create/update/delete/change/tag keep the lifecycle; query sees exactly the model."""

    def __init__(self) -> None:
        super().__init__()
        self.units: dict[Key, UnitModel] = {}

    # ------------------------------------------------------------------ rules

    @rule(sn=SERIALS, pn=PARTS, revision=REVISIONS, location=LOCATIONS)
    @step
    def create(self, sn: str, pn: str, revision: str, location: str | None) -> None:
        unit = wp.Unit(
            serial_number=sn,
            part_number=pn,
            revision=revision,
            current_location=location,
            # Finalized, so that any unit may become a child (the box-build rule).
            phase=wp.UnitPhase.FINALIZED,
        )
        if (sn, pn) in self.units:
            try:
                self.sdk.create_unit(unit)
            except wp.UnitExistsError:
                return
            self.check("create.exists", False, f"created {(sn, pn)} twice")
        self.sdk.create_unit(unit)
        self.units[(sn, pn)] = UnitModel(revision, location)

    @rule(sn=SERIALS)
    @step
    def create_with_parent_is_refused_before_sending(self, sn: str) -> None:
        before = self.target.requests()
        unit = wp.Unit(serial_number=sn, part_number="PCB", revision="A", parent_serial_number="Z")
        try:
            self.sdk.create_unit(unit)
        except wp.WatsInputError:
            self.check("create.parent", self.target.requests() == before, "a request was sent")
            return
        self.check("create.parent", False, "a unit with a parent was created")

    @precondition(lambda self: self.units)
    @rule(data=st.data(), revision=REVISIONS, location=LOCATIONS)
    @step
    def update(self, data: st.DataObject, revision: str, location: str | None) -> None:
        key = data.draw(st.sampled_from(sorted(self.units)))
        self.sdk.update_unit(
            wp.Unit(
                serial_number=key[0],
                part_number=key[1],
                revision=revision,
                current_location=location,
            )
        )
        model = self.units[key]
        model.revision = revision
        if location is not None:  # None is "not given": the server keeps the old one
            model.location = location

    @precondition(lambda self: self.units)
    @rule(data=st.data(), pn=PARTS)
    @step
    def update_cannot_change_the_part_number(self, data: st.DataObject, pn: str) -> None:
        sn, _ = data.draw(st.sampled_from(sorted(self.units)))
        if (sn, pn) in self.units:
            return
        try:
            self.sdk.update_unit(wp.Unit(serial_number=sn, part_number=pn, revision="B"))
        except wp.PartNumberImmutableError:
            return
        self.check("update.part_number", False, f"{sn} was updated under part number {pn}")

    @precondition(lambda self: self.units)
    @rule(data=st.data())
    @step
    def delete(self, data: st.DataObject) -> None:
        key = data.draw(st.sampled_from(sorted(self.units)))
        model = self.units[key]
        if model.children:
            try:
                self.sdk.delete_unit(*key)
            except wp.UnitHasChildrenError:
                return
            self.check("delete.children", False, f"{key} was deleted with its children")
        self.sdk.delete_unit(*key)
        if model.parent is not None:
            self.units[model.parent].children.discard(key)
        del self.units[key]

    @precondition(lambda self: self.units)
    @rule(data=st.data(), new_pn=PARTS, new_revision=REVISIONS)
    @step
    def change(self, data: st.DataObject, new_pn: str, new_revision: str) -> None:
        key = data.draw(st.sampled_from(sorted(self.units)))
        new_key = (key[0], new_pn)
        if new_key != key and new_key in self.units:
            try:
                self.sdk.change_unit(*key, new_pn, new_revision)
            except wp.UnitExistsError:
                return
            self.check("change.exists", False, f"{key} moved onto the existing {new_key}")
        self.sdk.change_unit(*key, new_pn, new_revision)
        model = self.units.pop(key)
        model.revision = new_revision
        self.units[new_key] = model
        if model.parent is not None:
            siblings = self.units[model.parent].children
            siblings.discard(key)
            siblings.add(new_key)
        for child in model.children:
            self.units[child].parent = new_key

    @precondition(lambda self: self.units)
    @rule(data=st.data(), tag=TAG_KEYS, value=TAG_VALUES)
    @step
    def set_tag(self, data: st.DataObject, tag: str, value: str) -> None:
        key = data.draw(st.sampled_from(sorted(self.units)))
        self.sdk.set_unit_tag(*key, tag, value)
        self.units[key].tags[tag] = value

    @precondition(lambda self: len(self.units) >= 2)
    @rule(data=st.data())
    @step
    def link(self, data: st.DataObject) -> None:
        parent, child = data.draw(
            st.lists(st.sampled_from(sorted(self.units)), min_size=2, max_size=2, unique=True)
        )
        if self.units[child].parent is not None or self._is_ancestor(child, parent):
            return
        self.sdk.add_child_unit(*parent, *child, check_part_number=child[1])
        self.units[child].parent = parent
        self.units[parent].children.add(child)

    def _is_ancestor(self, candidate: Key, of: Key) -> bool:
        current: Key | None = of
        while current is not None:
            if current == candidate:
                return True
            current = self.units[current].parent
        return False

    # ------------------------------------------------------------- invariants

    @invariant()
    def query_sees_exactly_the_model(self) -> None:
        found = self.sdk.query_units(top=1000)
        keys = [(u.serial_number, u.part_number) for u in found]
        self.check("query.exact", sorted(keys) == sorted(self.units), f"{keys} vs {self.units}")
        for unit in found:
            model = self.units.get((unit.serial_number, unit.part_number))
            if model is None:
                continue
            seen = (unit.revision, unit.current_location, {t.key: t.value for t in unit.tags})
            self.check(
                "query.fields",
                seen == (model.revision, model.location, model.tags),
                f"{unit.serial_number}/{unit.part_number}: {seen} vs {model}",
            )
            parent = self.units.get(model.parent) if model.parent else None
            expected_parent = model.parent[0] if model.parent and parent is not None else None
            self.check(
                "query.parent",
                unit.parent_serial_number == expected_parent,
                f"{unit.serial_number}: parent {unit.parent_serial_number} vs {expected_parent}",
            )

    @invariant()
    def keyword_queries_match_exactly(self) -> None:
        for sn in sorted({k[0] for k in self.units}):
            found = sorted(
                (u.serial_number, u.part_number) for u in self.sdk.query_units(serial_number=sn)
            )
            expected = sorted(k for k in self.units if k[0] == sn)
            self.check("query.escaped", found == expected, f"serial {sn!r}: {found} vs {expected}")

    @invariant()
    def iteration_yields_each_unit_once_in_key_order(self) -> None:
        keys = [(u.serial_number, u.part_number) for u in self.sdk.iter_units(page_size=2)]
        self.check("iter.exact", keys == sorted(self.units), f"{keys} vs {sorted(self.units)}")
