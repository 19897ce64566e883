// Fargate's CPU and memory combinations (Linux), in CPU units and MiB. In core because both the
// environment configuration (services) and the ECS package check them.
const SIZES: Record<number, number[]> = {
  256: [512, 1024, 2048],
  512: [1024, 2048, 3072, 4096],
  1024: range(2048, 8192, 1024),
  2048: range(4096, 16384, 1024),
  4096: range(8192, 30720, 1024),
  8192: range(16384, 61440, 4096),
  16384: range(32768, 122880, 8192),
};

function range(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let v = from; v <= to; v += step) out.push(v);
  return out;
}

/** Why a CPU and memory pair is not a Fargate size, or `undefined`. */
export function fargateSizeProblem(cpu: number, memoryMiB: number): string | undefined {
  const memories = SIZES[cpu];
  if (!memories) return `'cpu' must be one of ${Object.keys(SIZES).join(", ")} on Fargate, got ${cpu}`;
  if (!memories.includes(memoryMiB)) {
    const shown = memories.length > 6 ? `${memories[0]} to ${memories[memories.length - 1]} in steps of ${memories[1] - memories[0]}` : memories.join(", ");
    return `'memoryMiB' must be ${shown} with cpu ${cpu} on Fargate, got ${memoryMiB}`;
  }
  return undefined;
}
