import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  AWS_EMULATOR_SERVICES,
  AWS_EMULATOR_URL_VARIABLE,
  AWS_EMULATOR_ZONES_VARIABLE,
  ConfigError,
  EMULATOR_GAPS,
  EMULATOR_GAP_REPORT,
  applyEmulatorGaps,
  awsEmulatorTargetFrom,
  configForEmulator,
  hostedZonesOf,
  type EmulatorGap,
} from "../src";

type Json = Record<string, unknown>;

const OFFLINE = { name: "local", aws: { offline: {} } };
const TARGET = { url: "http://127.0.0.1:5000" };

/** The message of the error `fn` throws, checked to be a ConfigError. */
function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error("expected a ConfigError");
}

const URL_RULE = `${AWS_EMULATOR_URL_VARIABLE} must be an http(s) URL of a loopback address with no path (http://127.0.0.1:5000, http://localhost:4566)`;

describe("awsEmulatorTargetFrom", () => {
  test("the variable names the variables the deploy command sets", () => {
    expect(AWS_EMULATOR_URL_VARIABLE).toBe("PLATFORM_AWS_EMULATOR_URL");
    expect(AWS_EMULATOR_ZONES_VARIABLE).toBe("PLATFORM_AWS_EMULATOR_ZONES");
  });

  test("no target when the variable is unset or empty, whatever the environment", () => {
    expect(awsEmulatorTargetFrom({}, OFFLINE)).toBeUndefined();
    expect(awsEmulatorTargetFrom({ [AWS_EMULATOR_URL_VARIABLE]: "" }, OFFLINE)).toBeUndefined();
    expect(awsEmulatorTargetFrom({ [AWS_EMULATOR_URL_VARIABLE]: "" }, { name: "prod" })).toBeUndefined();
    // The zones alone do nothing.
    expect(awsEmulatorTargetFrom({ [AWS_EMULATOR_ZONES_VARIABLE]: "not json" }, { name: "prod" })).toBeUndefined();
  });

  test.each([
    ["http://127.0.0.1:5000", "http://127.0.0.1:5000"],
    ["http://127.0.0.1:5000/", "http://127.0.0.1:5000"],
    ["http://localhost:4566", "http://localhost:4566"],
    ["http://[::1]:4566", "http://[::1]:4566"],
    ["https://127.1.2.3:8443", "https://127.1.2.3:8443"],
    ["HTTP://LOCALHOST:4566", "http://localhost:4566"],
  ])("accepts %s on loopback, as its origin", (url, origin) => {
    expect(awsEmulatorTargetFrom({ [AWS_EMULATOR_URL_VARIABLE]: url }, OFFLINE)).toEqual({ url: origin, hostedZones: undefined });
  });

  test.each([
    ["a host that is not loopback", "http://10.0.0.5:4566"],
    ["a host name that is not localhost", "http://example.com"],
    ["a name that only starts like localhost", "http://localhost.example.com:4566"],
    ["a path", "http://127.0.0.1:5000/x"],
    ["another scheme", "ftp://127.0.0.1:5000"],
    ["no URL at all", "127.0.0.1:5000"],
    ["text", "not a url"],
  ])("refuses %s, in full: %s", (_, url) => {
    const error = configError(() => awsEmulatorTargetFrom({ [AWS_EMULATOR_URL_VARIABLE]: url }, OFFLINE));
    expect(error.message).toBe(`invalid configuration for environment "local" (1 problem):\n  ${URL_RULE}, got ${JSON.stringify(url)}`);
    expect(error.problems).toEqual([{ path: AWS_EMULATOR_URL_VARIABLE, message: `${URL_RULE}, got ${JSON.stringify(url)}` }]);
  });

  test("the exact messages of a remote host and of a path", () => {
    expect(configError(() => awsEmulatorTargetFrom({ PLATFORM_AWS_EMULATOR_URL: "http://10.0.0.5:4566" }, OFFLINE)).message).toBe(
      'invalid configuration for environment "local" (1 problem):\n' +
        '  PLATFORM_AWS_EMULATOR_URL must be an http(s) URL of a loopback address with no path (http://127.0.0.1:5000, http://localhost:4566), got "http://10.0.0.5:4566"',
    );
    expect(configError(() => awsEmulatorTargetFrom({ PLATFORM_AWS_EMULATOR_URL: "http://127.0.0.1:5000/x" }, OFFLINE)).message).toBe(
      'invalid configuration for environment "local" (1 problem):\n' +
        '  PLATFORM_AWS_EMULATOR_URL must be an http(s) URL of a loopback address with no path (http://127.0.0.1:5000, http://localhost:4566), got "http://127.0.0.1:5000/x"',
    );
  });

  test("refuses an environment that is not in offline mode", () => {
    for (const environment of [{ name: "dev" }, { name: "dev", aws: {} }, { name: "dev", aws: { offline: undefined } }]) {
      const error = configError(() => awsEmulatorTargetFrom({ [AWS_EMULATOR_URL_VARIABLE]: "http://127.0.0.1:5000" }, environment));
      expect(error.message).toBe(
        'invalid configuration for environment "dev" (1 problem):\n' +
          '  PLATFORM_AWS_EMULATOR_URL is set, but environment "dev" is not in offline mode: only an environment with aws.offline deploys to an AWS emulator',
      );
      expect(error.problems.map((p) => p.path)).toEqual([AWS_EMULATOR_URL_VARIABLE]);
    }
  });

  test("a bad URL is reported before the offline check", () => {
    const error = configError(() => awsEmulatorTargetFrom({ [AWS_EMULATOR_URL_VARIABLE]: "http://example.com" }, { name: "dev" }));
    expect(error.message).toBe(`invalid configuration for environment "dev" (1 problem):\n  ${URL_RULE}, got "http://example.com"`);
  });

  test("the hosted zones: a JSON object of zone id to zone id", () => {
    const variables = { [AWS_EMULATOR_URL_VARIABLE]: "http://localhost:4566", [AWS_EMULATOR_ZONES_VARIABLE]: '{"Z0000000000LOCAL":"ZEMU1","Z2":"ZEMU2"}' };
    expect(awsEmulatorTargetFrom(variables, OFFLINE)).toEqual({ url: "http://localhost:4566", hostedZones: { Z0000000000LOCAL: "ZEMU1", Z2: "ZEMU2" } });
    expect(awsEmulatorTargetFrom({ ...variables, [AWS_EMULATOR_ZONES_VARIABLE]: "" }, OFFLINE)).toEqual({ url: "http://localhost:4566", hostedZones: undefined });
    expect(awsEmulatorTargetFrom({ ...variables, [AWS_EMULATOR_ZONES_VARIABLE]: "{}" }, OFFLINE)).toEqual({ url: "http://localhost:4566", hostedZones: {} });
  });

  test.each(["not json", "[]", '["Z1"]', "null", '"Z1"', "42", '{"Z1":1}', '{"Z1":"ZE1","Z2":null}', '{"Z1":{"id":"ZE1"}}'])(
    "refuses hosted zones that are not a JSON object of strings: %s",
    (zones) => {
      const error = configError(() =>
        awsEmulatorTargetFrom({ [AWS_EMULATOR_URL_VARIABLE]: "http://127.0.0.1:5000", [AWS_EMULATOR_ZONES_VARIABLE]: zones }, OFFLINE),
      );
      expect(error.message).toBe(
        'invalid configuration for environment "local" (1 problem):\n' +
          `  PLATFORM_AWS_EMULATOR_ZONES must be a JSON object of hosted zone id to hosted zone id, got ${JSON.stringify(zones)}`,
      );
      expect(error.problems.map((p) => p.path)).toEqual([AWS_EMULATOR_ZONES_VARIABLE]);
    },
  );
});

