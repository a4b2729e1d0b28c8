"""Contains all the data models used in inputs/outputs"""

from .aws_s3_config import AwsS3Config
from .azure_blob_storage_config import AzureBlobStorageConfig
from .cancel_supervised_fine_tuning_job_body import CancelSupervisedFineTuningJobBody
from .cancel_supervised_fine_tuning_job_response_200 import (
    CancelSupervisedFineTuningJobResponse200,
)
from .code import Code
from .delete_supervised_fine_tuning_job_response_200 import (
    DeleteSupervisedFineTuningJobResponse200,
)
from .estimate_supervised_fine_tuning_job_cost_response import (
    EstimateSupervisedFineTuningJobCostResponse,
)
from .job_progress import JobProgress
from .job_state import JobState
from .list_supervised_fine_tuning_jobs_response import (
    ListSupervisedFineTuningJobsResponse,
)
from .money import Money
from .partial_supervised_fine_tuning_job import PartialSupervisedFineTuningJob
from .purpose import Purpose
from .resume_supervised_fine_tuning_job_body import ResumeSupervisedFineTuningJobBody
from .status import Status
from .supervised_fine_tuning_job import SupervisedFineTuningJob
from .wandb_config import WandbConfig

__all__ = (
    "AwsS3Config",
    "AzureBlobStorageConfig",
    "CancelSupervisedFineTuningJobBody",
    "CancelSupervisedFineTuningJobResponse200",
    "Code",
    "DeleteSupervisedFineTuningJobResponse200",
    "EstimateSupervisedFineTuningJobCostResponse",
    "JobProgress",
    "JobState",
    "ListSupervisedFineTuningJobsResponse",
    "Money",
    "PartialSupervisedFineTuningJob",
    "Purpose",
    "ResumeSupervisedFineTuningJobBody",
    "Status",
    "SupervisedFineTuningJob",
    "WandbConfig",
)
