import { Construct } from "constructs";
import { CodedeployApp } from "@cdktf/provider-aws/lib/codedeploy-app";
import { CodedeployDeploymentGroup } from "@cdktf/provider-aws/lib/codedeploy-deployment-group";
import { LbListener } from "@cdktf/provider-aws/lib/lb-listener";
import { AwsEnvironment, Role } from "@platform/core";

export interface BlueGreenProps {
  /** The service's name, for the CodeDeploy application and deployment group. */
  readonly serviceName: string;
  /** The service resource's name attribute, so that the deployment group waits for the service. */
  readonly serviceNameReference: string;
  readonly clusterName: string;
  readonly loadBalancerArn: string;
  readonly productionListenerArn: string;
  readonly certificateArn: string;
  readonly sslPolicy: string;
  readonly testListenerPort: number;
  readonly blueTargetGroupName: string;
  readonly greenTargetGroupName: string;
  readonly greenTargetGroupArn: string;
  readonly deploymentConfigName: string;
  readonly terminationWaitMinutes: number;
  readonly alarmNames: readonly string[];
  readonly tags: Readonly<Record<string, string>>;
}

/**
 * CodeDeploy blue/green for one ECS service: the application, its service role, the test
 * listener (forwarding to the green target group until a deployment swaps them) and the
 * deployment group, which rolls back on failure and on the given alarms.
 */
export class BlueGreenDeployment extends Construct {
  public readonly applicationName: string;
  public readonly deploymentGroupName: string;
  public readonly testListenerArn: string;

  constructor(scope: Construct, id: string, props: BlueGreenProps) {
    super(scope, id);
    const env = AwsEnvironment.of(this);
    const app = new CodedeployApp(this, "Application", { name: props.serviceName, computePlatform: "ECS", tags: props.tags });
    const role = new Role(this, "Role", {
      roleName: `${props.serviceName}-codedeploy`.slice(0, 64),
      description: `CodeDeploy blue/green deployments of ${props.serviceName}`,
      assumeRoleStatements: [{ Effect: "Allow", Principal: { Service: "codedeploy.amazonaws.com" }, Action: "sts:AssumeRole" }],
      managedPolicyArns: [`arn:${env.partition}:iam::aws:policy/AWSCodeDeployRoleForECS`],
      tags: props.tags,
    });
    const testListener = new LbListener(this, "TestListener", {
      loadBalancerArn: props.loadBalancerArn,
      port: props.testListenerPort,
      protocol: "HTTPS",
      sslPolicy: props.sslPolicy,
      certificateArn: props.certificateArn,
      defaultAction: [{ type: "forward", targetGroupArn: props.greenTargetGroupArn }],
      tags: props.tags,
      // CodeDeploy swaps the target groups behind the listeners at every deployment.
      lifecycle: { ignoreChanges: ["default_action"] },
    });
    const group = new CodedeployDeploymentGroup(this, "DeploymentGroup", {
      appName: app.name,
      deploymentGroupName: props.serviceName,
      serviceRoleArn: role.roleArn,
      deploymentConfigName: props.deploymentConfigName,
      deploymentStyle: { deploymentOption: "WITH_TRAFFIC_CONTROL", deploymentType: "BLUE_GREEN" },
      blueGreenDeploymentConfig: {
        deploymentReadyOption: { actionOnTimeout: "CONTINUE_DEPLOYMENT" },
        terminateBlueInstancesOnDeploymentSuccess: { action: "TERMINATE", terminationWaitTimeInMinutes: props.terminationWaitMinutes },
      },
      ecsService: { clusterName: props.clusterName, serviceName: props.serviceNameReference },
      loadBalancerInfo: {
        targetGroupPairInfo: {
          prodTrafficRoute: { listenerArns: [props.productionListenerArn] },
          testTrafficRoute: { listenerArns: [testListener.arn] },
          targetGroup: [{ name: props.blueTargetGroupName }, { name: props.greenTargetGroupName }],
        },
      },
      autoRollbackConfiguration: { enabled: true, events: ["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM"] },
      alarmConfiguration: props.alarmNames.length > 0 ? { enabled: true, alarms: [...props.alarmNames] } : undefined,
      tags: props.tags,
    });
    this.applicationName = app.name;
    this.deploymentGroupName = group.deploymentGroupName;
    this.testListenerArn = testListener.arn;
  }
}