describe("configForEmulator", () => {
  const config = {
    name: "local",
    accountId: "123456789012",
    domain: { name: "web.local.example.com", hostedZoneId: "Z0000000000LOCAL" },
    services: {
      orders: { domain: { name: "orders.local.example.com", hostedZoneId: "Z0000000000LOCAL" }, replicas: 2, public: true, note: null },
      other: { domain: { name: "other.example.org", hostedZoneId: "ZOTHER" } },
    },
    list: ["Z0000000000LOCAL", "Z0000000000LOCAL-not", "xZ0000000000LOCAL", "toString", "constructor"],
    // A key that equals a zone id is a key, not a value: it stays.
    Z0000000000LOCAL: "kept-as-key",
  };

  test("swaps every string equal to a mapped zone id, and nothing else", () => {
    const swapped = configForEmulator(config, { url: TARGET.url, hostedZones: { Z0000000000LOCAL: "ZEMULATOR1" } });
    expect(swapped).toEqual({
      ...config,
      domain: { name: "web.local.example.com", hostedZoneId: "ZEMULATOR1" },
      services: {
        orders: { domain: { name: "orders.local.example.com", hostedZoneId: "ZEMULATOR1" }, replicas: 2, public: true, note: null },
        other: { domain: { name: "other.example.org", hostedZoneId: "ZOTHER" } },
      },
      list: ["ZEMULATOR1", "Z0000000000LOCAL-not", "xZ0000000000LOCAL", "toString", "constructor"],
    });
  });

  test("leaves its input alone, and without zones changes nothing", () => {
    const before = JSON.stringify(config);
    configForEmulator(config, { url: TARGET.url, hostedZones: { Z0000000000LOCAL: "ZEMULATOR1" } });
    expect(JSON.stringify(config)).toBe(before);
    expect(configForEmulator(config, TARGET)).toEqual(config);
    expect(configForEmulator(config, { url: TARGET.url, hostedZones: {} })).toEqual(config);
  });
});

