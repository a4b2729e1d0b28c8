from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="AzureBlobStorageConfig")


@_attrs_define
class AzureBlobStorageConfig:
    """AzureBlobStorageConfig is the configuration for Azure Blob Storage dataset access
    which will be used by a training job.

        Attributes:
            credentials_secret (str | Unset): Reference to a Secret resource containing Azure credentials.
                Format: accounts/{account_id}/secrets/{secret_id}
                The secret value must be JSON: {"connection_string": "..."} or {"sas_token": "..."} or {"account_key": "..."}
                Mutually exclusive with managed_identity_client_id.
            managed_identity_client_id (str | Unset): Managed Identity Client ID for GCP-to-Azure Workload Identity
                Federation.
                Format: uuid
                Mutually exclusive with credentials_secret.
            tenant_id (str | Unset):
    """

    credentials_secret: str | Unset = UNSET
    managed_identity_client_id: str | Unset = UNSET
    tenant_id: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        credentials_secret = self.credentials_secret

        managed_identity_client_id = self.managed_identity_client_id

        tenant_id = self.tenant_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        if credentials_secret is not UNSET:
            field_dict["credentialsSecret"] = credentials_secret
        if managed_identity_client_id is not UNSET:
            field_dict["managedIdentityClientId"] = managed_identity_client_id
        if tenant_id is not UNSET:
            field_dict["tenantId"] = tenant_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        credentials_secret = d.pop("credentialsSecret", UNSET)

        managed_identity_client_id = d.pop("managedIdentityClientId", UNSET)

        tenant_id = d.pop("tenantId", UNSET)

        azure_blob_storage_config = cls(
            credentials_secret=credentials_secret,
            managed_identity_client_id=managed_identity_client_id,
            tenant_id=tenant_id,
        )

        azure_blob_storage_config.additional_properties = d
        return azure_blob_storage_config

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
