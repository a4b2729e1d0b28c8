"""Contains all the data models used in inputs/outputs"""

from .aws_s3_config import AwsS3Config
from .azure_blob_storage_config import AzureBlobStorageConfig
from .code import Code
from .job_progress import JobProgress
from .job_state import JobState
from .money import Money
from .purpose import Purpose
from .status import Status
from .supervised_fine_tuning_job import SupervisedFineTuningJob
from .wandb_config import WandbConfig

__all__ = (
    "AwsS3Config",
    "AzureBlobStorageConfig",
    "Code",
    "JobProgress",
    "JobState",
    "Money",
    "Purpose",
    "Status",
    "SupervisedFineTuningJob",
    "WandbConfig",
)
