from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.internal_child_unit_check import InternalChildUnitCheck
from ...models.problem import Problem
from ...types import UNSET, Response


def request_kwargs(
    *,
    culture_code: str,
    parent_serial_number: str,
    parent_part_number: str,
    referer: str,
) -> dict[str, Any]:
    """Build the arguments of ``httpx.Client.request`` for GET ``/api/internal/Production/CheckChildUnits``.

    The public request builder of this operation: keys ``method`` and ``url`` (path
    segments percent-encoded, dots too) and, as the operation needs, ``params``,
    ``json``, ``files`` and ``headers``. It sends nothing.
    """
    headers: dict[str, Any] = {}
    headers["Referer"] = referer

    params: dict[str, Any] = {}

    params["CultureCode"] = culture_code

    params["ParentSerialNumber"] = parent_serial_number

    params["ParentPartNumber"] = parent_part_number

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/internal/Production/CheckChildUnits",
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> InternalChildUnitCheck | Problem | None:
    if response.status_code == 200:
        response_200 = InternalChildUnitCheck.from_dict(response.json())

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
) -> Response[InternalChildUnitCheck | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    culture_code: str,
    parent_serial_number: str,
    parent_part_number: str,
    referer: str,
) -> Response[InternalChildUnitCheck | Problem]:
    """Whether a parent's direct children match its box build, with translated messages.

    Args:
        culture_code (str):
        parent_serial_number (str):
        parent_part_number (str):
        referer (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[InternalChildUnitCheck | Problem]
    """

    kwargs = request_kwargs(
        culture_code=culture_code,
        parent_serial_number=parent_serial_number,
        parent_part_number=parent_part_number,
        referer=referer,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    culture_code: str,
    parent_serial_number: str,
    parent_part_number: str,
    referer: str,
) -> InternalChildUnitCheck | Problem | None:
    """Whether a parent's direct children match its box build, with translated messages.

    Args:
        culture_code (str):
        parent_serial_number (str):
        parent_part_number (str):
        referer (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        InternalChildUnitCheck | Problem
    """

    return sync_detailed(
        client=client,
        culture_code=culture_code,
        parent_serial_number=parent_serial_number,
        parent_part_number=parent_part_number,
        referer=referer,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    culture_code: str,
    parent_serial_number: str,
    parent_part_number: str,
    referer: str,
) -> Response[InternalChildUnitCheck | Problem]:
    """Whether a parent's direct children match its box build, with translated messages.

    Args:
        culture_code (str):
        parent_serial_number (str):
        parent_part_number (str):
        referer (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[InternalChildUnitCheck | Problem]
    """

    kwargs = request_kwargs(
        culture_code=culture_code,
        parent_serial_number=parent_serial_number,
        parent_part_number=parent_part_number,
        referer=referer,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    culture_code: str,
    parent_serial_number: str,
    parent_part_number: str,
    referer: str,
) -> InternalChildUnitCheck | Problem | None:
    """Whether a parent's direct children match its box build, with translated messages.

    Args:
        culture_code (str):
        parent_serial_number (str):
        parent_part_number (str):
        referer (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        InternalChildUnitCheck | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            culture_code=culture_code,
            parent_serial_number=parent_serial_number,
            parent_part_number=parent_part_number,
            referer=referer,
        )
    ).parsed
