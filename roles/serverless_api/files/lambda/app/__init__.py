"""Regional items API served by AWS Lambda behind an API Gateway REST API (proxy integration).

Entry point: ``app.handler.lambda_handler``. Runtime dependencies: the standard library and the boto3 that
the Lambda Python runtime ships.
"""