describe("hostedZonesOf", () => {
  test("each zone id with its names and their common parent zone, sorted by id", () => {
    const config = {
      services: {
        web: { domain: { name: "web.local.example.com", hostedZoneId: "Z0000000000LOCAL" } },
        orders: { domain: { name: "orders.local.example.com.", hostedZoneId: "Z0000000000LOCAL" } },
        again: { domain: { name: "web.local.example.com", hostedZoneId: "Z0000000000LOCAL" } },
      },
      other: [{ name: "api.shop.example.org", hostedZoneId: "ZA" }],
    };
    expect(hostedZonesOf(config)).toEqual({
      Z0000000000LOCAL: { zoneName: "local.example.com", names: ["orders.local.example.com", "web.local.example.com"] },
      ZA: { zoneName: "shop.example.org", names: ["api.shop.example.org"] },
    });
    expect(Object.keys(hostedZonesOf(config))).toEqual(["Z0000000000LOCAL", "ZA"]);
  });

  test("the longest common parent of names at different depths", () => {
    const zones = hostedZonesOf([
      { name: "a.b.shop.example.com", hostedZoneId: "Z1" },
      { name: "c.shop.example.com", hostedZoneId: "Z1" },
    ]);
    expect(zones.Z1.zoneName).toBe("shop.example.com");
  });

  test("without a common parent of two labels or more: a made-up zone named after the id", () => {
    expect(hostedZonesOf([{ name: "a.example.com", hostedZoneId: "ZMixed" }, { name: "b.example.org", hostedZoneId: "ZMixed" }])).toEqual({
      ZMixed: { zoneName: "zmixed.emulator.internal", names: ["a.example.com", "b.example.org"] },
    });
    expect(hostedZonesOf([{ name: "a.example.com", hostedZoneId: "Z2" }, { name: "b.other.com", hostedZoneId: "Z2" }]).Z2.zoneName).toBe("z2.emulator.internal");
    // A name of two labels has no parent of two labels.
    expect(hostedZonesOf([{ name: "example.com", hostedZoneId: "Z3" }]).Z3.zoneName).toBe("z3.emulator.internal");
    // A zone named by id only, with no name beside it.
    expect(hostedZonesOf({ certificate: { hostedZoneId: "ZNONAME" } })).toEqual({ ZNONAME: { zoneName: "znoname.emulator.internal", names: [] } });
  });

  test("nothing when the configuration names no zone", () => {
    expect(hostedZonesOf({ name: "local", domain: { name: "x.example.com" }, list: [1, "a", null] })).toEqual({});
    expect(hostedZonesOf(undefined)).toEqual({});
  });
});

// ---------------------------------------------------------------------------------------------
// applyEmulatorGaps, on small hand-written app folders
// ---------------------------------------------------------------------------------------------

interface StackSpec {
  readonly dependencies?: string[];
  readonly json: Json;
}

/** Writes a cdktf app folder (manifest.json and stacks/<name>/cdk.tf.json) to a temporary folder. */
function writeApp(stacks: Record<string, StackSpec>): string {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "emulator-gaps-"));
  const manifest = { version: "0.21.0", stacks: {} as Record<string, Json> };
  for (const [name, spec] of Object.entries(stacks)) {
    const file = path.join("stacks", name, "cdk.tf.json");
    fs.mkdirSync(path.join(outdir, "stacks", name), { recursive: true });
    fs.writeFileSync(path.join(outdir, file), JSON.stringify(spec.json, null, 2));
    manifest.stacks[name] = { name, synthesizedStackPath: file, dependencies: spec.dependencies ?? [] };
  }
  fs.writeFileSync(path.join(outdir, "manifest.json"), JSON.stringify(manifest, null, 2));
  return outdir;
}

function readStack(outdir: string, name: string): Json {
  return JSON.parse(fs.readFileSync(path.join(outdir, "stacks", name, "cdk.tf.json"), "utf8")) as Json;
}

function remoteState(stack: string): Json {
  return { backend: "local", config: { path: `../../state/${stack}.tfstate` }, workspace: "${terraform.workspace}" };
}

const AWS_PROVIDERS = { terraform: { required_providers: { aws: { source: "aws", version: "5.100.0" } } } };

const OMIT_CACHE: EmulatorGap = { id: "no-cache", action: "omit", resourceType: "aws_cache", reason: "no cache API" };

