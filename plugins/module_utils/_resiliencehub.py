# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)
"""AWS Resilience Hub: resiliency policies, applications and their definition, assessments.

An application's definition is what Resilience Hub assesses: a template of logical resources grouped into
application components (PutDraftAppVersionTemplate) plus one resource mapping per resource that points it at
its physical resource (AddDraftAppVersionResourceMappings, mapping type ``Resource``). Both are written to the
draft version and take effect when the draft is published. The module compares the wanted definition with
the published ("release") version, so a new version is published only when the definition changed; this is
the sequence AWS's own CloudFormation handler for AWS::ResilienceHub::App uses.

Everything that decides what would change is a pure function here, so check mode and diff predict exactly
what a real run does.
"""

from __future__ import annotations

import datetime
import json
import re
import uuid
from typing import Any
from typing import Optional

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.multiregion.serverless.plugins.module_utils.common import MultiregionAWSError
from ansible_collections.multiregion.serverless.plugins.module_utils.common import error_handler
from ansible_collections.multiregion.serverless.plugins.module_utils.common import monotonic as _now
from ansible_collections.multiregion.serverless.plugins.module_utils.common import paginate
from ansible_collections.multiregion.serverless.plugins.module_utils.common import plain
from ansible_collections.multiregion.serverless.plugins.module_utils.common import sleep as _sleep
from ansible_collections.multiregion.serverless.plugins.module_utils.common import tag_changes
from ansible_collections.multiregion.serverless.plugins.module_utils.common import wait_for

NOT_FOUND_CODES = ("ResourceNotFoundException",)
ResilienceHubErrors = error_handler(NOT_FOUND_CODES)

RELEASE = "release"
DRAFT = "draft"

# The service model's enums, repeated here because argument specs and documentation need them before a
# client exists; a unit test checks them against the botocore model.
TIERS = ["MissionCritical", "Critical", "Important", "CoreServices", "NonCritical", "NotApplicable"]
DATA_LOCATION_CONSTRAINTS = ["AnyLocation", "SameContinent", "SameCountry"]
ASSESSMENT_SCHEDULES = ["Daily", "Disabled"]
ASSESSMENT_STATUSES = ["Pending", "InProgress", "Failed", "Success"]
COMPLIANCE_STATUSES = ["PolicyBreached", "PolicyMet", "NotApplicable", "MissingPolicy"]
PHYSICAL_ID_TYPES = ["Arn", "Native"]
PERMISSION_MODEL_TYPES = ["RoleBased", "LegacyIAMUser"]
# What an application created without a permission model uses: the caller's credentials.
DEFAULT_PERMISSION_MODEL_TYPE = "LegacyIAMUser"

# Option key -> the API's DisruptionType. Resilience Hub rejects a policy without software, hardware and az
# targets ("FailureType SOFTWARE does not exist"); a region target is optional for every tier.
DISRUPTION_TYPES = {"software": "Software", "hardware": "Hardware", "az": "AZ", "region": "Region"}
REQUIRED_DISRUPTION_TYPES = ("software", "hardware", "az")

TEMPLATE_VERSION = 2.0
APP_COMMON_COMPONENT = {"name": "appcommon", "type": "AWS::ResilienceHub::AppCommonAppComponent"}
COMPUTE = "AWS::ResilienceHub::ComputeAppComponent"
DATABASE = "AWS::ResilienceHub::DatabaseAppComponent"
# Which AppComponent type a resource type belongs to, from the Resilience Hub user guide's "Managing
# Application Components"; other resource types need an explicit component_type.
COMPONENT_TYPE_BY_RESOURCE_TYPE = {
    "AWS::ApiGateway::RestApi": COMPUTE,
    "AWS::ApiGatewayV2::Api": COMPUTE,
    "AWS::AutoScaling::AutoScalingGroup": COMPUTE,
    "AWS::EC2::Instance": COMPUTE,
    "AWS::ECS::Service": COMPUTE,
    "AWS::EKS::Deployment": COMPUTE,
    "AWS::EKS::ReplicaSet": COMPUTE,
    "AWS::EKS::Pod": COMPUTE,
    "AWS::Lambda::Function": COMPUTE,
    "AWS::StepFunctions::StateMachine": COMPUTE,
    "AWS::DocDB::DBCluster": DATABASE,
    "AWS::DynamoDB::Table": DATABASE,
    "AWS::ElastiCache::CacheCluster": DATABASE,
    "AWS::ElastiCache::GlobalReplicationGroup": DATABASE,
    "AWS::ElastiCache::ReplicationGroup": DATABASE,
    "AWS::ElastiCache::ServerlessCache": DATABASE,
    "AWS::RDS::DBCluster": DATABASE,
    "AWS::RDS::DBInstance": DATABASE,
}

