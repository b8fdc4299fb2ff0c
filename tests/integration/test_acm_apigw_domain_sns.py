"""acm_certificate_request, apigateway_domain_name and sns_topic against the local endpoint, through a playbook."""

from __future__ import annotations

from .conftest import mock_rest_api_stage
from .conftest import succeeded
from .conftest import task_result

PLAYBOOK = "tests/integration/playbooks/acm_apigw_domain_sns.yml"
DOMAIN = "api.example.test"
TOPIC = "acm-apigw-sns-alarms"
KEY_ALIAS = "alias/acm-apigw-sns-test"
TAGS = {"Application": "global-api"}


def run(ansible_playbook, api_id: str, *args: str):
    return succeeded(ansible_playbook(PLAYBOOK, "-e", f"acm_apigw_sns_rest_api_id={api_id}", *args))


def certificates(acm) -> list[dict]:
    summaries = acm.list_certificates()["CertificateSummaryList"]
    return [acm.describe_certificate(CertificateArn=s["CertificateArn"])["Certificate"] for s in summaries]


def topic_arns(sns) -> list[str]:
    return [t["TopicArn"] for t in sns.list_topics()["Topics"] if t["TopicArn"].endswith(f":{TOPIC}")]


def test_certificate_domain_and_topic(ansible_playbook, boto):
    acm, apigateway, sns, kms = boto("acm"), boto("apigateway"), boto("sns"), boto("kms")
    api_id = mock_rest_api_stage(apigateway, "acm-apigw-sns-test")

    created = run(ansible_playbook, api_id)
    request = task_result(created, "Request the certificate")
    assert request["changed"] is True
    assert request["certificate"]["status"] == "PENDING_VALIDATION"
    assert request["validation_records"] and all(r["type"] == "CNAME" for r in request["validation_records"])

    [certificate] = certificates(acm)
    assert certificate["Status"] == "ISSUED"
    assert certificate["DomainName"] == DOMAIN
    assert set(certificate["SubjectAlternativeNames"]) == {DOMAIN, f"*.{DOMAIN}"}
    assert task_result(created, "Wait until the certificate is issued")["certificate"]["status"] == "ISSUED"
    tags = acm.list_tags_for_certificate(CertificateArn=certificate["CertificateArn"])["Tags"]
    assert {t["Key"]: t.get("Value") for t in tags} == TAGS

    domain = apigateway.get_domain_name(domainName=DOMAIN)
    assert domain["regionalCertificateArn"] == certificate["CertificateArn"]
    assert domain["endpointConfiguration"]["types"] == ["REGIONAL"]
    assert domain["securityPolicy"] == "TLS_1_2"
    assert domain.get("tags") == TAGS
    assert apigateway.get_base_path_mappings(domainName=DOMAIN)["items"] == [
        {"basePath": "(none)", "restApiId": api_id, "stage": "v1"}
    ]
    returned = task_result(created, "Custom domain name")
    assert returned["domain"]["regional_domain_name"] == domain["regionalDomainName"]
    assert returned["domain"]["regional_hosted_zone_id"] == domain["regionalHostedZoneId"]

    [topic_arn] = topic_arns(sns)
    attributes = sns.get_topic_attributes(TopicArn=topic_arn)["Attributes"]
    assert attributes["KmsMasterKeyId"] == KEY_ALIAS
    assert attributes["DisplayName"] == "Global API alarms"
    assert kms.describe_key(KeyId=KEY_ALIAS)["KeyMetadata"]["Enabled"] is True
    subscriptions = sns.list_subscriptions_by_topic(TopicArn=topic_arn)["Subscriptions"]
    assert [(s["Protocol"], s["Endpoint"]) for s in subscriptions] == [("email", "oncall@example.test")]
    assert {t["Key"]: t["Value"] for t in sns.list_tags_for_resource(ResourceArn=topic_arn)["Tags"]} == TAGS
    assert task_result(created, "Alarm topic")["sns_topic"]["topic_arn"] == topic_arn

    again = run(ansible_playbook, api_id)
    assert again.changed() == {"localhost": 0}, again.changed_tasks()
    assert [c["CertificateArn"] for c in certificates(acm)] == [certificate["CertificateArn"]]
    assert topic_arns(sns) == [topic_arn]

    removed = run(ansible_playbook, api_id, "-e", "acm_apigw_sns_state=absent")
    assert len(removed.changed_tasks()) == 3, removed.changed_tasks()
    assert certificates(acm) == []
    assert apigateway.get_domain_names().get("items", []) == []
    assert topic_arns(sns) == []


def test_check_mode_on_a_fresh_endpoint_creates_nothing(ansible_playbook, boto):
    acm, apigateway, sns, kms = boto("acm"), boto("apigateway"), boto("sns"), boto("kms")
    api_id = mock_rest_api_stage(apigateway, "acm-apigw-sns-test")

    checked = run(ansible_playbook, api_id, "--check")
    assert task_result(checked, "Request the certificate")["changed"] is True
    assert task_result(checked, "Alarm topic")["changed"] is True
    assert task_result(checked, "Custom domain name")["changed"] is True

    assert acm.list_certificates()["CertificateSummaryList"] == []
    assert apigateway.get_domain_names().get("items", []) == []
    assert topic_arns(sns) == []
    assert [a for a in kms.list_aliases()["Aliases"] if a["AliasName"] == KEY_ALIAS] == []
