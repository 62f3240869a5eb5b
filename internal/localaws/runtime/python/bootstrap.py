"""Lambda runtime client for python3.x functions run by localaws.

It speaks the Lambda Runtime API at AWS_LAMBDA_RUNTIME_API: it imports the handler named by _HANDLER
("module.function", the module relative to LAMBDA_TASK_ROOT), then loops on GET /invocation/next, calls
the handler with the decoded event and a context object, and posts the JSON result, or the error as
errorMessage/errorType/stackTrace. Import problems are reported to /init/error before exiting, as Lambda's
own python runtime does. The root logger gets Lambda's handler: records in the Text format
("[LEVEL]\t<UTC time>\t<request id>\t<message>") or, when the function's LoggingConfig asks for it, in
Lambda's JSON shape, at the level AWS_LAMBDA_LOG_LEVEL names. Standard library only.
"""

import http.client
import importlib
import json
import logging
import os
import sys
import time
import traceback

API_PREFIX = "/2018-06-01/runtime"

# Lambda's log levels and the python levels they stand for.
LOG_LEVELS = {
    "TRACE": logging.NOTSET,
    "DEBUG": logging.DEBUG,
    "INFO": logging.INFO,
    "WARN": logging.WARNING,
    "ERROR": logging.ERROR,
    "FATAL": logging.CRITICAL,
}

# The request id of the invocation in progress ("" during init), for log records.
current_request_id = ""


def write_event(text):
    """Writes one log event: one line on stdout, its own line breaks turned into carriage returns so that
    localaws stores it as a single event, as Lambda does."""
    sys.stdout.write(text.replace("\n", "\r") + "\n")
    sys.stdout.flush()


def utc_timestamp(created):
    """Formats a record time as Lambda's logs do: UTC with milliseconds."""
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(created)) + ".%03dZ" % (int(created * 1000) % 1000)


class LambdaLogHandler(logging.Handler):
    """The root logger's handler: every record becomes one log event."""

    def emit(self, record):
        try:
            write_event(self.format(record))
        except Exception:  # logging must never fail the handler
            self.handleError(record)


class TextFormatter(logging.Formatter):
    """Lambda's Text format: [LEVEL], UTC time, request id and message, tab separated."""

    def format(self, record):
        text = "[%s]\t%s\t%s\t%s" % (record.levelname, utc_timestamp(record.created), current_request_id,
                                      record.getMessage())
        if record.exc_info:
            text += "\n" + self.formatException(record.exc_info)
        return text


# The attributes every LogRecord has; the others came from extra= and go into JSON records.
STANDARD_RECORD_KEYS = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}


class JSONFormatter(logging.Formatter):
    """Lambda's JSON format: timestamp, level, message, logger and requestId, the exception when there is
    one, and the record's extra keys."""

    def format(self, record):
        document = {
            "timestamp": utc_timestamp(record.created),
            "level": record.levelname,
            "message": record.getMessage(),
            "logger": record.name,
        }
        if current_request_id:
            document["requestId"] = current_request_id
        if record.exc_info and record.exc_info[1] is not None:
            exc = record.exc_info[1]
            document["errorType"] = type(exc).__name__
            document["errorMessage"] = str(exc)
            document["stackTrace"] = traceback.format_tb(exc.__traceback__)
            document["location"] = "%s:%s:%d" % (record.pathname, record.funcName, record.lineno)
        for key, value in vars(record).items():
            if key not in STANDARD_RECORD_KEYS and key not in document:
                document[key] = value
        return json.dumps(document, default=str, ensure_ascii=False)


def json_logs():
    return os.environ.get("AWS_LAMBDA_LOG_FORMAT", "").upper() == "JSON"