describe("applyEmulatorGaps: omit", () => {
  const app = () =>
    writeApp({
      a: {
        json: {
          ...AWS_PROVIDERS,
          "//": { metadata: { stackName: "a" }, outputs: { a: { cache_arn: "cache_arn", nested: { user_arn: "user_arn" }, vpc_id: "vpc_id" } } },
          resource: {
            aws_vpc: { vpc: { cidr_block: "10.0.0.0/16" } },
            // cache2 is a replica, which the gap below keeps: a name that only starts like the cache's.
            aws_cache: { cache: { vpc_id: "${aws_vpc.vpc.id}" }, cache2: { vpc_id: "${aws_vpc.vpc.id}", replica: true } },
            // Reads the cache: goes too, and what reads it after it.
            aws_cache_user: { user: { cache_id: "${aws_cache.cache.id}", tags: { Name: "user" } } },
            aws_cache_policy: { policy: { users: ["${aws_cache_user.user.arn}"] } },
            // Only ordered after the cache: stays, without the edge.
            aws_alarm: { alarm: { name: "alarm", depends_on: ["aws_cache.cache"] }, both: { name: "both", depends_on: ["aws_cache.cache", "aws_vpc.vpc"] } },
            // Names that only look like the cache's address: stay.
            aws_other: {
              longer: { value: "${aws_cache.cache2.id}" },
              data: { value: "${data.aws_cache.cache.id}" },
              prefixed: { value: "${xaws_cache.cache.id}" },
              literal: { value: "aws_cache.cache" },
              meta: { "//": { reads: "${aws_cache.cache.id}" }, name: "meta" },
            },
          },
          data: {
            aws_iam_policy_document: { doc: { statement: [{ resources: ["${aws_cache.cache.arn}/*"] }] } },
          },
          output: {
            cache_arn: { value: "${aws_cache.cache.arn}" },
            user_arn: { value: "${aws_cache_user.user.arn}" },
            vpc_id: { value: "${aws_vpc.vpc.id}" },
          },
        },
      },
    });

  test("leaves out the resource and, transitively, whatever reads its attributes; drops ordering edges to it", () => {
    const outdir = app();
    const report = applyEmulatorGaps(outdir, TARGET, [{ ...OMIT_CACHE, when: (body) => body.replica !== true }]);
    const json = readStack(outdir, "a");
    expect(json.resource).toEqual({
      aws_vpc: { vpc: { cidr_block: "10.0.0.0/16" } },
      aws_cache: { cache2: { vpc_id: "${aws_vpc.vpc.id}", replica: true } },
      aws_alarm: { alarm: { name: "alarm" }, both: { name: "both", depends_on: ["aws_vpc.vpc"] } },
      aws_other: {
        longer: { value: "${aws_cache.cache2.id}" },
        data: { value: "${data.aws_cache.cache.id}" },
        prefixed: { value: "${xaws_cache.cache.id}" },
        literal: { value: "aws_cache.cache" },
        meta: { "//": { reads: "${aws_cache.cache.id}" }, name: "meta" },
      },
    });
    // The data source that read it went, and its type with it.
    expect(json.data).toEqual({});
    expect(json.output).toEqual({ vpc_id: { value: "${aws_vpc.vpc.id}" } });
    expect(json["//"]).toEqual({ metadata: { stackName: "a" }, outputs: { a: { vpc_id: "vpc_id" } } });
    expect(report.omitted).toEqual([
      { stack: "a", address: "aws_cache.cache", gap: "no-cache" },
      { stack: "a", address: "aws_cache_user.user", gap: "no-cache", because: "aws_cache.cache" },
      { stack: "a", address: "aws_cache_policy.policy", gap: "no-cache", because: "aws_cache_user.user" },
      { stack: "a", address: "data.aws_iam_policy_document.doc", gap: "no-cache", because: "aws_cache.cache" },
      { stack: "a", address: "output.cache_arn", gap: "no-cache", because: "aws_cache.cache" },
      { stack: "a", address: "output.user_arn", gap: "no-cache", because: "aws_cache_user.user" },
    ]);
    expect(report.stacks).toEqual([]);
    expect(report.attributes).toEqual([]);
  });

  test("a depends_on edge written as an expression is dropped too", () => {
    const outdir = writeApp({
      a: { json: { ...AWS_PROVIDERS, resource: { aws_cache: { cache: {} }, aws_alarm: { alarm: { depends_on: ["${aws_cache.cache}"] } } } } },
    });
    applyEmulatorGaps(outdir, TARGET, [OMIT_CACHE]);
    expect(readStack(outdir, "a").resource).toEqual({ aws_alarm: { alarm: {} } });
  });

  test("a `when` predicate picks which resources of the type are left out", () => {
    const outdir = writeApp({
      a: {
        json: {
          ...AWS_PROVIDERS,
          resource: { aws_cache: { small: { size: 1 }, big: { size: 8 } }, aws_cache_user: { a: { cache: "${aws_cache.small.id}" }, b: { cache: "${aws_cache.big.id}" } } },
        },
      },
    });
    const report = applyEmulatorGaps(outdir, TARGET, [{ ...OMIT_CACHE, when: (body) => body.size === 1 }]);
    expect(readStack(outdir, "a").resource).toEqual({ aws_cache: { big: { size: 8 } }, aws_cache_user: { b: { cache: "${aws_cache.big.id}" } } });
    expect(report.omitted.map((o) => o.address)).toEqual(["aws_cache.small", "aws_cache_user.a"]);
  });

  test("an output lost upstream takes with it what reads it downstream, through terraform_remote_state, stack after stack", () => {
    const outdir = writeApp({
      // Listed before its dependency: the order comes from the dependencies.
      c: {
        dependencies: ["b"],
        json: {
          ...AWS_PROVIDERS,
          data: { terraform_remote_state: { "cross-stack-reference-input-b": remoteState("b") } },
          resource: {
            aws_alarm: {
              lost: { target: "${data.terraform_remote_state.cross-stack-reference-input-b.outputs.cross-stack-output-aws_cache_userlinkarn}" },
              kept: { target: "${data.terraform_remote_state.cross-stack-reference-input-b.outputs.cross-stack-output-aws_vpcvpcid}" },
            },
          },
        },
      },
      b: {
        dependencies: ["a"],
        json: {
          ...AWS_PROVIDERS,
          "//": { outputs: { b: { "cross-stack-output-aws_cache_userlinkarn": "cross-stack-output-aws_cache_userlinkarn", "cross-stack-output-aws_vpcvpcid": "cross-stack-output-aws_vpcvpcid" } } },
          data: {
            terraform_remote_state: {
              "cross-stack-reference-input-a": remoteState("a"),
              // A remote state on another backend is never followed.
              elsewhere: { backend: "s3", config: { bucket: "b", key: "a.tfstate" } },
            },
          },
          resource: {
            aws_cache_user: {
              link: { cache: "${data.terraform_remote_state.cross-stack-reference-input-a.outputs.cross-stack-output-aws_cachecacheid}" },
              // An output of the same name prefix is another output.
              longer: { cache: "${data.terraform_remote_state.cross-stack-reference-input-a.outputs.cross-stack-output-aws_cachecacheid2}" },
              other: { cache: "${data.terraform_remote_state.elsewhere.outputs.cross-stack-output-aws_cachecacheid}" },
            },
          },
          output: {
            "cross-stack-output-aws_cache_userlinkarn": { value: "${aws_cache_user.link.arn}", sensitive: true },
            "cross-stack-output-aws_vpcvpcid": { value: "${data.terraform_remote_state.cross-stack-reference-input-a.outputs.cross-stack-output-aws_vpcvpcid}" },
          },
        },
      },
      a: {
        json: {
          ...AWS_PROVIDERS,
          resource: { aws_vpc: { vpc: {} }, aws_cache: { cache: { vpc: "${aws_vpc.vpc.id}" } } },
          output: {
            "cross-stack-output-aws_cachecacheid": { value: "${aws_cache.cache.id}" },
            "cross-stack-output-aws_cachecacheid2": { value: "${aws_vpc.vpc.id}" },
            "cross-stack-output-aws_vpcvpcid": { value: "${aws_vpc.vpc.id}" },
          },
        },
      },
    });
    const report = applyEmulatorGaps(outdir, TARGET, [OMIT_CACHE]);
    expect(report.omitted).toEqual([
      { stack: "a", address: "aws_cache.cache", gap: "no-cache" },
      { stack: "a", address: "output.cross-stack-output-aws_cachecacheid", gap: "no-cache", because: "aws_cache.cache" },
      {
        stack: "b",
        address: "aws_cache_user.link",
        gap: "no-cache",
        because: "data.terraform_remote_state.cross-stack-reference-input-a.outputs.cross-stack-output-aws_cachecacheid",
      },
      { stack: "b", address: "output.cross-stack-output-aws_cache_userlinkarn", gap: "no-cache", because: "aws_cache_user.link" },
      {
        stack: "c",
        address: "aws_alarm.lost",
        gap: "no-cache",
        because: "data.terraform_remote_state.cross-stack-reference-input-b.outputs.cross-stack-output-aws_cache_userlinkarn",
      },
    ]);
    const b = readStack(outdir, "b");
    expect(Object.keys((b.resource as Json).aws_cache_user as Json)).toEqual(["longer", "other"]);
    expect(Object.keys(b.output as Json)).toEqual(["cross-stack-output-aws_vpcvpcid"]);
    expect(b["//"]).toEqual({ outputs: { b: { "cross-stack-output-aws_vpcvpcid": "cross-stack-output-aws_vpcvpcid" } } });
    // The remote states stay: other outputs are still read through them.
    expect(Object.keys((b.data as Json).terraform_remote_state as Json)).toEqual(["cross-stack-reference-input-a", "elsewhere"]);
    expect(readStack(outdir, "c").resource).toEqual({
      aws_alarm: { kept: { target: "${data.terraform_remote_state.cross-stack-reference-input-b.outputs.cross-stack-output-aws_vpcvpcid}" } },
    });
  });

  test("a stack whose outputs all go keeps an empty output tree", () => {
    const outdir = writeApp({
      a: {
        json: {
          ...AWS_PROVIDERS,
          "//": { outputs: { a: { cache: "cache" } } },
          resource: { aws_cache: { cache: {} } },
          output: { cache: { value: "${aws_cache.cache.id}" } },
        },
      },
    });
    applyEmulatorGaps(outdir, TARGET, [OMIT_CACHE]);
    const json = readStack(outdir, "a");
    expect(json.resource).toEqual({});
    expect(json.output).toEqual({});
    expect(json["//"]).toEqual({ outputs: {} });
  });
});

