from http import HTTPStatus
from typing import Any, cast

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def request_kwargs(
    *,
    serial_number: str,
    part_number: str,
    child_serial_number: str,
    child_part_number: str,
    culture_code: str | Unset = UNSET,
    referer: str,
) -> dict[str, Any]:
    """Build the arguments of ``httpx.Client.request`` for POST ``/api/internal/Production/RemoveChildUnit``.

    The public request builder of this operation: keys ``method`` and ``url`` (path
    segments percent-encoded, dots too) and, as the operation needs, ``params``,
    ``json``, ``files`` and ``headers``. It sends nothing.
    """
    headers: dict[str, Any] = {}
    headers["Referer"] = referer

    params: dict[str, Any] = {}

    params["serialNumber"] = serial_number

    params["partNumber"] = part_number

    params["childSerialNumber"] = child_serial_number

    params["childPartNumber"] = child_part_number

    params["cultureCode"] = culture_code

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/internal/Production/RemoveChildUnit",
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | str | None:
    if response.status_code == 200:
        response_200 = cast(str, response.json())
        return response_200

    if response.status_code == 400:
        response_400 = response.text
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
    serial_number: str,
    part_number: str,
    child_serial_number: str,
    child_part_number: str,
    culture_code: str | Unset = UNSET,
    referer: str,
) -> Response[Problem | str]:
    """Unlink a child unit from its parent; answers a message in the asked culture.

    Args:
        serial_number (str):
        part_number (str):
        child_serial_number (str):
        child_part_number (str):
        culture_code (str | Unset):
        referer (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | str]
    """

    kwargs = request_kwargs(
        serial_number=serial_number,
        part_number=part_number,
        child_serial_number=child_serial_number,
        child_part_number=child_part_number,
        culture_code=culture_code,
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
    child_serial_number: str,
    child_part_number: str,
    culture_code: str | Unset = UNSET,
    referer: str,
) -> Problem | str | None:
    """Unlink a child unit from its parent; answers a message in the asked culture.

    Args:
        serial_number (str):
        part_number (str):
        child_serial_number (str):
        child_part_number (str):
        culture_code (str | Unset):
        referer (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | str
    """

    return sync_detailed(
        client=client,
        serial_number=serial_number,
        part_number=part_number,
        child_serial_number=child_serial_number,
        child_part_number=child_part_number,
        culture_code=culture_code,
        referer=referer,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    serial_number: str,
    part_number: str,
    child_serial_number: str,
    child_part_number: str,
    culture_code: str | Unset = UNSET,
    referer: str,
) -> Response[Problem | str]:
    """Unlink a child unit from its parent; answers a message in the asked culture.

    Args:
        serial_number (str):
        part_number (str):
        child_serial_number (str):
        child_part_number (str):
        culture_code (str | Unset):
        referer (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | str]
    """

    kwargs = request_kwargs(
        serial_number=serial_number,
        part_number=part_number,
        child_serial_number=child_serial_number,
        child_part_number=child_part_number,
        culture_code=culture_code,
        referer=referer,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    serial_number: str,
    part_number: str,
    child_serial_number: str,
    child_part_number: str,
    culture_code: str | Unset = UNSET,
    referer: str,
) -> Problem | str | None:
    """Unlink a child unit from its parent; answers a message in the asked culture.

    Args:
        serial_number (str):
        part_number (str):
        child_serial_number (str):
        child_part_number (str):
        culture_code (str | Unset):
        referer (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | str
    """

    return (
        await asyncio_detailed(
            client=client,
            serial_number=serial_number,
            part_number=part_number,
            child_serial_number=child_serial_number,
            child_part_number=child_part_number,
            culture_code=culture_code,
            referer=referer,
        )
    ).parsed
