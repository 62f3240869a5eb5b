// Lambda runtime client for nodejs functions run by localaws.
//
// It speaks the Lambda Runtime API at AWS_LAMBDA_RUNTIME_API: it loads the module _HANDLER names
// ("dir/module.function", the module relative to LAMBDA_TASK_ROOT, as .js, .mjs or .cjs, CommonJS or ES
// module), then loops on GET /invocation/next, calls the handler with the decoded event and a context
// object, and posts the JSON result, or the error as errorType/errorMessage/trace. A handler may be async
// (its promise settles the invocation) or take a callback. Load problems are reported to /init/error
// before exiting, as Lambda's own nodejs runtime does. console.* writes one log event per call in Lambda's
// Text format ("<UTC time>\t<request id>\t<LEVEL>\t<message>") or, when the function's LoggingConfig asks
// for it, in Lambda's JSON shape, filtered by AWS_LAMBDA_LOG_LEVEL. Node's standard library only.

import http from "node:http";
import fs from "node:fs";
import path from "node:path";
import util from "node:util";
import { pathToFileURL } from "node:url";

const API_PREFIX = "/2018-06-01/runtime";
const [apiHost, apiPort] = (process.env.AWS_LAMBDA_RUNTIME_API || "").split(":");
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

// The request id of the invocation in progress (undefined during init, which Lambda's Text lines show).
let currentRequestId;
// The callback of the invocation in progress, for failures the handler did not catch; crashed is set by
// such a failure, and the process exits once the invocation's error is reported.
let failCurrent;
let crashed = false;

// request sends one Runtime API request and resolves with its status, headers and body.
function request(method, urlPath, body, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: apiHost, port: apiPort, method, path: API_PREFIX + urlPath, agent, headers },
      (res) => {
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

async function post(urlPath, payload, errorType) {
  const headers = { "Content-Type": "application/json" };
  if (errorType) {
    headers["Lambda-Runtime-Function-Error-Type"] = errorType;
  }
  const res = await request("POST", urlPath, payload, headers);
  if (res.status !== 202) {
    throw new Error(`POST ${urlPath} answered ${res.status}`);
  }
}

// --- Logging -------------------------------------------------------------------------------------------

const LEVELS = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"];
const jsonLogs = (process.env.AWS_LAMBDA_LOG_FORMAT || "").toUpperCase() === "JSON";
const minLevel = Math.max(0, LEVELS.indexOf((process.env.AWS_LAMBDA_LOG_LEVEL || "").toUpperCase()));

// writeEvent writes one log event as one line; its own line breaks become carriage returns, as Lambda's
// runtime does on standard output, so the event stays whole.
function writeEvent(text) {
  process.stdout.write(text.replace(/\n/g, "\r") + "\n");
}

function logLine(level, args) {
  if (jsonLogs && LEVELS.indexOf(level) < minLevel) {
    return;
  }
  const timestamp = new Date().toISOString();
  const message = util.format(...args);
  if (!jsonLogs) {
    writeEvent(`${timestamp}\t${currentRequestId}\t${level}\t${message}`);
    return;
  }
  const record = { timestamp, level, requestId: currentRequestId, message };
  const err = args.find((a) => a instanceof Error);
  if (err) {
    Object.assign(record, { errorType: err.name, errorMessage: err.message, stackTrace: String(err.stack).split("\n") });
  }
  writeEvent(JSON.stringify(record));
}

function patchConsole() {
  const methods = { log: "INFO", info: "INFO", warn: "WARN", error: "ERROR", debug: "DEBUG", trace: "TRACE", fatal: "FATAL" };
  for (const [method, level] of Object.entries(methods)) {
    console[method] = (...args) => logLine(level, args);
  }
}

// --- Errors --------------------------------------------------------------------------------------------

// errorDocument is the error Lambda's nodejs runtime reports: errorType, errorMessage and the stack lines.
function errorDocument(err, errorType) {
  if (err instanceof Error) {
    return { errorType: errorType || err.name, errorMessage: err.message, trace: String(err.stack).split("\n") };
  }
  return { errorType: errorType || typeof err, errorMessage: String(err), trace: [] };
}

// logError writes a failure the way Lambda's nodejs runtime does: "Invoke Error" for a handler's error,
// "Uncaught Exception" for one during init.
function logError(prefix, doc) {
  const shown = { errorType: doc.errorType, errorMessage: doc.errorMessage, stack: doc.trace };
  if (jsonLogs) {
    writeEvent(JSON.stringify({ timestamp: new Date().toISOString(), level: "ERROR", requestId: currentRequestId,
      message: shown }));
    return;
  }
  writeEvent(`${new Date().toISOString()}\t${currentRequestId}\tERROR\t${prefix} \t${JSON.stringify(shown)}`);
}

class RuntimeError extends Error {
  constructor(type, message) {
    super(message);
    this.errorType = type;
  }
}

// --- Loading the handler -------------------------------------------------------------------------------

function moduleFile(taskRoot, modulePath) {
  for (const ext of [".js", ".mjs", ".cjs"]) {
    const file = path.resolve(taskRoot, modulePath + ext);
    if (fs.existsSync(file)) {
      return file;
    }
  }
  return null;
}

async function loadHandler(taskRoot, name) {
  const slash = name.lastIndexOf("/");
  const dot = name.indexOf(".", slash + 1);
  if (dot < 0) {
    throw new RuntimeError("Runtime.MalformedHandlerName", `Bad handler ${name}`);
  }
  const modulePath = name.slice(0, dot);
  const functionPath = name.slice(dot + 1).split(".");
  const file = moduleFile(taskRoot, modulePath);
  if (!file) {
    throw new RuntimeError("Runtime.ImportModuleError", `Error: Cannot find module '${modulePath}'`);
  }
  let mod;
  try {
    mod = await import(pathToFileURL(file).href);
  } catch (err) {
    if (err instanceof SyntaxError) {
      throw new RuntimeError("Runtime.UserCodeSyntaxError", `${err.name}: ${err.message}`);
    }
    if (err && err.code === "ERR_MODULE_NOT_FOUND") {
      throw new RuntimeError("Runtime.ImportModuleError", `Error: ${err.message}`);
    }
    throw err;
  }
  let handler = functionPath.reduce((obj, key) => (obj == null ? undefined : obj[key]), mod);
  if (typeof handler !== "function" && mod.default) {
    handler = functionPath.reduce((obj, key) => (obj == null ? undefined : obj[key]), mod.default);
  }
  if (typeof handler !== "function") {
    throw new RuntimeError("Runtime.HandlerNotFound", `${name} is undefined or not exported`);
  }
  return handler;
}

// --- Invocations ---------------------------------------------------------------------------------------

function contextFor(headers) {
  const deadline = Number(headers["lambda-runtime-deadline-ms"]);
  return {
    awsRequestId: headers["lambda-runtime-aws-request-id"],
    invokedFunctionArn: headers["lambda-runtime-invoked-function-arn"],
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(deadline - Date.now(), 0),
  };
}

// run calls the handler and settles with its result: the promise it returns, or its callback.
function run(handler, event, context) {
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (err, result) => {
      if (settled) {
        return;
      }
      settled = true;
      if (err !== undefined && err !== null) {
        reject(err);
      } else {
        resolve(result);
      }
    };
    failCurrent = (err) => settle(err);
    context.done = settle;
    context.succeed = (result) => settle(null, result);
    context.fail = (err) => settle(err ?? new Error("context.fail was called"));
    try {
      const out = handler(event, context, settle);
      if (out && typeof out.then === "function") {
        out.then((result) => settle(null, result), (err) => settle(err ?? new Error("the handler's promise was rejected without a reason")));
      } else if (handler.length < 3) {
        settle(null, out);
      }
    } catch (err) {
      settle(err);
    }
  });
}

