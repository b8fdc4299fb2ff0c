"""apigateway_rest_api and apigateway_account on the local endpoint: a Lambda-proxy API, created, left alone,
redeployed on a definition change, and previewed in check mode; its permission to invoke the alias granted, kept,
and replaced when it differs."""

from __future__ import annotations

import json
import zipfile

import pytest

from .conftest import task_result
from .request_log import recorded_requests

PLAYBOOK = "tests/integration/playbooks/apigateway_rest_api.yml"
API = "items-api-test"
ALIAS_ARN = "arn:aws:lambda:eu-west-1:123456789012:function:items-api-test:live"
LOG_GROUP_ARN = "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/apigateway/items-api-test/v1/access"

HANDLER = """\
import json


def handler(event, context):
    return {"statusCode": 200, "body": json.dumps({"path": event.get("path")})}
"""


@pytest.fixture
def lambda_zip(tmp_path) -> str:
    path = tmp_path / "items.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("handler.py", HANDLER)
    return str(path)


def grant(lam, sid: str = "apigateway-invoke") -> dict | None:
    """The statement ``sid`` of the alias's policy, or None."""
    try:
        policy = json.loads(lam.get_policy(FunctionName=API, Qualifier="live")["Policy"])
    except lam.exceptions.ResourceNotFoundException:
        return None
    return next((s for s in policy["Statement"] if s["Sid"] == sid), None)


def the_api(apigateway) -> dict:
    apis = [api for api in apigateway.get_rest_apis()["items"] if api["name"] == API]
    assert len(apis) == 1, apis
    return apis[0]


