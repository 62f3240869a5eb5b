import logging

logger = logging.getLogger()
logger.setLevel("INFO")


def handler(event, context):
    logger.info("processing record %s", event.get("id"))
    logger.debug("a detail hidden at INFO")
    logging.getLogger("payments").warning("two lines\nin one record")
    return {"ok": True}
