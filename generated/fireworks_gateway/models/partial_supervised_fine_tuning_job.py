from __future__ import annotations

import datetime
from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .._lib.fields import checked as _checked
from .._lib.fields import exact_types as _exact_types
from .._lib.fields import lazy_dict as _lazy_dict
from ..models.job_state import JobState
from ..models.purpose import Purpose
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.aws_s3_config import AwsS3Config
    from ..models.azure_blob_storage_config import AzureBlobStorageConfig
    from ..models.job_progress import JobProgress
    from ..models.money import Money
    from ..models.status import Status
    from ..models.wandb_config import WandbConfig


T = TypeVar("T", bound="PartialSupervisedFineTuningJob")
_FIELD_KINDS: dict[str, str] = {
    "name": "str",
    "displayName": "str",
    "createTime": "datetime",
    "completedTime": "datetime",
    "dataset": "str",
    "awsS3Config": "object",
    "azureBlobStorageConfig": "object",
    "state": "enum",
    "status": "object",
    "createdBy": "str",
    "outputModel": "str",
    "baseModel": "str",
    "warmStartFrom": "str",
    "jinjaTemplate": "str",
    "earlyStop": "bool",
    "epochs": "int",
    "learningRate": "float",
    "maxContextLength": "int",
    "loraRank": "int",
    "wandbConfig": "object",
    "evaluationDataset": "str",
    "isTurbo": "bool",
    "evalAutoCarveout": "bool",
    "updateTime": "datetime",
    "nodes": "int",
    "batchSize": "int",
    "mtpEnabled": "bool",
    "mtpNumDraftTokens": "int",
    "mtpFreezeBaseModel": "bool",
    "jobProgress": "object",
    "metricsFileSignedUrl": "str",
    "trainerLogsSignedUrl": "str",
    "gradientAccumulationSteps": "int",
    "learningRateWarmupSteps": "int",
    "batchSizeSamples": "int",
    "estimatedCost": "object",
    "optimizerWeightDecay": "float",
    "purpose": "enum",
}
_FIELD_TYPES: dict[str, type] = _exact_types(
    _FIELD_KINDS
)  # what needs no check, one lookup per field
_FIELD_NAMES: dict[str, str] = {
    "name": "name",
    "displayName": "display_name",
    "createTime": "create_time",
    "completedTime": "completed_time",
    "dataset": "dataset",
    "awsS3Config": "aws_s3_config",
    "azureBlobStorageConfig": "azure_blob_storage_config",
    "state": "state",
    "status": "status",
    "createdBy": "created_by",
    "outputModel": "output_model",
    "baseModel": "base_model",
    "warmStartFrom": "warm_start_from",
    "jinjaTemplate": "jinja_template",
    "earlyStop": "early_stop",
    "epochs": "epochs",
    "learningRate": "learning_rate",
    "maxContextLength": "max_context_length",
    "loraRank": "lora_rank",
    "wandbConfig": "wandb_config",
    "evaluationDataset": "evaluation_dataset",
    "isTurbo": "is_turbo",
    "evalAutoCarveout": "eval_auto_carveout",
    "updateTime": "update_time",
    "nodes": "nodes",
    "batchSize": "batch_size",
    "mtpEnabled": "mtp_enabled",
    "mtpNumDraftTokens": "mtp_num_draft_tokens",
    "mtpFreezeBaseModel": "mtp_freeze_base_model",
    "jobProgress": "job_progress",
    "metricsFileSignedUrl": "metrics_file_signed_url",
    "trainerLogsSignedUrl": "trainer_logs_signed_url",
    "gradientAccumulationSteps": "gradient_accumulation_steps",
    "learningRateWarmupSteps": "learning_rate_warmup_steps",
    "batchSizeSamples": "batch_size_samples",
    "estimatedCost": "estimated_cost",
    "optimizerWeightDecay": "optimizer_weight_decay",
    "purpose": "purpose",
}  # for _lib.bulk


