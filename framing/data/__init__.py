"""The label schema and the labelled sentence set (``datasets.Dataset`` with typed features)."""

from framing.data.labelled import (
    TaskData,
    features_for,
    load_labelled_set,
    read_labelled_records,
    task_data,
    validate_label_record,
)
from framing.data.schema import TASKS, LabelDefinition, LabelSchema, task_name

__all__ = [
    "TASKS",
    "LabelDefinition",
    "LabelSchema",
    "TaskData",
    "features_for",
    "load_labelled_set",
    "read_labelled_records",
    "task_data",
    "task_name",
    "validate_label_record",
]
