from http import HTTPStatus
from typing import Any, cast

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.unit import Unit
from ...types import Response


def request_kwargs(
    *,
    body: Unit,
) -> dict[str, Any]:
    """Build the arguments of ``httpx.Client.request`` for POST ``/api/Production/Unit``.

    The public request builder of this operation: keys ``method`` and ``url`` (path
    segments percent-encoded, dots too) and, as the operation needs, ``params``,
    ``json``, ``files`` and ``headers``. It sends nothing.
    """
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/Production/Unit",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | Problem | None:
    if response.status_code == 200:
        response_200 = cast(Any, None)
        return response_200

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 409:
        response_409 = Problem.from_dict(response.json())

        return response_409

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Any | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: Unit,
) -> Response[Any | Problem]:
    """Create one unit.

     Serial number, part number and revision are required; batch number, serial date, current location,
    phase and process code are optional. A unit given with a parent is refused (link children with
    AddChildUnit). The answer's body is not known: the contract declares none and the SDK reads none.

    Args:
        body (Unit): A physical unit, identified by serial number and part number.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Problem]
    """

    kwargs = request_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: Unit,
) -> Any | Problem | None:
    """Create one unit.

     Serial number, part number and revision are required; batch number, serial date, current location,
    phase and process code are optional. A unit given with a parent is refused (link children with
    AddChildUnit). The answer's body is not known: the contract declares none and the SDK reads none.

    Args:
        body (Unit): A physical unit, identified by serial number and part number.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Problem
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: Unit,
) -> Response[Any | Problem]:
    """Create one unit.

     Serial number, part number and revision are required; batch number, serial date, current location,
    phase and process code are optional. A unit given with a parent is refused (link children with
    AddChildUnit). The answer's body is not known: the contract declares none and the SDK reads none.

    Args:
        body (Unit): A physical unit, identified by serial number and part number.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Problem]
    """

    kwargs = request_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: Unit,
) -> Any | Problem | None:
    """Create one unit.

     Serial number, part number and revision are required; batch number, serial date, current location,
    phase and process code are optional. A unit given with a parent is refused (link children with
    AddChildUnit). The answer's body is not known: the contract declares none and the SDK reads none.

    Args:
        body (Unit): A physical unit, identified by serial number and part number.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