async function invoke(handler, next) {
  const headers = next.headers;
  currentRequestId = headers["lambda-runtime-aws-request-id"];
  if (headers["lambda-runtime-trace-id"]) {
    process.env._X_AMZN_TRACE_ID = headers["lambda-runtime-trace-id"];
  }
  const id = currentRequestId;
  let payload;
  try {
    const event = next.body.length ? JSON.parse(next.body.toString("utf8")) : {};
    const result = await run(handler, event, contextFor(headers));
    payload = JSON.stringify(result === undefined ? null : result);
  } catch (err) {
    const doc = errorDocument(err, err && err.errorType);
    logError("Invoke Error", doc);
    await post(`/invocation/${id}/error`, JSON.stringify(doc), doc.errorType);
    return;
  } finally {
    failCurrent = undefined;
  }
  await post(`/invocation/${id}/response`, payload);
}

async function main() {
  patchConsole();
  const taskRoot = process.env.LAMBDA_TASK_ROOT || process.cwd();
  let handler;
  try {
    handler = await loadHandler(taskRoot, process.env._HANDLER || "");
  } catch (err) {
    const doc = errorDocument(err, err && err.errorType);
    logError("Uncaught Exception", doc);
    await post("/init/error", JSON.stringify(doc), doc.errorType);
    process.exit(1);
  }
  // A failure the handler did not catch fails the invocation in progress, then the process exits, as on
  // Lambda.
  const uncaught = (errorType) => (err) => {
    if (failCurrent) {
      crashed = true;
      failCurrent(errorType ? new RuntimeError(errorType, String(err)) : err);
      return;
    }
    logError("Uncaught Exception", errorDocument(err, errorType));
    process.exit(128);
  };
  process.on("uncaughtException", uncaught(undefined));
  process.on("unhandledRejection", uncaught("Runtime.UnhandledPromiseRejection"));
  for (;;) {
    const next = await request("GET", "/invocation/next");
    if (next.status !== 200) {
      throw new Error(`GET /invocation/next answered ${next.status}`);
    }
    await invoke(handler, next);
    if (crashed) {
      process.exit(128);
    }
  }
}

main().catch((err) => {
  process.stderr.write(`the runtime client failed: ${err && err.stack ? err.stack : err}\n`);
  process.exit(1);
});
