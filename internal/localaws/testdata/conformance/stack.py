"""Builds the original stack against localaws with boto3, checks every answer, and deletes it in reverse.

Usage: stack.py ENDPOINT

The stack: a VPC with DNS attributes, a public subnet with an internet gateway, an Elastic IP and a NAT
gateway, two private subnets in two zones with their route tables, a security group allowing 9098 inside
the VPC; an MSK Serverless cluster with IAM authentication; the dead-letter queue with 14-day retention
(through the JSON protocol, plus a second queue through the legacy query protocol); the function and pipe
roles with their inline policies; a function from a zip and one from S3, with the asynchronous invoke
configuration and the dead-letter queue; a pipe from the topic to the function. Deliberate failures check
the error codes AWS answers. The last line printed is a JSON summary of what was built.
"""

import base64
import hashlib
import io
import json
import sys
import time
import urllib.request
import zipfile

import boto3
import botocore.exceptions
from botocore.config import Config

from sqs_query import query_client

ENDPOINT = sys.argv[1]
REGION = "us-east-1"
ACCOUNT = "000000000000"
CIDR = "10.30.0.0/16"
CONFIG = Config(region_name=REGION, retries={"mode": "standard", "max_attempts": 3})
FAST_WAITER = {"Delay": 1, "MaxAttempts": 60}


def client(service, **kwargs):
    return boto3.client(service, endpoint_url=ENDPOINT, config=CONFIG, **kwargs)


def check(cond, what, got=None):
    if not cond:
        raise AssertionError(what + ("" if got is None else ": got %r" % (got,)))


def expect_error(code, call, **params):
    """Calls call(**params) and checks it fails with the given error code."""
    try:
        call(**params)
    except botocore.exceptions.ClientError as e:
        got = e.response["Error"]["Code"]
        check(got == code, "%s: error code %s, want %s" % (call.__name__, got, code), e.response["Error"])
        return e.response
    raise AssertionError("%s(%r) succeeded, want %s" % (call.__name__, params, code))