# The service model's patterns for the names that end up in requests.
ENTITY_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-]{1,59}$")
COMPONENT_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-]{0,254}$")
ACCOUNT_ID = re.compile(r"^[0-9]{12}$")
AWS_REGION = re.compile(r"^[a-z]{2}-((iso[a-z]{0,1}-)|(gov-)){0,1}[a-z]+-[0-9]$")

RESOURCE_KEYS = ("type", "logical_id", "component", "component_type", "physical_id", "physical_id_type")
LOCATION_KEYS = ("region", "aws_account_id")


# ---------------------------------------------------------------------------------------------------------
# Generic helpers


def resiliencehub_client(module):
    # Resilience Hub throttles with ThrottlingException, one of the THROTTLING_CODES every such client retries.
    return module.retrying_client("resiliencehub")


def client_token() -> str:
    """A clientToken for one request, made before the call so that its retries send the same token.

    botocore fills in an omitted clientToken itself, but anew on every call: a call retried by ``aws_retry`` after
    a lost answer would then be a second request, and a second application or assessment.
    """
    return uuid.uuid4().hex


def list_all(client, operation: str, result_key: str, **params: Any) -> list:
    """Every item of a nextToken-paged Resilience Hub list operation.

    botocore ships paginators for only three Resilience Hub operations, none of those used here, so
    ``paginate`` follows the pages by hand; each page is retried on throttling.
    """
    return paginate(client, operation, **params).get(result_key, [])


def snake(resource: Optional[dict]) -> dict:
    """camel_dict_to_snake_dict that keeps tag keys as written, with datetimes as strings."""
    if not resource:
        return {}
    return plain(camel_dict_to_snake_dict(resource, ignore_list=["tags"]))


def poll(fetch, done, description: str, timeout: float, delay: float) -> Any:
    return wait_for(fetch, done, description, timeout=timeout, delay=delay, clock=_now, sleep=_sleep)


@ResilienceHubErrors.list_error_handler("list tags of {arn}", default_value={})
def get_tags(client, arn: str) -> dict:
    return client.list_tags_for_resource(resourceArn=arn, aws_retry=True).get("tags") or {}


def current_tags(client, resource: dict, arn: str, wanted: Optional[dict], purge: bool) -> dict:
    """The tags of an application or policy. DescribeApp's App and ListResiliencyPolicies' ResiliencyPolicy carry a
    ``tags`` member: when it is there and already what the task wants (or the task leaves tags alone), it is used as
    it is; otherwise ListTagsForResource is asked, so a tag is only ever written after the tagging call itself showed
    it missing or different."""
    embedded = resource.get("tags")
    if isinstance(embedded, dict) and (wanted is None or not any(tag_changes(embedded, wanted, purge))):
        return dict(embedded)
    return get_tags(client, arn)


@ResilienceHubErrors.common_error_handler("tag {arn}")
def set_tags(client, arn: str, to_set: dict, to_remove: list) -> None:
    if to_remove:
        client.untag_resource(resourceArn=arn, tagKeys=sorted(to_remove), aws_retry=True)
    if to_set:
        client.tag_resource(resourceArn=arn, tags=to_set, aws_retry=True)


# ---------------------------------------------------------------------------------------------------------
# Resiliency policies