def test_lambda_proxy_api_is_created_kept_and_redeployed(ansible_playbook, boto, lambda_zip):
    apigateway = boto("apigateway")

    first = ansible_playbook(PLAYBOOK, "-e", f"api_lambda_zip={lambda_zip}")
    assert first.returncode == 0, first.failures() or first.stderr
    created = task_result(first, "REST API")
    assert created["changed"] is True

    api = the_api(apigateway)
    assert api["id"] == created["rest_api"]["id"]
    assert api["endpointConfiguration"]["types"] == ["REGIONAL"]
    assert api["description"] == "Items API (test)"
    assert api["tags"] == {"project": "multiregion-serverless"}
    assert created["invoke_url"] == f"https://{api['id']}.execute-api.eu-west-1.amazonaws.com/v1"
    assert created["execution_arn"] == f"arn:aws:execute-api:eu-west-1:123456789012:{api['id']}"

    resources = apigateway.get_resources(restApiId=api["id"], embed=["methods"])["items"]
    methods = {r["path"]: sorted(r.get("resourceMethods", {})) for r in resources}
    assert methods["/healthcheck"] == ["GET"]
    assert methods["/items/{id}"] == ["DELETE", "GET", "PUT"]
    item = next(r for r in resources if r["path"] == "/items/{id}")
    for method in ("GET", "PUT", "DELETE"):
        integration = apigateway.get_integration(restApiId=api["id"], resourceId=item["id"], httpMethod=method)
        assert integration["type"].upper() == "AWS_PROXY"
        assert integration["httpMethod"] == "POST"
        assert integration["uri"] == (
            f"arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/{ALIAS_ARN}/invocations"
        )

    stage = apigateway.get_stage(restApiId=api["id"], stageName="v1")
    assert stage["tracingEnabled"] is True
    assert stage["variables"] == {"table": "items"}
    assert stage["tags"] == {"stage": "v1"}
    assert stage["accessLogSettings"]["destinationArn"] == LOG_GROUP_ARN
    assert '"requestId":"$context.requestId"' in stage["accessLogSettings"]["format"]
    settings = stage["methodSettings"]["*/*"]
    assert settings["loggingLevel"] == "INFO"
    assert settings["metricsEnabled"] is True
    assert settings["dataTraceEnabled"] is False
    assert settings["throttlingBurstLimit"] == 200
    assert settings["throttlingRateLimit"] == 100.0
    assert settings["cachingEnabled"] is False

    first_deployment = stage["deploymentId"]
    assert first_deployment == created["deployment_id"]
    deployments = apigateway.get_deployments(restApiId=api["id"])["items"]
    assert [d["id"] for d in deployments] == [first_deployment]
    description = apigateway.get_deployment(restApiId=api["id"], deploymentId=first_deployment)["description"]
    assert description.endswith("definition-sha256=" + created["rest_api"]["definition_sha256"])

    account = boto("apigateway").get_account()
    assert account["cloudwatchRoleArn"] == "arn:aws:iam::123456789012:role/apigateway-cloudwatch-logs-test"

    lam = boto("lambda")
    source_arn = f"{created['execution_arn']}/v1/*/*"
    assert created["invoke_permissions"] == [
        {
            "function_name": API,
            "qualifier": "live",
            "statement_id": "apigateway-invoke",
            "source_arn": source_arn,
            "action": "added",
        }
    ]
    statement = grant(lam)
    assert statement["Principal"] == {"Service": "apigateway.amazonaws.com"}
    assert statement["Action"] == "lambda:InvokeFunction"
    assert statement["Condition"] == {"ArnLike": {"AWS:SourceArn": source_arn}}
    assert statement["Resource"] == ALIAS_ARN

    again = ansible_playbook(PLAYBOOK, "-e", f"api_lambda_zip={lambda_zip}")
    assert again.returncode == 0, again.failures() or again.stderr
    assert again.changed() == {"localhost": 0}, again.changed_tasks()
    assert task_result(again, "REST API")["deployment_id"] == first_deployment
    assert task_result(again, "REST API")["invoke_permissions"][0]["action"] == "none"
    assert apigateway.get_stage(restApiId=api["id"], stageName="v1")["deploymentId"] == first_deployment
    assert len(apigateway.get_deployments(restApiId=api["id"])["items"]) == 1

    changed = ansible_playbook(PLAYBOOK, "-e", f"api_lambda_zip={lambda_zip}", "-e", "api_item_description=An item")
    assert changed.returncode == 0, changed.failures() or changed.stderr
    assert changed.changed_tasks() == ["localhost: REST API"]
    redeployed = task_result(changed, "REST API")
    assert redeployed["deployment_id"] != first_deployment
    assert redeployed["rest_api"]["definition_sha256"] != created["rest_api"]["definition_sha256"]
    stage = apigateway.get_stage(restApiId=api["id"], stageName="v1")
    assert stage["deploymentId"] == redeployed["deployment_id"]
    # The deployment moved; the stage's own settings stayed.
    assert stage["tracingEnabled"] is True
    assert stage["methodSettings"]["*/*"]["loggingLevel"] == "INFO"
    assert stage["accessLogSettings"]["destinationArn"] == LOG_GROUP_ARN
    assert the_api(apigateway)["id"] == api["id"]
    # The deployment changed, the API did not: the permission still names its stage.
    assert redeployed["invoke_permissions"][0]["action"] == "none"


def test_a_permission_that_differs_is_replaced(ansible_playbook, boto, lambda_zip):
    lam = boto("lambda")
    first = ansible_playbook(PLAYBOOK, "-e", f"api_lambda_zip={lambda_zip}")
    assert first.returncode == 0, first.failures() or first.stderr
    source_arn = f"{task_result(first, 'REST API')['execution_arn']}/v1/*/*"
    # Someone widened the grant to every stage of the API.
    lam.remove_permission(FunctionName=API, Qualifier="live", StatementId="apigateway-invoke")
    wider = source_arn.replace("/v1/*/*", "/*/*/*")
    lam.add_permission(
        FunctionName=API,
        Qualifier="live",
        StatementId="apigateway-invoke",
        Action="lambda:InvokeFunction",
        Principal="apigateway.amazonaws.com",
        SourceArn=wider,
    )

    checked = ansible_playbook(PLAYBOOK, "--check", "--diff", "-e", f"api_lambda_zip={lambda_zip}")
    assert checked.returncode == 0, checked.failures() or checked.stderr
    assert checked.changed_tasks() == ["localhost: REST API"]
    preview = task_result(checked, "REST API")
    assert preview["invoke_permissions"][0]["action"] == "replaced"
    assert preview["diff"]["before"]["invoke_permissions"][0]["grant"]["source_arn"] == wider
    assert grant(lam)["Condition"]["ArnLike"]["AWS:SourceArn"] == wider

    fixed = ansible_playbook(PLAYBOOK, "-e", f"api_lambda_zip={lambda_zip}")
    assert fixed.returncode == 0, fixed.failures() or fixed.stderr
    assert fixed.changed_tasks() == ["localhost: REST API"]
    assert task_result(fixed, "REST API")["invoke_permissions"][0]["action"] == "replaced"
    assert grant(lam)["Condition"] == {"ArnLike": {"AWS:SourceArn": source_arn}}
    policy = json.loads(lam.get_policy(FunctionName=API, Qualifier="live")["Policy"])
    assert [s["Sid"] for s in policy["Statement"]] == ["apigateway-invoke"]