describe("applyEmulatorGaps: ignore-changes and drop-attributes", () => {
  const IGNORE: EmulatorGap = { id: "queue-drift", action: "ignore-changes", resourceType: "aws_queue", attributes: ["policy", "tags"], reason: "r" };
  const DROP: EmulatorGap = { id: "queue-lost", action: "drop-attributes", resourceType: "aws_queue", attributes: ["redrive", "absent"], reason: "r" };

  test("adds the attributes to lifecycle.ignore_changes, merged with what is there; `all` stays `all`", () => {
    const outdir = writeApp({
      a: {
        json: {
          ...AWS_PROVIDERS,
          resource: {
            aws_queue: {
              plain: { name: "plain" },
              merged: { name: "merged", lifecycle: { create_before_destroy: true, ignore_changes: ["name", "tags"] } },
              all: { name: "all", lifecycle: { ignore_changes: "all" } },
            },
            aws_topic: { t: { name: "t" } },
          },
        },
      },
    });
    const report = applyEmulatorGaps(outdir, TARGET, [IGNORE]);
    expect(readStack(outdir, "a").resource).toEqual({
      aws_queue: {
        plain: { name: "plain", lifecycle: { ignore_changes: ["policy", "tags"] } },
        merged: { name: "merged", lifecycle: { create_before_destroy: true, ignore_changes: ["name", "tags", "policy"] } },
        all: { name: "all", lifecycle: { ignore_changes: "all" } },
      },
      aws_topic: { t: { name: "t" } },
    });
    expect(report.attributes).toEqual([
      { stack: "a", address: "aws_queue.plain", attribute: "policy", gap: "queue-drift", action: "ignore-changes" },
      { stack: "a", address: "aws_queue.plain", attribute: "tags", gap: "queue-drift", action: "ignore-changes" },
      { stack: "a", address: "aws_queue.merged", attribute: "policy", gap: "queue-drift", action: "ignore-changes" },
      { stack: "a", address: "aws_queue.merged", attribute: "tags", gap: "queue-drift", action: "ignore-changes" },
    ]);
    expect(report.omitted).toEqual([]);
  });

  test("ignore-changes respects `when`", () => {
    const outdir = writeApp({ a: { json: { ...AWS_PROVIDERS, resource: { aws_queue: { fifo: { fifo: true }, std: { fifo: false } } } } } });
    applyEmulatorGaps(outdir, TARGET, [{ ...IGNORE, when: (body) => body.fifo === true }]);
    expect(readStack(outdir, "a").resource).toEqual({ aws_queue: { fifo: { fifo: true, lifecycle: { ignore_changes: ["policy", "tags"] } }, std: { fifo: false } } });
  });

  test("drop-attributes deletes the attributes that are set, and reports those only", () => {
    const outdir = writeApp({
      a: { json: { ...AWS_PROVIDERS, resource: { aws_queue: { q: { name: "q", redrive: '{"allow":"all"}' }, r: { name: "r" } }, aws_topic: { t: { redrive: "x" } } } } },
    });
    const report = applyEmulatorGaps(outdir, TARGET, [DROP]);
    expect(readStack(outdir, "a").resource).toEqual({ aws_queue: { q: { name: "q" }, r: { name: "r" } }, aws_topic: { t: { redrive: "x" } } });
    expect(report.attributes).toEqual([{ stack: "a", address: "aws_queue.q", attribute: "redrive", gap: "queue-lost", action: "drop-attributes" }]);
  });

  test("drop-attributes respects `when`", () => {
    const outdir = writeApp({ a: { json: { ...AWS_PROVIDERS, resource: { aws_queue: { q: { redrive: "x", keep: true }, r: { redrive: "y" } } } } } });
    applyEmulatorGaps(outdir, TARGET, [{ ...DROP, when: (body) => body.keep !== true }]);
    expect(readStack(outdir, "a").resource).toEqual({ aws_queue: { q: { redrive: "x", keep: true }, r: {} } });
  });

  test("a resource that is left out is not listed among the adjusted attributes", () => {
    const outdir = writeApp({
      a: {
        json: {
          ...AWS_PROVIDERS,
          resource: {
            aws_cache: { cache: {} },
            aws_queue: { bridge: { redrive: "bridge" }, gone: { cache: "${aws_cache.cache.id}", redrive: "x" }, kept: { redrive: "y" } },
          },
        },
      },
    });
    const omitBridge: EmulatorGap = { id: "no-bridge-queue", action: "omit", resourceType: "aws_queue", when: (body) => body.redrive === "bridge", reason: "r" };
    const report = applyEmulatorGaps(outdir, TARGET, [OMIT_CACHE, omitBridge, IGNORE, DROP]);
    expect(report.omitted.map((o) => o.address)).toEqual(["aws_cache.cache", "aws_queue.bridge", "aws_queue.gone"]);
    expect(report.attributes.map((a) => `${a.address} ${a.attribute}`)).toEqual(["aws_queue.kept policy", "aws_queue.kept tags", "aws_queue.kept redrive"]);
    expect(readStack(outdir, "a").resource).toEqual({ aws_queue: { kept: { lifecycle: { ignore_changes: ["policy", "tags"] } } } });
  });
});