@ResilienceHubErrors.list_error_handler("list resiliency policies named {name}")
def find_policy(client, name: str) -> Optional[dict]:
    # The policyName filter is not documented as an exact match, so the match is made here.
    found = [
        p
        for p in list_all(client, "list_resiliency_policies", "resiliencyPolicies", policyName=name)
        if p.get("policyName") == name
    ]
    if len(found) > 1:
        arns = ", ".join(sorted(p["policyArn"] for p in found))
        raise MultiregionAWSError(message=f"{len(found)} resiliency policies are named {name}: {arns}")
    return found[0] if found else None


def validate_policy(policy: Optional[dict]) -> list[str]:
    """Why ``policy`` (the module's option: domain -> {rto, rpo}) cannot be sent, as messages; [] when fine."""
    if policy is None:
        return []
    errors = []
    for key in REQUIRED_DISRUPTION_TYPES:
        if not policy.get(key):
            errors.append(
                f"policy.{key} is required: Resilience Hub needs RTO and RPO targets for software, hardware and az"
            )
    for key in DISRUPTION_TYPES:
        target = policy.get(key)
        if not target:
            continue
        for objective in ("rto", "rpo"):
            value = target.get(objective)
            if value is None:
                errors.append(f"policy.{key}.{objective} is required")
            elif isinstance(value, bool) or not isinstance(value, int) or value < 0:
                errors.append(f"policy.{key}.{objective} must be a non-negative whole number of seconds, got {value!r}")
    return errors


def policy_to_api(policy: dict) -> dict:
    """The module's policy option as the API's DisruptionPolicy map."""
    return {
        api: {"rtoInSecs": policy[key]["rto"], "rpoInSecs": policy[key]["rpo"]}
        for key, api in DISRUPTION_TYPES.items()
        if policy.get(key)
    }


def _failure_policy_map(api_policy: Optional[dict]) -> dict:
    return {
        k: {"rtoInSecs": int(v.get("rtoInSecs", 0)), "rpoInSecs": int(v.get("rpoInSecs", 0))}
        for k, v in (api_policy or {}).items()
    }


def policy_changes(current: dict, wanted: dict) -> dict:
    """UpdateResiliencyPolicy arguments that turn ``current`` (the API's ResiliencyPolicy) into ``wanted``.

    ``wanted`` holds the module's options ``description``, ``tier``, ``data_location_constraint`` and
    ``policy``; one that is None is left as it is. The policy map is replaced as a whole.
    """
    changes: dict = {}
    if wanted.get("description") is not None and wanted["description"] != (current.get("policyDescription") or ""):
        changes["policyDescription"] = wanted["description"]
    if wanted.get("tier") is not None and wanted["tier"] != current.get("tier"):
        changes["tier"] = wanted["tier"]
    constraint = wanted.get("data_location_constraint")
    if constraint is not None and constraint != current.get("dataLocationConstraint"):
        changes["dataLocationConstraint"] = constraint
    if wanted.get("policy") is not None:
        target = policy_to_api(wanted["policy"])
        if target != _failure_policy_map(current.get("policy")):
            changes["policy"] = target
    return changes


def apply_policy_changes(current: dict, changes: dict) -> dict:
    """``current`` as it will be once ``changes`` (UpdateResiliencyPolicy arguments) are made."""
    return dict(current, **changes)


def policy_result(policy: Optional[dict], tags: dict) -> dict:
    if not policy:
        return {}
    result = snake({k: v for k, v in policy.items() if k != "tags"})
    result["tags"] = dict(tags)
    return result


def policy_view(policy: Optional[dict], tags: dict) -> dict:
    """The user-settable attributes of a policy, for diff."""
    if not policy:
        return {}
    return {
        "name": policy.get("policyName"),
        "description": policy.get("policyDescription") or "",
        "tier": policy.get("tier"),
        "data_location_constraint": policy.get("dataLocationConstraint"),
        "policy": snake(_failure_policy_map(policy.get("policy"))),
        "tags": dict(tags),
    }


# ---------------------------------------------------------------------------------------------------------
# Applications


