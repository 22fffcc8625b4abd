from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.unit import Unit
from ...types import UNSET, Response, Unset


def request_kwargs(
    *,
    filter_: str | Unset = UNSET,
    top: int | Unset = UNSET,
    orderby: str | Unset = UNSET,
) -> dict[str, Any]:
    """Build the arguments of ``httpx.Client.request`` for GET ``/api/Production/Unit/Query``.

    The public request builder of this operation: keys ``method`` and ``url`` (path
    segments percent-encoded, dots too) and, as the operation needs, ``params``,
    ``json``, ``files`` and ``headers``. It sends nothing.
    """

    params: dict[str, Any] = {}

    params["$filter"] = filter_

    params["$top"] = top

    params["$orderby"] = orderby

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/Production/Unit/Query",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | list[Unit] | None:
    if response.status_code == 200:
        response_200 = []
        _response_200 = response.json()
        for response_200_item_data in _response_200:
            response_200_item = Unit.from_dict(response_200_item_data)

            response_200.append(response_200_item)

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
) -> Response[Problem | list[Unit]]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    filter_: str | Unset = UNSET,
    top: int | Unset = UNSET,
    orderby: str | Unset = UNSET,
) -> Response[Problem | list[Unit]]:
    """Find units with an OData filter, sort order and page size.

     `$filter` filters on serialNumber, partNumber, revision, batchNumber, serialDate, currentLocation,
    unitPhaseId and processCode, and on the subUnits collection with any() and all(); `$orderby` sorts
    on the same fields; `$top` is the page size (100 when left out, at most 1000). String literals are
    single-quoted, a quote inside doubled.

    Args:
        filter_ (str | Unset):
        top (int | Unset):
        orderby (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | list[Unit]]
    """

    kwargs = request_kwargs(
        filter_=filter_,
        top=top,
        orderby=orderby,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    filter_: str | Unset = UNSET,
    top: int | Unset = UNSET,
    orderby: str | Unset = UNSET,
) -> Problem | list[Unit] | None:
    """Find units with an OData filter, sort order and page size.

     `$filter` filters on serialNumber, partNumber, revision, batchNumber, serialDate, currentLocation,
    unitPhaseId and processCode, and on the subUnits collection with any() and all(); `$orderby` sorts
    on the same fields; `$top` is the page size (100 when left out, at most 1000). String literals are
    single-quoted, a quote inside doubled.

    Args:
        filter_ (str | Unset):
        top (int | Unset):
        orderby (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | list[Unit]
    """

    return sync_detailed(
        client=client,
        filter_=filter_,
        top=top,
        orderby=orderby,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    filter_: str | Unset = UNSET,
    top: int | Unset = UNSET,
    orderby: str | Unset = UNSET,
) -> Response[Problem | list[Unit]]:
    """Find units with an OData filter, sort order and page size.

     `$filter` filters on serialNumber, partNumber, revision, batchNumber, serialDate, currentLocation,
    unitPhaseId and processCode, and on the subUnits collection with any() and all(); `$orderby` sorts
    on the same fields; `$top` is the page size (100 when left out, at most 1000). String literals are
    single-quoted, a quote inside doubled.

    Args:
        filter_ (str | Unset):
        top (int | Unset):
        orderby (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | list[Unit]]
    """

    kwargs = request_kwargs(
        filter_=filter_,
        top=top,
        orderby=orderby,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    filter_: str | Unset = UNSET,
    top: int | Unset = UNSET,
    orderby: str | Unset = UNSET,
) -> Problem | list[Unit] | None:
    """Find units with an OData filter, sort order and page size.

     `$filter` filters on serialNumber, partNumber, revision, batchNumber, serialDate, currentLocation,
    unitPhaseId and processCode, and on the subUnits collection with any() and all(); `$orderby` sorts
    on the same fields; `$top` is the page size (100 when left out, at most 1000). String literals are
    single-quoted, a quote inside doubled.

    Args:
        filter_ (str | Unset):
        top (int | Unset):
        orderby (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | list[Unit]
    """

    return (
        await asyncio_detailed(
            client=client,
            filter_=filter_,
            top=top,
            orderby=orderby,
        )
    ).parsed
