"""A handler written the way Lambda's python examples write them: it logs through the root logger at INFO.

As a pipe's target it gets a list of Kafka records with base64 values.
"""

import base64
import logging

logger = logging.getLogger()
logger.setLevel("INFO")


def lambda_handler(event, context):
    records = event if isinstance(event, list) else []
    for record in records:
        value = base64.b64decode(record["value"]).decode("utf-8")
        logger.info("record %s/%d offset %d: %s", record["topic"], record["partition"], record["offset"], value)
    logger.info("got %d records", len(records))
    return {"records": len(records)}