def test_check_mode_on_a_fresh_endpoint_creates_nothing(ansible_playbook, boto, lambda_zip):
    run = ansible_playbook(PLAYBOOK, "--check", "-e", f"api_lambda_zip={lambda_zip}")
    assert run.returncode == 0, run.failures() or run.stderr
    preview = task_result(run, "REST API")
    assert preview["changed"] is True
    assert preview["rest_api"]["id"] is None
    assert preview["invoke_permissions"][0]["action"] == "added"
    assert preview["invoke_permissions"][0]["source_arn"] is None
    assert task_result(run, "Function, with the alias the API invokes")["alias"]["function_version"] is None
    assert preview["rest_api"]["definition_sha256"]
    assert task_result(run, "CloudWatch Logs role of API Gateway")["changed"] is True

    apigateway = boto("apigateway")
    assert apigateway.get_rest_apis()["items"] == []
    assert not apigateway.get_account().get("cloudwatchRoleArn")
    assert boto("lambda").list_functions()["Functions"] == []


def test_the_permission_by_the_alias_arn_is_the_same_statement_without_sts(
    ansible_playbook, boto, lambda_zip, clean_endpoint
):
    lam = boto("lambda")
    by_arn = ("-e", f"api_permission_function={ALIAS_ARN}")

    checked = ansible_playbook(PLAYBOOK, "--check", "-e", f"api_lambda_zip={lambda_zip}", *by_arn)
    assert checked.returncode == 0, checked.failures() or checked.stderr
    preview = task_result(checked, "REST API")
    assert preview["invoke_permissions"][0]["action"] == "added"
    assert preview["invoke_permissions"][0]["source_arn"] is None
    assert boto("apigateway").get_rest_apis()["items"] == []

    # Granted by name first, as before; the same task then names the alias by its ARN: the same statement.
    first = ansible_playbook(PLAYBOOK, "-e", f"api_lambda_zip={lambda_zip}")
    assert first.returncode == 0, first.failures() or first.stderr
    created = task_result(first, "REST API")
    with recorded_requests(clean_endpoint) as (url, requests):
        again = ansible_playbook(
            PLAYBOOK, "-e", f"api_lambda_zip={lambda_zip}", *by_arn, extra_env={"AWS_ENDPOINT_URL": url}
        )
        sts_by_arn = [operation for service, operation in requests if service == "sts"]
        requests.clear()
        by_name = ansible_playbook(PLAYBOOK, "-e", f"api_lambda_zip={lambda_zip}", extra_env={"AWS_ENDPOINT_URL": url})
        sts_by_name = [operation for service, operation in requests if service == "sts"]
    for run in (again, by_name):
        assert run.returncode == 0, run.failures() or run.stderr
        assert run.changed() == {"localhost": 0}, run.changed_tasks()
    # The playbook's own "Account" task asks STS in both runs; the REST API task only when given the name.
    assert sts_by_name.count("GetCallerIdentity") == sts_by_arn.count("GetCallerIdentity") + 1, (
        sts_by_arn,
        sts_by_name,
    )
    result = task_result(again, "REST API")
    assert result["execution_arn"] == created["execution_arn"]
    assert result["stage"]["arn"] == created["stage"]["arn"]
    assert result["invoke_permissions"] == [
        dict(created["invoke_permissions"][0], function_name=ALIAS_ARN.removesuffix(":live"), action="none")
    ]
    policy = json.loads(lam.get_policy(FunctionName=API, Qualifier="live")["Policy"])
    assert [s["Sid"] for s in policy["Statement"]] == ["apigateway-invoke"]
    assert grant(lam)["Condition"] == {"ArnLike": {"AWS:SourceArn": f"{created['execution_arn']}/v1/*/*"}}
