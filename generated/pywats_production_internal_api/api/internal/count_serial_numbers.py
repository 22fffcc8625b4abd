import datetime
from http import HTTPStatus
from typing import Any, cast

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def request_kwargs(
    *,
    serial_number_type: str,
    start_address: str | Unset = UNSET,
    end_address: str | Unset = UNSET,
    from_date: datetime.datetime | Unset = UNSET,
    to_date: datetime.datetime | Unset = UNSET,
    referer: str,
) -> dict[str, Any]:
    """Build the arguments of ``httpx.Client.request`` for GET ``/api/internal/Production/SerialNumbers/Count``.

    The public request builder of this operation: keys ``method`` and ``url`` (path
    segments percent-encoded, dots too) and, as the operation needs, ``params``,
    ``json``, ``files`` and ``headers``. It sends nothing.
    """
    headers: dict[str, Any] = {}
    headers["Referer"] = referer

    params: dict[str, Any] = {}

    params["serialNumberType"] = serial_number_type

    params["startAddress"] = start_address

    params["endAddress"] = end_address

    json_from_date: str | Unset = UNSET
    if not isinstance(from_date, Unset):
        json_from_date = from_date.isoformat()
    params["fromDate"] = json_from_date

    json_to_date: str | Unset = UNSET
    if not isinstance(to_date, Unset):
        json_to_date = to_date.isoformat()
    params["toDate"] = json_to_date

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/internal/Production/SerialNumbers/Count",
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | int | None:
    if response.status_code == 200:
        response_200 = cast(int, response.json())
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
) -> Response[Problem | int]:
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
    start_address: str | Unset = UNSET,
    end_address: str | Unset = UNSET,
    from_date: datetime.datetime | Unset = UNSET,
    to_date: datetime.datetime | Unset = UNSET,
    referer: str,
) -> Response[Problem | int]:
    """How many numbers of a type an export with the same filters would hold.

    Args:
        serial_number_type (str):
        start_address (str | Unset):
        end_address (str | Unset):
        from_date (datetime.datetime | Unset):
        to_date (datetime.datetime | Unset):
        referer (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | int]
    """

    kwargs = request_kwargs(
        serial_number_type=serial_number_type,
        start_address=start_address,
        end_address=end_address,
        from_date=from_date,
        to_date=to_date,
        referer=referer,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    serial_number_type: str,
    start_address: str | Unset = UNSET,
    end_address: str | Unset = UNSET,
    from_date: datetime.datetime | Unset = UNSET,
    to_date: datetime.datetime | Unset = UNSET,
    referer: str,
) -> Problem | int | None:
    """How many numbers of a type an export with the same filters would hold.

    Args:
        serial_number_type (str):
        start_address (str | Unset):
        end_address (str | Unset):
        from_date (datetime.datetime | Unset):
        to_date (datetime.datetime | Unset):
        referer (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | int
    """

    return sync_detailed(
        client=client,
        serial_number_type=serial_number_type,
        start_address=start_address,
        end_address=end_address,
        from_date=from_date,
        to_date=to_date,
        referer=referer,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    serial_number_type: str,
    start_address: str | Unset = UNSET,
    end_address: str | Unset = UNSET,
    from_date: datetime.datetime | Unset = UNSET,
    to_date: datetime.datetime | Unset = UNSET,
    referer: str,
) -> Response[Problem | int]:
    """How many numbers of a type an export with the same filters would hold.

    Args:
        serial_number_type (str):
        start_address (str | Unset):
        end_address (str | Unset):
        from_date (datetime.datetime | Unset):
        to_date (datetime.datetime | Unset):
        referer (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | int]
    """

    kwargs = request_kwargs(
        serial_number_type=serial_number_type,
        start_address=start_address,
        end_address=end_address,
        from_date=from_date,
        to_date=to_date,
        referer=referer,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    serial_number_type: str,
    start_address: str | Unset = UNSET,
    end_address: str | Unset = UNSET,
    from_date: datetime.datetime | Unset = UNSET,
    to_date: datetime.datetime | Unset = UNSET,
    referer: str,
) -> Problem | int | None:
    """How many numbers of a type an export with the same filters would hold.

    Args:
        serial_number_type (str):
        start_address (str | Unset):
        end_address (str | Unset):
        from_date (datetime.datetime | Unset):
        to_date (datetime.datetime | Unset):
        referer (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | int
    """

    return (
        await asyncio_detailed(
            client=client,
            serial_number_type=serial_number_type,
            start_address=start_address,
            end_address=end_address,
            from_date=from_date,
            to_date=to_date,
            referer=referer,
        )
    ).parsed