describe("applyEmulatorGaps: stacks", () => {
  const KUBERNETES: EmulatorGap = { id: "no-kubernetes", action: "stack", provider: "kubernetes", reason: "r" };
  const HELM: EmulatorGap = { id: "no-helm", action: "stack", provider: "helm", reason: "r" };

  test("a stack that uses the gap's provider is not deployed, nor is any stack that depends on it; the others are", () => {
    const k8s = { terraform: { required_providers: { aws: {}, kubernetes: { source: "hashicorp/kubernetes" }, helm: {} } }, resource: { kubernetes_namespace: { ns: {} } } };
    const outdir = writeApp({
      network: { json: { ...AWS_PROVIDERS, resource: { aws_vpc: { vpc: {} } } } },
      addons: { dependencies: ["network"], json: k8s },
      workloads: { dependencies: ["addons", "network"], json: { ...AWS_PROVIDERS, resource: { aws_cache: { c: {} } } } },
      helm: { dependencies: ["network"], json: { terraform: { required_providers: { helm: {} } }, resource: { aws_cache: { c: {} } } } },
      other: { dependencies: ["network"], json: { ...AWS_PROVIDERS, resource: { aws_cache: { c: {} } } } },
    });
    const before = fs.readFileSync(path.join(outdir, "stacks", "workloads", "cdk.tf.json"), "utf8");
    const report = applyEmulatorGaps(outdir, TARGET, [KUBERNETES, HELM, OMIT_CACHE]);
    expect(report.stacks).toEqual([
      { stack: "addons", gap: "no-kubernetes" },
      { stack: "helm", gap: "no-helm" },
      { stack: "workloads", gap: "no-kubernetes" },
    ]);
    // Skipped stacks are left as they are; the others get their gaps.
    expect(fs.readFileSync(path.join(outdir, "stacks", "workloads", "cdk.tf.json"), "utf8")).toBe(before);
    expect(readStack(outdir, "addons")).toEqual(k8s);
    expect(report.omitted).toEqual([{ stack: "other", address: "aws_cache.c", gap: "no-cache" }]);
  });
});

