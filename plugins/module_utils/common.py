# -*- coding: utf-8 -*-
# Copyright: multiregion.serverless contributors
# Apache License 2.0 (see LICENSE)
"""What every module of multiregion.serverless shares.

- ``MultiregionAWSModule``: amazon.aws' ``AnsibleAWSModule`` carrying this collection's name and version
  in the User-Agent. Every module in the collection is built on it.
- ``error_handler``: per-service error handlers that turn botocore errors into
  ``Failed to <verb> <thing>: <code>`` and treat the service's not-found codes as "absent".
- ``paginate``: the one way to read a listing, retried on throttling, with or without a botocore paginator.
- ``resolve_kms_key_arn``: a KMS key ID or alias turned into the key ARN that services report.
- Tag helpers around amazon.aws' tagging functions.
- ``wait_for``: bounded polling for asynchronous states, for the APIs that have no botocore waiter, and the
  clock hooks (``monotonic``, ``sleep``, ``utcnow``) that modules wait with and unit tests replace;
  ``wait_or_stop`` for a run (an experiment, an execution) that is stopped when it outlasts its timeout.
- ``run_and_exit``: the ending every module shares (see docs/modules/README.md, "the module skeleton").
"""

from __future__ import annotations

import datetime
import functools
import time
from typing import Any
from typing import Callable
from typing import Iterable
from typing import Mapping
from typing import NoReturn
from typing import Optional
from typing import Union

try:
    import botocore
except ImportError:
    pass  # AnsibleAWSModule reports a missing botocore.

from ansible.module_utils.common.validation import check_required_by
from ansible.module_utils.common.validation import check_required_if
from ansible.module_utils.common.validation import check_required_one_of
from ansible.module_utils.common.validation import check_required_together

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.common import set_collection_info
from ansible_collections.amazon.aws.plugins.module_utils.errors import AWSErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict
from ansible_collections.amazon.aws.plugins.module_utils.tagging import compare_aws_tags

COLLECTION_NAME = "multiregion.serverless"
COLLECTION_VERSION = "0.1.0"

# AWSRetry retries RequestLimitExceeded, Throttling, TooManyRequestsException and 5xx codes out of the box;
# these are the other services' throttling codes, retried by every client of this collection.
THROTTLING_CODES = [
    "ThrottlingException",
    "ProvisionedThroughputExceededException",
    "RequestThrottled",
    "PriorRequestNotComplete",
    "SlowDown",
    "Throttled",  # SNS (HTTP 429), which neither botocore's standard retry mode nor AWSRetry retries
]


def _retry(extra_codes: Optional[list[str]] = None):
    return AWSRetry.jittered_backoff(
        retries=10, delay=1, max_delay=30, catch_extra_error_codes=THROTTLING_CODES + list(extra_codes or [])
    )


_RULE_CHECKS = (
    ("required_together", check_required_together),
    ("required_one_of", check_required_one_of),
    ("required_if", check_required_if),
    ("required_by", check_required_by),
)


def null_rule_error(spec: Mapping[str, Any], rules: Mapping[str, Any], params: Mapping[str, Any], context=None):
    """The first declared parameter rule broken once options given as null count as not given, or None.

    Ansible's checks count an option written ``x: null`` (a template that renders to None) as given, so a
    ``required_if`` would let it through to the AWS calls; this second pass, over the validated parameters and
    every level of suboptions, fails it as missing with Ansible's own message.
    """
    given = {key: value for key, value in params.items() if value is not None}
    for name, check in _RULE_CHECKS:
        try:
            check(rules.get(name), given, options_context=context)
        except TypeError as e:
            return str(e)
    for key, option in spec.items():
        if not option.get("options") or params.get(key) is None:
            continue
        values = params[key] if option.get("type") == "list" else [params[key]]
        for value in values:
            if isinstance(value, Mapping):
                error = null_rule_error(option["options"], option, value, list(context or []) + [key])
                if error:
                    return error
    return None


