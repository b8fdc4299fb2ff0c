"""The function settings of these tests as CreateFunction carries them."""

from __future__ import annotations

ROLE = "arn:aws:iam::123456789012:role/items-api-eu-west-1"
KEY = "arn:aws:kms:eu-west-1:123456789012:key/8a1b1f3e-0b5c-4a4f-9d4f-1c2d3e4f5a6b"

# The settings part of a CreateFunction request for the tests' function.
CREATE_SETTINGS = {
    "Role": ROLE,
    "Runtime": "python3.13",
    "Handler": "app.handler.lambda_handler",
    "Timeout": 10,
    "MemorySize": 256,
    "Environment": {"Variables": {"TABLE_NAME": "items"}},
    "TracingConfig": {"Mode": "Active"},
    "Architectures": ["arm64"],
    "KMSKeyArn": KEY,
    "VpcConfig": {"SubnetIds": ["subnet-a", "subnet-b"], "SecurityGroupIds": ["sg-1"]},
}
