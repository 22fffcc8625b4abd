from http import HTTPStatus
from typing import Any, cast

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...types import UNSET, Response


def request_kwargs(
    *,
    serial_number: str,
    part_number: str,
    referer: str,
) -> dict[str, Any]:
    """Build the arguments of ``httpx.Client.request`` for GET ``/api/internal/Production/GetUnitProcess``.

    The public request builder of this operation: keys ``method`` and ``url`` (path
    segments percent-encoded, dots too) and, as the operation needs, ``params``,
    ``json``, ``files`` and ``headers``. It sends nothing.
    """
    headers: dict[str, Any] = {}
    headers["Referer"] = referer

    params: dict[str, Any] = {}

    params["serialNumber"] = serial_number

    params["partNumber"] = part_number

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/internal/Production/GetUnitProcess",
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> None | str | Problem | None:
    if response.status_code == 200:

        def _parse_response_200(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        response_200 = _parse_response_200(response.json())

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
) -> Response[None | str | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    serial_number: str,
    part_number: str,
    referer: str,
) -> Response[None | str | Problem]:
    """The name of a unit's current process (null when it has none).

    Args:
        serial_number (str):
        part_number (str):
        referer (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[None | str | Problem]
    """

    kwargs = request_kwargs(
        serial_number=serial_number,
        part_number=part_number,
        referer=referer,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    serial_number: str,
    part_number: str,
    referer: str,
) -> None | str | Problem | None:
    """The name of a unit's current process (null when it has none).

    Args:
        serial_number (str):
        part_number (str):
        referer (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        None | str | Problem
    """

    return sync_detailed(
        client=client,
        serial_number=serial_number,
        part_number=part_number,
        referer=referer,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    serial_number: str,
    part_number: str,
    referer: str,
) -> Response[None | str | Problem]:
    """The name of a unit's current process (null when it has none).

    Args:
        serial_number (str):
        part_number (str):
        referer (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[None | str | Problem]
    """

    kwargs = request_kwargs(
        serial_number=serial_number,
        part_number=part_number,
        referer=referer,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    serial_number: str,
    part_number: str,
    referer: str,
) -> None | str | Problem | None:
    """The name of a unit's current process (null when it has none).

    Args:
        serial_number (str):
        part_number (str):
        referer (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        None | str | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            serial_number=serial_number,
            part_number=part_number,
            referer=referer,
        )
    ).parsed
