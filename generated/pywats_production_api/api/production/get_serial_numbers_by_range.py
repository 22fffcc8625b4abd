import datetime
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.serial_number_record import SerialNumberRecord
from ...types import UNSET, Response, Unset


def request_kwargs(
    *,
    serial_number_type: str,
    start_address: str,
    end_address: str,
    start_date: datetime.datetime | Unset = UNSET,
    end_date: datetime.datetime | Unset = UNSET,
) -> dict[str, Any]:
    """Build the arguments of ``httpx.Client.request`` for GET ``/api/Production/SerialNumbers/ByRange``.

    The public request builder of this operation: keys ``method`` and ``url`` (path
    segments percent-encoded, dots too) and, as the operation needs, ``params``,
    ``json``, ``files`` and ``headers``. It sends nothing.
    """

    params: dict[str, Any] = {}

    params["serialNumberType"] = serial_number_type

    params["startAddress"] = start_address

    params["endAddress"] = end_address

    json_start_date: str | Unset = UNSET
    if not isinstance(start_date, Unset):
        json_start_date = start_date.isoformat()
    params["startDate"] = json_start_date

    json_end_date: str | Unset = UNSET
    if not isinstance(end_date, Unset):
        json_end_date = end_date.isoformat()
    params["endDate"] = json_end_date

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/Production/SerialNumbers/ByRange",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | list[SerialNumberRecord] | None:
    if response.status_code == 200:
        response_200 = []
        _response_200 = response.json()
        for response_200_item_data in _response_200:
            response_200_item = SerialNumberRecord.from_dict(response_200_item_data)

            response_200.append(response_200_item)

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

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Problem | list[SerialNumberRecord]]:
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
    start_address: str,
    end_address: str,
    start_date: datetime.datetime | Unset = UNSET,
    end_date: datetime.datetime | Unset = UNSET,
) -> Response[Problem | list[SerialNumberRecord]]:
    """List the numbers of a type between two addresses, with their state.

    Args:
        serial_number_type (str):
        start_address (str):
        end_address (str):
        start_date (datetime.datetime | Unset):
        end_date (datetime.datetime | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | list[SerialNumberRecord]]
    """

    kwargs = request_kwargs(
        serial_number_type=serial_number_type,
        start_address=start_address,
        end_address=end_address,
        start_date=start_date,
        end_date=end_date,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    serial_number_type: str,
    start_address: str,
    end_address: str,
    start_date: datetime.datetime | Unset = UNSET,
    end_date: datetime.datetime | Unset = UNSET,
) -> Problem | list[SerialNumberRecord] | None:
    """List the numbers of a type between two addresses, with their state.

    Args:
        serial_number_type (str):
        start_address (str):
        end_address (str):
        start_date (datetime.datetime | Unset):
        end_date (datetime.datetime | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | list[SerialNumberRecord]
    """

    return sync_detailed(
        client=client,
        serial_number_type=serial_number_type,
        start_address=start_address,
        end_address=end_address,
        start_date=start_date,
        end_date=end_date,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    serial_number_type: str,
    start_address: str,
    end_address: str,
    start_date: datetime.datetime | Unset = UNSET,
    end_date: datetime.datetime | Unset = UNSET,
) -> Response[Problem | list[SerialNumberRecord]]:
    """List the numbers of a type between two addresses, with their state.

    Args:
        serial_number_type (str):
        start_address (str):
        end_address (str):
        start_date (datetime.datetime | Unset):
        end_date (datetime.datetime | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | list[SerialNumberRecord]]
    """

    kwargs = request_kwargs(
        serial_number_type=serial_number_type,
        start_address=start_address,
        end_address=end_address,
        start_date=start_date,
        end_date=end_date,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    serial_number_type: str,
    start_address: str,
    end_address: str,
    start_date: datetime.datetime | Unset = UNSET,
    end_date: datetime.datetime | Unset = UNSET,
) -> Problem | list[SerialNumberRecord] | None:
    """List the numbers of a type between two addresses, with their state.

    Args:
        serial_number_type (str):
        start_address (str):
        end_address (str):
        start_date (datetime.datetime | Unset):
        end_date (datetime.datetime | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | list[SerialNumberRecord]
    """

    return (
        await asyncio_detailed(
            client=client,
            serial_number_type=serial_number_type,
            start_address=start_address,
            end_address=end_address,
            start_date=start_date,
            end_date=end_date,
        )
    ).parsed
