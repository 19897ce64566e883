// Two clusters in one account: every add-on's AWS names (roles, Karpenter's queue and rules) are
// named after the cluster, not the environment, so the add-ons of two clusters never collide.
import { type SynthesizedStack } from "@platform/core";
import { AwsLoadBalancerController, ClusterAutoscaler, EksCluster, ExternalDns, FluentBit, Karpenter } from "../src";
import { base, bodyAt, clusterProps, resources, synth, withHelm } from "./support";

const CLUSTERS = ["blue", "green"] as const;

describe("the add-ons of two clusters in one stack", () => {
  let out: SynthesizedStack;
  beforeAll(() => {
    const b = withHelm(base());
    for (const clusterName of CLUSTERS) {
      const id = clusterName === "blue" ? "Blue" : "Green";
      const cluster = new EksCluster(b.stack, id, clusterProps(b.vpc, { clusterName }));
      new AwsLoadBalancerController(b.stack, `${id}LoadBalancerController`, { cluster, clusterName });
      new ClusterAutoscaler(b.stack, `${id}ClusterAutoscaler`, { cluster, clusterName });
      new ExternalDns(b.stack, `${id}ExternalDns`, { cluster, clusterName, hostedZoneIds: ["Z0123456789ABC"] });
      new FluentBit(b.stack, `${id}FluentBit`, { cluster, clusterName, kmsKeyArn: cluster.keyArn });
      new Karpenter(b.stack, `${id}Karpenter`, { cluster, clusterName });
    }
    out = synth(b.stack).out;
  });

  test.each(CLUSTERS)("the roles of %s's add-ons are <cluster>-<service account>", (clusterName) => {
    const id = clusterName === "blue" ? "Blue" : "Green";
    const roleName = (path: string) => bodyAt(out, "aws_iam_role", `${id}${path}/Role`).name;
    expect({
      loadBalancerController: roleName("LoadBalancerController"),
      clusterAutoscaler: roleName("ClusterAutoscaler"),
      externalDns: roleName("ExternalDns"),
      fluentBit: roleName("FluentBit"),
      karpenter: roleName("Karpenter"),
    }).toEqual({
      loadBalancerController: `${clusterName}-aws-load-balancer-controller`,
      clusterAutoscaler: `${clusterName}-cluster-autoscaler`,
      externalDns: `${clusterName}-external-dns`,
      fluentBit: `${clusterName}-fluent-bit`,
      karpenter: `${clusterName}-karpenter`,
    });
  });

  test("no two IAM roles, SQS queues or EventBridge rules share a name", () => {
    for (const type of ["aws_iam_role", "aws_sqs_queue", "aws_cloudwatch_event_rule"]) {
      const names = Object.values(resources(out, type)).map((r) => r.name as string);
      expect({ type, duplicates: names.filter((n, i) => names.indexOf(n) !== i) }).toEqual({ type, duplicates: [] });
    }
    expect(Object.keys(resources(out, "aws_cloudwatch_event_rule"))).toHaveLength(8);
    expect(Object.values(resources(out, "aws_sqs_queue")).map((q) => q.name)).toEqual(["blue-karpenter", "green-karpenter"]);
  });
});
