"""Contains all the data models used in inputs/outputs"""

from .aws_s3_config import AwsS3Config
from .azure_blob_storage_config import AzureBlobStorageConfig
from .code import Code
from .estimate_supervised_fine_tuning_job_cost_response import (
    EstimateSupervisedFineTuningJobCostResponse,
)
from .gateway_cancel_supervised_fine_tuning_job_body import (
    GatewayCancelSupervisedFineTuningJobBody,
)
from .gateway_cancel_supervised_fine_tuning_job_response_200 import (
    GatewayCancelSupervisedFineTuningJobResponse200,
)
from .gateway_delete_supervised_fine_tuning_job_response_200 import (
    GatewayDeleteSupervisedFineTuningJobResponse200,
)
from .gateway_resume_supervised_fine_tuning_job_body import (
    GatewayResumeSupervisedFineTuningJobBody,
)
from .job_progress import JobProgress
from .job_state import JobState
from .list_supervised_fine_tuning_jobs_response import (
    ListSupervisedFineTuningJobsResponse,
)
from .money import Money
from .partial_supervised_fine_tuning_job import PartialSupervisedFineTuningJob
from .purpose import Purpose
from .status import Status
from .supervised_fine_tuning_job import SupervisedFineTuningJob
from .wandb_config import WandbConfig

__all__ = (
    "AwsS3Config",
    "AzureBlobStorageConfig",
    "Code",
    "EstimateSupervisedFineTuningJobCostResponse",
    "GatewayCancelSupervisedFineTuningJobBody",
    "GatewayCancelSupervisedFineTuningJobResponse200",
    "GatewayDeleteSupervisedFineTuningJobResponse200",
    "GatewayResumeSupervisedFineTuningJobBody",
    "JobProgress",
    "JobState",
    "ListSupervisedFineTuningJobsResponse",
    "Money",
    "PartialSupervisedFineTuningJob",
    "Purpose",
    "Status",
    "SupervisedFineTuningJob",
    "WandbConfig",
)