def setup_logging():
    """Gives the root logger Lambda's handler and level."""
    handler = LambdaLogHandler()
    handler.setFormatter(JSONFormatter() if json_logs() else TextFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    level = os.environ.get("AWS_LAMBDA_LOG_LEVEL", "").upper()
    if level in LOG_LEVELS:
        root.setLevel(LOG_LEVELS[level])


class RuntimeAPI:
    """A keep-alive connection to the Runtime API."""

    def __init__(self, address):
        host, port = address.rsplit(":", 1)
        self.conn = http.client.HTTPConnection(host, int(port))

    def request(self, method, path, body=None, headers=None):
        self.conn.request(method, API_PREFIX + path, body=body, headers=headers or {})
        resp = self.conn.getresponse()
        data = resp.read()
        return resp.status, resp.headers, data

    def next(self):
        status, headers, body = self.request("GET", "/invocation/next")
        if status != 200:
            raise RuntimeError("GET /invocation/next answered %d" % status)
        return headers, body

    def post_json(self, path, document, error_type=None):
        headers = {"Content-Type": "application/json"}
        if error_type:
            headers["Lambda-Runtime-Function-Error-Type"] = error_type
        status, _, _ = self.request("POST", path, json.dumps(document).encode(), headers)
        if status != 202:
            raise RuntimeError("POST %s answered %d" % (path, status))


class LambdaContext:
    """The context object handlers receive, with the members Lambda's python runtime provides."""

    def __init__(self, request_id, deadline_ms, invoked_function_arn):
        self.aws_request_id = request_id
        self.invoked_function_arn = invoked_function_arn
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME")
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self.identity = None
        self.client_context = None
        self._deadline_ms = deadline_ms

    def get_remaining_time_in_millis(self):
        return max(int(self._deadline_ms - time.time() * 1000), 0)


class FaultError(Exception):
    """An error with the Lambda error type to report for it."""

    def __init__(self, error_type, message):
        super().__init__(message)
        self.error_type = error_type


def load_handler(name):
    try:
        module_path, function_name = name.rsplit(".", 1)
    except ValueError as exc:
        raise FaultError("Runtime.MalformedHandlerName", "Bad handler '%s': %s" % (name, exc))
    module_name = module_path.replace("/", ".")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise FaultError("Runtime.ImportModuleError", "Unable to import module '%s': %s" % (module_name, exc))
    except SyntaxError as exc:
        raise FaultError("Runtime.UserCodeSyntaxError", "Syntax error in module '%s': %s" % (module_name, exc))
    handler = getattr(module, function_name, None)
    if handler is None:
        raise FaultError("Runtime.HandlerNotFound", "Handler '%s' missing on module '%s'" % (function_name, module_name))
    return handler


def error_document(exc, request_id=None):
    error_type = getattr(exc, "error_type", None) or type(exc).__name__
    document = {
        "errorMessage": str(exc),
        "errorType": error_type,
        "stackTrace": traceback.format_list(traceback.extract_tb(exc.__traceback__)),
    }
    if request_id:
        document["requestId"] = request_id
    return document


def log_error(document):
    """Logs a failure the way Lambda's python runtime does, as one event."""
    if json_logs():
        record = {"timestamp": utc_timestamp(time.time()), "level": "ERROR", "message": document["errorMessage"],
                  "errorType": document["errorType"], "errorMessage": document["errorMessage"],
                  "stackTrace": document["stackTrace"]}
        if document.get("requestId"):
            record["requestId"] = document["requestId"]
        write_event(json.dumps(record, ensure_ascii=False))
        return
    lines = ["[ERROR] %s: %s" % (document["errorType"], document["errorMessage"])]
    if document["stackTrace"]:
        lines.append("Traceback (most recent call last):")
        lines.extend(frame.rstrip("\n") for frame in document["stackTrace"])
    write_event("\n".join(lines))


def invoke(api, handler, headers, body):
    global current_request_id
    request_id = headers.get("Lambda-Runtime-Aws-Request-Id")
    current_request_id = request_id or ""
    trace_id = headers.get("Lambda-Runtime-Trace-Id")
    if trace_id:
        os.environ["_X_AMZN_TRACE_ID"] = trace_id
    context = LambdaContext(request_id, int(headers.get("Lambda-Runtime-Deadline-Ms", "0")),
                            headers.get("Lambda-Runtime-Invoked-Function-Arn"))
    try:
        event = json.loads(body) if body else {}
        result = handler(event, context)
        try:
            payload = json.dumps(result).encode()
        except (TypeError, ValueError) as exc:
            raise FaultError("Runtime.MarshalError", "Unable to marshal response: %s" % exc)
    except Exception as exc:  # every handler failure is reported to Lambda
        document = error_document(exc, request_id)
        log_error(document)
        api.post_json("/invocation/%s/error" % request_id, document, document["errorType"])
        return
    status, _, _ = api.request("POST", "/invocation/%s/response" % request_id, payload,
                               {"Content-Type": "application/json"})
    if status != 202:
        raise RuntimeError("POST /invocation/%s/response answered %d" % (request_id, status))


def main():
    for stream in (sys.stdout, sys.stderr):
        stream.reconfigure(line_buffering=True)
    task_root = os.environ.get("LAMBDA_TASK_ROOT", os.getcwd())
    sys.path.insert(0, task_root)
    setup_logging()
    api = RuntimeAPI(os.environ["AWS_LAMBDA_RUNTIME_API"])
    try:
        handler = load_handler(os.environ.get("_HANDLER", ""))
    except Exception as exc:  # an init failure of any kind is reported, then the process exits
        document = error_document(exc)
        log_error(document)
        api.post_json("/init/error", document, document["errorType"])
        sys.exit(1)
    while True:
        headers, body = api.next()
        invoke(api, handler, headers, body)


if __name__ == "__main__":
    main()
