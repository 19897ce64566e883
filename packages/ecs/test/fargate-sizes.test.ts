// Fargate's CPU and memory combinations (Linux), as an EcsService on Fargate checks them. The
// table below is AWS's, written out here on purpose: the tests must not read the code's table.
import { EcsService } from "../src";
import { GENERAL_CAPACITY, STACK_PATH, bodyAt, fixture, messageOf, serviceProps, sharedFixture, synth } from "./support";

const API = `${STACK_PATH}/Api`;

function steps(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let v = from; v <= to; v += step) out.push(v);
  return out;
}

const FARGATE: Record<number, number[]> = {
  256: [512, 1024, 2048],
  512: [1024, 2048, 3072, 4096],
  1024: steps(2048, 8192, 1024),
  2048: steps(4096, 16384, 1024),
  4096: steps(8192, 30720, 1024),
  8192: steps(16384, 61440, 4096),
  16384: steps(32768, 122880, 8192),
};

const PAIRS = Object.entries(FARGATE).flatMap(([cpu, memories]) => memories.map((memory) => [Number(cpu), memory] as const));

function errorOf(cpu: number, memoryMiB: number): string {
  return messageOf(sharedFixture(), (f) => new EcsService(f.stack, "Api", serviceProps(f, { cpu, memoryMiB })));
}

test(`all ${PAIRS.length} valid pairs are accepted, and reach the task definition as strings`, () => {
  const f = fixture();
  PAIRS.forEach(([cpu, memoryMiB], i) => {
    expect(() => new EcsService(f.stack, `S${i}`, serviceProps(f, { cpu, memoryMiB }))).not.toThrow();
  });
  expect(PAIRS).toHaveLength(74);
});

test.each([
  [256, 512],
  [512, 4096],
  [1024, 5120],
  [4096, 30720],
  [16384, 122880],
])("cpu %p with %p MiB in the task definition", (cpu, memoryMiB) => {
  const f = fixture();
  new EcsService(f.stack, "Api", serviceProps(f, { cpu, memoryMiB }));
  expect(bodyAt(synth(f.stack).out, "aws_ecs_task_definition", "Api/TaskDefinition")).toMatchObject({ cpu: String(cpu), memory: String(memoryMiB) });
});

describe("bad cpu", () => {
  test.each([0, 128, 300, 768, 32768])("%p", (cpu) => {
    expect(errorOf(cpu, 2048)).toBe(`${API}: 'cpu' must be one of 256, 512, 1024, 2048, 4096, 8192, 16384 on Fargate, got ${cpu}`);
  });
});

describe("bad memory", () => {
  test("a short list is shown whole", () => {
    expect(errorOf(256, 4096)).toBe(`${API}: 'memoryMiB' must be 512, 1024, 2048 with cpu 256 on Fargate, got 4096`);
    expect(errorOf(512, 512)).toBe(`${API}: 'memoryMiB' must be 1024, 2048, 3072, 4096 with cpu 512 on Fargate, got 512`);
  });

  test.each([
    [1024, 1024, "2048 to 8192 in steps of 1024"],
    [1024, 2560, "2048 to 8192 in steps of 1024"],
    [2048, 17408, "4096 to 16384 in steps of 1024"],
    [4096, 31744, "8192 to 30720 in steps of 1024"],
    [8192, 18432, "16384 to 61440 in steps of 4096"],
    [16384, 36864, "32768 to 122880 in steps of 8192"],
  ])("cpu %p with %p MiB: a long list is shown as a range", (cpu, memory, shown) => {
    expect(errorOf(cpu, memory)).toBe(`${API}: 'memoryMiB' must be ${shown} with cpu ${cpu} on Fargate, got ${memory}`);
  });
});

test("EC2 launch takes sizes Fargate does not have", () => {
  const f = fixture({ cluster: { ec2Capacity: GENERAL_CAPACITY } });
  expect(
    () => new EcsService(f.stack, "Api", serviceProps(f, { launch: "ec2", cpu: 300, memoryMiB: 700, capacityProviderStrategy: [{ capacityProvider: "general" }] })),
  ).not.toThrow();
});
