// A handler written the way Lambda's nodejs examples write them: an ES module that logs with console.
// As a pipe's target it gets an array of Kafka records with base64 values.
export const handler = async (event) => {
  const records = Array.isArray(event) ? event : [];
  for (const record of records) {
    const value = Buffer.from(record.value, "base64").toString("utf8");
    console.log(`record ${record.topic}/${record.partition} offset ${record.offset}: ${value}`);
  }
  console.log(`got ${records.length} records`);
  return { records: records.length };
};
