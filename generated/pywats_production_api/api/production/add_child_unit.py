from http import HTTPStatus
from typing import Any, cast

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def request_kwargs(
    *,
    parent_serial_number: str,
    parent_part_number: str | Unset = UNSET,
    child_serial_number: str,
    child_part_number: str | Unset = UNSET,
    check_part_number: str | Unset = UNSET,
    check_revision: str | Unset = UNSET,
) -> dict[str, Any]:
    """Build the arguments of ``httpx.Client.request`` for POST ``/api/Production/AddChildUnit``.

    The public request builder of this operation: keys ``method`` and ``url`` (path
    segments percent-encoded, dots too) and, as the operation needs, ``params``,
    ``json``, ``files`` and ``headers``. It sends nothing.
    """

    params: dict[str, Any] = {}

    params["parentSerialNumber"] = parent_serial_number

    params["parentPartNumber"] = parent_part_number

    params["childSerialNumber"] = child_serial_number

    params["childPartNumber"] = child_part_number

    params["checkPartNumber"] = check_part_number

    params["checkRevision"] = check_revision

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/Production/AddChildUnit",
        "params": params,
    }

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
    parent_serial_number: str,
    parent_part_number: str | Unset = UNSET,
    child_serial_number: str,
    child_part_number: str | Unset = UNSET,
    check_part_number: str | Unset = UNSET,
    check_revision: str | Unset = UNSET,
) -> Response[Any | Problem]:
    """Link a child unit to a parent unit (box build).

     The server refuses the link unless the child has no parent yet, the child matches the parent's box
    build (or the check part number and revision, when given), the child is Finalized (or in the phase
    its revision names as finalized), and the link makes no loop.

    Args:
        parent_serial_number (str):
        parent_part_number (str | Unset):
        child_serial_number (str):
        child_part_number (str | Unset):
        check_part_number (str | Unset):
        check_revision (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Problem]
    """

    kwargs = request_kwargs(
        parent_serial_number=parent_serial_number,
        parent_part_number=parent_part_number,
        child_serial_number=child_serial_number,
        child_part_number=child_part_number,
        check_part_number=check_part_number,
        check_revision=check_revision,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    parent_serial_number: str,
    parent_part_number: str | Unset = UNSET,
    child_serial_number: str,
    child_part_number: str | Unset = UNSET,
    check_part_number: str | Unset = UNSET,
    check_revision: str | Unset = UNSET,
) -> Any | Problem | None:
    """Link a child unit to a parent unit (box build).

     The server refuses the link unless the child has no parent yet, the child matches the parent's box
    build (or the check part number and revision, when given), the child is Finalized (or in the phase
    its revision names as finalized), and the link makes no loop.

    Args:
        parent_serial_number (str):
        parent_part_number (str | Unset):
        child_serial_number (str):
        child_part_number (str | Unset):
        check_part_number (str | Unset):
        check_revision (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Problem
    """

    return sync_detailed(
        client=client,
        parent_serial_number=parent_serial_number,
        parent_part_number=parent_part_number,
        child_serial_number=child_serial_number,
        child_part_number=child_part_number,
        check_part_number=check_part_number,
        check_revision=check_revision,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    parent_serial_number: str,
    parent_part_number: str | Unset = UNSET,
    child_serial_number: str,
    child_part_number: str | Unset = UNSET,
    check_part_number: str | Unset = UNSET,
    check_revision: str | Unset = UNSET,
) -> Response[Any | Problem]:
    """Link a child unit to a parent unit (box build).

     The server refuses the link unless the child has no parent yet, the child matches the parent's box
    build (or the check part number and revision, when given), the child is Finalized (or in the phase
    its revision names as finalized), and the link makes no loop.

    Args:
        parent_serial_number (str):
        parent_part_number (str | Unset):
        child_serial_number (str):
        child_part_number (str | Unset):
        check_part_number (str | Unset):
        check_revision (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Problem]
    """

    kwargs = request_kwargs(
        parent_serial_number=parent_serial_number,
        parent_part_number=parent_part_number,
        child_serial_number=child_serial_number,
        child_part_number=child_part_number,
        check_part_number=check_part_number,
        check_revision=check_revision,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    parent_serial_number: str,
    parent_part_number: str | Unset = UNSET,
    child_serial_number: str,
    child_part_number: str | Unset = UNSET,
    check_part_number: str | Unset = UNSET,
    check_revision: str | Unset = UNSET,
) -> Any | Problem | None:
    """Link a child unit to a parent unit (box build).

     The server refuses the link unless the child has no parent yet, the child matches the parent's box
    build (or the check part number and revision, when given), the child is Finalized (or in the phase
    its revision names as finalized), and the link makes no loop.

    Args:
        parent_serial_number (str):
        parent_part_number (str | Unset):
        child_serial_number (str):
        child_part_number (str | Unset):
        check_part_number (str | Unset):
        check_revision (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            parent_serial_number=parent_serial_number,
            parent_part_number=parent_part_number,
            child_serial_number=child_serial_number,
            child_part_number=child_part_number,
            check_part_number=check_part_number,
            check_revision=check_revision,
        )
    ).parsed
