"""boto3 assertions that serverless_api's delete operation (with data) left nothing in one region.

python verify_deleted.py --endpoint URL --region eu-west-1 --deployment NAME --domain example.com
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "shared"))
from endpoint_checks import Endpoint
from endpoint_checks import arguments
from endpoint_checks import check


def main() -> int:
    parser = arguments()
    parser.add_argument("--domain", required=True)
    args = parser.parse_args()
    client = Endpoint.of(args).client
    name = args.deployment
    left = {
        "function": [
            f["FunctionName"]
            for f in client("lambda").list_functions()["Functions"]
            if f["FunctionName"] == f"{name}-api"
        ],
        "REST API": [a["name"] for a in client("apigateway").get_rest_apis()["items"] if a["name"] == f"{name}-api"],
        "custom domain": [
            d["domainName"]
            for d in client("apigateway").get_domain_names()["items"]
            if d["domainName"] == f"api.{args.domain}"
        ],
        "certificate": [
            c["DomainName"]
            for c in client("acm").list_certificates()["CertificateSummaryList"]
            if c["DomainName"] == f"api.{args.domain}"
        ],
        "topic": [
            t["TopicArn"] for t in client("sns").list_topics()["Topics"] if t["TopicArn"].endswith(f":{name}-alarms")
        ],
        "alarms": [
            a["AlarmName"] for a in client("cloudwatch").describe_alarms(AlarmNamePrefix=f"{name}-api-")["MetricAlarms"]
        ],
        "roles": [
            r["RoleName"]
            for r in client("iam").list_roles()["Roles"]
            if r["RoleName"] in (f"{name}-api-{args.region}", f"{name}-apigw-logs-{args.region}")
        ],
        "log groups": [
            g["logGroupName"]
            for prefix in (f"/aws/lambda/{name}-api", f"/aws/apigateway/{name}-api", "API-Gateway-Execution-Logs_")
            for g in client("logs").describe_log_groups(logGroupNamePrefix=prefix)["logGroups"]
        ],
        "hosted zone": [
            z["Name"] for z in client("route53").list_hosted_zones()["HostedZones"] if z["Name"] == f"{args.domain}."
        ],
    }
    failures: list[str] = []
    for what, names in left.items():
        check(not names, f"no {what} left" + (f": {names}" if names else ""), failures)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
