"""wafv2_web_acl_association, wafv2_logging_configuration and route53_health_check against the local endpoint."""

from __future__ import annotations

from .conftest import mock_rest_api_stage
from .conftest import succeeded
from .conftest import task_result

PLAYBOOK = "tests/integration/playbooks/wafv2_route53_health_check.yml"
NAME = "edge-test-eu-west-1"


def create_stage(apigateway) -> str:
    api_id = mock_rest_api_stage(apigateway, "edge-test")
    return f"arn:aws:apigateway:eu-west-1::/restapis/{api_id}/stages/v1"


def run(ansible_playbook, stage_arn: str, *args: str):
    return succeeded(ansible_playbook(PLAYBOOK, "-e", f"edge_stage_arn={stage_arn}", *args))


def health_checks(route53) -> dict[str, dict]:
    checks = route53.list_health_checks()["HealthChecks"]
    named = {}
    for check in checks:
        tags = route53.list_tags_for_resource(ResourceType="healthcheck", ResourceId=check["Id"])["ResourceTagSet"]
        named[{t["Key"]: t["Value"] for t in tags["Tags"]}.get("Name")] = check
    return named


def test_association_logging_and_health_check(ansible_playbook, boto):
    wafv2, route53, apigateway = boto("wafv2"), boto("route53"), boto("apigateway")
    stage_arn = create_stage(apigateway)

    checked = run(ansible_playbook, stage_arn, "--check", "--diff")
    for name in ("Log the web ACL's requests", "Associate the stage", "Health check"):
        assert task_result(checked, name)["changed"] is True, name
    assert "WebACL" not in wafv2.get_web_acl_for_resource(ResourceArn=stage_arn)
    assert health_checks(route53) == {}

    created = run(ansible_playbook, stage_arn)
    acl_arn = task_result(created, "Web ACL")["arn"]
    assert wafv2.get_web_acl_for_resource(ResourceArn=stage_arn)["WebACL"]["ARN"] == acl_arn
    logging = wafv2.get_logging_configuration(ResourceArn=acl_arn)["LoggingConfiguration"]
    assert logging["LogDestinationConfigs"] == ["arn:aws:logs:eu-west-1:123456789012:log-group:aws-waf-logs-edge-test"]
    assert logging["RedactedFields"] == [{"SingleHeader": {"Name": "authorization"}}]
    check = health_checks(route53)[NAME]
    config = check["HealthCheckConfig"]
    assert config["Type"] == "HTTPS"
    assert config["Port"] == 443
    assert config["FullyQualifiedDomainName"] == "a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com"
    assert config["ResourcePath"] == "/v1/healthcheck"
    assert config["RequestInterval"] == 10
    assert config["FailureThreshold"] == 2
    assert config["EnableSNI"] is True
    assert config["MeasureLatency"] is True
    assert sorted(config["Regions"]) == ["ap-southeast-1", "eu-west-1", "us-east-1"]
    assert task_result(created, "Health check")["health_check"]["id"] == check["Id"]

    again = run(ansible_playbook, stage_arn)
    assert again.changed() == {"localhost": 0}, again.changed_tasks()

    updated = run(
        ansible_playbook,
        stage_arn,
        "-e",
        "edge_failure_threshold=3",
        "-e",
        '{"edge_regions": ["us-east-1", "us-west-2", "eu-west-1"]}',
    )
    assert [t.split(": ", 1)[1] for t in updated.changed_tasks()] == ["Health check"]
    config = route53.get_health_check(HealthCheckId=check["Id"])["HealthCheck"]["HealthCheckConfig"]
    assert config["FailureThreshold"] == 3
    assert sorted(config["Regions"]) == ["eu-west-1", "us-east-1", "us-west-2"]

    removed = run(ansible_playbook, stage_arn, "-e", "edge_state=absent")
    assert len(removed.changed_tasks()) == 3, removed.changed_tasks()
    assert "WebACL" not in wafv2.get_web_acl_for_resource(ResourceArn=stage_arn)
    assert wafv2.list_logging_configurations(Scope="REGIONAL")["LoggingConfigurations"] == []
    assert health_checks(route53) == {}

    gone = run(ansible_playbook, stage_arn, "-e", "edge_state=absent")
    assert gone.changed() == {"localhost": 0}, gone.changed_tasks()
