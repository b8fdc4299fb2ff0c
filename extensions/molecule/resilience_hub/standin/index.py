"""Stand-in for the application's function: the local endpoint stores it and never runs it."""


def handler(event, context):
    return {"statusCode": 200, "body": "OK"}
