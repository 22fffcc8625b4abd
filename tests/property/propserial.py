"""The serial-number machine: Take, ByReference, ByRange, Export and Upload."""

from __future__ import annotations

import datetime as dt

from hypothesis import event
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, initialize, invariant, multiple, precondition, rule
from propmodels import AUTO, PoolModel, Taken, record_row, rows_agree
from proptarget import EPOCH, TargetMachine, internal_api, step

import pywats_production as wp
from pywats_production.serials import build_upload, parse_export

REFS = [("R1", None), ("R2", None), (None, "PN1"), ("R1", "PN1"), ("R2", "PN1")]
BAD_NUMBER = "BAD 1"
MAX_COPIES = 3


class SerialMachine(TargetMachine):
    """Serial-number pools driven through the SDK, checked against a model of each pool.

    Each example gets a fresh mock with two small pools of its own (``PoolA``: counter
    numbers PA001..., ``PoolB``: words B-a, B-b, ...), sized 0 to 12 so that they run dry.
    Invariants, each with its tag:

    - ``serial.unique``: a number is never handed out twice by a type (observed through
      the SDK: the machine remembers every number Take returned).
    - ``serial.distinct`` / ``serial.format``: a Take returns distinct numbers, each
      matching the type's regEx and its format (SDK observation).
    - ``serial.count``: a Take of n returns min(n, free) numbers, all free before
      (model; needs the whole pool, so not on a live server). ``mock.lowest-free``: they
      are the lowest free numbers in pool order (the mock's documented choice).
    - ``serial.sequence``: ``only_in_sequence`` returns one run of n consecutive numbers
      in pool order, or raises SequenceUnavailableError exactly when no such run is free
      and then takes nothing (the run and "exactly when" need the whole pool).
    - ``serial.by-reference``: ByReference returns exactly the numbers taken with that
      reference (refSN, refPN, or both), in pool order, each with its references,
      station and taken time; date windows keep exactly the numbers taken inside them.
    - ``serial.by-range``: ByRange returns exactly the numbers between two addresses
      (inclusive, pool order) with the right state (on a live server: a range of one
      number this machine took).
    - ``serial.pool-state``: after every step, ByRange over the whole pool equals the
      model (whole pool only).
    - ``serial.counts``: after every step, free + taken == size per type, and size and
      taken equal the model's (needs the admin API: not on a live server).
    - ``internal.statistics``: the internal API's statistics and count of a type agree
      with the model: total, taken, free = total - taken, nothing reserved (mock only,
      where the internal API is served).
    - ``serial.export-upload``: exporting a type (CSV or XML) and uploading the file
      into a new, empty type reproduces it (needs the admin API to create the empty type).
    - ``serial.upload``: an upload adds exactly its new numbers (at the end, in file
      order), leaves existing ones alone, and is refused whole when one number breaks
      the type's regEx (creates numbers: not on a live server).
    """

    types = Bundle("types")

    def __init__(self) -> None:
        super().__init__()
        self.pools: dict[str, PoolModel] = {}
        self.copies = 0
        self.touched: set[str] = set()  # pools a step used, checked whole after it
        self.since_full = 0

    # ------------------------------------------------------------------------ set-up

    @initialize(target=types, size_a=st.integers(0, 12), size_b=st.integers(0, 6))
    def make_pools(self, size_a: int, size_b: int) -> object:
        if self.target.admin is None:
            # A live server: take from the type named by the environment, whose numbers
            # the machine does not own (the sizes drawn are not used).
            name = self.target.serial_type
            assert name is not None
            found = {t.name: t for t in self.sdk.get_serial_number_types()}
            assert name in found, f"serial-number type {name!r} not on the server"
            pool = PoolModel(name, found[name].regex, found[name].format, (), whole=False)
            self.pools[name] = pool
            return multiple(name)
        a = PoolModel.counter("PoolA", "PA", 3, size_a)
        b = PoolModel.words("PoolB", "B-", size_b)
        self.target.admin.seed(
            {
                "serialNumberTypes": [
                    {
                        "name": a.name,
                        "regEx": a.regex,
                        "format": a.fmt,
                        "addresses": {"start": "PA001", "count": size_a},
                    },
                    {"name": b.name, "regEx": b.regex, "addresses": list(b.addresses)},
                ]
            }
        )
        self.pools = {a.name: a, b.name: b}
        return multiple(a.name, b.name)

    def _ref(self, text: str | None) -> str | None:
        return None if text is None else self.target.name(text)

    # ------------------------------------------------------------------------ rules

    @rule(
        pool=types,
        quantity=st.integers(1, 6),
        ref=st.sampled_from([(None, None), *REFS]),
        station=st.sampled_from([None, "ST1"]),
        only_in_sequence=st.booleans(),
        fmt=st.sampled_from(["XML", "CSV"]),
    )
    @step
    def take(
        self,
        pool: str,
        quantity: int,
        ref: tuple[str | None, str | None],
        station: str | None,
        only_in_sequence: bool,
        fmt: str,
    ) -> None:
        model = self.pools[pool]
        self.touched.add(pool)
        free = model.free()
        ref_sn, ref_pn = self._ref(ref[0]), self._ref(ref[1])
        try:
            got = self.sdk.take_serial_numbers(
                pool,
                quantity,
                ref_serial_number=ref_sn,
                ref_part_number=ref_pn,
                station_name=self._ref(station),
                only_in_sequence=only_in_sequence,
                format=fmt,  # type: ignore[arg-type]
            )
        except wp.SequenceUnavailableError:
            event("take: no run free (SequenceUnavailableError)")
            self.check("serial.sequence", only_in_sequence, "refused a Take not in sequence")
            if model.whole:
                run = model.lowest_run(quantity)
                self.check("serial.sequence", run is None, f"refused, but {run} are free")
            return
        self.check("serial.distinct", len(set(got)) == len(got), f"repeated numbers in {got}")
        twice = sorted(set(got) & set(model.handed_out))
        self.check("serial.unique", not twice, f"handed out twice: {twice}")
        wrong = [n for n in got if not model.matches_format(n)]
        self.check("serial.format", not wrong, f"{wrong} break {model.regex} / {model.fmt}")
        self.check("serial.count", len(got) <= quantity, f"{len(got)} numbers for {quantity}")
        if model.whole:
            not_free = [n for n in got if n not in free]
            self.check("serial.count", not not_free, f"{not_free} were not free")
            if only_in_sequence:
                run = model.lowest_run(quantity)
                positions = [model.position(n) for n in got if n in model.addresses]
                consecutive = bool(positions) and positions == list(
                    range(positions[0], positions[0] + quantity)
                )
                self.check(
                    "serial.sequence",
                    len(got) == quantity and consecutive,
                    f"{got} is not a run of {quantity}",
                )
                self.check("mock.lowest-free", got == run, f"{got} is not the lowest run {run}")
            else:
                expected = min(quantity, len(free))
                self.check(
                    "serial.count",
                    len(got) == expected,
                    f"{len(got)} numbers, min({quantity}, {len(free)} free) expected",
                )
                self.check(
                    "mock.lowest-free",
                    got == free[:quantity],
                    f"{got} are not the lowest free {free[:quantity]}",
                )
        elif only_in_sequence:
            self.check("serial.sequence", len(got) == quantity, f"{got}: not {quantity}")
        event("take: " + ("all asked" if len(got) == quantity else "pool ran dry"))
        # An SDK-made reference when neither is given (auto_reference): unknown to the model.
        recorded_sn = AUTO if ref_sn is None and ref_pn is None else ref_sn
        model.record(got, Taken(recorded_sn, ref_pn, self._ref(station), self.target.now()))

    @rule(
        pool=types,
        ref=st.sampled_from(REFS),
        window=st.none() | st.tuples(st.integers(0, 40), st.integers(0, 40)),
    )
    @step
    def by_reference(
        self, pool: str, ref: tuple[str | None, str | None], window: tuple[int, int] | None
    ) -> None:
        model = self.pools[pool]
        ref_sn, ref_pn = self._ref(ref[0]), self._ref(ref[1])
        start = end = None
        if window is not None and model.whole:
            # Minutes after the mock's epoch: the clock moves one minute per step.
            start, end = (EPOCH + dt.timedelta(minutes=m) for m in sorted(window))
        records = self.sdk.get_serial_numbers_by_reference(
            pool, ref_serial_number=ref_sn, ref_part_number=ref_pn, start_date=start, end_date=end
        )
        expected = [
            model.row(a)
            for a in model.addresses
            if (t := model.taken.get(a)) is not None
            and (ref_sn is None or t.ref_sn == ref_sn)
            and (ref_pn is None or t.ref_pn == ref_pn)
            and (start is None or (t.at is not None and start <= t.at))
            and (end is None or (t.at is not None and t.at <= end))
        ]
        got = [record_row(r) for r in records]
        if not model.whole:
            got.sort()
            expected.sort()
        self.check(
            "serial.by-reference",
            rows_agree(got, expected),
            f"ByReference({ref_sn}, {ref_pn}, {start}..{end}) gave {got}, expected {expected}",
        )

    @rule(pool=types, a=st.integers(0, 40), b=st.integers(0, 40))
    @step
    def by_range(self, pool: str, a: int, b: int) -> None:
        model = self.pools[pool]
        if model.whole:
            if not model.addresses:
                return
            first, last = sorted((a % len(model.addresses), b % len(model.addresses)))
            expected = model.rows(first, last)
        else:
            if not model.handed_out:
                return
            number = model.handed_out[a % len(model.handed_out)]
            first = last = model.position(number)
            expected = [model.row(number)]
        start, end = model.addresses[first], model.addresses[last]
        got = [record_row(r) for r in self.sdk.get_serial_numbers_by_range(pool, start, end)]
        self.check(
            "serial.by-range",
            rows_agree(got, expected),
            f"ByRange({start}, {end}) gave {got}, expected {expected}",
        )

    @precondition(lambda self: self.target.app is not None)
    @rule(pool=types)
    @step
    def internal_statistics(self, pool: str) -> None:
        model = self.pools[pool]
        api = getattr(self, "_internal_api", None) or internal_api(self.sdk)
        self._internal_api = api
        (stats,) = api.get_serial_number_statistics(pool)
        total, taken = len(model.addresses), len(model.taken)
        got = (stats.total, stats.taken, stats.free, stats.reserved)
        self.check(
            "internal.statistics",
            got == (total, taken, total - taken, 0),
            f"{pool}: statistics (total, taken, free, reserved) {got}, model {total}, {taken}",
        )
        count = api.count_serial_numbers(pool)
        self.check("internal.statistics", count == total, f"{pool}: count {count} != {total}")

    @precondition(lambda self: self.caps.upload and self.caps.admin)
    @rule(target=types, pool=types, fmt=st.sampled_from(["CSV", "XML"]))
    @step
    def export_then_upload(self, pool: str, fmt: str) -> object:
        model = self.pools[pool]
        assert self.target.admin is not None
        if self.copies >= MAX_COPIES:
            # Each type costs a ByRange per step; a precondition here would leave
            # examples where no rule is enabled (Hypothesis disables rules at random).
            return multiple()
        data = self.sdk.export_serial_numbers(pool, format=fmt)  # type: ignore[arg-type]
        source = [record_row(r) for r in parse_export(data, fmt)]
        self.check(
            "serial.export-upload",
            rows_agree(source, model.rows()),
            f"export of {pool} is {source}, the model has {model.rows()}",
        )
        self.copies += 1
        copy = f"{pool}-copy{self.copies}"
        self.target.admin.seed(
            {"serialNumberTypes": [{"name": copy, "regEx": model.regex, "addresses": []}]}
        )
        self.sdk.upload_serial_numbers(copy, data, format=fmt)  # type: ignore[arg-type]
        again = self.sdk.export_serial_numbers(copy, format=fmt)  # type: ignore[arg-type]
        copied = [record_row(r) for r in parse_export(again, fmt)]
        self.check(
            "serial.export-upload",
            copied == source,
            f"{copy} after the upload is {copied}, {pool} was {source}",
        )
        self.pools[copy] = model.clone(copy)
        self.touched.update((pool, copy))
        return copy

    @precondition(lambda self: self.caps.upload)
    @rule(
        pool=types,
        new=st.lists(st.integers(0, 99), max_size=3, unique=True),
        existing=st.lists(st.integers(0, 40), max_size=2),
        bad=st.booleans(),
        fmt=st.sampled_from(["CSV", "XML"]),
    )
    @step
    def upload_numbers(
        self, pool: str, new: list[int], existing: list[int], bad: bool, fmt: str
    ) -> None:
        model = self.pools[pool]
        self.touched.add(pool)
        fresh = [model.new_number(i) for i in new]
        old = [model.addresses[i % len(model.addresses)] for i in existing if model.addresses]
        numbers = fresh + old + ([BAD_NUMBER] if bad else [])
        if not numbers:
            return
        try:
            self.sdk.upload_serial_numbers(pool, build_upload(numbers, fmt), format=fmt)  # type: ignore[arg-type]
        except wp.BadRequestError as exc:
            event("upload: refused")
            self.check("serial.upload", bad, f"upload of {numbers} refused: {exc}")
            return
        self.check("serial.upload", not bad, f"upload of {numbers} accepted despite {BAD_NUMBER!r}")
        model.append(fresh)

    # ------------------------------------------------------------------- invariants

    @invariant()
    def never_handed_out_twice(self) -> None:
        """Every type's numbers were handed out at most once (SDK observation)."""
        for model in self.pools.values():
            twice = {n for n in model.handed_out if model.handed_out.count(n) > 1}
            self.check("serial.unique", not twice, f"{model.name}: handed out twice: {twice}")

    @invariant()
    def counts_add_up(self) -> None:
        """free + taken == size per type, size and taken as the model says (admin API)."""
        if self.target.admin is None or not self.enabled("serial.counts") or not self.pools:
            return
        pools = self.target.admin.state().pools
        for name, model in self.pools.items():
            c = pools[name]
            self.check(
                "serial.counts",
                c.free + c.taken == c.size
                and c.size == len(model.addresses)
                and c.taken == len(model.taken),
                f"{name}: size {c.size} free {c.free} taken {c.taken}; model size "
                f"{len(model.addresses)} taken {len(model.taken)}",
            )

    @invariant()
    def pools_match_the_model(self) -> None:
        """ByRange over each whole pool the last step used (every pool, every fifth step)
        equals the model: numbers in pool order, state, references, station, time."""
        touched, self.touched = self.touched, set()
        self.since_full += 1
        if self.since_full >= 5:
            self.since_full, touched = 0, set(self.pools)
        if not self.enabled("serial.pool-state"):
            return
        for name in sorted(touched):
            model = self.pools[name]
            if not model.whole or not model.addresses:
                continue
            records = self.sdk.get_serial_numbers_by_range(
                name, model.addresses[0], model.addresses[-1]
            )
            got = [record_row(r) for r in records]
            self.check(
                "serial.pool-state",
                rows_agree(got, model.rows()),
                f"{name} is {got}, the model has {model.rows()}",
            )
