"""An SQS client that speaks the legacy awsQuery protocol (form-encoded requests, XML answers).

botocore's SQS model now says "json", so this module loads that model, forces the protocol to "query", and
puts back the query member names the model lost when SQS moved to JSON (Attribute.N.Name/Value,
Tag.N.Key/Value, MessageAttribute.N..., AttributeName.N, QueueUrl.N, Message.N) and the <OpResult>
wrappers of the answers. The patched model is served to a fresh botocore session from a temporary data
directory that is searched before botocore's own.
"""

import copy
import json
import os
import tempfile

import boto3
import botocore.session

# Query names of members whose JSON names differ: (structure, member) -> query name.
_MEMBER_NAMES = {
    ("CreateQueueRequest", "Attributes"): "Attribute",
    ("CreateQueueRequest", "tags"): "Tag",
    ("GetQueueAttributesRequest", "AttributeNames"): "AttributeName",
    ("GetQueueAttributesResult", "Attributes"): "Attribute",
    ("SetQueueAttributesRequest", "Attributes"): "Attribute",
    ("ListQueuesResult", "QueueUrls"): "QueueUrl",
    ("ListQueueTagsResult", "Tags"): "Tag",
    ("TagQueueRequest", "Tags"): "Tag",
    ("SendMessageRequest", "MessageAttributes"): "MessageAttribute",
    ("ReceiveMessageRequest", "AttributeNames"): "AttributeName",
    ("ReceiveMessageRequest", "MessageSystemAttributeNames"): "MessageSystemAttributeName",
    ("ReceiveMessageRequest", "MessageAttributeNames"): "MessageAttributeName",
    ("ReceiveMessageResult", "Messages"): "Message",
    ("Message", "Attributes"): "Attribute",
    ("Message", "MessageAttributes"): "MessageAttribute",
}

# Query names of map keys and values: map shape -> (key name, value name).
_MAP_NAMES = {
    "QueueAttributeMap": ("Name", "Value"),
    "TagMap": ("Key", "Value"),
    "MessageBodyAttributeMap": ("Name", "Value"),
    "MessageSystemAttributeMap": ("Name", "Value"),
}


def _query_model(json_model):
    model = copy.deepcopy(json_model)
    meta = model["metadata"]
    meta["protocol"] = "query"
    meta["protocols"] = ["query"]
    for key in ("jsonVersion", "targetPrefix", "awsQueryCompatible"):
        meta.pop(key, None)
    for name, op in model["operations"].items():
        if "output" in op:
            op["output"]["resultWrapper"] = name + "Result"
    shapes = model["shapes"]
    for (struct, member), query_name in _MEMBER_NAMES.items():
        shapes[struct]["members"][member]["locationName"] = query_name
    for shape, (key, value) in _MAP_NAMES.items():
        shapes[shape]["key"]["locationName"] = key
        shapes[shape]["value"]["locationName"] = value
    return model


def query_client(endpoint_url, **kwargs):
    """Returns a boto3 SQS client that uses the awsQuery protocol against endpoint_url."""
    json_model = botocore.session.get_session().get_component("data_loader").load_service_model("sqs", "service-2")
    model = _query_model(json_model)
    data_dir = tempfile.mkdtemp(prefix="sqs-query-model-")
    version_dir = os.path.join(data_dir, "sqs", model["metadata"]["apiVersion"])
    os.makedirs(version_dir)
    with open(os.path.join(version_dir, "service-2.json"), "w") as f:
        json.dump(model, f)
    session = botocore.session.get_session()
    session.get_component("data_loader").search_paths.insert(0, data_dir)
    client = boto3.session.Session(botocore_session=session).client("sqs", endpoint_url=endpoint_url, **kwargs)
    if client.meta.service_model.protocol != "query":
        raise RuntimeError("the patched SQS model was not picked up")
    return client
