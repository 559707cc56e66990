"""The exceptions raised by talque, all under one base class, :class:`TalqueError`."""

from __future__ import annotations

from typing import Any

__all__ = [
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "InternalServerError",
    "InvalidResponseError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "TalqueError",
]


def _restore(cls: type[TalqueError], args: tuple[Any, ...], state: dict[str, Any]) -> TalqueError:
    # Rebuild without calling __init__, whose keyword-only arguments pickle cannot pass.
    err = cls.__new__(cls, *args)
    BaseException.__init__(err, *args)
    err.__dict__.update(state)
    return err


class TalqueError(Exception):
    """Base class of every error raised by talque."""

    def __reduce__(self) -> Any:
        return (_restore, (type(self), self.args, self.__dict__))


class APIStatusError(TalqueError):
    """The API answered with an HTTP error status (after any retries).

    Attributes:
        status_code: The HTTP status code.
        body: The response body as text (may be truncated for very large bodies).
        reason: The API's machine-readable ``reason`` code, when the body carried one.
        message: The API's human-readable ``message``, when the body carried one.
    """

    status_code: int
    body: str
    reason: str | None
    message: str | None

    def __init__(
        self,
        text: str,
        *,
        status_code: int,
        body: str = "",
        reason: str | None = None,
        message: str | None = None,
    ) -> None:
        super().__init__(text)
        self.status_code = status_code
        self.body = body
        self.reason = reason
        self.message = message


class BadRequestError(APIStatusError):
    """HTTP 400: the API rejected the request (a bad argument or cursor)."""


class AuthenticationError(APIStatusError):
    """HTTP 401: the client id or secret is missing or wrong."""


class PermissionDeniedError(APIStatusError):
    """HTTP 403: the credentials may not read this organization."""


class NotFoundError(APIStatusError):
    """HTTP 404: for example, the organization does not exist."""


class RateLimitError(APIStatusError):
    """HTTP 429: too many requests, still refused after the configured retries."""


class InternalServerError(APIStatusError):
    """HTTP 5xx: the server failed, still failing after the configured retries."""


class APIConnectionError(TalqueError, ConnectionError):
    """The API could not be reached, or the connection broke mid-answer."""


class APITimeoutError(APIConnectionError, TimeoutError):
    """An attempt took longer than the client's ``timeout`` (after any retries)."""


class InvalidResponseError(TalqueError):
    """The API answered 2xx with something that is not a valid answer.

    For example: a body that is not JSON, JSON of the wrong shape, or a broken pagination
    protocol (a repeated cursor, or ``more`` without a cursor).
    """


_STATUS_CLASSES = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    429: RateLimitError,
}


def _status_error(
    text: str,
    *,
    status_code: int,
    body: str,
    reason: str | None,
    message: str | None,
) -> APIStatusError:
    """Builds the most specific :class:`APIStatusError` for a status code (used by the core)."""
    cls = _STATUS_CLASSES.get(status_code)
    if cls is None:
        cls = InternalServerError if status_code >= 500 else APIStatusError
    return cls(text, status_code=status_code, body=body, reason=reason, message=message)
