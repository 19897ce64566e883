// The construct packages are consumed by other repositories as built npm packages. This builds
// them, packs them with npm, installs the tarballs into a throwaway consumer next to nothing but
// their peer dependencies, and uses them from plain JavaScript and from TypeScript there.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const REPO_ROOT = path.resolve(__dirname, "..", "..");
const PACKAGES = ["core", "vpc", "ecr", "ecs"];
const PEERS = ["cdktf", "constructs", "@cdktf/provider-aws", "zod"];

let consumer: string;

beforeAll(() => {
  const tsc = path.join(REPO_ROOT, "node_modules", ".bin", "tsc");
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "platform-pack-"));
  consumer = path.join(work, "consumer");
  for (const pkg of PACKAGES) {
    const dir = path.join(REPO_ROOT, "packages", pkg);
    fs.rmSync(path.join(dir, "dist"), { recursive: true, force: true });
    execFileSync(tsc, ["-p", "tsconfig.lib.json"], { cwd: dir });
    const [packed] = JSON.parse(execFileSync("npm", ["pack", "--json", "--pack-destination", work], { cwd: dir, encoding: "utf8" }));
    const target = path.join(consumer, "node_modules", "@platform", pkg);
    fs.mkdirSync(target, { recursive: true });
    execFileSync("tar", ["-xzf", path.join(work, packed.filename), "-C", target, "--strip-components=1"]);
  }
  for (const peer of PEERS) {
    const link = path.join(consumer, "node_modules", peer);
    fs.mkdirSync(path.dirname(link), { recursive: true });
    fs.symlinkSync(path.join(REPO_ROOT, "node_modules", peer), link);
  }
}, 120000);

describe("packed packages", () => {
  it("ship their build, declarations and README, and no sources or tests", () => {
    for (const pkg of PACKAGES) {
      const files = listFiles(path.join(consumer, "node_modules", "@platform", pkg));
      expect(files).toEqual(expect.arrayContaining(["README.md", "package.json", "dist/index.js", "dist/index.d.ts"]));
      expect(files.filter((f) => f.startsWith("src/") || f.startsWith("test/") || f.endsWith(".ts") && !f.endsWith(".d.ts"))).toEqual([]);
    }
  });

  it("work from plain JavaScript in another repository", () => {
    const script = `
      const { App, TerraformStack } = require("cdktf");
      const { AwsEnvironment } = require("@platform/core");
      const { Vpc } = require("@platform/vpc");
      const app = new App({ outdir: require("node:fs").mkdtempSync(require("node:path").join(require("node:os").tmpdir(), "out-")) });
      const stack = new TerraformStack(app, "consumer");
      AwsEnvironment.set(stack, { environment: "ext", accountId: "123456789012", region: "eu-west-1" });
      new Vpc(stack, "Vpc", { cidrBlock: "10.1.0.0/16", availabilityZones: ["eu-west-1a"], natGateways: "single" });
      const { Testing } = require("cdktf");
      const out = JSON.parse(Testing.synth(stack));
      console.log(JSON.stringify({
        vpc: Object.values(out.resource.aws_vpc)[0].cidr_block,
        subnets: Object.keys(out.resource.aws_subnet).length,
        from: require.resolve("@platform/vpc"),
      }));
    `;
    const result = JSON.parse(execFileSync(process.execPath, ["-e", script], { cwd: consumer, encoding: "utf8" }));
    expect(result.vpc).toBe("10.1.0.0/16");
    expect(result.subnets).toBe(2);
    expect(result.from).toBe(path.join(fs.realpathSync(consumer), "node_modules", "@platform", "vpc", "dist", "index.js"));
  });

  it("type-check from TypeScript through their exports and declarations", () => {
    fs.writeFileSync(
      path.join(consumer, "index.ts"),
      `import { AwsEnvironment, type SubnetTier } from "@platform/core";\n` +
        `import { Vpc, type IVpc, type VpcProps } from "@platform/vpc";\n` +
        `const tier: SubnetTier = "intra";\n` +
        `const props: VpcProps = { cidrBlock: "10.0.0.0/16", availabilityZones: ["eu-west-1a"], subnetTiers: [tier] };\n` +
        `export const check: [typeof AwsEnvironment, typeof Vpc, VpcProps, IVpc | undefined] = [AwsEnvironment, Vpc, props, undefined];\n`,
    );
    fs.writeFileSync(
      path.join(consumer, "tsconfig.json"),
      JSON.stringify({ compilerOptions: { strict: true, noEmit: true, module: "node16", moduleResolution: "node16", skipLibCheck: true, types: [] }, files: ["index.ts"] }),
    );
    const tsc = path.join(REPO_ROOT, "node_modules", ".bin", "tsc");
    expect(() => execFileSync(tsc, ["-p", "tsconfig.json"], { cwd: consumer, encoding: "utf8" })).not.toThrow();
    fs.appendFileSync(path.join(consumer, "index.ts"), `export const wrong: VpcProps = { cidrBlock: 1 };\n`);
    const typeError = (() => {
      try {
        execFileSync(tsc, ["-p", "tsconfig.json"], { cwd: consumer, encoding: "utf8" });
        return "";
      } catch (error) {
        return String((error as { stdout: string }).stdout);
      }
    })();
    expect(typeError).toMatch(/index\.ts\(6,\d+\): error TS2322: Type 'number' is not assignable to type 'string'/);
  });
});

function listFiles(dir: string, prefix = ""): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(path.join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`],
  );
}
