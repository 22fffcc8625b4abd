from http import HTTPStatus
from typing import Any, cast

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.serial_number_file_format import SerialNumberFileFormat
from ...models.serial_number_upload import SerialNumberUpload
from ...types import UNSET, Response


def request_kwargs(
    *,
    body: SerialNumberUpload,
    serial_number_type: str,
    format_: SerialNumberFileFormat,
) -> dict[str, Any]:
    """Build the arguments of ``httpx.Client.request`` for PUT ``/api/Production/SerialNumbers``.

    The public request builder of this operation: keys ``method`` and ``url`` (path
    segments percent-encoded, dots too) and, as the operation needs, ``params``,
    ``json``, ``files`` and ``headers``. It sends nothing.
    """
    headers: dict[str, Any] = {}

    params: dict[str, Any] = {}

    params["serialNumberType"] = serial_number_type

    json_format_ = format_.value
    params["format"] = json_format_

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "put",
        "url": "/api/Production/SerialNumbers",
        "params": params,
    }

    _kwargs["files"] = body.to_multipart()

    headers["Content-Type"] = "multipart/form-data; boundary=+++"

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

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

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
    body: SerialNumberUpload,
    serial_number_type: str,
    format_: SerialNumberFileFormat,
) -> Response[Any | Problem]:
    """Add numbers to a type's pool from an XML or CSV file.

    Args:
        serial_number_type (str):
        format_ (SerialNumberFileFormat): File format of Take answers, exports and uploads.
        body (SerialNumberUpload):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Problem]
    """

    kwargs = request_kwargs(
        body=body,
        serial_number_type=serial_number_type,
        format_=format_,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: SerialNumberUpload,
    serial_number_type: str,
    format_: SerialNumberFileFormat,
) -> Any | Problem | None:
    """Add numbers to a type's pool from an XML or CSV file.

    Args:
        serial_number_type (str):
        format_ (SerialNumberFileFormat): File format of Take answers, exports and uploads.
        body (SerialNumberUpload):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Problem
    """

    return sync_detailed(
        client=client,
        body=body,
        serial_number_type=serial_number_type,
        format_=format_,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: SerialNumberUpload,
    serial_number_type: str,
    format_: SerialNumberFileFormat,
) -> Response[Any | Problem]:
    """Add numbers to a type's pool from an XML or CSV file.

    Args:
        serial_number_type (str):
        format_ (SerialNumberFileFormat): File format of Take answers, exports and uploads.
        body (SerialNumberUpload):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Problem]
    """

    kwargs = request_kwargs(
        body=body,
        serial_number_type=serial_number_type,
        format_=format_,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: SerialNumberUpload,
    serial_number_type: str,
    format_: SerialNumberFileFormat,
) -> Any | Problem | None:
    """Add numbers to a type's pool from an XML or CSV file.

    Args:
        serial_number_type (str):
        format_ (SerialNumberFileFormat): File format of Take answers, exports and uploads.
        body (SerialNumberUpload):

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
            serial_number_type=serial_number_type,
            format_=format_,
        )
    ).parsed
