"""acm_certificate_request, apigateway_domain_name and sns_topic against the local endpoint, through a playbook."""

from __future__ import annotations

from .conftest import mock_rest_api_stage
from .conftest import succeeded
from .conftest import task_result
from .request_log import recorded_requests

PLAYBOOK = "tests/integration/playbooks/acm_apigw_domain_sns.yml"
DOMAIN = "api.example.test"
TOPIC = "acm-apigw-sns-alarms"
KEY_ALIAS = "alias/acm-apigw-sns-test"
TAGS = {"Application": "global-api"}
ACCOUNT = "123456789012"


def run(ansible_playbook, api_id: str, *args: str, extra_env: dict | None = None):
    return succeeded(
        ansible_playbook(PLAYBOOK, "-e", f"acm_apigw_sns_rest_api_id={api_id}", *args, extra_env=extra_env)
    )


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


def test_the_topic_given_by_its_arn_is_read_without_listing_topics(ansible_playbook, boto, clean_endpoint):
    apigateway, sns = boto("apigateway"), boto("sns")
    api_id = mock_rest_api_stage(apigateway, "acm-apigw-sns-test")
    arn = f"arn:aws:sns:eu-west-1:{ACCOUNT}:{TOPIC}"
    by_arn = ("-e", f"acm_apigw_sns_topic_name={arn}")

    checked = run(ansible_playbook, api_id, "--check", *by_arn)
    assert task_result(checked, "Alarm topic")["changed"] is True
    assert topic_arns(sns) == []

    created = run(ansible_playbook, api_id, *by_arn)
    topic = task_result(created, "Alarm topic")
    assert topic["changed"] is True
    assert topic["sns_topic"]["topic_arn"] == arn
    assert topic["sns_topic"]["name"] == TOPIC
    assert topic_arns(sns) == [arn]
    assert sns.get_topic_attributes(TopicArn=arn)["Attributes"]["KmsMasterKeyId"] == KEY_ALIAS

    # The rerun by ARN finds the topic with GetTopicAttributes alone; by name, it lists the topics: the same topic,
    # the same result, no change either way.
    with recorded_requests(clean_endpoint) as (url, requests):
        again = run(ansible_playbook, api_id, *by_arn, extra_env={"AWS_ENDPOINT_URL": url})
        sns_by_arn = [operation for service, operation in requests if service == "sns"]
        requests.clear()
        by_name = run(ansible_playbook, api_id, extra_env={"AWS_ENDPOINT_URL": url})
        sns_by_name = [operation for service, operation in requests if service == "sns"]
    assert again.changed() == {"localhost": 0}, again.changed_tasks()
    assert by_name.changed() == {"localhost": 0}, by_name.changed_tasks()
    assert sns_by_arn == ["GetTopicAttributes", "ListSubscriptionsByTopic", "ListTagsForResource"]
    assert sns_by_name == ["ListTopics", *sns_by_arn]
    assert task_result(again, "Alarm topic")["sns_topic"] == task_result(by_name, "Alarm topic")["sns_topic"]

    removed = run(ansible_playbook, api_id, "-e", "acm_apigw_sns_state=absent", *by_arn)
    assert task_result(removed, "Remove the topic")["changed"] is True
    assert topic_arns(sns) == []
    gone = run(ansible_playbook, api_id, "-e", "acm_apigw_sns_state=absent", *by_arn)
    assert task_result(gone, "Remove the topic")["changed"] is False