@ResilienceHubErrors.list_error_handler("find application {name}")
def find_app(client, name: str) -> Optional[dict]:
    """The application named ``name`` (DescribeApp's App), or None; one being deleted counts as gone."""
    found = [
        a
        for a in list_all(client, "list_apps", "appSummaries", name=name)
        if a.get("name") == name and a.get("status") != "Deleting"
    ]
    if len(found) > 1:
        arns = ", ".join(sorted(a["appArn"] for a in found))
        raise MultiregionAWSError(message=f"{len(found)} Resilience Hub applications are named {name}: {arns}")
    if not found:
        return None
    return describe_app(client, found[0]["appArn"])


@ResilienceHubErrors.list_error_handler("describe application {arn}")
def describe_app(client, arn: str) -> Optional[dict]:
    return client.describe_app(appArn=arn, aws_retry=True)["app"]


@ResilienceHubErrors.list_error_handler("list versions of application {arn}")
def find_release(client, arn: str) -> Optional[dict]:
    """The summary of the published ("release") version, or None when nothing was ever published."""
    for version in list_all(client, "list_app_versions", "appVersions", appArn=arn):
        if version.get("appVersion") == RELEASE:
            return version
    return None


@ResilienceHubErrors.list_error_handler("describe the {version} template of application {arn}")
def describe_template(client, arn: str, version: str) -> Optional[str]:
    return client.describe_app_version_template(appArn=arn, appVersion=version, aws_retry=True)["appTemplateBody"]


@ResilienceHubErrors.list_error_handler("list the {version} resource mappings of application {arn}", default_value=[])
def list_mappings(client, arn: str, version: str) -> list:
    return list_all(client, "list_app_version_resource_mappings", "resourceMappings", appArn=arn, appVersion=version)


def policy_arn_by_name(client, name: str) -> Optional[str]:
    policy = find_policy(client, name)
    return policy["policyArn"] if policy else None


def component_short_name(component_type: str) -> str:
    """AWS::ResilienceHub::ComputeAppComponent -> compute."""
    short = component_type.rsplit("::", 1)[-1]
    if short.endswith("AppComponent"):
        short = short[: -len("AppComponent")]
    return short.lower() or "component"


def build_definition(resources: list[dict]) -> tuple[dict, list[str]]:
    """The module's ``resources`` option as a definition (resource name -> attributes) and its errors."""
    definition: dict = {}
    errors: list[str] = []
    component_types: dict = {}
    for item in resources:
        name = item.get("name") or ""
        if not ENTITY_NAME.match(name):
            errors.append(
                f"resource name {name!r} must be 2-60 letters, digits, '_' or '-', starting with a letter or digit"
            )
        if name in definition:
            errors.append(f"resource {name!r} is listed twice")
        component_type = item.get("component_type") or COMPONENT_TYPE_BY_RESOURCE_TYPE.get(item.get("type"))
        if not component_type:
            errors.append(f"resource {name!r}: component_type is required for resource type {item.get('type')!r}")
            component_type = ""
        component = item.get("component") or component_short_name(component_type)
        if not COMPONENT_NAME.match(component):
            errors.append(f"resource {name!r}: component name {component!r} is not valid")
        if component_types.setdefault(component, component_type) != component_type:
            errors.append(
                f"component {component!r} is given two types: {component_types[component]!r} and {component_type!r}"
            )
        physical_id = item.get("physical_id") or ""
        if not physical_id:
            errors.append(f"resource {name!r}: physical_id is required")
        region = item.get("region")
        if region is not None and not AWS_REGION.match(region):
            errors.append(f"resource {name!r}: region {region!r} is not a region name")
        account = item.get("aws_account_id")
        if account is not None and not ACCOUNT_ID.match(account):
            errors.append(f"resource {name!r}: aws_account_id {account!r} is not a 12-digit account id")
        definition[name] = {
            "name": name,
            "type": item.get("type"),
            "logical_id": name,
            "component": component,
            "component_type": component_type,
            "physical_id": physical_id,
            "physical_id_type": item.get("physical_id_type") or ("Arn" if physical_id.startswith("arn:") else "Native"),
            "region": region,
            "aws_account_id": account,
        }
    return definition, errors


def merge_definitions(current: Optional[dict], wanted: dict) -> dict:
    """``wanted`` plus the resources of ``current`` it does not name (purge_resources=false)."""
    merged = dict(current or {})
    merged.update(wanted)
    return merged


