import os
import time


class PaymentDeclined(Exception):
    pass


def handler(event, context):
    print("python handling", event.get("mode"))
    mode = event.get("mode")
    if mode == "error":
        raise PaymentDeclined(event.get("message", "declined"))
    if mode == "unserializable":
        return {1, 2}
    if mode == "hang":
        while True:
            time.sleep(1)
    if mode == "exit":
        os._exit(3)
    return {
        "pid": os.getpid(),
        "requestId": context.aws_request_id,
        "functionName": context.function_name,
        "remaining": context.get_remaining_time_in_millis(),
        "memory": context.memory_limit_in_mb,
        "logStream": context.log_stream_name,
        "endpoint": os.environ.get("AWS_ENDPOINT_URL"),
        "execEnv": os.environ.get("AWS_EXECUTION_ENV"),
        "event": event,
    }