class MultiregionAWSModule(AnsibleAWSModule):
    """AnsibleAWSModule that identifies this collection in the User-Agent of every request.

    Its parameter rules (``required_if``, ``required_one_of``, ``required_together``, ``required_by``, also in
    suboptions) treat an option given as null as not given, the way a hand-written ``if not params[x]`` did.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        set_collection_info(collection_name=COLLECTION_NAME, collection_version=COLLECTION_VERSION)
        error = null_rule_error(kwargs.get("argument_spec") or {}, kwargs, self.params)
        if error:
            self.fail_json(msg=error)

    def fail_on_errors(self, errors: list[str]) -> None:
        """Fail with every input error a module's ``validate`` found, in one message; nothing when there are none."""
        if errors:
            self.fail_json(msg="; ".join(errors))

    def retrying_client(self, service: str, extra_codes: Optional[list[str]] = None, **kwargs: Any):
        """A client whose calls retry on throttling (and ``extra_codes``) when called with ``aws_retry=True``."""
        return self.client(service, retry_decorator=_retry(extra_codes), **kwargs)


_PAGE_TOKENS = ("NextToken", "nextToken")


def paginate(client, operation: str, extra_codes: Optional[list[str]] = None, **params: Any) -> dict:
    """The full result of a listing operation, every page of it, retried on throttling (and ``extra_codes``, the
    service's own codes that ``client`` was made to retry too).

    With a botocore paginator, the paginator's full result, retried as a whole: a client's paginator bypasses
    the ``aws_retry`` wrapper. Without one (Backup's ListTags, most Resilience Hub lists), the pages are followed
    by their ``NextToken``/``nextToken`` by hand, each page called with ``aws_retry=True`` (so ``client`` is a
    ``retrying_client``); lists of the pages are joined and mappings merged.
    """
    can_paginate = getattr(client, "can_paginate", None)
    if can_paginate is not None and can_paginate(operation):

        @_retry(extra_codes)
        def _all_pages() -> dict:
            return client.get_paginator(operation).paginate(**params).build_full_result()

        return _all_pages()

    method = getattr(client, operation)
    result: dict = {}
    while True:
        page = method(aws_retry=True, **params)
        for key, value in page.items():
            if key in _PAGE_TOKENS or key == "ResponseMetadata" or value is None:
                continue
            if isinstance(value, list):
                result.setdefault(key, []).extend(value)
            elif isinstance(value, dict):
                result.setdefault(key, {}).update(value)
            else:
                result[key] = value
        token_key = next((k for k in _PAGE_TOKENS if page.get(k)), None)
        if token_key is None:
            return result
        params = dict(params, **{token_key: page[token_key]})


class MultiregionAWSError(AnsibleAWSError):
    """An AWS error already described as 'Failed to <verb> <thing>'."""


def error_handler(not_found_codes: Iterable[str]) -> type[AWSErrorHandler]:
    """Build an AWSErrorHandler for a service whose 'absent' is signalled by ``not_found_codes``.

    ``handler.list_error_handler("get thing {name}")`` returns ``default_value`` for a missing resource;
    ``handler.deletion_error_handler(...)`` returns False for one; ``handler.common_error_handler(...)``
    raises ``MultiregionAWSError`` with the description.
    """
    codes = tuple(not_found_codes)

    class _Handler(AWSErrorHandler):
        _CUSTOM_EXCEPTION = MultiregionAWSError

        @classmethod
        def _is_missing(cls):
            return is_boto3_error_code(list(codes))

    return _Handler


def is_not_found(error: BaseException, codes: Iterable[str]) -> bool:
    """True when ``error`` is a botocore ClientError with one of ``codes``."""
    if not isinstance(error, botocore.exceptions.ClientError):
        return False
    return error.response.get("Error", {}).get("Code") in set(codes)


KMSErrorHandler = error_handler(["NotFoundException"])


@KMSErrorHandler.common_error_handler("find KMS key {key_id}")
def _describe_key(kms_client, key_id: str) -> dict:
    return kms_client.describe_key(KeyId=key_id, aws_retry=True)["KeyMetadata"]


def is_key_arn(key_id: str) -> bool:
    return key_id.startswith("arn:") and ":key/" in key_id


def resolve_kms_key_arn(kms_client_factory: Callable[[], Any], key_id: Optional[str]) -> Optional[str]:
    """The key ARN for ``key_id`` (a key ID, key ARN, alias name or alias ARN).

    Services report a key by its ARN whatever form it was given in, so a wanted key is resolved before it is
    compared. A key ARN needs no call (and no client: ``kms_client_factory`` is called only when needed);
    ``None`` (leave alone) and ``""`` (the AWS-owned key) pass through.
    """
    if not key_id or is_key_arn(key_id):
        return key_id
    return _describe_key(kms_client_factory(), key_id)["Arn"]