def template_body(definition: dict) -> str:
    """The appTemplateBody for ``definition``, in the format of the Resilience Hub API reference."""
    components: dict = {}
    for resource in definition.values():
        component = components.setdefault(
            resource["component"], {"name": resource["component"], "type": resource["component_type"], "names": []}
        )
        component["names"].append(resource["name"])
    app_components = [
        {"name": c["name"], "type": c["type"], "resourceNames": sorted(c["names"])}
        for c in sorted(components.values(), key=lambda c: c["name"])
    ]
    # Resilience Hub keeps an AppCommon component in every application; writing it keeps the published
    # template equal to the one written.
    if not any(c["type"] == APP_COMMON_COMPONENT["type"] for c in app_components):
        app_components.append(dict(APP_COMMON_COMPONENT, resourceNames=[]))
    template = {
        "resources": [
            {"logicalResourceId": {"identifier": r["logical_id"]}, "type": r["type"], "name": r["name"]}
            for r in sorted(definition.values(), key=lambda r: r["name"])
        ],
        "appComponents": app_components,
        "excludedResources": {"logicalResourceIds": []},
        "version": TEMPLATE_VERSION,
    }
    return json.dumps(template, sort_keys=True, separators=(",", ":"))


def resource_mapping(resource: dict) -> dict:
    physical = {"identifier": resource["physical_id"], "type": resource["physical_id_type"]}
    if resource.get("region"):
        physical["awsRegion"] = resource["region"]
    if resource.get("aws_account_id"):
        physical["awsAccountId"] = resource["aws_account_id"]
    return {"mappingType": "Resource", "resourceName": resource["name"], "physicalResourceId": physical}


def definition_from_api(body: Optional[str], mappings: list) -> dict:
    """A published template and its resource mappings as a definition (resource name -> attributes)."""
    template = json.loads(body) if body else {}
    component_of: dict = {}
    for component in template.get("appComponents") or []:
        for name in component.get("resourceNames") or []:
            component_of.setdefault(name, (component.get("name"), component.get("type")))
    physical = {
        m.get("resourceName"): m.get("physicalResourceId") or {} for m in mappings if m.get("mappingType") == "Resource"
    }
    definition = {}
    for resource in template.get("resources") or []:
        name = resource.get("name")
        component, component_type = component_of.get(name, (None, None))
        mapping = physical.get(name, {})
        definition[name] = {
            "name": name,
            "type": resource.get("type"),
            "logical_id": (resource.get("logicalResourceId") or {}).get("identifier"),
            "component": component,
            "component_type": component_type,
            "physical_id": mapping.get("identifier"),
            "physical_id_type": mapping.get("type"),
            "region": mapping.get("awsRegion"),
            "aws_account_id": mapping.get("awsAccountId"),
        }
    return definition


def same_resource(current: dict, wanted: dict) -> bool:
    """Whether ``current`` already is ``wanted``; a location the user left out is whatever AWS filled in."""
    if any(current.get(k) != wanted.get(k) for k in RESOURCE_KEYS):
        return False
    return all(wanted.get(k) is None or current.get(k) == wanted.get(k) for k in LOCATION_KEYS)


def definition_changes(current: Optional[dict], wanted: dict) -> dict:
    """Resource names added, removed and modified going from ``current`` to ``wanted``."""
    current = current or {}
    return {
        "added": sorted(set(wanted) - set(current)),
        "removed": sorted(set(current) - set(wanted)),
        "modified": sorted(n for n in set(wanted) & set(current) if not same_resource(current[n], wanted[n])),
    }


def effective_definition(current: Optional[dict], wanted: dict) -> dict:
    """``wanted`` with the resources that need no change shown as AWS has them (locations filled in)."""
    current = current or {}
    return {
        name: current[name] if name in current and same_resource(current[name], resource) else resource
        for name, resource in wanted.items()
    }


def _same_mapping(current: dict, wanted: dict) -> bool:
    have = current.get("physicalResourceId") or {}
    want = wanted["physicalResourceId"]
    if have.get("identifier") != want["identifier"] or have.get("type") != want["type"]:
        return False
    return all(have.get(k) == v for k, v in want.items())


