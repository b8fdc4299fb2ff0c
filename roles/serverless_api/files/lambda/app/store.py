"""Items in the region's replica of the DynamoDB global table, with optimistic versioning."""

from __future__ import annotations

import decimal
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC
from datetime import datetime
from typing import Any

import boto3
from boto3.dynamodb.types import TypeDeserializer
from boto3.dynamodb.types import TypeSerializer
from botocore.config import Config
from botocore.exceptions import BotoCoreError
from botocore.exceptions import ClientError
from botocore.exceptions import ConnectTimeoutError
from botocore.exceptions import EndpointConnectionError
from botocore.exceptions import ReadTimeoutError

from .config import Settings

# Outside the id pattern clients may use (ids start with a letter or digit), so no client can write it.
HEALTH_KEY = "__healthcheck__"

DATA = "data"
VERSION = "version"
UPDATED_AT = "updated_at"
UPDATED_REGION = "updated_region"

# Error codes that mean "this region cannot serve the table right now": the caller should retry, or
# DNS failover should send it elsewhere. Every other DynamoDB error is a fault of ours (500).
UNAVAILABLE_CODES = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "RequestLimitExceeded",
        "InternalServerError",
        "ServiceUnavailable",
        "ResourceNotFoundException",
        "TableNotFoundException",
        "ReplicatedWriteConflictException",
        "TransactionConflictException",
    }
)
THROTTLING_CODES = frozenset({"ProvisionedThroughputExceededException", "ThrottlingException", "RequestLimitExceeded"})

_SERIALIZER = TypeSerializer()
_DESERIALIZER = TypeDeserializer()


class UnstorableValue(ValueError):
    """A JSON value that DynamoDB cannot store as given (a number out of its range or precision)."""


class ItemNotFound(Exception):
    pass


class VersionConflict(Exception):
    """The item's version is not the expected one (``expected`` None: the item was expected to be absent)."""

    def __init__(self, current_version: int, expected: int | None) -> None:
        super().__init__(f"expected version {expected}, current version is {current_version}")
        self.current_version = current_version
        self.expected = expected


class StoreUnavailable(Exception):
    """DynamoDB in this region cannot serve the request now (throttled, unreachable, table missing)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class StoreError(Exception):
    """Any other DynamoDB failure."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Item:
    id: str
    data: dict[str, Any]
    version: int
    updated_at: str
    updated_region: str

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "data": self.data,
            "version": self.version,
            "updated_at": self.updated_at,
            "updated_region": self.updated_region,
        }