def tags_to_boto3(tags: Optional[dict[str, str]], key_name: str = "Key", value_name: str = "Value") -> list[dict]:
    return ansible_dict_to_boto3_tag_list(tags or {}, tag_name_key_name=key_name, tag_value_key_name=value_name)


def tags_from_boto3(tag_list: Optional[list[dict]], key_name: str = "Key", value_name: str = "Value") -> dict:
    return boto3_tag_list_to_ansible_dict(tag_list or [], tag_name_key_name=key_name, tag_value_key_name=value_name)


def tag_changes(
    current: Optional[dict[str, str]], wanted: Optional[dict[str, str]], purge: bool = True
) -> tuple[dict[str, str], list[str]]:
    """(tags to set, tag keys to remove). ``wanted=None`` means "leave tags alone"."""
    if wanted is None:
        return {}, []
    return compare_aws_tags(current or {}, wanted, purge_tags=purge)


def updated_tags(current: Optional[dict[str, str]], to_set: dict[str, str], to_remove: Iterable[str]) -> dict[str, str]:
    """The tags once ``tag_changes``' (to set, to remove) are applied to ``current``."""
    removed = set(to_remove)
    tags = {k: v for k, v in (current or {}).items() if k not in removed}
    tags.update(to_set)
    return tags


def item_list_options(list_name: str, item_options: Mapping[str, Any], key: str) -> dict[str, Any]:
    """The argument spec of a module's list of items reconciled in one call: ``list_name`` (each item takes the
    single-item options, its ``key``, and a ``tags`` and ``state`` of its own), ``purge_<list_name>`` and
    ``purge_filter_tags`` (which unlisted items a purge may delete)."""
    return {
        list_name: dict(
            type="list",
            elements="dict",
            options=dict(
                item_options,
                **{key: dict(type="str", required=True)},
                tags=dict(type="dict"),
                state=dict(type="str", choices=["present", "absent"]),
            ),
        ),
        f"purge_{list_name}": dict(type="bool", default=False),
        "purge_filter_tags": dict(type="dict", default={}),
    }


def given_options(
    params: Mapping[str, Any], api_names: Mapping[str, str], keep_falsy: Iterable[str] = ()
) -> dict[str, Any]:
    """The options of ``params`` that were given, under their names in an API request (``api_names`` maps an option
    to its request key), for the optional part of a request.

    An option is given when its value is truthy: None, an empty string, list or dict, 0 and False are left out. An
    option in ``keep_falsy`` is given whenever it is not None, so that its 0 or False is sent.
    """
    keep = set(keep_falsy)
    return {
        key: params[option]
        for option, key in api_names.items()
        if (params.get(option) is not None if option in keep else params.get(option))
    }


# Clock hooks: modules wait and timestamp with these, looked up at call time, so unit tests replace them (or
# ``time.monotonic``/``time.sleep``) instead of sleeping. A module imports them under its own names
# (``from ...common import monotonic as _now``) and tests patch those names on the module.
def monotonic() -> float:
    return time.monotonic()


def sleep(seconds: float) -> None:
    time.sleep(seconds)


_sleep_hook = sleep  # under another name for functions whose ``sleep`` argument hides it


def utcnow() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)  # noqa: UP017 (runs on Pythons without datetime.UTC)


class WaitTimeout(Exception):
    """The awaited state was not reached in time."""

    def __init__(self, description: str, last: Any) -> None:
        super().__init__(f"Timeout waiting for {description}; last seen: {last!r}")
        self.last = last