def mapping_changes(draft: list, definition: dict) -> tuple[list[str], list[dict]]:
    """(resource names whose draft mapping to remove, mappings to add) to make the draft map ``definition``.

    Only mappings of type ``Resource`` are managed; a changed one is removed and added again.
    """
    current = {m.get("resourceName"): m for m in draft if m.get("mappingType") == "Resource"}
    wanted = {name: resource_mapping(r) for name, r in definition.items() if r.get("physical_id")}
    remove = sorted(n for n, m in current.items() if n not in wanted or not _same_mapping(m, wanted[n]))
    add = [wanted[n] for n in sorted(wanted) if n not in current or n in remove]
    return remove, add


def resources_view(definition: Optional[dict]) -> list[dict]:
    return [dict(definition[name]) for name in sorted(definition or {})]


def permission_model_to_api(option: Optional[dict]) -> Optional[dict]:
    """The module's permission_model option as the API's PermissionModel; None when not given."""
    if option is None:
        return None
    model: dict = {"type": option["type"]}
    if option.get("type") == "RoleBased" and option.get("invoker_role_name"):
        model["invokerRoleName"] = option["invoker_role_name"]
    if option.get("cross_account_role_arns") is not None:
        model["crossAccountRoleArns"] = sorted(option["cross_account_role_arns"])
    return model


def _normal_permission_model(model: Optional[dict]) -> dict:
    """A PermissionModel in one form: an application without one uses the caller's credentials."""
    model = model or {}
    return {
        "type": model.get("type") or DEFAULT_PERMISSION_MODEL_TYPE,
        "invokerRoleName": model.get("invokerRoleName") or None,
        "crossAccountRoleArns": sorted(model.get("crossAccountRoleArns") or []),
    }


def permission_model_changes(current: Optional[dict], wanted: Optional[dict]) -> Optional[dict]:
    """The PermissionModel to send to UpdateApp, or None when ``current`` already is ``wanted`` (the API's form).

    ``wanted`` without crossAccountRoleArns leaves the current ones as they are.
    """
    if wanted is None:
        return None
    have = _normal_permission_model(current)
    want = _normal_permission_model(wanted)
    if "crossAccountRoleArns" not in wanted:
        want["crossAccountRoleArns"] = have["crossAccountRoleArns"]
    if have == want:
        return None
    model = {k: v for k, v in want.items() if v is not None}
    if not model["crossAccountRoleArns"] and not have["crossAccountRoleArns"]:
        model.pop("crossAccountRoleArns")
    return model


def permission_model_view(model: Optional[dict]) -> dict:
    normal = _normal_permission_model(model)
    return {
        "type": normal["type"],
        "invoker_role_name": normal["invokerRoleName"],
        "cross_account_role_arns": normal["crossAccountRoleArns"],
    }


def app_changes(app: dict, wanted: dict) -> dict:
    """UpdateApp arguments that turn ``app`` (the API's App) into ``wanted`` (None = leave alone)."""
    changes: dict = {}
    permission_model = permission_model_changes(app.get("permissionModel"), wanted.get("permission_model"))
    if permission_model is not None:
        changes["permissionModel"] = permission_model
    if wanted.get("description") is not None and wanted["description"] != (app.get("description") or ""):
        changes["description"] = wanted["description"]
    if wanted.get("policy_arn") is not None and wanted["policy_arn"] != app.get("policyArn"):
        changes["policyArn"] = wanted["policy_arn"]
    # An app created without a schedule reports none: it is not assessed on a schedule.
    schedule = wanted.get("assessment_schedule")
    if schedule is not None and schedule != (app.get("assessmentSchedule") or "Disabled"):
        changes["assessmentSchedule"] = schedule
    return changes


