"""Shared fixtures for the modules' unit tests.

Every AWS call a module makes in a unit test goes to a real botocore client wrapped in botocore's
Stubber, so each request is validated against the service model (shapes, required keys). Stubber does
not check enum values; ``enum_violations`` does, on every request, through the client's event hooks.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any
from unittest import mock

import botocore.session
import pytest
from ansible.module_utils.testing import patch_module_args
from botocore.stub import Stubber

REGION = "eu-west-1"


def _enum_errors(shape, value, path: str) -> list[str]:
    """Every value under ``value`` whose shape has an enum that does not allow it."""
    errors: list[str] = []
    if shape is None or value is None:
        return errors
    kind = shape.type_name
    if kind == "structure" and isinstance(value, dict):
        for name, member in shape.members.items():
            if name in value:
                errors += _enum_errors(member, value[name], f"{path}.{name}")
    elif kind == "list" and isinstance(value, list):
        for i, item in enumerate(value):
            errors += _enum_errors(shape.member, item, f"{path}[{i}]")
    elif kind == "map" and isinstance(value, dict):
        for k, v in value.items():
            errors += _enum_errors(shape.value, v, f"{path}[{k!r}]")
    elif kind == "string" and shape.enum and value not in shape.enum:
        errors.append(f"{path}={value!r} is not one of {shape.enum}")
    return errors


def enum_violations(operation_model, params: dict) -> list[str]:
    return _enum_errors(operation_model.input_shape, params, operation_model.name)


class StubbedClients:
    """One stubbed client per (service, region); ``stub(service)`` gives the Stubber to queue responses on."""

    def __init__(self) -> None:
        self._session = botocore.session.Session()
        self.clients: dict[tuple[str, str], Any] = {}
        self.stubbers: dict[tuple[str, str], Stubber] = {}
        self.enum_errors: list[str] = []

    def client(self, service: str, region: str = REGION):
        key = (service, region)
        if key not in self.clients:
            client = self._session.create_client(
                service,
                region_name=region,
                aws_access_key_id="testing",
                aws_secret_access_key="testing",
            )

            def check_enums(params, model, **_kwargs):
                self.enum_errors.extend(enum_violations(model, params))

            client.meta.events.register("provide-client-params.*.*", check_enums)
            stubber = Stubber(client)
            stubber.activate()
            self.clients[key] = client
            self.stubbers[key] = stubber
        return self.clients[key]

    def stub(self, service: str, region: str = REGION) -> Stubber:
        self.client(service, region)
        return self.stubbers[(service, region)]

    def sent(
        self, service: str, operation: str, event: str = "provide-client-params", region: str = REGION
    ) -> list[dict]:
        """The parameters of every ``operation`` request of ``service`` from now on, retries included: as the
        module gave them (``provide-client-params``), or once botocore has filled in an omitted idempotency
        token (``before-parameter-build``)."""
        client = self.client(service, region)
        # botocore's events name operations as the API does (PutResourcePolicy); any other spelling would record
        # nothing and make an assertion of "no such request" pass whatever the module sends.
        if operation not in client.meta.service_model.operation_names:
            raise ValueError(f"{service} has no operation {operation!r}: give the API's name, e.g. PutResourcePolicy")
        requests: list[dict] = []
        client.meta.events.register(f"{event}.{service}.{operation}", lambda params, **_: requests.append(dict(params)))
        return requests

    def assert_done(self) -> None:
        assert not self.enum_errors, f"requests with values outside the service model's enums: {self.enum_errors}"
        for stubber in self.stubbers.values():
            stubber.assert_no_pending_responses()


@pytest.fixture
def aws():
    """Stubbed clients, wired in where amazon.aws' AnsibleAWSModule builds its connections.

    The test queues responses with ``aws.stub("ec2").add_response(...)``; at the end every queued response
    must have been consumed and no request may carry a value outside the model's enums.
    """
    clients = StubbedClients()

    def fake_boto3_conn(module, conn_type=None, resource=None, region=None, endpoint=None, **params):
        assert conn_type == "client", "modules of this collection use clients only"
        return clients.client(resource, region or REGION)

    sleeps: list[float] = []
    with (
        mock.patch("ansible_collections.amazon.aws.plugins.module_utils.modules.boto3_conn", fake_boto3_conn),
        mock.patch("ansible_collections.amazon.aws.plugins.module_utils.cloud.time.sleep", sleeps.append),
    ):
        clients.sleeps = sleeps
        yield clients
    clients.assert_done()


class ModuleExit(Exception):
    def __init__(self, result: dict, failed: bool) -> None:
        super().__init__(json.dumps(result, default=str))
        self.result = result
        self.failed = failed


def run_module(
    main: Callable[[], None], args: dict, check_mode: bool = False, diff: bool = False, region: str | None = REGION
) -> dict:
    """Run a module's ``main()`` with ``args``; return its result, with ``failed`` set when it called fail_json.

    ``region`` is added to the arguments unless given there or None (for modules that take no region).
    """
    args = dict(args)
    if region is not None:
        args.setdefault("region", region)
    if check_mode:
        args["_ansible_check_mode"] = True
    if diff:
        args["_ansible_diff"] = True

    def exit_json(self, **kwargs):
        raise ModuleExit(kwargs, failed=False)

    def fail_json(self, **kwargs):
        kwargs["failed"] = True
        raise ModuleExit(kwargs, failed=True)

    with (
        patch_module_args(args),
        mock.patch("ansible.module_utils.basic.AnsibleModule.exit_json", exit_json),
        mock.patch("ansible.module_utils.basic.AnsibleModule.fail_json", fail_json),
    ):
        try:
            main()
        except ModuleExit as done:
            return done.result
    raise AssertionError("the module returned without calling exit_json or fail_json")


def run_absent(main: Callable[[], None], name: str, **kwargs) -> dict:
    """``main`` run with ``state: absent`` for the resource called ``name``; ``kwargs`` as for run_module."""
    return run_module(main, {"name": name, "state": "absent"}, **kwargs)


def changed_copy(base: dict, **changes) -> dict:
    """A deep copy of ``base`` with ``changes`` set in it."""
    result = copy.deepcopy(base)
    result.update(changes)
    return result


def assert_changed(result: dict) -> None:
    """The module ran without failing and reported a change."""
    assert not result.get("failed"), result
    assert result["changed"] is True, result


def assert_unchanged(result: dict) -> None:
    """The module ran without failing and reported no change."""
    assert not result.get("failed"), result
    assert result["changed"] is False, result


def assert_absent_changes_nothing(main: Callable[[], None], name: str, **kwargs) -> dict:
    """``state: absent`` for ``name`` ran without failing and reported no change; its result, for further checks."""
    result = run_absent(main, name, **kwargs)
    assert_unchanged(result)
    return result


def assert_check_mode_delete_changes(main: Callable[[], None], name: str) -> dict:
    """``state: absent`` in check mode for ``name``, which exists: reported as a change without failing (and, as
    the test queues no delete response, without a delete request); its result, for further checks."""
    result = run_absent(main, name, check_mode=True)
    assert_changed(result)
    return result


def deleted_meanwhile(stub: Stubber, delete_operation: str) -> None:
    """``delete_operation`` answered with ResourceNotFoundException (404): the resource the lookup found went
    before the module could delete it."""
    stub.add_client_error(delete_operation, **client_error("ResourceNotFoundException", status=404))


def assert_fails_with(result: dict, start: str) -> None:
    """The module failed, with a message that starts with ``start``."""
    assert result["failed"] is True, result
    assert result["msg"].startswith(start), result["msg"]


def assert_unchanged_with_equal_diff(result: dict) -> None:
    """The module ran without failing, reported no change, and its diff has the same before and after."""
    assert_unchanged(result)
    assert result["diff"]["before"] == result["diff"]["after"], result["diff"]


def assert_fails_mentioning(result: dict, text: str) -> None:
    """The module failed, with a message that contains ``text``."""
    assert result["failed"] is True, result
    assert text in result["msg"], result["msg"]


def assert_fails_as(result: dict, msg: str) -> None:
    """The module failed, with exactly the message ``msg``."""
    assert result["failed"] is True, result
    assert result["msg"] == msg


# Credentials for modules run against moto in process (``moto_aws``).
MOTO_CREDENTIALS = {"access_key": "testing", "secret_key": "testing"}


@pytest.fixture
def moto_aws(monkeypatch):
    """moto's AWS in process (``mock_aws``), out of reach of the environment's AWS profile and endpoint."""
    from moto import mock_aws

    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    with mock_aws():
        yield


def moto_table(name: str, region: str = REGION):
    """A PAY_PER_REQUEST DynamoDB table keyed by the string ``primary_key``, created in moto; a client of its
    region."""
    import boto3

    client = boto3.client("dynamodb", region_name=region, aws_access_key_id="x", aws_secret_access_key="x")
    client.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "primary_key", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "primary_key", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    return client


def ec2_unsuccessful(resource_id: str, code: str, message: str) -> dict:
    """The answer of an EC2 batch delete (DeleteFlowLogs, DeleteVpcEndpoints) that could not delete ``resource_id``."""
    return {"Unsuccessful": [{"ResourceId": resource_id, "Error": {"Code": code, "Message": message}}]}


def client_error(code: str, message: str = "", status: int = 400) -> dict:
    """Keyword arguments for Stubber.add_client_error."""
    return {"service_error_code": code, "service_message": message or code, "http_status_code": status}
