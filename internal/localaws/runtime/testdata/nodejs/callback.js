// A handler that answers through its callback, as older nodejs examples do.
exports.handler = (event, context, callback) => {
  console.info("callback style");
  setTimeout(() => {
    if (event.fail) {
      callback(new Error("callback failure"));
      return;
    }
    callback(null, { style: "callback", requestId: context.awsRequestId });
  }, 10);
};