def app_view(app: Optional[dict], tags: dict, definition: Optional[dict]) -> dict:
    """The user-settable attributes of an application, for diff."""
    if not app:
        return {}
    view = {
        "name": app.get("name"),
        "description": app.get("description") or "",
        "policy_arn": app.get("policyArn"),
        "assessment_schedule": app.get("assessmentSchedule") or "Disabled",
        "tags": dict(tags),
    }
    if app.get("permissionModel"):
        view["permission_model"] = permission_model_view(app["permissionModel"])
    if definition is not None:
        view["resources"] = resources_view(definition)
    return view


# ---------------------------------------------------------------------------------------------------------
# Assessments


@ResilienceHubErrors.list_error_handler("describe assessment {arn}")
def describe_assessment(client, arn: str) -> Optional[dict]:
    return client.describe_app_assessment(assessmentArn=arn, aws_retry=True)["assessment"]


@ResilienceHubErrors.common_error_handler("list assessments of application {app_arn}")
def list_assessments(client, app_arn: str, **filters: Any) -> list:
    params = {k: v for k, v in filters.items() if v is not None}
    summaries = list_all(client, "list_app_assessments", "assessmentSummaries", appArn=app_arn, **params)
    # Newest first, whatever order the service pages them in.
    return sorted(summaries, key=lambda s: _timestamp(s.get("startTime")), reverse=True)


def _timestamp(value: Any) -> float:
    if isinstance(value, datetime.datetime):
        return value.timestamp()
    return float("-inf")


@ResilienceHubErrors.common_error_handler("list the recommendations of assessment {arn}")
def recommendations(client, arn: str) -> dict:
    return {
        "app_components": snake_list(
            list_all(client, "list_app_component_recommendations", "componentRecommendations", assessmentArn=arn)
        ),
        "alarms": snake_list(list_all(client, "list_alarm_recommendations", "alarmRecommendations", assessmentArn=arn)),
    }


def snake_list(items: list) -> list:
    return [snake(i) for i in items]


def compliance_report(assessment: dict) -> dict:
    """Per failure domain: the policy's targets, what the assessment found and whether it breaches them.

    ``achieved_*`` is the application's estimated RTO/RPO as assessed (currentRtoInSecs/currentRpoInSecs);
    ``achievable_*`` what the recommendations would bring it to.
    """
    targets = (assessment.get("policy") or {}).get("policy") or {}
    compliance = assessment.get("compliance") or {}
    scores = ((assessment.get("resiliencyScore") or {}).get("disruptionScore")) or {}
    report = {}
    for key, api in DISRUPTION_TYPES.items():
        target = targets.get(api)
        found = compliance.get(api)
        if target is None and found is None:
            continue
        target = target or {}
        found = found or {}
        entry = {
            "target_rto_in_secs": target.get("rtoInSecs"),
            "target_rpo_in_secs": target.get("rpoInSecs"),
            "achieved_rto_in_secs": found.get("currentRtoInSecs"),
            "achieved_rpo_in_secs": found.get("currentRpoInSecs"),
            "achievable_rto_in_secs": found.get("achievableRtoInSecs"),
            "achievable_rpo_in_secs": found.get("achievableRpoInSecs"),
            "compliance_status": found.get("complianceStatus"),
            "message": found.get("message"),
            "score": scores.get(api),
        }
        entry["rto_breached"] = _exceeds(entry["achieved_rto_in_secs"], entry["target_rto_in_secs"])
        entry["rpo_breached"] = _exceeds(entry["achieved_rpo_in_secs"], entry["target_rpo_in_secs"])
        report[key] = entry
    return report


def _exceeds(achieved: Optional[int], target: Optional[int]) -> bool:
    return achieved is not None and target is not None and achieved > target


def breaches(report: dict) -> list[str]:
    """The failure domains whose targets the assessment found breached."""
    return [
        key
        for key, entry in report.items()
        if entry["compliance_status"] == "PolicyBreached" or entry["rto_breached"] or entry["rpo_breached"]
    ]


def assessment_results(assessment: dict) -> dict:
    """The module results that describe one assessment."""
    report = compliance_report(assessment)
    return {
        "assessment": snake(assessment),
        "compliance": report,
        "compliance_status": assessment.get("complianceStatus"),
        "resiliency_score": (assessment.get("resiliencyScore") or {}).get("score"),
        "breaches": breaches(report),
    }
