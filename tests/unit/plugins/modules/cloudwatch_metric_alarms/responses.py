"""What DescribeAlarms and PutMetricAlarm share for the alarms of these tests: the metric and its threshold."""

from __future__ import annotations

METRIC = {
    "MetricName": "Errors",
    "Namespace": "AWS/Lambda",
    "Statistic": "Sum",
    "Dimensions": [{"Name": "FunctionName", "Value": "f"}],
    "Period": 60,
    "EvaluationPeriods": 1,
    "Threshold": 1.0,
    "ComparisonOperator": "GreaterThanThreshold",
}
