// A CommonJS handler in the style of Lambda's nodejs examples.
class PaymentDeclined extends Error {
  constructor(message) {
    super(message);
    this.name = "PaymentDeclined";
  }
}

exports.handler = async (event, context) => {
  console.log("node handling", event.mode);
  switch (event.mode) {
    case "error":
      throw new PaymentDeclined(event.message || "declined");
    case "hang":
      await new Promise(() => setInterval(() => {}, 1000));
      break;
    case "exit":
      process.exit(3);
      break;
    case "crash":
      setTimeout(() => {
        throw new TypeError("thrown outside the handler");
      }, 0);
      await new Promise(() => setInterval(() => {}, 1000));
      break;
    case "log":
      console.info("an object: %j", { a: 1 });
      console.warn("two lines\nin one event");
      console.error(new Error("logged error"));
      console.debug("a debug line");
      return { logged: true };
  }
  return {
    pid: process.pid,
    requestId: context.awsRequestId,
    functionName: context.functionName,
    remaining: context.getRemainingTimeInMillis(),
    memory: context.memoryLimitInMB,
    logStream: context.logStreamName,
    endpoint: process.env.AWS_ENDPOINT_URL,
    execEnv: process.env.AWS_EXECUTION_ENV,
    event,
  };
};