describe("applyEmulatorGaps: the report", () => {
  test("is written beside the manifest and returned", () => {
    const outdir = writeApp({
      a: {
        json: {
          ...AWS_PROVIDERS,
          resource: { aws_cache: { c: {} }, aws_cache_user: { u: { cache: "${aws_cache.c.id}" } }, aws_queue: { q: { name: "q" } } },
        },
      },
      b: { dependencies: ["a"], json: { terraform: { required_providers: { kubernetes: {} } } } },
    });
    const report = applyEmulatorGaps(outdir, { url: "http://localhost:4566" }, [
      OMIT_CACHE,
      { id: "queue-drift", action: "ignore-changes", resourceType: "aws_queue", attributes: ["policy"], reason: "r" },
      { id: "no-kubernetes", action: "stack", provider: "kubernetes", reason: "r" },
    ]);
    expect(EMULATOR_GAP_REPORT).toBe("emulator-gaps.json");
    const written = JSON.parse(fs.readFileSync(path.join(outdir, "emulator-gaps.json"), "utf8")) as unknown;
    expect(written).toEqual({
      url: "http://localhost:4566",
      stacks: [{ stack: "b", gap: "no-kubernetes" }],
      omitted: [
        { stack: "a", address: "aws_cache.c", gap: "no-cache" },
        { stack: "a", address: "aws_cache_user.u", gap: "no-cache", because: "aws_cache.c" },
      ],
      attributes: [{ stack: "a", address: "aws_queue.q", attribute: "policy", gap: "queue-drift", action: "ignore-changes" }],
    });
    expect(written).toEqual(JSON.parse(JSON.stringify(report)));
  });

  test("an app the gaps do not touch: an empty report, stacks unchanged in content", () => {
    const json = { ...AWS_PROVIDERS, resource: { aws_vpc: { vpc: { cidr_block: "10.0.0.0/16" } } }, output: { id: { value: "${aws_vpc.vpc.id}" } } };
    const outdir = writeApp({ a: { json } });
    expect(applyEmulatorGaps(outdir, TARGET, [OMIT_CACHE])).toEqual({ url: TARGET.url, stacks: [], omitted: [], attributes: [] });
    expect(readStack(outdir, "a")).toEqual(json);
  });
});