@_attrs_define
class PartialSupervisedFineTuningJob:
    """SupervisedFineTuningJob as a read with a mask returns it: any field may be absent (UNSET).

    Attributes:
        name (str | Unset):
        display_name (str | Unset):
        create_time (datetime.datetime | Unset):
        completed_time (datetime.datetime | Unset):
        dataset (str | Unset): The name of the dataset used for training.
        aws_s3_config (AwsS3Config | Unset): AwsS3Config is the configuration for AWS S3 dataset access which
            will be used by a training job.
        azure_blob_storage_config (AzureBlobStorageConfig | Unset): AzureBlobStorageConfig is the configuration for
            Azure Blob Storage dataset access
            which will be used by a training job.
        state (JobState | Unset): JobState represents the state an asynchronous job can be in.

             - JOB_STATE_PAUSED: Job is paused, typically due to account suspension or manual intervention.
             - JOB_STATE_DELETED: Job has been deleted.
        status (Status | Unset):
        created_by (str | Unset): The email address of the user who initiated this fine-tuning job.
        output_model (str | Unset): The model ID to be assigned to the resulting fine-tuned model. If not specified, the
            job ID will be used.
        base_model (str | Unset): The name of the base model to be fine-tuned
            Only one of 'base_model' or 'warm_start_from' should be specified.
        warm_start_from (str | Unset): The PEFT addon model in Fireworks format to be fine-tuned from
            Only one of 'base_model' or 'warm_start_from' should be specified.
        jinja_template (str | Unset):
        early_stop (bool | Unset): Whether to stop training early if the validation loss does not improve.
        epochs (int | Unset): The number of epochs to train for.
        learning_rate (float | Unset): The learning rate used for training.
        max_context_length (int | Unset): The maximum context length to use with the model.
        lora_rank (int | Unset): The rank of the LoRA layers.
        wandb_config (WandbConfig | Unset): WandbConfig is the configuration for the Weights & Biases (wandb) logging
            which
            will be used by a training job.
        evaluation_dataset (str | Unset): The name of a separate dataset to use for evaluation.
        is_turbo (bool | Unset): Whether to run the fine-tuning job in turbo mode.
        eval_auto_carveout (bool | Unset): Whether to auto-carve the dataset for eval.
        update_time (datetime.datetime | Unset): The update time for the supervised fine-tuning job.
        nodes (int | Unset): Deprecated: multi-node scheduling is now handled by the cookbook
            orchestrator in V2 workflows. This field is ignored for V2 jobs and
            will be removed in a future release.
        batch_size (int | Unset):
        mtp_enabled (bool | Unset): Deprecated: MTP is not supported in V2 training. These fields are
            retained for V1 Helm-based SFT backward compatibility only.
        mtp_num_draft_tokens (int | Unset): Deprecated: see mtp_enabled.
        mtp_freeze_base_model (bool | Unset): Deprecated: see mtp_enabled.
        job_progress (JobProgress | Unset): Progress of a job, e.g. RLOR, EVJ, BIJ etc.
        metrics_file_signed_url (str | Unset):
        trainer_logs_signed_url (str | Unset): The signed URL for the trainer logs file (stdout/stderr).
            Only populated if the account has trainer log reading enabled.
        gradient_accumulation_steps (int | Unset):
        learning_rate_warmup_steps (int | Unset):
        batch_size_samples (int | Unset): The number of samples per gradient batch.
        estimated_cost (Money | Unset): Represents an amount of money with its currency type.
        optimizer_weight_decay (float | Unset): Weight decay (L2 regularization) for optimizer.
        purpose (Purpose | Unset): Scheduling purpose for training jobs and deployments.
    """

    name: str | Unset = UNSET
    display_name: str | Unset = UNSET
    create_time: datetime.datetime | Unset = UNSET
    completed_time: datetime.datetime | Unset = UNSET
    dataset: str | Unset = UNSET
    aws_s3_config: AwsS3Config | Unset = UNSET
    azure_blob_storage_config: AzureBlobStorageConfig | Unset = UNSET
    state: JobState | Unset = UNSET
    status: Status | Unset = UNSET
    created_by: str | Unset = UNSET
    output_model: str | Unset = UNSET
    base_model: str | Unset = UNSET
    warm_start_from: str | Unset = UNSET
    jinja_template: str | Unset = UNSET
    early_stop: bool | Unset = UNSET
    epochs: int | Unset = UNSET
    learning_rate: float | Unset = UNSET
    max_context_length: int | Unset = UNSET
    lora_rank: int | Unset = UNSET
    wandb_config: WandbConfig | Unset = UNSET
    evaluation_dataset: str | Unset = UNSET
    is_turbo: bool | Unset = UNSET
    eval_auto_carveout: bool | Unset = UNSET
    update_time: datetime.datetime | Unset = UNSET
    nodes: int | Unset = UNSET
    batch_size: int | Unset = UNSET
    mtp_enabled: bool | Unset = UNSET
    mtp_num_draft_tokens: int | Unset = UNSET
    mtp_freeze_base_model: bool | Unset = UNSET
    job_progress: JobProgress | Unset = UNSET
    metrics_file_signed_url: str | Unset = UNSET
    trainer_logs_signed_url: str | Unset = UNSET
    gradient_accumulation_steps: int | Unset = UNSET
    learning_rate_warmup_steps: int | Unset = UNSET
    batch_size_samples: int | Unset = UNSET
    estimated_cost: Money | Unset = UNSET
    optimizer_weight_decay: float | Unset = UNSET
    purpose: Purpose | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        display_name = self.display_name

        create_time: str | Unset = UNSET
        if not isinstance(self.create_time, Unset):
            create_time = self.create_time.isoformat()

        completed_time: str | Unset = UNSET
        if not isinstance(self.completed_time, Unset):
            completed_time = self.completed_time.isoformat()

        dataset = self.dataset

        aws_s3_config: dict[str, Any] | Unset = UNSET
        if not isinstance(self.aws_s3_config, Unset):
            aws_s3_config = self.aws_s3_config.to_dict()

        azure_blob_storage_config: dict[str, Any] | Unset = UNSET
        if not isinstance(self.azure_blob_storage_config, Unset):
            azure_blob_storage_config = self.azure_blob_storage_config.to_dict()

        state: str | Unset = UNSET
        if not isinstance(self.state, Unset):
            state = self.state.value

        status: dict[str, Any] | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status.to_dict()

        created_by = self.created_by

        output_model = self.output_model

        base_model = self.base_model

        warm_start_from = self.warm_start_from

        jinja_template = self.jinja_template

        early_stop = self.early_stop

        epochs = self.epochs

        learning_rate = self.learning_rate

        max_context_length = self.max_context_length

        lora_rank = self.lora_rank

        wandb_config: dict[str, Any] | Unset = UNSET
        if not isinstance(self.wandb_config, Unset):
            wandb_config = self.wandb_config.to_dict()

        evaluation_dataset = self.evaluation_dataset

        is_turbo = self.is_turbo

        eval_auto_carveout = self.eval_auto_carveout

        update_time: str | Unset = UNSET
        if not isinstance(self.update_time, Unset):
            update_time = self.update_time.isoformat()

        nodes = self.nodes

        batch_size = self.batch_size

        mtp_enabled = self.mtp_enabled

        mtp_num_draft_tokens = self.mtp_num_draft_tokens

        mtp_freeze_base_model = self.mtp_freeze_base_model

        job_progress: dict[str, Any] | Unset = UNSET
        if not isinstance(self.job_progress, Unset):
            job_progress = self.job_progress.to_dict()

        metrics_file_signed_url = self.metrics_file_signed_url

        trainer_logs_signed_url = self.trainer_logs_signed_url

        gradient_accumulation_steps = self.gradient_accumulation_steps

        learning_rate_warmup_steps = self.learning_rate_warmup_steps

        batch_size_samples = self.batch_size_samples

        estimated_cost: dict[str, Any] | Unset = UNSET
        if not isinstance(self.estimated_cost, Unset):
            estimated_cost = self.estimated_cost.to_dict()

        optimizer_weight_decay = self.optimizer_weight_decay

        purpose: str | Unset = UNSET
        if not isinstance(self.purpose, Unset):
            purpose = self.purpose.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if name is not UNSET:
            field_dict["name"] = name
        if display_name is not UNSET:
            field_dict["displayName"] = display_name
        if create_time is not UNSET:
            field_dict["createTime"] = create_time
        if completed_time is not UNSET:
            field_dict["completedTime"] = completed_time
        if dataset is not UNSET:
            field_dict["dataset"] = dataset
        if aws_s3_config is not UNSET:
            field_dict["awsS3Config"] = aws_s3_config
        if azure_blob_storage_config is not UNSET:
            field_dict["azureBlobStorageConfig"] = azure_blob_storage_config
        if state is not UNSET:
            field_dict["state"] = state
        if status is not UNSET:
            field_dict["status"] = status
        if created_by is not UNSET:
            field_dict["createdBy"] = created_by
        if output_model is not UNSET:
            field_dict["outputModel"] = output_model
        if base_model is not UNSET:
            field_dict["baseModel"] = base_model
        if warm_start_from is not UNSET:
            field_dict["warmStartFrom"] = warm_start_from
        if jinja_template is not UNSET:
            field_dict["jinjaTemplate"] = jinja_template
        if early_stop is not UNSET:
            field_dict["earlyStop"] = early_stop
        if epochs is not UNSET:
            field_dict["epochs"] = epochs
        if learning_rate is not UNSET:
            field_dict["learningRate"] = learning_rate
        if max_context_length is not UNSET:
            field_dict["maxContextLength"] = max_context_length
        if lora_rank is not UNSET:
            field_dict["loraRank"] = lora_rank
        if wandb_config is not UNSET:
            field_dict["wandbConfig"] = wandb_config
        if evaluation_dataset is not UNSET:
            field_dict["evaluationDataset"] = evaluation_dataset
        if is_turbo is not UNSET:
            field_dict["isTurbo"] = is_turbo
        if eval_auto_carveout is not UNSET:
            field_dict["evalAutoCarveout"] = eval_auto_carveout
        if update_time is not UNSET:
            field_dict["updateTime"] = update_time
        if nodes is not UNSET:
            field_dict["nodes"] = nodes
        if batch_size is not UNSET:
            field_dict["batchSize"] = batch_size
        if mtp_enabled is not UNSET:
            field_dict["mtpEnabled"] = mtp_enabled
        if mtp_num_draft_tokens is not UNSET:
            field_dict["mtpNumDraftTokens"] = mtp_num_draft_tokens
        if mtp_freeze_base_model is not UNSET:
            field_dict["mtpFreezeBaseModel"] = mtp_freeze_base_model
        if job_progress is not UNSET:
            field_dict["jobProgress"] = job_progress
        if metrics_file_signed_url is not UNSET:
            field_dict["metricsFileSignedUrl"] = metrics_file_signed_url
        if trainer_logs_signed_url is not UNSET:
            field_dict["trainerLogsSignedUrl"] = trainer_logs_signed_url
        if gradient_accumulation_steps is not UNSET:
            field_dict["gradientAccumulationSteps"] = gradient_accumulation_steps
        if learning_rate_warmup_steps is not UNSET:
            field_dict["learningRateWarmupSteps"] = learning_rate_warmup_steps
        if batch_size_samples is not UNSET:
            field_dict["batchSizeSamples"] = batch_size_samples
        if estimated_cost is not UNSET:
            field_dict["estimatedCost"] = estimated_cost
        if optimizer_weight_decay is not UNSET:
            field_dict["optimizerWeightDecay"] = optimizer_weight_decay
        if purpose is not UNSET:
            field_dict["purpose"] = purpose

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
        d = _checked(
            "PartialSupervisedFineTuningJob",
            src_dict,
            _FIELD_KINDS,
            (),
            read_mask,
            _FIELD_TYPES,
        )
        name = d.pop("name", UNSET)

        display_name = d.pop("displayName", UNSET)

        _create_time = d.pop("createTime", UNSET)
        create_time: datetime.datetime | Unset
        if isinstance(_create_time, Unset):
            create_time = UNSET
        else:
            create_time = datetime.datetime.fromisoformat(_create_time)

        _completed_time = d.pop("completedTime", UNSET)
        completed_time: datetime.datetime | Unset
        if isinstance(_completed_time, Unset):
            completed_time = UNSET
        else:
            completed_time = datetime.datetime.fromisoformat(_completed_time)

        dataset = d.pop("dataset", UNSET)

        _aws_s3_config = d.pop("awsS3Config", UNSET)
        aws_s3_config: AwsS3Config | Unset
        if isinstance(_aws_s3_config, Unset):
            aws_s3_config = UNSET
        else:
            aws_s3_config = AwsS3Config.from_dict(_aws_s3_config)

        _azure_blob_storage_config = d.pop("azureBlobStorageConfig", UNSET)
        azure_blob_storage_config: AzureBlobStorageConfig | Unset
        if isinstance(_azure_blob_storage_config, Unset):
            azure_blob_storage_config = UNSET
        else:
            azure_blob_storage_config = AzureBlobStorageConfig.from_dict(
                _azure_blob_storage_config
            )

        _state = d.pop("state", UNSET)
        state: JobState | Unset
        if isinstance(_state, Unset):
            state = UNSET
        else:
            state = JobState(_state)

        _status = d.pop("status", UNSET)
        status: Status | Unset
        if isinstance(_status, Unset):
            status = UNSET
        else:
            status = Status.from_dict(_status)

        created_by = d.pop("createdBy", UNSET)

        output_model = d.pop("outputModel", UNSET)

        base_model = d.pop("baseModel", UNSET)

        warm_start_from = d.pop("warmStartFrom", UNSET)

        jinja_template = d.pop("jinjaTemplate", UNSET)

        early_stop = d.pop("earlyStop", UNSET)

        epochs = d.pop("epochs", UNSET)

        learning_rate = d.pop("learningRate", UNSET)

        max_context_length = d.pop("maxContextLength", UNSET)

        lora_rank = d.pop("loraRank", UNSET)

        _wandb_config = d.pop("wandbConfig", UNSET)
        wandb_config: WandbConfig | Unset
        if isinstance(_wandb_config, Unset):
            wandb_config = UNSET
        else:
            wandb_config = WandbConfig.from_dict(_wandb_config)

        evaluation_dataset = d.pop("evaluationDataset", UNSET)

        is_turbo = d.pop("isTurbo", UNSET)

        eval_auto_carveout = d.pop("evalAutoCarveout", UNSET)

        _update_time = d.pop("updateTime", UNSET)
        update_time: datetime.datetime | Unset
        if isinstance(_update_time, Unset):
            update_time = UNSET
        else:
            update_time = datetime.datetime.fromisoformat(_update_time)

        nodes = d.pop("nodes", UNSET)

        batch_size = d.pop("batchSize", UNSET)

        mtp_enabled = d.pop("mtpEnabled", UNSET)

        mtp_num_draft_tokens = d.pop("mtpNumDraftTokens", UNSET)

        mtp_freeze_base_model = d.pop("mtpFreezeBaseModel", UNSET)

        _job_progress = d.pop("jobProgress", UNSET)
        job_progress: JobProgress | Unset
        if isinstance(_job_progress, Unset):
            job_progress = UNSET
        else:
            job_progress = JobProgress.from_dict(_job_progress)

        metrics_file_signed_url = d.pop("metricsFileSignedUrl", UNSET)

        trainer_logs_signed_url = d.pop("trainerLogsSignedUrl", UNSET)

        gradient_accumulation_steps = d.pop("gradientAccumulationSteps", UNSET)

        learning_rate_warmup_steps = d.pop("learningRateWarmupSteps", UNSET)

        batch_size_samples = d.pop("batchSizeSamples", UNSET)

        _estimated_cost = d.pop("estimatedCost", UNSET)
        estimated_cost: Money | Unset
        if isinstance(_estimated_cost, Unset):
            estimated_cost = UNSET
        else:
            estimated_cost = Money.from_dict(_estimated_cost)

        optimizer_weight_decay = d.pop("optimizerWeightDecay", UNSET)

        _purpose = d.pop("purpose", UNSET)
        purpose: Purpose | Unset
        if isinstance(_purpose, Unset):
            purpose = UNSET
        else:
            purpose = Purpose(_purpose)

        partial_supervised_fine_tuning_job = cls(
            name=name,
            display_name=display_name,
            create_time=create_time,
            completed_time=completed_time,
            dataset=dataset,
            aws_s3_config=aws_s3_config,
            azure_blob_storage_config=azure_blob_storage_config,
            state=state,
            status=status,
            created_by=created_by,
            output_model=output_model,
            base_model=base_model,
            warm_start_from=warm_start_from,
            jinja_template=jinja_template,
            early_stop=early_stop,
            epochs=epochs,
            learning_rate=learning_rate,
            max_context_length=max_context_length,
            lora_rank=lora_rank,
            wandb_config=wandb_config,
            evaluation_dataset=evaluation_dataset,
            is_turbo=is_turbo,
            eval_auto_carveout=eval_auto_carveout,
            update_time=update_time,
            nodes=nodes,
            batch_size=batch_size,
            mtp_enabled=mtp_enabled,
            mtp_num_draft_tokens=mtp_num_draft_tokens,
            mtp_freeze_base_model=mtp_freeze_base_model,
            job_progress=job_progress,
            metrics_file_signed_url=metrics_file_signed_url,
            trainer_logs_signed_url=trainer_logs_signed_url,
            gradient_accumulation_steps=gradient_accumulation_steps,
            learning_rate_warmup_steps=learning_rate_warmup_steps,
            batch_size_samples=batch_size_samples,
            estimated_cost=estimated_cost,
            optimizer_weight_decay=optimizer_weight_decay,
            purpose=purpose,
        )

        partial_supervised_fine_tuning_job.additional_properties = d
        return partial_supervised_fine_tuning_job

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


_lazy_dict(PartialSupervisedFineTuningJob, "additional_properties")

# After the class, so that models referring to each other import in any order (was one import per from_dict call).
from ..models.aws_s3_config import AwsS3Config  # noqa: E402
from ..models.azure_blob_storage_config import AzureBlobStorageConfig  # noqa: E402
from ..models.job_progress import JobProgress  # noqa: E402
from ..models.money import Money  # noqa: E402
from ..models.status import Status  # noqa: E402
from ..models.wandb_config import WandbConfig  # noqa: E402