def poll(what, fn, timeout=60):
    """Calls fn until it returns something true, for at most timeout seconds."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = fn()
        if last:
            return last
        time.sleep(0.2)
    raise AssertionError("%s: not done after %ss (last %r)" % (what, timeout, last))


def gone(call, code, **params):
    """Returns a poll function that is true once call(**params) fails with code."""
    def probe():
        try:
            call(**params)
        except botocore.exceptions.ClientError as e:
            return e.response["Error"]["Code"] == code
        return False
    return probe


def admin(method, path, body=None):
    """Calls the localaws admin API."""
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(ENDPOINT + "/_localaws/" + path, data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req) as resp:
        raw = resp.read()
    return json.loads(raw) if raw else None


def tiny_zip():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("bootstrap", "#!/bin/sh\necho not run by this test\n")
    return buf.getvalue()


def tags_of(resource):
    return {t["Key"]: t["Value"] for t in resource.get("Tags", [])}


# --- network -------------------------------------------------------------------------------------------

def build_network(ec2):
    vpc = ec2.create_vpc(CidrBlock=CIDR, TagSpecifications=[
        {"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": "kp-boto3"}]}])["Vpc"]
    vpc_id = vpc["VpcId"]
    check(vpc_id.startswith("vpc-") and vpc["CidrBlock"] == CIDR, "CreateVpc", vpc)
    check(tags_of(vpc) == {"Name": "kp-boto3"}, "CreateVpc tags", vpc)
    ec2.modify_vpc_attribute(VpcId=vpc_id, EnableDnsSupport={"Value": True})
    ec2.modify_vpc_attribute(VpcId=vpc_id, EnableDnsHostnames={"Value": True})
    for attr, key in (("enableDnsSupport", "EnableDnsSupport"), ("enableDnsHostnames", "EnableDnsHostnames")):
        got = ec2.describe_vpc_attribute(VpcId=vpc_id, Attribute=attr)
        check(got[key]["Value"] is True, "DescribeVpcAttribute " + attr, got)

    zones = [z["ZoneName"] for z in ec2.describe_availability_zones()["AvailabilityZones"]]
    check(len(zones) >= 2 and all(z.startswith(REGION) for z in zones), "DescribeAvailabilityZones", zones)

    public = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.30.0.0/24", AvailabilityZone=zones[0])["Subnet"]
    ec2.modify_subnet_attribute(SubnetId=public["SubnetId"], MapPublicIpOnLaunch={"Value": True})
    got = ec2.describe_subnets(SubnetIds=[public["SubnetId"]])["Subnets"][0]
    check(got["MapPublicIpOnLaunch"] is True and got["AvailabilityZone"] == zones[0], "public subnet", got)
    expect_error("InvalidSubnet.Conflict", ec2.create_subnet, VpcId=vpc_id, CidrBlock="10.30.0.0/25")

    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc_id)
    got = ec2.describe_internet_gateways(InternetGatewayIds=[igw])["InternetGateways"][0]
    check(got["Attachments"] == [{"State": "available", "VpcId": vpc_id}], "IGW attachment", got)

    eip = ec2.allocate_address(Domain="vpc")
    check(eip["AllocationId"].startswith("eipalloc-") and eip["Domain"] == "vpc", "AllocateAddress", eip)
    nat = ec2.create_nat_gateway(SubnetId=public["SubnetId"], AllocationId=eip["AllocationId"])["NatGateway"]
    check(nat["State"] == "pending" and nat["VpcId"] == vpc_id, "CreateNatGateway", nat)
    ec2.get_waiter("nat_gateway_available").wait(NatGatewayIds=[nat["NatGatewayId"]], WaiterConfig=FAST_WAITER)
    got = ec2.describe_nat_gateways(NatGatewayIds=[nat["NatGatewayId"]])["NatGateways"][0]
    check(got["State"] == "available", "NAT gateway state", got)
    check(got["NatGatewayAddresses"][0]["AllocationId"] == eip["AllocationId"]
          and got["NatGatewayAddresses"][0]["PublicIp"] == eip["PublicIp"], "NAT gateway address", got)

    private = [ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.30.%d.0/24" % (i + 1), AvailabilityZone=zone)["Subnet"]["SubnetId"]
               for i, zone in enumerate(zones[:2])]

    public_rt = ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=public_rt, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    ec2.associate_route_table(RouteTableId=public_rt, SubnetId=public["SubnetId"])
    private_rt = ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=private_rt, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=nat["NatGatewayId"])
    for subnet in private:
        assoc = ec2.associate_route_table(RouteTableId=private_rt, SubnetId=subnet)
        check(assoc["AssociationState"]["State"] == "associated", "AssociateRouteTable", assoc)
    expect_error("RouteAlreadyExists", ec2.create_route, RouteTableId=private_rt,
                 DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    rt = ec2.describe_route_tables(RouteTableIds=[private_rt])["RouteTables"][0]
    routes = {r["DestinationCidrBlock"]: r.get("NatGatewayId") or r.get("GatewayId") for r in rt["Routes"]}
    check(routes == {CIDR: "local", "0.0.0.0/0": nat["NatGatewayId"]}, "private routes", rt["Routes"])
    check(sorted(a["SubnetId"] for a in rt["Associations"]) == sorted(private), "private associations", rt["Associations"])

    sg = ec2.create_security_group(GroupName="kp-boto3-msk", Description="MSK IAM clients", VpcId=vpc_id)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 9098, "ToPort": 9098, "IpRanges": [{"CidrIp": CIDR}]}])
    expect_error("InvalidPermission.Duplicate", ec2.authorize_security_group_ingress, GroupId=sg, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 9098, "ToPort": 9098, "IpRanges": [{"CidrIp": CIDR}]}])
    expect_error("InvalidGroup.Duplicate", ec2.create_security_group, GroupName="kp-boto3-msk",
                 Description="again", VpcId=vpc_id)
    perms = ec2.describe_security_groups(GroupIds=[sg])["SecurityGroups"][0]["IpPermissions"]
    check([(p["IpProtocol"], p["FromPort"], p["ToPort"], [r["CidrIp"] for r in p["IpRanges"]]) for p in perms]
          == [("tcp", 9098, 9098, [CIDR])], "security group ingress", perms)

    expect_error("DependencyViolation", ec2.delete_vpc, VpcId=vpc_id)
    return {"vpc": vpc_id, "public": public["SubnetId"], "private": private, "igw": igw, "eip": eip["AllocationId"],
            "nat": nat["NatGatewayId"], "routeTables": [public_rt, private_rt], "securityGroup": sg}


def delete_network(ec2, net):
    ec2.delete_nat_gateway(NatGatewayId=net["nat"])
    ec2.get_waiter("nat_gateway_deleted").wait(NatGatewayIds=[net["nat"]], WaiterConfig=FAST_WAITER)
    ec2.release_address(AllocationId=net["eip"])
    for rt_id in net["routeTables"]:
        rt = ec2.describe_route_tables(RouteTableIds=[rt_id])["RouteTables"][0]
        for assoc in rt["Associations"]:
            ec2.disassociate_route_table(AssociationId=assoc["RouteTableAssociationId"])
        ec2.delete_route(RouteTableId=rt_id, DestinationCidrBlock="0.0.0.0/0")
        ec2.delete_route_table(RouteTableId=rt_id)
    ec2.detach_internet_gateway(InternetGatewayId=net["igw"], VpcId=net["vpc"])
    ec2.delete_internet_gateway(InternetGatewayId=net["igw"])
    ec2.delete_security_group(GroupId=net["securityGroup"])
    for subnet in [net["public"]] + net["private"]:
        ec2.delete_subnet(SubnetId=subnet)
    ec2.delete_vpc(VpcId=net["vpc"])
    expect_error("InvalidVpcID.NotFound", ec2.describe_vpcs, VpcIds=[net["vpc"]])
    expect_error("InvalidSubnetID.NotFound", ec2.describe_subnets, SubnetIds=net["private"])
    expect_error("InvalidAllocationID.NotFound", ec2.release_address, AllocationId=net["eip"])


# --- MSK -----------------------------------------------------------------------------------------------

def build_cluster(kafka, net):
    expect_error("BadRequestException", kafka.create_cluster_v2, ClusterName="kp-boto3-bad", Serverless={
        "VpcConfigs": [{"SubnetIds": ["subnet-00000000000000000", net["private"][0]], "SecurityGroupIds": [net["securityGroup"]]}],
        "ClientAuthentication": {"Sasl": {"Iam": {"Enabled": True}}}})
    created = kafka.create_cluster_v2(ClusterName="kp-boto3", Tags={"owner": "conformance"}, Serverless={
        "VpcConfigs": [{"SubnetIds": net["private"], "SecurityGroupIds": [net["securityGroup"]]}],
        "ClientAuthentication": {"Sasl": {"Iam": {"Enabled": True}}}})
    arn = created["ClusterArn"]
    check(arn.startswith("arn:aws:kafka:%s:%s:cluster/kp-boto3/" % (REGION, ACCOUNT)), "cluster ARN", arn)
    check(created["State"] == "CREATING" and created["ClusterType"] == "SERVERLESS", "CreateClusterV2", created)
    info = poll("cluster ACTIVE", lambda: (lambda c: c if c["State"] == "ACTIVE" else None)(
        kafka.describe_cluster_v2(ClusterArn=arn)["ClusterInfo"]))
    check(info["Serverless"]["ClientAuthentication"]["Sasl"]["Iam"]["Enabled"] is True, "IAM auth", info)
    check(info["Serverless"]["VpcConfigs"][0]["SubnetIds"] == net["private"], "cluster subnets", info)
    check(info["Tags"] == {"owner": "conformance"}, "cluster tags", info)
    brokers = kafka.get_bootstrap_brokers(ClusterArn=arn)
    iam_brokers = brokers.get("BootstrapBrokerStringSaslIam", "")
    check(iam_brokers and all(":" in b for b in iam_brokers.split(",")), "GetBootstrapBrokers", brokers)
    listed = kafka.list_clusters_v2(ClusterNameFilter="kp-boto")["ClusterInfoList"]
    check([c["ClusterArn"] for c in listed] == [arn], "ListClustersV2", listed)
    return {"arn": arn, "brokers": iam_brokers}


def delete_cluster(kafka, cluster):
    deleting = kafka.delete_cluster(ClusterArn=cluster["arn"])
    check(deleting["State"] == "DELETING", "DeleteCluster", deleting)
    poll("cluster gone", gone(kafka.describe_cluster_v2, "NotFoundException", ClusterArn=cluster["arn"]))


# --- SQS -----------------------------------------------------------------------------------------------

def build_queue_json(sqs):
    name = "kp-boto3-dlq"
    url = sqs.create_queue(QueueName=name, Attributes={"MessageRetentionPeriod": "1209600"},
                           tags={"owner": "conformance"})["QueueUrl"]
    check(url == "%s/%s/%s" % (ENDPOINT, ACCOUNT, name), "CreateQueue URL (the endpoint's host)", url)
    again = sqs.create_queue(QueueName=name, Attributes={"MessageRetentionPeriod": "1209600"})["QueueUrl"]
    check(again == url, "CreateQueue with the same attributes returns the queue", again)
    expect_error("QueueAlreadyExists", sqs.create_queue, QueueName=name, Attributes={"MessageRetentionPeriod": "60"})
    expect_error("InvalidAttributeValue", sqs.create_queue, QueueName="kp-boto3-bad",
                 Attributes={"MessageRetentionPeriod": "1209601"})
    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    arn = "arn:aws:sqs:%s:%s:%s" % (REGION, ACCOUNT, name)
    check(attrs["MessageRetentionPeriod"] == "1209600" and attrs["QueueArn"] == arn, "queue attributes", attrs)
    check(sqs.list_queue_tags(QueueUrl=url)["Tags"] == {"owner": "conformance"}, "queue tags")
    return {"url": url, "arn": arn, "name": name}


class XMLRecorder:
    """Keeps the raw answers of a botocore client, to check the XML on the wire."""

    def __init__(self, client):
        self.answers = []
        client.meta.events.register("after-call.sqs.*", self._record)

    def _record(self, http_response, model, **_):
        self.answers.append((model.name, http_response.status_code, http_response.headers.get("Content-Type"),
                             http_response.content.decode()))

    def last(self, operation):
        name, status, ctype, body = self.answers[-1]
        check(name == operation, "last recorded answer is %s, want %s" % (name, operation))
        check(ctype == "text/xml", operation + " Content-Type", ctype)
        return status, body


def build_queue_query(endpoint, json_queue):
    sqs = query_client(endpoint, config=CONFIG)
    wire = XMLRecorder(sqs)
    ns = 'xmlns="http://queue.amazonaws.com/doc/2012-11-05/"'
    name = "kp-boto3-query"
    url = sqs.create_queue(QueueName=name, Attributes={"MessageRetentionPeriod": "1209600"},
                           tags={"protocol": "query"})["QueueUrl"]
    status, body = wire.last("CreateQueue")
    check(status == 200 and "<CreateQueueResponse " + ns + ">" in body and
          "<QueueUrl>%s</QueueUrl>" % url in body and "<RequestId>" in body, "CreateQueue XML", body)

    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["MessageRetentionPeriod", "QueueArn"])["Attributes"]
    check(attrs == {"MessageRetentionPeriod": "1209600", "QueueArn": "arn:aws:sqs:%s:%s:%s" % (REGION, ACCOUNT, name)},
          "query GetQueueAttributes", attrs)
    _, body = wire.last("GetQueueAttributes")
    check("<Attribute><Name>MessageRetentionPeriod</Name><Value>1209600</Value></Attribute>" in body,
          "GetQueueAttributes XML", body)
    check(sqs.list_queue_tags(QueueUrl=url)["Tags"] == {"protocol": "query"}, "query ListQueueTags")

    # Both protocols see the same queues.
    check(sqs.get_queue_url(QueueName=json_queue["name"])["QueueUrl"] == json_queue["url"], "query sees the JSON queue")
    urls = sqs.list_queues(QueueNamePrefix="kp-boto3")["QueueUrls"]
    check(sorted(urls) == sorted([url, json_queue["url"]]), "query ListQueues", urls)

    body_text = "hello over the query protocol"
    sent = sqs.send_message(QueueUrl=url, MessageBody=body_text,
                            MessageAttributes={"Kind": {"DataType": "String", "StringValue": "conformance"}})
    check(sent["MD5OfMessageBody"] == hashlib.md5(body_text.encode()).hexdigest(), "SendMessage MD5", sent)
    got = sqs.receive_message(QueueUrl=url, MessageAttributeNames=["All"], AttributeNames=["All"],
                              WaitTimeSeconds=1)["Messages"]
    check(len(got) == 1 and got[0]["Body"] == body_text and got[0]["MessageId"] == sent["MessageId"], "ReceiveMessage", got)
    check(got[0]["MessageAttributes"]["Kind"]["StringValue"] == "conformance", "message attributes", got[0])
    check(got[0]["Attributes"]["ApproximateReceiveCount"] == "1", "message system attributes", got[0])
    _, body = wire.last("ReceiveMessage")
    check("<ReceiveMessageResponse " + ns + ">" in body and "<Message>" in body, "ReceiveMessage XML", body)
    sqs.delete_message(QueueUrl=url, ReceiptHandle=got[0]["ReceiptHandle"])

    err = expect_error("AWS.SimpleQueueService.NonExistentQueue", sqs.get_queue_url, QueueName="kp-boto3-absent")
    status, body = wire.last("GetQueueUrl")
    check(status == 400 and "<ErrorResponse" in body and "<Type>Sender</Type>" in body and
          "<Code>AWS.SimpleQueueService.NonExistentQueue</Code>" in body, "error XML", body)
    check(err["ResponseMetadata"]["HTTPStatusCode"] == 400, "error status", err)

    sqs.delete_queue(QueueUrl=url)
    expect_error("AWS.SimpleQueueService.QueueDeletedRecently", sqs.create_queue, QueueName=name)
    return {"url": url, "requests": len(wire.answers)}


def delete_queue_json(sqs, queue):
    sqs.delete_queue(QueueUrl=queue["url"])
    expect_error("AWS.SimpleQueueService.NonExistentQueue", sqs.get_queue_url, QueueName=queue["name"])
    expect_error("AWS.SimpleQueueService.QueueDeletedRecently", sqs.create_queue, QueueName=queue["name"])


# --- IAM -----------------------------------------------------------------------------------------------

def trust(principal, condition=None):
    stmt = {"Effect": "Allow", "Principal": {"Service": principal}, "Action": "sts:AssumeRole"}
    if condition:
        stmt["Condition"] = condition
    return {"Version": "2012-10-17", "Statement": [stmt]}


def create_role(iam, name, trust_doc, policy_name, policy):
    role = iam.create_role(RoleName=name, Path="/kafkapipeline/", AssumeRolePolicyDocument=json.dumps(trust_doc),
                           Tags=[{"Key": "owner", "Value": "conformance"}])["Role"]
    check(role["Arn"] == "arn:aws:iam::%s:role/kafkapipeline/%s" % (ACCOUNT, name), "role ARN", role)
    check(role["RoleId"].startswith("AROA"), "RoleId", role)
    iam.put_role_policy(RoleName=name, PolicyName=policy_name, PolicyDocument=json.dumps(policy))
    got = iam.get_role(RoleName=name)["Role"]
    check(got["AssumeRolePolicyDocument"] == trust_doc, "trust policy read back", got["AssumeRolePolicyDocument"])
    check(tags_of(got) == {"owner": "conformance"}, "role tags", got)
    doc = iam.get_role_policy(RoleName=name, PolicyName=policy_name)["PolicyDocument"]
    check(doc == policy, "inline policy read back", doc)
    check(iam.list_role_policies(RoleName=name)["PolicyNames"] == [policy_name], "ListRolePolicies")
    return role["Arn"]


def function_policy(queue_arn):
    return {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
         "Resource": "arn:aws:logs:%s:%s:log-group:/aws/lambda/kp-boto3-fn:*" % (REGION, ACCOUNT)},
        {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": queue_arn}]}


def pipe_policy(cluster_arn, function_arn):
    # The cluster part of topic and group ARNs is "<cluster name>/<uuid>".
    cluster_part = cluster_arn.split(":cluster/", 1)[1]
    prefix = "arn:aws:kafka:%s:%s:" % (REGION, ACCOUNT)
    return {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["kafka:DescribeClusterV2", "kafka:GetBootstrapBrokers"], "Resource": cluster_arn},
        {"Effect": "Allow", "Action": ["kafka-cluster:Connect", "kafka-cluster:DescribeGroup", "kafka-cluster:AlterGroup",
                                       "kafka-cluster:DescribeTopic", "kafka-cluster:ReadData",
                                       "kafka-cluster:DescribeClusterDynamicConfiguration"],
         "Resource": [cluster_arn, prefix + "topic/" + cluster_part + "/test-topic", prefix + "group/" + cluster_part + "/*"]},
        {"Effect": "Allow", "Action": ["ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DescribeVpcs",
                                       "ec2:DeleteNetworkInterface", "ec2:DescribeSubnets", "ec2:DescribeSecurityGroups"],
         "Resource": "*"},
        {"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": [function_arn, function_arn + ":*"]}]}


def delete_role(iam, name, policy_name):
    expect_error("DeleteConflict", iam.delete_role, RoleName=name)
    iam.delete_role_policy(RoleName=name, PolicyName=policy_name)
    iam.delete_role(RoleName=name)
    expect_error("NoSuchEntity", iam.get_role, RoleName=name)


# --- Lambda --------------------------------------------------------------------------------------------

def build_functions(lam, s3, role_arn, queue):
    code = tiny_zip()
    sha = base64.b64encode(hashlib.sha256(code).digest()).decode()

    # An execution role younger than the IAM propagation delay cannot be assumed yet.
    admin("PATCH", "config", {"propagationDelay": "1h"})
    err = expect_error("InvalidParameterValueException", lam.create_function, FunctionName="kp-boto3-fn",
                       Runtime="provided.al2023", Handler="bootstrap", Role=role_arn, Code={"ZipFile": code})
    check("cannot be assumed by Lambda" in err["Error"]["Message"], "unpropagated role message", err["Error"])
    admin("PATCH", "config", {"propagationDelay": "0s"})

    fn = lam.create_function(FunctionName="kp-boto3-fn", Runtime="provided.al2023", Handler="bootstrap", Role=role_arn,
                             Code={"ZipFile": code}, DeadLetterConfig={"TargetArn": queue["arn"]},
                             Tags={"owner": "conformance"})
    arn = "arn:aws:lambda:%s:%s:function:kp-boto3-fn" % (REGION, ACCOUNT)
    check(fn["FunctionArn"] == arn and fn["State"] == "Pending" and fn["CodeSha256"] == sha, "CreateFunction", fn)
    expect_error("ResourceConflictException", lam.create_function, FunctionName="kp-boto3-fn",
                 Runtime="provided.al2023", Handler="bootstrap", Role=role_arn, Code={"ZipFile": code})
    lam.get_waiter("function_active_v2").wait(FunctionName="kp-boto3-fn", WaiterConfig=FAST_WAITER)
    conf = lam.get_function_configuration(FunctionName="kp-boto3-fn")
    check(conf["State"] == "Active" and conf["DeadLetterConfig"] == {"TargetArn": queue["arn"]}, "function configuration", conf)

    # Model constraint violations come back as the unmodelled ValidationException, as from Lambda.
    expect_error("ValidationException", lam.put_function_event_invoke_config, FunctionName="kp-boto3-fn",
                 MaximumRetryAttempts=3, MaximumEventAgeInSeconds=300)
    invoke = lam.put_function_event_invoke_config(FunctionName="kp-boto3-fn", MaximumRetryAttempts=2,
                                                  MaximumEventAgeInSeconds=300)
    check(invoke["MaximumRetryAttempts"] == 2 and invoke["MaximumEventAgeInSeconds"] == 300 and
          invoke["FunctionArn"] == arn + ":$LATEST", "PutFunctionEventInvokeConfig", invoke)
    got = lam.get_function_event_invoke_config(FunctionName="kp-boto3-fn")
    check((got["MaximumRetryAttempts"], got["MaximumEventAgeInSeconds"]) == (2, 300), "GetFunctionEventInvokeConfig", got)

    s3.create_bucket(Bucket="kp-boto3-code")
    s3.put_object(Bucket="kp-boto3-code", Key="fn.zip", Body=code)
    expect_error("InvalidParameterValueException", lam.create_function, FunctionName="kp-boto3-fn-s3",
                 Runtime="provided.al2023", Handler="bootstrap", Role=role_arn,
                 Code={"S3Bucket": "kp-boto3-code", "S3Key": "absent.zip"})
    from_s3 = lam.create_function(FunctionName="kp-boto3-fn-s3", Runtime="provided.al2023", Handler="bootstrap",
                                  Role=role_arn, Code={"S3Bucket": "kp-boto3-code", "S3Key": "fn.zip"})
    check(from_s3["CodeSha256"] == sha and from_s3["CodeSize"] == len(code), "CreateFunction from S3", from_s3)
    lam.get_waiter("function_active_v2").wait(FunctionName="kp-boto3-fn-s3", WaiterConfig=FAST_WAITER)
    return {"arn": arn, "s3Arn": from_s3["FunctionArn"], "codeSha256": sha}


def delete_functions(lam, s3):
    lam.delete_function_event_invoke_config(FunctionName="kp-boto3-fn")
    expect_error("ResourceNotFoundException", lam.get_function_event_invoke_config, FunctionName="kp-boto3-fn")
    for name in ("kp-boto3-fn", "kp-boto3-fn-s3"):
        lam.delete_function(FunctionName=name)
        expect_error("ResourceNotFoundException", lam.get_function, FunctionName=name)
    expect_error("BucketNotEmpty", s3.delete_bucket, Bucket="kp-boto3-code")
    s3.delete_object(Bucket="kp-boto3-code", Key="fn.zip")
    s3.delete_bucket(Bucket="kp-boto3-code")
    expect_error("404", s3.head_bucket, Bucket="kp-boto3-code")


# --- Pipes ---------------------------------------------------------------------------------------------

PIPE = "kp-boto3-pipe"


def build_pipe(pipes, role_arn, cluster, function):
    params = dict(Name=PIPE, RoleArn=role_arn, Source=cluster["arn"], Target=function["arn"],
                  SourceParameters={"ManagedStreamingKafkaParameters": {
                      "TopicName": "test-topic", "StartingPosition": "LATEST", "BatchSize": 10}},
                  TargetParameters={"LambdaFunctionParameters": {"InvocationType": "FIRE_AND_FORGET"}},
                  Tags={"owner": "conformance"})
    created = pipes.create_pipe(**params)
    arn = "arn:aws:pipes:%s:%s:pipe/%s" % (REGION, ACCOUNT, PIPE)
    check(created["Arn"] == arn and created["CurrentState"] == "CREATING" and created["DesiredState"] == "RUNNING",
          "CreatePipe", created)
    expect_error("ConflictException", pipes.create_pipe, **params)
    pipe = poll("pipe RUNNING", lambda: (lambda p: p if p["CurrentState"] == "RUNNING" else None)(
        pipes.describe_pipe(Name=PIPE)))
    kafka_params = pipe["SourceParameters"]["ManagedStreamingKafkaParameters"]
    check((kafka_params["TopicName"], kafka_params["StartingPosition"], kafka_params["BatchSize"]) ==
          ("test-topic", "LATEST", 10), "pipe source parameters", kafka_params)
    check(pipe["TargetParameters"]["LambdaFunctionParameters"]["InvocationType"] == "FIRE_AND_FORGET", "pipe target", pipe)
    check((pipe["Source"], pipe["Target"], pipe["RoleArn"]) == (cluster["arn"], function["arn"], role_arn), "pipe wiring", pipe)
    listed = pipes.list_pipes(NamePrefix="kp-boto3")["Pipes"]
    check([p["Name"] for p in listed] == [PIPE], "ListPipes", listed)
    check(pipes.list_tags_for_resource(resourceArn=arn)["tags"] == {"owner": "conformance"}, "pipe tags")
    return {"arn": arn, "state": pipe["CurrentState"]}


def delete_pipe(pipes):
    deleting = pipes.delete_pipe(Name=PIPE)
    check(deleting["DesiredState"] == "DELETED" and deleting["CurrentState"] == "DELETING", "DeletePipe", deleting)
    poll("pipe gone", gone(pipes.describe_pipe, "NotFoundException", Name=PIPE))


# --- the stack -----------------------------------------------------------------------------------------

def main():
    ec2, kafka, sqs, iam = client("ec2"), client("kafka"), client("sqs"), client("iam")
    lam, pipes = client("lambda"), client("pipes")
    s3 = boto3.client("s3", endpoint_url=ENDPOINT, config=CONFIG.merge(Config(s3={"addressing_style": "path"})))
    check(client("sts").get_caller_identity()["Account"] == ACCOUNT, "GetCallerIdentity")

    net = build_network(ec2)
    cluster = build_cluster(kafka, net)
    queue = build_queue_json(sqs)
    query = build_queue_query(ENDPOINT, queue)
    fn_role = create_role(iam, "kp-boto3-fn-role", trust("lambda.amazonaws.com"), "function", function_policy(queue["arn"]))
    expect_error("EntityAlreadyExists", iam.create_role, RoleName="kp-boto3-fn-role",
                 AssumeRolePolicyDocument=json.dumps(trust("lambda.amazonaws.com")))
    function = build_functions(lam, s3, fn_role, queue)
    pipe_role = create_role(iam, "kp-boto3-pipe-role",
                            trust("pipes.amazonaws.com", {"StringEquals": {"aws:SourceAccount": ACCOUNT}}),
                            "pipe", pipe_policy(cluster["arn"], function["arn"]))
    pipe = build_pipe(pipes, pipe_role, cluster, function)

    delete_pipe(pipes)
    delete_role(iam, "kp-boto3-pipe-role", "pipe")
    delete_functions(lam, s3)
    delete_role(iam, "kp-boto3-fn-role", "function")
    delete_queue_json(sqs, queue)
    delete_cluster(kafka, cluster)
    delete_network(ec2, net)

    print(json.dumps({"network": net, "cluster": cluster, "queue": queue, "queryQueue": query,
                      "roles": [fn_role, pipe_role], "function": function, "pipe": pipe}))


if __name__ == "__main__":
    main()
