from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.serial_number_range import SerialNumberRange
from ...types import UNSET, Response, Unset


def request_kwargs(
    *,
    serial_number_type: str | Unset = UNSET,
    referer: str,
) -> dict[str, Any]:
    """Build the arguments of ``httpx.Client.request`` for GET ``/api/internal/Production/SerialNumbers/Ranges``.

    The public request builder of this operation: keys ``method`` and ``url`` (path
    segments percent-encoded, dots too) and, as the operation needs, ``params``,
    ``json``, ``files`` and ``headers``. It sends nothing.
    """
    headers: dict[str, Any] = {}
    headers["Referer"] = referer

    params: dict[str, Any] = {}

    params["serialNumberType"] = serial_number_type

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/internal/Production/SerialNumbers/Ranges",
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | list[SerialNumberRange] | None:
    if response.status_code == 200:
        response_200 = []
        _response_200 = response.json()
        for response_200_item_data in _response_200:
            response_200_item = SerialNumberRange.from_dict(response_200_item_data)

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
) -> Response[Problem | list[SerialNumberRange]]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    serial_number_type: str | Unset = UNSET,
    referer: str,
) -> Response[Problem | list[SerialNumberRange]]:
    """The address ranges of each type (or one type), with free, taken and reserved counts.

    Args:
        serial_number_type (str | Unset):
        referer (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | list[SerialNumberRange]]
    """

    kwargs = request_kwargs(
        serial_number_type=serial_number_type,
        referer=referer,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    serial_number_type: str | Unset = UNSET,
    referer: str,
) -> Problem | list[SerialNumberRange] | None:
    """The address ranges of each type (or one type), with free, taken and reserved counts.

    Args:
        serial_number_type (str | Unset):
        referer (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | list[SerialNumberRange]
    """

    return sync_detailed(
        client=client,
        serial_number_type=serial_number_type,
        referer=referer,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    serial_number_type: str | Unset = UNSET,
    referer: str,
) -> Response[Problem | list[SerialNumberRange]]:
    """The address ranges of each type (or one type), with free, taken and reserved counts.

    Args:
        serial_number_type (str | Unset):
        referer (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | list[SerialNumberRange]]
    """

    kwargs = request_kwargs(
        serial_number_type=serial_number_type,
        referer=referer,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    serial_number_type: str | Unset = UNSET,
    referer: str,
) -> Problem | list[SerialNumberRange] | None:
    """The address ranges of each type (or one type), with free, taken and reserved counts.

    Args:
        serial_number_type (str | Unset):
        referer (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | list[SerialNumberRange]
    """

    return (
        await asyncio_detailed(
            client=client,
            serial_number_type=serial_number_type,
            referer=referer,
        )
    ).parsed
