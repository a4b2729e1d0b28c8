from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .._lib.fields import checked as _checked
from .._lib.fields import exact_types as _exact_types
from .._lib.fields import lazy_dict as _lazy_dict
from ..types import UNSET, Unset

T = TypeVar("T", bound="WandbConfig")
_FIELD_KINDS: dict[str, str] = {
    "enabled": "bool",
    "apiKey": "str",
    "project": "str",
    "entity": "str",
    "runId": "str",
    "url": "str",
}
_FIELD_TYPES: dict[str, type] = _exact_types(
    _FIELD_KINDS
)  # what needs no check, one lookup per field
_FIELD_NAMES: dict[str, str] = {
    "enabled": "enabled",
    "apiKey": "api_key",
    "project": "project",
    "entity": "entity",
    "runId": "run_id",
    "url": "url",
}  # for _lib.bulk


@_attrs_define
class WandbConfig:
    """WandbConfig is the configuration for the Weights & Biases (wandb) logging which
    will be used by a training job.

        Attributes:
            enabled (bool | Unset): Whether to enable wandb logging.
            api_key (str | Unset): The API key for the wandb service.
            project (str | Unset): The project name for the wandb service.
            entity (str | Unset): The entity name for the wandb service.
            run_id (str | Unset): The run ID for the wandb service.
            url (str | Unset): The URL for the wandb service.
    """

    enabled: bool | Unset = UNSET
    api_key: str | Unset = UNSET
    project: str | Unset = UNSET
    entity: str | Unset = UNSET
    run_id: str | Unset = UNSET
    url: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False)

    def to_dict(self) -> dict[str, Any]:
        enabled = self.enabled

        api_key = self.api_key

        project = self.project

        entity = self.entity

        run_id = self.run_id

        url = self.url

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if enabled is not UNSET:
            field_dict["enabled"] = enabled
        if api_key is not UNSET:
            field_dict["apiKey"] = api_key
        if project is not UNSET:
            field_dict["project"] = project
        if entity is not UNSET:
            field_dict["entity"] = entity
        if run_id is not UNSET:
            field_dict["runId"] = run_id
        if url is not UNSET:
            field_dict["url"] = url

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
        d = _checked("WandbConfig", src_dict, _FIELD_KINDS, (), read_mask, _FIELD_TYPES)
        enabled = d.pop("enabled", UNSET)

        api_key = d.pop("apiKey", UNSET)

        project = d.pop("project", UNSET)

        entity = d.pop("entity", UNSET)

        run_id = d.pop("runId", UNSET)

        url = d.pop("url", UNSET)

        wandb_config = cls(
            enabled=enabled,
            api_key=api_key,
            project=project,
            entity=entity,
            run_id=run_id,
            url=url,
        )

        wandb_config.additional_properties = d
        return wandb_config

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


_lazy_dict(WandbConfig, "additional_properties")
