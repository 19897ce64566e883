"""What an AWS emulator still holds of an environment, asked of its API (not of any state file).

Usage: python3 emulator-inventory.py <endpoint-url> <region> <environment>
Prints a JSON object: service -> names of the environment's resources that still exist; {} when
none do. Default resources the emulator makes by itself (the default VPC, AWS-managed policies,
keys pending deletion) are not the environment's and are not listed.
"""
import json
import sys

import boto3

url, region, env = sys.argv[1], sys.argv[2], sys.argv[3]
prefix = env + "-"


def client(name):
    return boto3.client(name, endpoint_url=url, region_name=region, aws_access_key_id="offline-placeholder", aws_secret_access_key="offline-placeholder")


def tagged(tags):
    return any(t.get("Key") == "Environment" and t.get("Value") == env for t in tags or [])


found = {}


def add(service, names):
    names = sorted(n for n in names if n)
    if names:
        found[service] = names


ec2 = client("ec2")
vpcs = [v for v in ec2.describe_vpcs()["Vpcs"] if not v.get("IsDefault")]
add("ec2:vpc", [v["VpcId"] for v in vpcs if tagged(v.get("Tags"))])
add("ec2:subnet", [s["SubnetId"] for s in ec2.describe_subnets()["Subnets"] if tagged(s.get("Tags"))])
add("ec2:security-group", [g["GroupName"] for g in ec2.describe_security_groups()["SecurityGroups"] if tagged(g.get("Tags"))])
add("ec2:nat-gateway", [n["NatGatewayId"] for n in ec2.describe_nat_gateways()["NatGateways"] if n["State"] not in ("deleted", "deleting")])
add("ec2:elastic-ip", [a.get("AllocationId") for a in ec2.describe_addresses()["Addresses"] if tagged(a.get("Tags"))])
add("ec2:internet-gateway", [i["InternetGatewayId"] for i in ec2.describe_internet_gateways()["InternetGateways"] if tagged(i.get("Tags"))])
add("ec2:vpc-endpoint", [e["VpcEndpointId"] for e in ec2.describe_vpc_endpoints()["VpcEndpoints"] if e.get("State", "").lower() not in ("deleted", "deleting")])
add("ec2:launch-template", [t["LaunchTemplateName"] for t in ec2.describe_launch_templates()["LaunchTemplates"] if t["LaunchTemplateName"].startswith(prefix)])
add("ec2:flow-log", [f["FlowLogId"] for f in ec2.describe_flow_logs()["FlowLogs"]])

add("ecr", [r["repositoryName"] for r in client("ecr").describe_repositories()["repositories"]])
iam = client("iam")
add("iam:role", [r["RoleName"] for r in iam.list_roles()["Roles"] if r["RoleName"].startswith(prefix)])
add("iam:instance-profile", [p["InstanceProfileName"] for p in iam.list_instance_profiles()["InstanceProfiles"] if p["InstanceProfileName"].startswith(prefix)])
add("iam:oidc-provider", [p["Arn"] for p in iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]])
ecs = client("ecs")
add("ecs:cluster", [c["clusterName"] for c in ecs.describe_clusters(clusters=ecs.list_clusters()["clusterArns"]).get("clusters", []) if c["status"] == "ACTIVE"])
add("ecs:task-definition", ecs.list_task_definitions(status="ACTIVE")["taskDefinitionArns"])
add("eks", client("eks").list_clusters()["clusters"])
elb = client("elbv2")
add("elbv2:load-balancer", [lb["LoadBalancerName"] for lb in elb.describe_load_balancers()["LoadBalancers"]])
add("elbv2:target-group", [t["TargetGroupName"] for t in elb.describe_target_groups()["TargetGroups"]])
add("acm", [c["DomainName"] for c in client("acm").list_certificates()["CertificateSummaryList"]])
add("route53", [z["Name"] for z in client("route53").list_hosted_zones()["HostedZones"]])
add("sqs", client("sqs").list_queues().get("QueueUrls", []))
kms = client("kms")
live_keys = [k["KeyId"] for k in kms.list_keys()["Keys"] if kms.describe_key(KeyId=k["KeyId"])["KeyMetadata"]["KeyState"] not in ("PendingDeletion", "Disabled")]
add("kms:key", live_keys)
add("kms:alias", [a["AliasName"] for a in kms.list_aliases()["Aliases"] if not a["AliasName"].startswith("alias/aws/")])
add("logs", [g["logGroupName"] for g in client("logs").describe_log_groups()["logGroups"]])
add("autoscaling", [g["AutoScalingGroupName"] for g in client("autoscaling").describe_auto_scaling_groups()["AutoScalingGroups"]])
add("scheduler", [s["Name"] for s in client("scheduler").list_schedules()["Schedules"]])
add("servicediscovery", [n["Name"] for n in client("servicediscovery").list_namespaces()["Namespaces"]])

print(json.dumps(found, indent=2, sort_keys=True))
