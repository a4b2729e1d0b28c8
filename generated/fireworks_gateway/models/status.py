from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .._lib.fields import checked as _checked
from .._lib.fields import exact_types as _exact_types
from .._lib.fields import lazy_dict as _lazy_dict
from ..models.code import Code
from ..types import UNSET, Unset

T = TypeVar("T", bound="Status")
_FIELD_KINDS: dict[str, str] = {
    "code": "enum",
    "message": "str",
}
_FIELD_TYPES: dict[str, type] = _exact_types(
    _FIELD_KINDS
)  # what needs no check, one lookup per field
_FIELD_NAMES: dict[str, str] = {
    "code": "code",
    "message": "message",
}  # for _lib.bulk


@_attrs_define
class Status:
    """
    Attributes:
        code (Code | Unset): - OK: Not an error; returned on success.

            HTTP Mapping: 200 OK
             - CANCELLED: The operation was cancelled, typically by the caller.

            HTTP Mapping: 499 Client Closed Request
             - UNKNOWN: Unknown error.  For example, this error may be returned when
            a `Status` value received from another address space belongs to
            an error space that is not known in this address space.  Also
            errors raised by APIs that do not return enough error information
            may be converted to this error.

            HTTP Mapping: 500 Internal Server Error
             - INVALID_ARGUMENT: The client specified an invalid argument.  Note that this differs
            from `FAILED_PRECONDITION`.  `INVALID_ARGUMENT` indicates arguments
            that are problematic regardless of the state of the system
            (e.g., a malformed file name).

            HTTP Mapping: 400 Bad Request
             - DEADLINE_EXCEEDED: The deadline expired before the operation could complete. For operations
            that change the state of the system, this error may be returned
            even if the operation has completed successfully.  For example, a
            successful response from a server could have been delayed long
            enough for the deadline to expire.

            HTTP Mapping: 504 Gateway Timeout
             - NOT_FOUND: Some requested entity (e.g., file or directory) was not found.

            Note to server developers: if a request is denied for an entire class
            of users, such as gradual feature rollout or undocumented allowlist,
            `NOT_FOUND` may be used. If a request is denied for some users within
            a class of users, such as user-based access control, `PERMISSION_DENIED`
            must be used.

            HTTP Mapping: 404 Not Found
             - ALREADY_EXISTS: The entity that a client attempted to create (e.g., file or directory)
            already exists.

            HTTP Mapping: 409 Conflict
             - PERMISSION_DENIED: The caller does not have permission to execute the specified
            operation. `PERMISSION_DENIED` must not be used for rejections
            caused by exhausting some resource (use `RESOURCE_EXHAUSTED`
            instead for those errors). `PERMISSION_DENIED` must not be
            used if the caller can not be identified (use `UNAUTHENTICATED`
            instead for those errors). This error code does not imply the
            request is valid or the requested entity exists or satisfies
            other pre-conditions.

            HTTP Mapping: 403 Forbidden
             - UNAUTHENTICATED: The request does not have valid authentication credentials for the
            operation.

            HTTP Mapping: 401 Unauthorized
             - RESOURCE_EXHAUSTED: Some resource has been exhausted, perhaps a per-user quota, or
            perhaps the entire file system is out of space.

            HTTP Mapping: 429 Too Many Requests
             - FAILED_PRECONDITION: The operation was rejected because the system is not in a state
            required for the operation's execution.  For example, the directory
            to be deleted is non-empty, an rmdir operation is applied to
            a non-directory, etc.

            Service implementors can use the following guidelines to decide
            between `FAILED_PRECONDITION`, `ABORTED`, and `UNAVAILABLE`:
             (a) Use `UNAVAILABLE` if the client can retry just the failing call.
             (b) Use `ABORTED` if the client should retry at a higher level. For
                 example, when a client-specified test-and-set fails, indicating the
                 client should restart a read-modify-write sequence.
             (c) Use `FAILED_PRECONDITION` if the client should not retry until
                 the system state has been explicitly fixed. For example, if an "rmdir"
                 fails because the directory is non-empty, `FAILED_PRECONDITION`
                 should be returned since the client should not retry unless
                 the files are deleted from the directory.

            HTTP Mapping: 400 Bad Request
             - ABORTED: The operation was aborted, typically due to a concurrency issue such as
            a sequencer check failure or transaction abort.

            See the guidelines above for deciding between `FAILED_PRECONDITION`,
            `ABORTED`, and `UNAVAILABLE`.

            HTTP Mapping: 409 Conflict
             - OUT_OF_RANGE: The operation was attempted past the valid range.  E.g., seeking or
            reading past end-of-file.

            Unlike `INVALID_ARGUMENT`, this error indicates a problem that may
            be fixed if the system state changes. For example, a 32-bit file
            system will generate `INVALID_ARGUMENT` if asked to read at an
            offset that is not in the range [0,2^32-1], but it will generate
            `OUT_OF_RANGE` if asked to read from an offset past the current
            file size.

            There is a fair bit of overlap between `FAILED_PRECONDITION` and
            `OUT_OF_RANGE`.  We recommend using `OUT_OF_RANGE` (the more specific
            error) when it applies so that callers who are iterating through
            a space can easily look for an `OUT_OF_RANGE` error to detect when
            they are done.

            HTTP Mapping: 400 Bad Request
             - UNIMPLEMENTED: The operation is not implemented or is not supported/enabled in this
            service.

            HTTP Mapping: 501 Not Implemented
             - INTERNAL: Internal errors.  This means that some invariants expected by the
            underlying system have been broken.  This error code is reserved
            for serious errors.

            HTTP Mapping: 500 Internal Server Error
             - UNAVAILABLE: The service is currently unavailable.  This is most likely a
            transient condition, which can be corrected by retrying with
            a backoff. Note that it is not always safe to retry
            non-idempotent operations.

            See the guidelines above for deciding between `FAILED_PRECONDITION`,
            `ABORTED`, and `UNAVAILABLE`.

            HTTP Mapping: 503 Service Unavailable
             - DATA_LOSS: Unrecoverable data loss or corruption.

            HTTP Mapping: 500 Internal Server Error
        message (str | Unset): A developer-facing error message in English.
    """

    code: Code | Unset = UNSET
    message: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False)

    def to_dict(self) -> dict[str, Any]:
        code: str | Unset = UNSET
        if not isinstance(self.code, Unset):
            code = self.code.value

        message = self.message

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if code is not UNSET:
            field_dict["code"] = code
        if message is not UNSET:
            field_dict["message"] = message

        return {
            key: value for key, value in field_dict.items() if value is not UNSET
        }  # a masked required field

    @classmethod
    def from_dict(
        cls: type[T],
        src_dict: Mapping[str, Any],
        *,
        read_mask: Collection[str] | None = None,
    ) -> T:
        """The model of a JSON object; ResponseContractError (MissingFieldError) names a field of the wrong type.

        read_mask: the top-level JSON names a read mask covered; required fields outside it are then UNSET.
        """
        d = _checked("Status", src_dict, _FIELD_KINDS, (), read_mask, _FIELD_TYPES)
        _code = d.pop("code", UNSET)
        code: Code | Unset
        if isinstance(_code, Unset):
            code = UNSET
        else:
            code = Code(_code)

        message = d.pop("message", UNSET)

        status = cls(
            code=code,
            message=message,
        )

        status.additional_properties = d
        return status

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties


_lazy_dict(Status, "additional_properties")