def wait_for(
    fetch: Callable[[], Any],
    done: Callable[[Any], bool],
    description: str,
    timeout: float = 300,
    delay: float = 5,
    failed: Optional[Callable[[Any], bool]] = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> Any:
    """Poll ``fetch()`` until ``done(result)``, at most ``timeout`` seconds; return the last result.

    ``failed(result)`` ends the wait early with an error (a terminal failure state). The first poll
    happens at once, so an already-settled resource costs one call.
    """
    deadline = clock() + timeout
    while True:
        result = fetch()
        if done(result):
            return result
        if failed is not None and failed(result):
            raise MultiregionAWSError(message=f"{description} failed; last seen: {result!r}")
        if clock() + delay > deadline:
            raise WaitTimeout(description, result)
        sleep(delay)


def _wait_ended(current, ended, refresh, timeout, interval, clock, sleep) -> tuple[Any, bool]:
    deadline = clock() + timeout
    while not ended(current):
        if clock() + interval > deadline:
            return current, True
        sleep(interval)
        current = refresh(current)
    return current, False


def wait_or_stop(
    current: Any,
    ended: Callable[[Any], bool],
    refresh: Callable[[Any], Any],
    timeout: float,
    interval: float,
    stop: Optional[Callable[[Any], Any]] = None,
    stop_timeout: float = 60,
    clock: Optional[Callable[[], float]] = None,
    sleep: Optional[Callable[[float], None]] = None,
) -> tuple[Any, bool]:
    """(last seen, timed out): wait for a run (an experiment, an execution) to end, and stop it if it does not.

    From ``current``, already read, polls ``refresh(last)`` every ``interval`` seconds until ``ended(last)`` or
    ``timeout``; no call for a run that has already ended. On a timeout, ``stop(last)`` (when given) stops the run
    and returns it read again, and the wait goes on for at most ``stop_timeout`` seconds, so the result shows the
    run stopped. The clock hooks are looked up at call time (``monotonic``, ``sleep`` of this module).
    """
    clock = clock or monotonic
    sleep = sleep or _sleep_hook
    current, timed_out = _wait_ended(current, ended, refresh, timeout, interval, clock, sleep)
    if timed_out and stop is not None:
        current = _wait_ended(stop(current), ended, refresh, stop_timeout, interval, clock, sleep)[0]
    return current, timed_out


def iso(value: Any) -> Optional[str]:
    """A timestamp of a response as an ISO 8601 string (None stays None, anything else its text)."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    return str(value)


def plain(value: Any) -> Any:
    """``value`` with its datetimes and dates, at any depth, as ISO 8601 strings, so a result is plain JSON."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    return value


def snake_result(resource: Optional[dict], ignore: Iterable[str] = ("Tags", "tags")) -> dict:
    """camel_dict_to_snake_dict that leaves tag dicts' keys as the user wrote them."""
    from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

    if not resource:
        return {}
    return camel_dict_to_snake_dict(resource, ignore_list=list(ignore))


class ModuleFailure(Exception):
    """A failure to report as it is, with ``result`` beside the message: raised deep inside a module instead of
    calling ``fail_json`` there, and turned into ``fail_json(msg=..., **result)`` by ``run_and_exit``."""

    def __init__(self, msg: str, **result: Any) -> None:
        super().__init__(msg)
        self.msg = msg
        self.result = result


Action = Callable[[], dict]


def run_and_exit(
    module: AnsibleAWSModule,
    action: Union[Action, Mapping[str, Action]],
    on_timeout: Optional[dict] = None,
    diff_mode_only: bool = False,
    failures: tuple[type[BaseException], ...] = (),
) -> NoReturn:
    """The ending every module shares: run its action, fail with AWS's error, exit with its result and diff.

    ``action`` is the module's main action, or a mapping of ``state`` to action (present/absent) from which the
    one for ``module.params["state"]`` runs. An action returns the result (``changed``, the resource, ``diff``)
    and never exits itself. ``AnsibleAWSError`` fails with AWS's error (``fail_json_aws_error``),
    ``ModuleFailure`` with its message and result, ``WaitTimeout`` and the exceptions in ``failures`` with their
    text (and ``on_timeout`` beside a timeout's). ``diff_mode_only`` drops ``diff`` unless run with ``--diff``.
    """
    if isinstance(action, Mapping):
        action = action[module.params["state"]]
    try:
        result = action()
    except ModuleFailure as e:
        module.fail_json(msg=e.msg, **e.result)
    except WaitTimeout as e:
        module.fail_json(msg=str(e), **(on_timeout or {}))
    except AnsibleAWSError as e:
        module.fail_json_aws_error(e)
    except failures as e:
        module.fail_json(msg=str(e))
    if diff_mode_only and not module._diff:
        result.pop("diff", None)
    module.exit_json(**result)


def run_state_action(
    module: AnsibleAWSModule, actions: Mapping[str, Callable[..., dict]], *args: Any, **options: Any
) -> NoReturn:
    """``run_and_exit`` with the action of ``module.params["state"]``, called with ``module`` and ``args``.

    ``actions`` maps each choice of O(state) to its action (``{"present": ensure_present, "absent": ensure_absent}``),
    each taking the module and then ``args`` (its client, ...); ``options`` are those of ``run_and_exit``
    (``diff_mode_only``, ``on_timeout``, ``failures``).
    """
    run_and_exit(
        module, {state: functools.partial(action, module, *args) for state, action in actions.items()}, **options
    )