def to_attribute_map(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` as a DynamoDB map value; numbers must be ints or Decimals (parse JSON with parse_float=Decimal)."""
    try:
        return _SERIALIZER.serialize(data)
    except decimal.DecimalException:
        raise UnstorableValue("a number exceeds DynamoDB's range or 38 digits of precision") from None
    except TypeError as error:
        raise UnstorableValue(str(error)) from None


def _plain(value: Any) -> Any:
    """Deserialized DynamoDB values with Decimals turned back into JSON numbers."""
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def classify(error: Exception) -> Exception:
    """The store's exception for a botocore error."""
    if isinstance(error, ClientError):
        code = error.response.get("Error", {}).get("Code", "Unknown")
        if code in UNAVAILABLE_CODES:
            return StoreUnavailable(code)
        return StoreError(code)
    if isinstance(error, (ConnectTimeoutError, ReadTimeoutError)):
        return StoreUnavailable("Timeout")
    if isinstance(error, EndpointConnectionError):
        return StoreUnavailable("EndpointUnreachable")
    return StoreUnavailable(type(error).__name__)


ClientFactory = Callable[..., Any]


class Store:
    """DynamoDB access for one table in one region. Clients are created on first use and then reused,
    so warm invocations skip client construction and tests can prepare the environment first."""

    def __init__(self, settings: Settings, client_factory: ClientFactory | None = None) -> None:
        self.settings = settings
        self._factory = client_factory or boto3.client
        self._client = None
        self._health_client = None

    @property
    def client(self):
        if self._client is None:
            config = Config(connect_timeout=2, read_timeout=5, retries={"mode": "standard", "total_max_attempts": 3})
            self._client = self._factory("dynamodb", region_name=self.settings.region, config=config)
        return self._client

    @property
    def health_client(self):
        # A health probe must answer within Route 53's window, so no retries and short timeouts: a slow
        # replica counts as a failed one.
        if self._health_client is None:
            timeout = self.settings.healthcheck_timeout
            config = Config(
                connect_timeout=timeout,
                read_timeout=timeout,
                retries={"mode": "standard", "total_max_attempts": 1},
            )
            self._health_client = self._factory("dynamodb", region_name=self.settings.region, config=config)
        return self._health_client

    def _key(self, item_id: str) -> dict[str, Any]:
        return {self.settings.hash_key: {"S": item_id}}

    def _item(self, item_id: str, attributes: dict[str, Any]) -> Item:
        plain = {k: _DESERIALIZER.deserialize(v) for k, v in attributes.items()}
        return Item(
            id=item_id,
            data=_plain(plain.get(DATA) or {}),
            version=int(plain.get(VERSION, 0)),
            updated_at=str(plain.get(UPDATED_AT, "")),
            updated_region=str(plain.get(UPDATED_REGION, "")),
        )

    def ping(self) -> None:
        """Read the health key from this region's replica; raises StoreUnavailable/StoreError when it cannot."""
        try:
            self.health_client.get_item(
                TableName=self.settings.table_name,
                Key=self._key(HEALTH_KEY),
                ProjectionExpression="#k",
                ExpressionAttributeNames={"#k": self.settings.hash_key},
            )
        except (ClientError, BotoCoreError) as error:
            raise classify(error) from error

    def get(self, item_id: str) -> Item:
        try:
            # Strongly consistent within the region: a client reads its own writes from the same region.
            response = self.client.get_item(
                TableName=self.settings.table_name, Key=self._key(item_id), ConsistentRead=True
            )
        except (ClientError, BotoCoreError) as error:
            raise classify(error) from error
        if "Item" not in response:
            raise ItemNotFound(item_id)
        return self._item(item_id, response["Item"])

    def put(
        self, item_id: str, data: dict[str, Any], expected_version: int | None, now: datetime | None = None
    ) -> Item:
        """Create the item (``expected_version`` None) or replace it when its version still matches."""
        version = 1 if expected_version is None else expected_version + 1
        updated_at = (now or datetime.now(UTC)).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        attributes = {
            **self._key(item_id),
            DATA: to_attribute_map(data),
            VERSION: {"N": str(version)},
            UPDATED_AT: {"S": updated_at},
            UPDATED_REGION: {"S": self.settings.region},
        }
        if expected_version is None:
            condition = {
                "ConditionExpression": "attribute_not_exists(#k)",
                "ExpressionAttributeNames": {"#k": self.settings.hash_key},
            }
        else:
            condition = _version_condition(expected_version)
        self._conditional_write("put_item", item_id, expected_version, Item=attributes, **condition)
        return self._item(item_id, attributes)

    def delete(self, item_id: str, expected_version: int) -> Item:
        response = self._conditional_write(
            "delete_item",
            item_id,
            expected_version,
            Key=self._key(item_id),
            ReturnValues="ALL_OLD",
            **_version_condition(expected_version),
        )
        return self._item(item_id, response.get("Attributes") or self._key(item_id))

    def _conditional_write(self, operation: str, item_id: str, expected_version: int | None, **request) -> dict:
        """The client's ``operation`` (put_item or delete_item) on the table, asking for the item as it stands when
        the condition fails: that failure raises as _raise_condition_failure says, any other error as classify says."""
        try:
            write = getattr(self.client, operation)
            return write(TableName=self.settings.table_name, ReturnValuesOnConditionCheckFailure="ALL_OLD", **request)
        except ClientError as error:
            self._raise_condition_failure(item_id, error, expected_version)
            raise classify(error) from error
        except BotoCoreError as error:
            raise classify(error) from error

    def _raise_condition_failure(self, item_id: str, error: ClientError, expected: int | None) -> None:
        if error.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
            return
        current = error.response.get("Item")
        if not current:
            raise ItemNotFound(item_id) from None
        raise VersionConflict(self._item(item_id, current).version, expected) from None


def _version_condition(expected_version: int) -> dict[str, Any]:
    return {
        "ConditionExpression": "#v = :expected",
        "ExpressionAttributeNames": {"#v": VERSION},
        "ExpressionAttributeValues": {":expected": {"N": str(expected_version)}},
    }
