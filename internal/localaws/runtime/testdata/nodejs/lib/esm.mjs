// An ES module handler in a subdirectory.
export const handler = async (event) => ({ style: "esm", got: event.n });
