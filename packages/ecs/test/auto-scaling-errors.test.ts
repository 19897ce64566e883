// One test per error message of a service's auto scaling: service `Api` reports them as
// `test-unit/Api/AutoScaling: ...`.
import type { AutoScalingOptions, EcsServiceProps } from "../src";
import { CERTIFICATE_ARN, STACK_PATH, addService, messageOf, sharedFixture } from "./support";

const SCALING = `${STACK_PATH}/Api/AutoScaling`;
const WITH_LB: Partial<EcsServiceProps> = { loadBalancing: { create: { certificate: { certificateArn: CERTIFICATE_ARN } } } };

function errorOf(options: Partial<AutoScalingOptions>, overrides: Partial<EcsServiceProps> = {}): string {
  return messageOf(sharedFixture(), (f) => addService(f, "Api", { autoScaling: { minCapacity: 1, maxCapacity: 4, targetCpuPercent: 60, ...options }, ...overrides }));
}

test.each([-1, 1.5])("minCapacity %p", (minCapacity) => {
  expect(errorOf({ minCapacity })).toBe(`${SCALING}: 'autoScaling.minCapacity' must be a whole number of at least 0, got ${minCapacity}`);
});

test("maxCapacity below minCapacity", () => {
  expect(errorOf({ minCapacity: 3, maxCapacity: 2 })).toBe(`${SCALING}: 'autoScaling.maxCapacity' must be a whole number of at least minCapacity (3) and 1, got 2`);
});

test("maxCapacity 0", () => {
  expect(errorOf({ minCapacity: 0, maxCapacity: 0 })).toBe(`${SCALING}: 'autoScaling.maxCapacity' must be a whole number of at least minCapacity (0) and 1, got 0`);
});

test("maxCapacity not whole", () => {
  expect(errorOf({ maxCapacity: 4.5 })).toBe(`${SCALING}: 'autoScaling.maxCapacity' must be a whole number of at least minCapacity (1) and 1, got 4.5`);
});

test.each([5, 95, 90.5])("targetCpuPercent %p", (targetCpuPercent) => {
  expect(errorOf({ targetCpuPercent })).toBe(`${SCALING}: 'autoScaling.targetCpuPercent' must be from 10 to 90 percent, got ${targetCpuPercent}`);
});

test.each([9, 91])("targetMemoryPercent %p", (targetMemoryPercent) => {
  expect(errorOf({ targetMemoryPercent })).toBe(`${SCALING}: 'autoScaling.targetMemoryPercent' must be from 10 to 90 percent, got ${targetMemoryPercent}`);
});

test("requestsPerTarget without a load balancer", () => {
  expect(errorOf({ targetCpuPercent: undefined, requestsPerTarget: 100 })).toBe(
    `${SCALING}: 'autoScaling.requestsPerTarget' needs 'loadBalancing': it scales on the load balancer's requests per task`,
  );
});

test.each([0, 10.5])("requestsPerTarget %p", (requestsPerTarget) => {
  expect(errorOf({ requestsPerTarget }, WITH_LB)).toBe(`${SCALING}: 'autoScaling.requestsPerTarget' must be a whole number of at least 1, got ${requestsPerTarget}`);
});

test("no policy at all", () => {
  expect(errorOf({ targetCpuPercent: undefined })).toBe(
    `${SCALING}: 'autoScaling' needs a policy: targetCpuPercent, targetMemoryPercent, requestsPerTarget, queueMessagesPerTask, step or schedules`,
  );
  expect(errorOf({ targetCpuPercent: undefined, schedules: {} })).toBe(
    `${SCALING}: 'autoScaling' needs a policy: targetCpuPercent, targetMemoryPercent, requestsPerTarget, queueMessagesPerTask, step or schedules`,
  );
});

test.each([0, 1.5])("step.scaleOutBy %p", (scaleOutBy) => {
  expect(errorOf({ step: { metric: "CPUUtilization", scaleOutAbove: 80, scaleOutBy } })).toBe(
    `${SCALING}: 'autoScaling.step.scaleOutBy' must be a whole number of at least 1, got ${scaleOutBy}`,
  );
});

test.each([0, 100, -5])("step.scaleOutAbove %p", (scaleOutAbove) => {
  expect(errorOf({ step: { metric: "MemoryUtilization", scaleOutAbove } })).toBe(
    `${SCALING}: 'autoScaling.step.scaleOutAbove' must be a percentage between 0 and 100, got ${scaleOutAbove}`,
  );
});

test.each(["office hours", "a".repeat(65), "night_shift", ""])("schedules key %j", (key) => {
  expect(errorOf({ schedules: { [key]: { schedule: "cron(0 7 * * ? *)", minCapacity: 2 } } })).toBe(
    `${SCALING}: 'autoScaling.schedules' key ${JSON.stringify(key)} must be 1-64 letters, digits and -`,
  );
});

test.each(["0 20 * * *", "cron 0 20 * * ? *", "rate()", "at(2025-01-01T00:00:00"])("schedule %j", (schedule) => {
  expect(errorOf({ schedules: { night: { schedule, minCapacity: 1 } } })).toBe(
    `${SCALING}: 'autoScaling.schedules.night.schedule' must be cron(...), rate(...) or at(...), got ${JSON.stringify(schedule)}`,
  );
});

test("a schedule without capacities", () => {
  expect(errorOf({ schedules: { night: { schedule: "cron(0 20 * * ? *)" } } })).toBe(`${SCALING}: 'autoScaling.schedules.night' must set minCapacity, maxCapacity or both`);
});