describe("EMULATOR_GAPS", () => {
  test("every entry has a unique id, a reason, and the fields its action needs", () => {
    const ids = EMULATOR_GAPS.map((g) => g.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const gap of EMULATOR_GAPS) {
      expect(gap.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(gap.reason.trim()).not.toBe("");
      switch (gap.action) {
        case "stack":
          expect(gap.provider).toMatch(/^[a-z0-9]+$/);
          expect(gap.resourceType).toBeUndefined();
          expect(gap.attributes).toBeUndefined();
          break;
        case "omit":
          expect(gap.resourceType).toMatch(/^[a-z0-9_]+$/);
          expect(gap.attributes).toBeUndefined();
          expect(gap.provider).toBeUndefined();
          break;
        case "ignore-changes":
        case "drop-attributes":
          expect(gap.resourceType).toMatch(/^[a-z0-9_]+$/);
          expect(gap.attributes?.length).toBeGreaterThan(0);
          expect(gap.provider).toBeUndefined();
          break;
        default:
          throw new Error(`unknown action of ${gap.id}`);
      }
    }
  });

  test("the kubernetes and helm providers keep their stacks out", () => {
    expect(EMULATOR_GAPS.filter((g) => g.action === "stack").map((g) => g.provider)).toEqual(["kubernetes", "helm"]);
  });

  test("the emulator's services are unique and sorted", () => {
    expect([...new Set(AWS_EMULATOR_SERVICES)].sort()).toEqual([...AWS_EMULATOR_SERVICES]);
  });

  test("applied to an app: the pull-through cache rule and the bridge-mode service go, an awsvpc service gets its ignore_changes, the redrive allow policy is not sent", () => {
    const outdir = writeApp({
      registry: {
        json: {
          ...AWS_PROVIDERS,
          resource: {
            aws_ecr_repository: { repo: { name: "orders" } },
            aws_ecr_pull_through_cache_rule: { cache: { ecr_repository_prefix: "ecr-public", upstream_registry_url: "public.ecr.aws" } },
          },
          output: { prefix: { value: "${aws_ecr_pull_through_cache_rule.cache.ecr_repository_prefix}" }, repo: { value: "${aws_ecr_repository.repo.name}" } },
        },
      },
      ecs: {
        dependencies: ["registry"],
        json: {
          ...AWS_PROVIDERS,
          resource: {
            aws_ecs_service: {
              bridge: { name: "web" },
              awsvpc: { name: "api", network_configuration: { subnets: ["subnet-1"] }, lifecycle: { ignore_changes: ["desired_count"] } },
            },
            aws_sqs_queue: { q: { name: "q", redrive_allow_policy: '{"redrivePermission":"allowAll"}', redrive_policy: "{}" } },
          },
        },
      },
    });
    const report = applyEmulatorGaps(outdir, TARGET);
    expect(readStack(outdir, "registry").resource).toEqual({ aws_ecr_repository: { repo: { name: "orders" } } });
    expect(readStack(outdir, "registry").output).toEqual({ repo: { value: "${aws_ecr_repository.repo.name}" } });
    expect(readStack(outdir, "ecs").resource).toEqual({
      aws_ecs_service: {
        awsvpc: {
          name: "api",
          network_configuration: { subnets: ["subnet-1"] },
          lifecycle: {
            ignore_changes: ["desired_count", "capacity_provider_strategy", "enable_ecs_managed_tags", "health_check_grace_period_seconds", "availability_zone_rebalancing"],
          },
        },
      },
      aws_sqs_queue: { q: { name: "q", redrive_policy: "{}", lifecycle: { ignore_changes: ["redrive_policy"] } } },
    });
    expect(report.omitted).toEqual([
      { stack: "registry", address: "aws_ecr_pull_through_cache_rule.cache", gap: "ecr-pull-through-cache" },
      { stack: "registry", address: "output.prefix", gap: "ecr-pull-through-cache", because: "aws_ecr_pull_through_cache_rule.cache" },
      { stack: "ecs", address: "aws_ecs_service.bridge", gap: "ecs-bridge-network" },
    ]);
    expect(report.attributes.map((a) => `${a.gap} ${a.address} ${a.attribute}`)).toEqual([
      "ecs-capacity-provider-strategy aws_ecs_service.awsvpc capacity_provider_strategy",
      "ecs-service-settings aws_ecs_service.awsvpc enable_ecs_managed_tags",
      "ecs-service-settings aws_ecs_service.awsvpc health_check_grace_period_seconds",
      "ecs-service-settings aws_ecs_service.awsvpc availability_zone_rebalancing",
      "sqs-redrive-policy-format aws_sqs_queue.q redrive_policy",
      "sqs-redrive-allow-policy aws_sqs_queue.q redrive_allow_policy",
    ]);
  });
});
