from __future__ import annotations

import time
import xml.etree.ElementTree as ET

import httpx
import pytest
from mockhelpers import FakeClock, problem_code

from pywats_production.mock import MockApp

pytestmark = pytest.mark.anyio
TAKE = "/api/Production/SerialNumbers/Take"


async def take(
    api: httpx.AsyncClient, quantity: int, type_name: str = "SerialNumber", **params: object
) -> httpx.Response:
    return await api.post(
        TAKE, params={"serialNumberType": type_name, "quantity": quantity, **params}
    )


def xml_numbers(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/xml"
    root = ET.fromstring(response.text)
    assert root.tag == "SerialNumbers"
    return [sn.attrib["id"] for sn in root]


async def test_types(api: httpx.AsyncClient) -> None:
    types = (await api.get("/api/Production/SerialNumbers/Types")).json()
    assert [(t["name"], t["identifier"], t["identifierName"]) for t in types] == [
        ("SerialNumber", 0, "SerialNumber"),
        ("MACAddress", 1, "MACAddress"),
    ]
    assert types[0]["regEx"] == r"^SN\d{8}$"


async def test_take_lowest_free_in_xml_then_csv(api: httpx.AsyncClient) -> None:
    assert xml_numbers(await take(api, 3)) == ["SN00000001", "SN00000002", "SN00000003"]
    response = await take(api, 2, format="CSV")
    assert response.headers["content-type"].startswith("text/csv")
    assert response.text == "SN00000004\nSN00000005\n"
    macs = xml_numbers(await take(api, 2, "MACAddress"))
    assert macs == ["00:1A:2B:00:00:00", "00:1A:2B:00:00:01"]


async def test_demo_pools_have_their_sizes(api: httpx.AsyncClient) -> None:
    assert (await api.get("/_mock/serial-numbers/SerialNumber")).json() == {
        "name": "SerialNumber", "size": 100_000, "free": 100_000, "taken": 0,
    }  # fmt: skip
    mac = (await api.get("/_mock/serial-numbers/MACAddress")).json()
    assert mac["size"] == 65_536
    last = await api.get(
        "/api/Production/SerialNumbers/ByRange",
        params={
            "serialNumberType": "MACAddress",
            "startAddress": "00:1A:2B:00:FF:FF",
            "endAddress": "00:1A:2B:00:FF:FF",
        },
    )
    assert [r["serialNumber"] for r in last.json()] == ["00:1A:2B:00:FF:FF"]
    beyond = await api.get(
        "/api/Production/SerialNumbers/ByRange",
        params={
            "serialNumberType": "SerialNumber",
            "startAddress": "SN00100000",
            "endAddress": "SN00100001",
        },
    )
    assert beyond.status_code == 400
    assert beyond.json()["parameter"] == "endAddress"


async def test_take_records_references_and_time(api: httpx.AsyncClient, clock: FakeClock) -> None:
    await take(api, 2, refSN="PCBA-SN-1", refPN="PCBA-100", stationName="ICT-01")
    clock.advance(3600)
    await take(api, 1, refSN="OTHER", refPN="PCBA-100")
    rows = (
        await api.get(
            "/api/Production/SerialNumbers/ByRange",
            params={
                "serialNumberType": "SerialNumber",
                "startAddress": "SN00000001",
                "endAddress": "SN00000004",
            },
        )
    ).json()
    assert rows[0] == {
        "serialNumber": "SN00000001", "taken": True, "takenUtc": "2026-11-26T05:00:00Z",
        "refSN": "PCBA-SN-1", "refPN": "PCBA-100", "stationName": "ICT-01",
    }  # fmt: skip
    assert rows[2]["takenUtc"] == "2026-11-26T06:00:00Z"
    assert rows[3] == {
        "serialNumber": "SN00000004", "taken": False, "takenUtc": None,
        "refSN": None, "refPN": None, "stationName": None,
    }  # fmt: skip
    dated = await api.get(
        "/api/Production/SerialNumbers/ByRange",
        params={
            "serialNumberType": "SerialNumber", "startAddress": "SN00000001", "endAddress": "SN00000010",
            "startDate": "2026-11-26T05:30:00Z",
        },
    )  # fmt: skip
    assert [r["serialNumber"] for r in dated.json()] == ["SN00000003"]


async def test_by_reference(api: httpx.AsyncClient, clock: FakeClock) -> None:
    await take(api, 2, refSN="A", refPN="P1")
    clock.advance(60)
    await take(api, 1, refSN="A", refPN="P2")
    await take(api, 1, refSN="B", refPN="P1")
    url = "/api/Production/SerialNumbers/ByReference"
    base = {"serialNumberType": "SerialNumber"}

    async def numbers(**params: str) -> list[str]:
        response = await api.get(url, params={**base, **params})
        assert response.status_code == 200, response.text
        return [r["serialNumber"] for r in response.json()]

    assert await numbers(refSN="A") == ["SN00000001", "SN00000002", "SN00000003"]
    assert await numbers(refPN="P1") == ["SN00000001", "SN00000002", "SN00000004"]
    assert await numbers(refSN="A", refPN="P1") == ["SN00000001", "SN00000002"]
    assert await numbers(refSN="A", endDate="2026-11-26T05:00:30Z") == ["SN00000001", "SN00000002"]
    response = await api.get(url, params=base)
    assert response.status_code == 400
    assert problem_code(response) == "invalid_parameter"


async def test_only_in_sequence(api: httpx.AsyncClient, app: MockApp) -> None:
    await api.post(
        "/_mock/seed",
        json={
            "serialNumberTypes": [
                {"name": "Small", "addresses": ["N1", "N2", "N3", "N4", "N5", "N6"]}
            ]
        },
    )
    # Taken out of order via an upload: N2 and N5 are taken, so free runs are [N1], [N3, N4], [N6]
    await api.put(
        "/api/Production/SerialNumbers",
        params={"serialNumberType": "Small", "format": "CSV"},
        files={"file": ("f.csv", b"SerialNumber,Taken\nN2,true\nN5,true\n")},
    )
    response = await take(api, 3, "Small", onlyInSequence="true")
    assert (response.status_code, problem_code(response)) == (409, "sequence_unavailable")
    assert app.store.pool_counts("Small").free == 4  # nothing taken
    assert xml_numbers(await take(api, 2, "Small", onlyInSequence="true")) == ["N3", "N4"]
    response = await take(api, 5, "Small", onlyInSequence=True)
    assert response.status_code == 409  # fewer free than asked
    assert xml_numbers(await take(api, 5, "Small")) == ["N1", "N6"]  # all that is left
    assert xml_numbers(await take(api, 1, "Small")) == []


async def test_take_errors(api: httpx.AsyncClient) -> None:
    response = await take(api, 1, "Nope")
    assert (response.status_code, problem_code(response)) == (404, "type_not_found")
    for quantity in (0, -1):
        response = await take(api, quantity)
        assert response.status_code == 400
        assert response.json()["parameter"] == "quantity"


async def test_big_pools_are_fast(api: httpx.AsyncClient, app: MockApp) -> None:
    started = time.perf_counter()
    numbers: list[str] = []
    for _ in range(10):
        numbers += xml_numbers(await take(api, 10_000))
    elapsed = time.perf_counter() - started
    assert len(numbers) == len(set(numbers)) == 100_000
    assert numbers[-1] == "SN00100000"
    assert elapsed < 10, elapsed
    assert xml_numbers(await take(api, 1)) == []
    counts = app.store.pool_counts("SerialNumber")
    assert (counts.free, counts.taken) == (0, 100_000)


async def test_export_csv_and_xml(api: httpx.AsyncClient) -> None:
    await take(api, 1, refSN="PCBA-SN-1", refPN="PCBA-100", stationName="ICT-01")
    params = {"serialNumberType": "SerialNumber", "endAddress": "SN00000002"}
    csv = await api.get("/api/Production/SerialNumbers", params={**params, "format": "CSV"})
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.text == (
        "SerialNumber,Taken,TakenUtc,RefSN,RefPN,StationName\n"
        "SN00000001,true,2026-11-26T05:00:00Z,PCBA-SN-1,PCBA-100,ICT-01\n"
        "SN00000002,false,,,,\n"
    )
    xml = await api.get("/api/Production/SerialNumbers", params={**params, "format": "XML"})
    assert xml.headers["content-type"] == "application/xml"
    root = ET.fromstring(xml.text)
    assert root.attrib == {"type": "SerialNumber"}
    assert [sn.attrib for sn in root] == [
        {
            "id": "SN00000001",
            "taken": "true",
            "takenUtc": "2026-11-26T05:00:00Z",
            "refSN": "PCBA-SN-1",
            "refPN": "PCBA-100",
            "stationName": "ICT-01",
        },
        {"id": "SN00000002", "taken": "false"},
    ]
    unknown = await api.get(
        "/api/Production/SerialNumbers", params={"serialNumberType": "X", "format": "CSV"}
    )
    assert unknown.status_code == 404


@pytest.mark.parametrize("fmt", ["CSV", "XML"])
async def test_export_then_upload_into_empty_type_reproduces_it(
    api: httpx.AsyncClient, fmt: str
) -> None:
    await take(api, 3, refSN="R1", refPN="P1", stationName="S1")
    await take(api, 2, refSN='q"uo,te<&>', refPN="P2")
    params = {"serialNumberType": "SerialNumber", "endAddress": "SN00000008", "format": fmt}
    original = await api.get("/api/Production/SerialNumbers", params=params)
    await api.post("/_mock/seed", json={"serialNumberTypes": [{"name": "Copy", "addresses": []}]})
    upload = await api.put(
        "/api/Production/SerialNumbers",
        params={"serialNumberType": "Copy", "format": fmt},
        files={"file": ("export", original.content)},
    )
    assert upload.status_code == 200, upload.text
    copy = await api.get(
        "/api/Production/SerialNumbers", params={**params, "serialNumberType": "Copy"}
    )
    assert copy.text == original.text.replace('type="SerialNumber"', 'type="Copy"')
    # uploading again updates, never duplicates
    await api.put(
        "/api/Production/SerialNumbers",
        params={"serialNumberType": "Copy", "format": fmt},
        files={"file": ("export", original.content)},
    )
    assert (await api.get("/_mock/serial-numbers/Copy")).json()["size"] == 8
    # the copy hands out the free ones in pool order
    assert xml_numbers(await take(api, 1, "Copy")) == ["SN00000006"]


async def test_upload_tolerates_variants_and_refuses_bad_files(api: httpx.AsyncClient) -> None:
    await api.post(
        "/_mock/seed",
        json={"serialNumberTypes": [{"name": "T", "regEx": "^T[0-9]+$", "addresses": []}]},
    )

    async def upload(content: bytes, fmt: str = "CSV") -> httpx.Response:
        return await api.put(
            "/api/Production/SerialNumbers",
            params={"serialNumberType": "T", "format": fmt},
            files={"file": ("f", content)},
        )

    assert (await upload(b"\xef\xbb\xbfT1\r\n\r\nT2\r\n")).status_code == 200
    ns = b'<x:SerialNumbers xmlns:x="urn:x"><x:SN id="T3"/><x:SN>T4</x:SN></x:SerialNumbers>'
    assert (await upload(ns, "XML")).status_code == 200
    assert (await api.get("/_mock/serial-numbers/T")).json()["size"] == 4
    bomb = b'<!DOCTYPE x [<!ENTITY a "aaaa">]><SerialNumbers><SN id="&a;"/></SerialNumbers>'
    response = await upload(bomb, "XML")
    assert (response.status_code, response.json()["parameter"]) == (400, "file")
    response = await upload(b"T5\nnot-matching\n")
    assert (response.status_code, response.json()["parameter"]) == (400, "file")
    assert (await api.get("/_mock/serial-numbers/T")).json()["size"] == 4  # all or nothing
    response = await upload(b"SerialNumber,Taken\nT6,maybe\n")
    assert response.status_code == 400
    missing_part = await api.put(
        "/api/Production/SerialNumbers",
        params={"serialNumberType": "T", "format": "CSV"},
        files={"other": ("f", b"T7\n")},
    )
    assert (missing_part.status_code, missing_part.json()["parameter"]) == (400, "file")
    unknown = await api.put(
        "/api/Production/SerialNumbers",
        params={"serialNumberType": "Nope", "format": "CSV"},
        files={"file": ("f", b"T8\n")},
    )
    assert unknown.status_code == 404
