import { fargateSizeProblem } from "../src";

// Fargate's CPU and memory combinations for Linux tasks, as AWS documents them: every valid pair
// is accepted, and anything else is refused with a message that says what is allowed.

const GiB = 1024;
const steps = (from: number, to: number, step: number) => Array.from({ length: (to - from) / step + 1 }, (_v, i) => from + i * step);

/** AWS's table, in CPU units and MiB. */
const TABLE: [number, number[]][] = [
  [256, [512, 1024, 2048]],
  [512, [1024, 2048, 3072, 4096]],
  [1024, steps(2 * GiB, 8 * GiB, GiB)],
  [2048, steps(4 * GiB, 16 * GiB, GiB)],
  [4096, steps(8 * GiB, 30 * GiB, GiB)],
  [8192, steps(16 * GiB, 60 * GiB, 4 * GiB)],
  [16384, steps(32 * GiB, 120 * GiB, 8 * GiB)],
];
const VALID_PAIRS = TABLE.flatMap(([cpu, memories]) => memories.map((memory): [number, number] => [cpu, memory]));
const CPUS = "256, 512, 1024, 2048, 4096, 8192, 16384";

describe("fargateSizeProblem: valid sizes", () => {
  test("the table has every size AWS documents", () => {
    expect(VALID_PAIRS).toHaveLength(3 + 4 + 7 + 13 + 23 + 12 + 12);
    expect(TABLE.find(([cpu]) => cpu === 8192)?.[1]).toEqual([16384, 20480, 24576, 28672, 32768, 36864, 40960, 45056, 49152, 53248, 57344, 61440]);
    expect(TABLE.find(([cpu]) => cpu === 16384)?.[1]).toEqual([32768, 40960, 49152, 57344, 65536, 73728, 81920, 90112, 98304, 106496, 114688, 122880]);
  });

  test.each(VALID_PAIRS)("cpu %d with %d MiB is a Fargate size", (cpu, memory) => {
    expect(fargateSizeProblem(cpu, memory)).toBeUndefined();
  });
});

describe("fargateSizeProblem: cpu that Fargate does not offer", () => {
  test.each([0, 128, 255, 257, 384, 768, 1000, 1536, 3072, 6144, 12288, 16385, 32768, -256, 256.5, Number.NaN])("cpu %p lists the allowed cpus", (cpu) => {
    expect(fargateSizeProblem(cpu, 2048)).toBe(`'cpu' must be one of ${CPUS} on Fargate, got ${cpu}`);
  });

  test("a bad cpu is reported before the memory, whatever the memory", () => {
    expect(fargateSizeProblem(300, 100)).toBe(`'cpu' must be one of ${CPUS} on Fargate, got 300`);
  });
});

describe("fargateSizeProblem: memory that does not go with the cpu", () => {
  // Short lists are shown whole; longer ones as a range with its step.
  const ALLOWED: Record<number, string> = {
    256: "512, 1024, 2048",
    512: "1024, 2048, 3072, 4096",
    1024: "2048 to 8192 in steps of 1024",
    2048: "4096 to 16384 in steps of 1024",
    4096: "8192 to 30720 in steps of 1024",
    8192: "16384 to 61440 in steps of 4096",
    16384: "32768 to 122880 in steps of 8192",
  };

  test.each<[number, number]>([
    // Just below the smallest and just above the largest size of each cpu.
    [256, 511],
    [256, 256],
    [256, 2049],
    [256, 3072],
    [512, 512],
    [512, 1023],
    [512, 4097],
    [512, 5120],
    [1024, 1024],
    [1024, 2047],
    [1024, 9216],
    [2048, 3072],
    [2048, 17408],
    [4096, 7168],
    [4096, 31744],
    [8192, 12288],
    [8192, 65536],
    [16384, 24576],
    [16384, 131072],
    // Inside the range, but not on a step.
    [256, 1536],
    [512, 1536],
    [1024, 2560],
    [2048, 4097],
    [4096, 8704],
    [8192, 18432],
    [8192, 17408],
    [16384, 36864],
    [16384, 33792],
    // Not a whole number of MiB.
    [512, 1024.5],
  ])("cpu %p with %p MiB shows what that cpu allows", (cpu, memory) => {
    expect(fargateSizeProblem(cpu, memory)).toBe(`'memoryMiB' must be ${ALLOWED[cpu]} with cpu ${cpu} on Fargate, got ${memory}`);
  });

  test("every size of another cpu is refused unless this cpu has it too", () => {
    for (const [cpu, memories] of TABLE) {
      for (const [, other] of VALID_PAIRS) {
        const problem = fargateSizeProblem(cpu, other);
        if (memories.includes(other)) expect(problem).toBeUndefined();
        else expect(problem).toBe(`'memoryMiB' must be ${ALLOWED[cpu]} with cpu ${cpu} on Fargate, got ${other}`);
      }
    }
  });
});
