from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.internal_unit import InternalUnit
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def request_kwargs(
    *,
    serial_number: str,
    part_number: str,
    revision: str,
    batch_number: str | Unset = UNSET,
    unit_phase: int | Unset = UNSET,
    referer: str,
) -> dict[str, Any]:
    """Build the arguments of ``httpx.Client.request`` for POST ``/api/internal/Production/CreateUnit``.

    The public request builder of this operation: keys ``method`` and ``url`` (path
    segments percent-encoded, dots too) and, as the operation needs, ``params``,
    ``json``, ``files`` and ``headers``. It sends nothing.
    """
    headers: dict[str, Any] = {}
    headers["Referer"] = referer

    params: dict[str, Any] = {}

    params["serialNumber"] = serial_number

    params["partNumber"] = part_number

    params["revision"] = revision

    params["batchNumber"] = batch_number

    params["unitPhase"] = unit_phase

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/internal/Production/CreateUnit",
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> InternalUnit | Problem | None:
    if response.status_code == 200:
        response_200 = InternalUnit.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[InternalUnit | Problem]:
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
    revision: str,
    batch_number: str | Unset = UNSET,
    unit_phase: int | Unset = UNSET,
    referer: str,
) -> Response[InternalUnit | Problem]:
    """Create one unit, optionally in a given phase and batch.

    Args:
        serial_number (str):
        part_number (str):
        revision (str):
        batch_number (str | Unset):
        unit_phase (int | Unset):
        referer (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[InternalUnit | Problem]
    """

    kwargs = request_kwargs(
        serial_number=serial_number,
        part_number=part_number,
        revision=revision,
        batch_number=batch_number,
        unit_phase=unit_phase,
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
    revision: str,
    batch_number: str | Unset = UNSET,
    unit_phase: int | Unset = UNSET,
    referer: str,
) -> InternalUnit | Problem | None:
    """Create one unit, optionally in a given phase and batch.

    Args:
        serial_number (str):
        part_number (str):
        revision (str):
        batch_number (str | Unset):
        unit_phase (int | Unset):
        referer (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        InternalUnit | Problem
    """

    return sync_detailed(
        client=client,
        serial_number=serial_number,
        part_number=part_number,
        revision=revision,
        batch_number=batch_number,
        unit_phase=unit_phase,
        referer=referer,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    serial_number: str,
    part_number: str,
    revision: str,
    batch_number: str | Unset = UNSET,
    unit_phase: int | Unset = UNSET,
    referer: str,
) -> Response[InternalUnit | Problem]:
    """Create one unit, optionally in a given phase and batch.

    Args:
        serial_number (str):
        part_number (str):
        revision (str):
        batch_number (str | Unset):
        unit_phase (int | Unset):
        referer (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[InternalUnit | Problem]
    """

    kwargs = request_kwargs(
        serial_number=serial_number,
        part_number=part_number,
        revision=revision,
        batch_number=batch_number,
        unit_phase=unit_phase,
        referer=referer,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    serial_number: str,
    part_number: str,
    revision: str,
    batch_number: str | Unset = UNSET,
    unit_phase: int | Unset = UNSET,
    referer: str,
) -> InternalUnit | Problem | None:
    """Create one unit, optionally in a given phase and batch.

    Args:
        serial_number (str):
        part_number (str):
        revision (str):
        batch_number (str | Unset):
        unit_phase (int | Unset):
        referer (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        InternalUnit | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            serial_number=serial_number,
            part_number=part_number,
            revision=revision,
            batch_number=batch_number,
            unit_phase=unit_phase,
            referer=referer,
        )
    ).parsed
