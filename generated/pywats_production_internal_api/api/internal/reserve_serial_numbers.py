from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.serial_number_xml_envelope import SerialNumberXmlEnvelope
from ...types import Response


def request_kwargs(
    *,
    body: SerialNumberXmlEnvelope,
    referer: str,
) -> dict[str, Any]:
    """Build the arguments of ``httpx.Client.request`` for POST ``/api/internal/Production/GetAndReserveNewSerialNumbers``.

    The public request builder of this operation: keys ``method`` and ``url`` (path
    segments percent-encoded, dots too) and, as the operation needs, ``params``,
    ``json``, ``files`` and ``headers``. It sends nothing.
    """
    headers: dict[str, Any] = {}
    headers["Referer"] = referer

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/internal/Production/GetAndReserveNewSerialNumbers",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | SerialNumberXmlEnvelope | None:
    if response.status_code == 200:
        response_200 = SerialNumberXmlEnvelope.from_dict(response.json())

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
) -> Response[Problem | SerialNumberXmlEnvelope]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: SerialNumberXmlEnvelope,
    referer: str,
) -> Response[Problem | SerialNumberXmlEnvelope]:
    """Reserve or take numbers through the serial-number XML protocol.

    Args:
        referer (str):
        body (SerialNumberXmlEnvelope): The serial-number XML protocol document, carried as a JSON
            string under sn.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SerialNumberXmlEnvelope]
    """

    kwargs = request_kwargs(
        body=body,
        referer=referer,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: SerialNumberXmlEnvelope,
    referer: str,
) -> Problem | SerialNumberXmlEnvelope | None:
    """Reserve or take numbers through the serial-number XML protocol.

    Args:
        referer (str):
        body (SerialNumberXmlEnvelope): The serial-number XML protocol document, carried as a JSON
            string under sn.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | SerialNumberXmlEnvelope
    """

    return sync_detailed(
        client=client,
        body=body,
        referer=referer,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: SerialNumberXmlEnvelope,
    referer: str,
) -> Response[Problem | SerialNumberXmlEnvelope]:
    """Reserve or take numbers through the serial-number XML protocol.

    Args:
        referer (str):
        body (SerialNumberXmlEnvelope): The serial-number XML protocol document, carried as a JSON
            string under sn.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SerialNumberXmlEnvelope]
    """

    kwargs = request_kwargs(
        body=body,
        referer=referer,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: SerialNumberXmlEnvelope,
    referer: str,
) -> Problem | SerialNumberXmlEnvelope | None:
    """Reserve or take numbers through the serial-number XML protocol.

    Args:
        referer (str):
        body (SerialNumberXmlEnvelope): The serial-number XML protocol document, carried as a JSON
            string under sn.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | SerialNumberXmlEnvelope
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            referer=referer,
        )
    ).parsed
