from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.serial_number_file_format import SerialNumberFileFormat
from ...types import UNSET, Response, Unset


def request_kwargs(
    *,
    serial_number_type: str,
    quantity: int,
    ref_sn: str | Unset = UNSET,
    ref_pn: str | Unset = UNSET,
    station_name: str | Unset = UNSET,
    only_in_sequence: bool | Unset = UNSET,
    format_: SerialNumberFileFormat | Unset = UNSET,
) -> dict[str, Any]:
    """Build the arguments of ``httpx.Client.request`` for POST ``/api/Production/SerialNumbers/Take``.

    The public request builder of this operation: keys ``method`` and ``url`` (path
    segments percent-encoded, dots too) and, as the operation needs, ``params``,
    ``json``, ``files`` and ``headers``. It sends nothing.
    """

    params: dict[str, Any] = {}

    params["serialNumberType"] = serial_number_type

    params["quantity"] = quantity

    params["refSN"] = ref_sn

    params["refPN"] = ref_pn

    params["stationName"] = station_name

    params["onlyInSequence"] = only_in_sequence

    json_format_: str | Unset = UNSET
    if not isinstance(format_, Unset):
        json_format_ = format_.value

    params["format"] = json_format_

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/Production/SerialNumbers/Take",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | str | None:
    if response.status_code == 200:
        response_200 = response.text
        return response_200

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

    if response.status_code == 409:
        response_409 = Problem.from_dict(response.json())

        return response_409

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Problem | str]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    serial_number_type: str,
    quantity: int,
    ref_sn: str | Unset = UNSET,
    ref_pn: str | Unset = UNSET,
    station_name: str | Unset = UNSET,
    only_in_sequence: bool | Unset = UNSET,
    format_: SerialNumberFileFormat | Unset = UNSET,
) -> Response[Problem | str]:
    """Take free numbers from a type's pool.

     Takes up to `quantity` free numbers (all that are left when fewer are free) and records the
    reference serial and part number and the station with them. The answer is a document in the
    requested format: XML `<SerialNumbers><SN id="..."/></SerialNumbers>` by default, or CSV with one
    number a line.

    Args:
        serial_number_type (str):
        quantity (int):
        ref_sn (str | Unset):
        ref_pn (str | Unset):
        station_name (str | Unset):
        only_in_sequence (bool | Unset):
        format_ (SerialNumberFileFormat | Unset): File format of Take answers, exports and
            uploads.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | str]
    """

    kwargs = request_kwargs(
        serial_number_type=serial_number_type,
        quantity=quantity,
        ref_sn=ref_sn,
        ref_pn=ref_pn,
        station_name=station_name,
        only_in_sequence=only_in_sequence,
        format_=format_,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    serial_number_type: str,
    quantity: int,
    ref_sn: str | Unset = UNSET,
    ref_pn: str | Unset = UNSET,
    station_name: str | Unset = UNSET,
    only_in_sequence: bool | Unset = UNSET,
    format_: SerialNumberFileFormat | Unset = UNSET,
) -> Problem | str | None:
    """Take free numbers from a type's pool.

     Takes up to `quantity` free numbers (all that are left when fewer are free) and records the
    reference serial and part number and the station with them. The answer is a document in the
    requested format: XML `<SerialNumbers><SN id="..."/></SerialNumbers>` by default, or CSV with one
    number a line.

    Args:
        serial_number_type (str):
        quantity (int):
        ref_sn (str | Unset):
        ref_pn (str | Unset):
        station_name (str | Unset):
        only_in_sequence (bool | Unset):
        format_ (SerialNumberFileFormat | Unset): File format of Take answers, exports and
            uploads.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | str
    """

    return sync_detailed(
        client=client,
        serial_number_type=serial_number_type,
        quantity=quantity,
        ref_sn=ref_sn,
        ref_pn=ref_pn,
        station_name=station_name,
        only_in_sequence=only_in_sequence,
        format_=format_,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    serial_number_type: str,
    quantity: int,
    ref_sn: str | Unset = UNSET,
    ref_pn: str | Unset = UNSET,
    station_name: str | Unset = UNSET,
    only_in_sequence: bool | Unset = UNSET,
    format_: SerialNumberFileFormat | Unset = UNSET,
) -> Response[Problem | str]:
    """Take free numbers from a type's pool.

     Takes up to `quantity` free numbers (all that are left when fewer are free) and records the
    reference serial and part number and the station with them. The answer is a document in the
    requested format: XML `<SerialNumbers><SN id="..."/></SerialNumbers>` by default, or CSV with one
    number a line.

    Args:
        serial_number_type (str):
        quantity (int):
        ref_sn (str | Unset):
        ref_pn (str | Unset):
        station_name (str | Unset):
        only_in_sequence (bool | Unset):
        format_ (SerialNumberFileFormat | Unset): File format of Take answers, exports and
            uploads.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | str]
    """

    kwargs = request_kwargs(
        serial_number_type=serial_number_type,
        quantity=quantity,
        ref_sn=ref_sn,
        ref_pn=ref_pn,
        station_name=station_name,
        only_in_sequence=only_in_sequence,
        format_=format_,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    serial_number_type: str,
    quantity: int,
    ref_sn: str | Unset = UNSET,
    ref_pn: str | Unset = UNSET,
    station_name: str | Unset = UNSET,
    only_in_sequence: bool | Unset = UNSET,
    format_: SerialNumberFileFormat | Unset = UNSET,
) -> Problem | str | None:
    """Take free numbers from a type's pool.

     Takes up to `quantity` free numbers (all that are left when fewer are free) and records the
    reference serial and part number and the station with them. The answer is a document in the
    requested format: XML `<SerialNumbers><SN id="..."/></SerialNumbers>` by default, or CSV with one
    number a line.

    Args:
        serial_number_type (str):
        quantity (int):
        ref_sn (str | Unset):
        ref_pn (str | Unset):
        station_name (str | Unset):
        only_in_sequence (bool | Unset):
        format_ (SerialNumberFileFormat | Unset): File format of Take answers, exports and
            uploads.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | str
    """

    return (
        await asyncio_detailed(
            client=client,
            serial_number_type=serial_number_type,
            quantity=quantity,
            ref_sn=ref_sn,
            ref_pn=ref_pn,
            station_name=station_name,
            only_in_sequence=only_in_sequence,
            format_=format_,
        )
    ).parsed
