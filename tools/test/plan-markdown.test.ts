// The pull-request comment rendered from plan JSON. Golden files in test/golden/ hold the expected
// Markdown; regenerate them with `UPDATE_GOLDEN=1 npx jest test/plan-markdown` and review the diff.
// Without UPDATE_GOLDEN, a missing or different golden file fails.
import * as fs from "node:fs";
import * as path from "node:path";
import { countChanges, type PlanJson } from "../src/plan-json";
import {
  commentMarker,
  destructiveChanges,
  renderEnvironmentPlan,
  renderFullPlan,
  type EnvironmentPlan,
  type StackPlan,
} from "../src/plan-markdown";

const FIXTURES = path.join(__dirname, "fixtures", "plans");
const GOLDEN = path.join(__dirname, "golden");
const UPDATE_GOLDEN = process.env.UPDATE_GOLDEN === "1";
const SUMMARY_URL = "https://github.com/acme/container-platform/actions/runs/123456789#summary-987";
const LIMIT = 65536;

const cache = new Map<string, PlanJson>();
function fixture(name: string): PlanJson {
  if (!cache.has(name)) cache.set(name, JSON.parse(fs.readFileSync(path.join(FIXTURES, `${name}.json`), "utf8")) as PlanJson);
  return cache.get(name) as PlanJson;
}

function environment(name: string, ...stacks: StackPlan[]): EnvironmentPlan {
  return { environment: name, stacks };
}

/** One stack of `dev` with the plan of a fixture. */
function single(name: string, stack = `dev-${name}`): EnvironmentPlan {
  return environment("dev", { stack, plan: fixture(name) });
}

function expectGolden(name: string, actual: string | undefined): void {
  expect(actual).toBeDefined();
  const file = path.join(GOLDEN, `${name}.md`);
  if (UPDATE_GOLDEN) {
    fs.mkdirSync(GOLDEN, { recursive: true });
    fs.writeFileSync(file, actual as string);
    return;
  }
  if (!fs.existsSync(file)) {
    throw new Error(`golden file test/golden/${name}.md is missing: create it with UPDATE_GOLDEN=1 npx jest test/plan-markdown and review it`);
  }
  expect(actual).toBe(fs.readFileSync(file, "utf8"));
}

/** A long Terraform error, with a line that starts with a code fence. */
const LONG_ERROR = [
  "terraform plan failed:",
  "╷",
  "│ Error: reading ECS Cluster (dev-cluster): operation error ECS: DescribeClusters, https response error StatusCode: 403, AccessDeniedException",
  "│",
  "```",
  "│   with aws_ecs_cluster.main,",
  "│   on cdk.tf.json line 214, in resource.aws_ecs_cluster.main:",
  ...Array.from({ length: 60 }, (_, i) => `│ detail line ${i}: the role arn:aws:iam::123456789012:role/plan is not allowed to call ecs:DescribeClusters`),
  "╵",
].join("\n");

/** Every stack kind at once: unchanged, destroys, replaces reading a stale upstream, failed. */
const MIXED = environment(
  "dev",
  { stack: "dev-registry", plan: fixture("noop") },
  { stack: "dev-network", plan: fixture("delete") },
  { stack: "dev-iam", plan: fixture("move") },
  { stack: "dev-ecs", plan: fixture("replace"), staleUpstreams: ["dev-network", "dev-iam"] },
  { stack: "dev-eks", error: LONG_ERROR },
);

/**
 * A plan too long for any comment, built here in Terraform's JSON plan format rather than kept as
 * a fixture (it is about 770 KB): `n` DNS records replaced because their `name` changed, `3n`
 * objects destroyed because their keys left `for_each`, and `n` parameters updated in place.
 */
function oversizedPlan(n: number): PlanJson {
  const keys = (count: number) => Array.from({ length: count }, (_, i) => String(i).padStart(4, "0"));
  const resource = (type: string, name: string, index: string) => ({
    address: `${type}.${name}[${JSON.stringify(index)}]`,
    mode: "managed",
    type,
    name,
    index,
    provider_name: "registry.terraform.io/hashicorp/aws",
  });
  return {
    format_version: "1.2",
    terraform_version: "1.11.4",
    resource_changes: [
      ...keys(n).map((k) => ({
        ...resource("aws_route53_record", "svc", k),
        change: {
          actions: ["delete", "create"],
          before: { id: `Z1_${k}.dev.example.com_CNAME`, name: `${k}.dev.example.com` },
          after: { name: `${k}.internal.example.com` },
          after_unknown: { id: true },
          before_sensitive: {},
          after_sensitive: {},
          replace_paths: [["name"]],
        },
        action_reason: "replace_because_cannot_update",
      })),
      ...keys(3 * n).map((k) => ({
        ...resource("aws_s3_object", "asset", `${k}.png`),
        change: { actions: ["delete"], before: { id: `${k}.png` }, after: null, after_unknown: {}, before_sensitive: {}, after_sensitive: false },
        action_reason: "delete_because_each_key",
      })),
      ...keys(n).map((k) => ({
        ...resource("aws_ssm_parameter", "flag", k),
        change: {
          actions: ["update"],
          before: { id: `/flags/${k}`, insecure_value: "off" },
          after: { id: `/flags/${k}`, insecure_value: "on" },
          after_unknown: {},
          before_sensitive: {},
          after_sensitive: {},
        },
      })),
    ],
    output_changes: {},
    errored: false,
  };
}

/** 400 replaces, 1200 destroys and 400 updates: far beyond GitHub's limit in every form but the summary. */
const OVERSIZED = environment("dev", { stack: "dev-assets", plan: oversizedPlan(400) });

const REAL_LOCAL = environment(
  "local",
  { stack: "local-network", plan: fixture("real-local-network") },
  { stack: "local-ecs", plan: fixture("real-local-ecs") },
);

/** Why the add-ons stacks of the offline local environment are not planned. */
const OFFLINE = "providers not available offline: helm 3.1.1, kubernetes 2.38.0";

/** Changes, no changes and two stacks that were not planned, as the offline local environment has. */
const SKIPPED = environment(
  "local",
  { stack: "local-network", plan: fixture("create") },
  { stack: "local-registry", plan: fixture("noop") },
  { stack: "local-addons", skipped: OFFLINE },
  { stack: "local-ecs", plan: fixture("update") },
  { stack: "local-ingress", skipped: "cannot be planned offline (init and validate passed)" },
);

/** The lines outside fenced code blocks, and whether every fence was closed. */
function outsideCode(markdown: string): { lines: string[]; closed: boolean } {
  const lines: string[] = [];
  let fence: string | undefined;
  for (const line of markdown.split("\n")) {
    const match = /^ {0,3}(`{3,})(.*)$/.exec(line);
    if (fence === undefined) {
      if (match) fence = match[1];
      else lines.push(line);
    } else if (match && match[1].length >= fence.length && match[2].trim() === "") {
      fence = undefined;
    }
  }
  return { lines, closed: fence === undefined };
}

function headingOf(markdown: string): string {
  return markdown.split("\n").find((l) => l.startsWith("### ")) ?? "";
}

describe("golden comments", () => {
  test.each([
    ["create", () => renderEnvironmentPlan(single("create", "dev-network"))],
    ["update", () => renderEnvironmentPlan(single("update", "dev-ecs"))],
    ["delete", () => renderEnvironmentPlan(single("delete", "dev-network"))],
    ["replace", () => renderEnvironmentPlan(single("replace", "dev-ecs"))],
    ["sensitive", () => renderEnvironmentPlan(single("sensitive", "dev-data"))],
    ["move", () => renderEnvironmentPlan(single("move", "dev-iam"))],
    ["escaping", () => renderEnvironmentPlan(single("escaping", "dev-odd|stack`"))],
    [
      "failed",
      () =>
        renderEnvironmentPlan(
          environment("dev", { stack: "dev-network", plan: fixture("create") }, { stack: "dev-ecs", error: LONG_ERROR }, { stack: "dev-eks", plan: fixture("noop") }),
        ),
    ],
    [
      "stale",
      () =>
        renderEnvironmentPlan(
          environment("dev", { stack: "dev-network", plan: fixture("create") }, { stack: "dev-ecs", plan: fixture("update"), staleUpstreams: ["dev-network"] }),
        ),
    ],
    ["mixed", () => renderEnvironmentPlan(MIXED, { fullPlanUrl: SUMMARY_URL })],
    ["mixed-full", () => renderFullPlan(MIXED)],
    ["mixed-shortened", () => renderEnvironmentPlan(MIXED, { maxLength: 7000, fullPlanUrl: SUMMARY_URL })],
    ["mixed-summary", () => renderEnvironmentPlan(MIXED, { maxLength: 2500 })],
    ["oversized", () => renderEnvironmentPlan(OVERSIZED, { fullPlanUrl: SUMMARY_URL })],
    ["real-local", () => renderEnvironmentPlan(REAL_LOCAL, { fullPlanUrl: SUMMARY_URL })],
    ["skipped", () => renderEnvironmentPlan(SKIPPED, { fullPlanUrl: SUMMARY_URL })],
  ])("%s", (name, render) => {
    expectGolden(name, render());
  });
});

describe("commentMarker", () => {
  test("is a hidden HTML comment naming the environment", () => {
    expect(commentMarker("dev")).toBe("<!-- plan-review:dev -->");
    expect(commentMarker("prod-eu")).toBe("<!-- plan-review:prod-eu -->");
  });

  test("an environment name cannot end the comment early", () => {
    expect(commentMarker("x --> y")).toBe("<!-- plan-review:x_--__y -->");
  });

  test("is the first line of every comment", () => {
    for (const plan of [single("create"), single("delete"), MIXED, REAL_LOCAL]) {
      expect(renderEnvironmentPlan(plan)?.split("\n")[0]).toBe(commentMarker(plan.environment));
    }
  });
});

describe("renderEnvironmentPlan", () => {
  test("the heading totals the stacks' changes, replacements apart, as countChanges does", () => {
    for (const plan of [single("create"), single("update"), single("delete"), single("replace"), single("sensitive"), REAL_LOCAL]) {
      const totals = plan.stacks.map((s) => countChanges(s.plan as PlanJson)).reduce((a, b) => ({
        add: a.add + b.add,
        change: a.change + b.change,
        destroy: a.destroy + b.destroy,
        replace: a.replace + b.replace,
      }));
      expect(headingOf(renderEnvironmentPlan(plan) as string)).toBe(
        `### Plan for \`${plan.environment}\`: ${totals.add} to add, ${totals.change} to change, ${totals.destroy} to destroy, ${totals.replace} to replace`,
      );
    }
    expect(headingOf(renderEnvironmentPlan(REAL_LOCAL) as string)).toBe("### Plan for `local`: 122 to add, 0 to change, 0 to destroy, 0 to replace");
  });

  test("failed stacks are left out of the totals, and a warning says so", () => {
    const text = renderEnvironmentPlan(MIXED) as string;
    expect(headingOf(text)).toBe("### Plan for `dev`: 0 to add, 1 to change, 8 to destroy, 7 to replace, 3 to move");
    expect(text).toContain("> [!WARNING]\n> The plan of `dev-eks` failed, so its changes are not counted here.");
    expect(text).toMatch(/^\| `dev-eks` \| — \| — \| — \| — \| plan failed \|$/m);
  });

  test("the caution alert appears exactly when something is destroyed or replaced", () => {
    const caution = (plan: EnvironmentPlan) => (renderEnvironmentPlan(plan) as string).includes("> [!CAUTION]");
    expect(caution(single("create"))).toBe(false);
    expect(caution(single("update"))).toBe(false);
    expect(caution(single("move"))).toBe(false);
    expect(caution(REAL_LOCAL)).toBe(false);
    expect(caution(single("delete"))).toBe(true);
    expect(caution(single("replace"))).toBe(true);
    expect(caution(single("sensitive"))).toBe(true);
    expect(renderEnvironmentPlan(single("delete"))).toContain(
      "> [!CAUTION]\n> This plan destroys 8 resources. Destroying or replacing resources needs an extra approval.",
    );
    expect(renderEnvironmentPlan(MIXED)).toContain("> This plan destroys 8 resources and replaces 7 (each destroyed and created anew).");
  });

  test("no comment for an environment without changes or errors", () => {
    expect(renderEnvironmentPlan(single("noop"))).toBeUndefined();
    expect(renderEnvironmentPlan(environment("dev"))).toBeUndefined();
    expect(renderEnvironmentPlan(environment("dev", { stack: "a", plan: {} }, { stack: "b", plan: { resource_changes: [] } }))).toBeUndefined();
  });

  test("a failed plan alone is worth a comment", () => {
    const text = renderEnvironmentPlan(environment("dev", { stack: "dev-ecs", error: "boom" })) as string;
    expect(text).toContain("plan failed");
    expect(text).toContain("```text\nboom\n```");
  });

  test("a stack without changes is noted as such in the table and gets no plan block", () => {
    const text = renderEnvironmentPlan(MIXED) as string;
    expect(text).toMatch(/^\| `dev-registry` \| 0 \| 0 \| 0 \| 0 \| no changes \|$/m);
    expect(text).not.toContain("<code>dev-registry</code>");
  });

  test("a plan that reads outputs of upstream stacks with pending changes says to plan again", () => {
    const text = renderEnvironmentPlan(MIXED) as string;
    expect(text).toContain(
      "reads outputs of `dev-network` and `dev-iam` before their changes are applied: plan again after applying them",
    );
    const one = renderEnvironmentPlan(environment("dev", { stack: "dev-ecs", plan: fixture("update"), staleUpstreams: ["dev-network"] })) as string;
    expect(one).toMatch(/^\| `dev-ecs` \| 0 \| 3 \| 0 \| 0 \| reads outputs of `dev-network` before its changes are applied: plan again after applying it \|$/m);
  });

  test("every destroy and replace is listed with its stack and reason", () => {
    const text = renderEnvironmentPlan(MIXED) as string;
    for (const d of destructiveChanges(MIXED)) {
      expect(text).toContain(`- \`${d.address}\` in \`${d.stack}\`: ${d.reason.replace(/^\w+/, (verb) => `**${verb}**`)}\n`);
    }
    expect(text).toContain("- `aws_lb.public` in `dev-ecs`: **replaced** because `name` changed");
    expect(text).toContain("- `aws_s3_bucket.logs` in `dev-network`: **destroyed** because it was removed from the configuration");
  });

  test("moves are listed as moves, not as destroys", () => {
    const text = renderEnvironmentPlan(single("move")) as string;
    expect(headingOf(text)).toBe("### Plan for `dev`: 0 to add, 1 to change, 0 to destroy, 0 to replace, 3 to move");
    expect(text).toContain("- `aws_s3_bucket.static` → `aws_s3_bucket.assets` in `dev-move`");
    expect(text).toContain("- `aws_iam_role.deploy` → `aws_iam_role.ci` in `dev-move` (and updated in place)");
    expect(text).not.toContain("Destroyed or replaced");
    expect(text).toMatch(/^ {4}aws_s3_bucket\.assets {2}# moved from aws_s3_bucket\.static$/m);
  });

  test("imports and resources removed from the state only are listed, and neither needs the extra approval", () => {
    const plan: PlanJson = {
      resource_changes: [
        { address: "aws_s3_bucket.old", change: { actions: ["forget"], before: { bucket: "old" }, after: null }, action_reason: "delete_because_no_resource_config" },
        { address: "aws_s3_bucket.site", change: { actions: ["no-op"], before: { bucket: "site" }, after: { bucket: "site" }, importing: { id: "site" } } },
      ],
    };
    const text = renderEnvironmentPlan(environment("dev", { stack: "dev-web", plan })) as string;
    expect(headingOf(text)).toBe("### Plan for `dev`: 0 to add, 0 to change, 0 to destroy, 0 to replace, 1 to import, 1 to forget");
    expect(text).toMatch(/^ {4}aws_s3_bucket\.old {2}# removed from the state only: the object is not destroyed$/m);
    expect(text).toMatch(/^ {4}aws_s3_bucket\.site {2}# imported from site$/m);
    expect(text).toContain("| `dev-web` | 0 | 0 | 0 | 0 | 1 imported; 1 removed from the state only |");
    expect(text).not.toContain("[!CAUTION]");
    expect(destructiveChanges(environment("dev", { stack: "dev-web", plan }))).toEqual([]);
  });

  test("a change of outputs alone is worth a comment", () => {
    const plan: PlanJson = { output_changes: { url: { actions: ["create"], before: null, after: "https://dev.example.com", after_unknown: false } } };
    const text = renderEnvironmentPlan(environment("dev", { stack: "dev-web", plan })) as string;
    expect(text).toContain("| `dev-web` | 0 | 0 | 0 | 0 | outputs change |");
    expect(text).toContain("<details><summary><code>dev-web</code>: outputs change</summary>");
    expect(text).toMatch(/^\+ {3}url = "https:\/\/dev\.example\.com"$/m);
  });

  test("the full plan shows each change with its symbol and the changed attributes, flattened", () => {
    const text = renderEnvironmentPlan(single("update")) as string;
    expect(text).toMatch(/^~ {3}aws_ecs_service\.api$/m);
    expect(text).toMatch(/^~ +desired_count += 2 -> 3$/m);
    expect(text).toMatch(/^~ +deployment_circuit_breaker\[0\]\.rollback += false -> true$/m);
    expect(text).toMatch(/^~ +network_configuration\[0\]\.security_groups += \["sg-0a1"\] -> \["sg-0a1", "sg-0b2"\]$/m);
    expect(text).toMatch(/^\+ +tags\.Owner += "payments"$/m);
    expect(text).toMatch(/^- +tags\.Team += "orders" -> null$/m);
    expect(text).toMatch(/^~ +task_definition += "arn:aws:ecs:eu-west-1:123456789012:task-definition\/dev-api:41" -> \(known after apply\)$/m);
    expect(text).toMatch(/^~ +health_check\[0\]\.path += "\/" -> "\/healthz"$/m);
    // JSON documents in strings are compared as structures.
    expect(text).toMatch(/^~ +policy\.Statement\[0\]\.Action += \["s3:GetObject"\] -> \["s3:GetObject", "s3:PutObject"\]$/m);
    // Unchanged attributes, no-op and read changes are not listed.
    expect(text).not.toMatch(/^. +name += /m);
    expect(text).not.toContain("aws_cloudwatch_log_group.api");
    expect(text).not.toContain("data.aws_iam_policy_document.assume");
    // Output changes too, no-op outputs left out.
    expect(text).toMatch(/^~ {3}task_definition_arn = "arn:aws:ecs:eu-west-1:123456789012:task-definition\/dev-api:41" -> \(known after apply\)$/m);
    expect(text).not.toMatch(/^. +service_name/m);
  });

  test("replacements say which attributes force them", () => {
    const text = renderEnvironmentPlan(single("replace")) as string;
    expect(text).toMatch(/^-\/\+ aws_lb\.public {2}# replaced because name changed$/m);
    expect(text).toMatch(/^~ +name += "dev-public" -> "dev-web" {2}# forces replacement$/m);
    expect(text).toMatch(/^~ +vpc_config\[0\]\.subnet_ids += \["subnet-1", "subnet-2"\] -> \["subnet-1", "subnet-3"\] {2}# forces replacement$/m);
    expect(text).toMatch(/^~ +container_definitions\[0\]\.image += ".*:1\.4\.2" -> ".*:1\.5\.0" {2}# forces replacement$/m);
    expect(text).toMatch(/^~ +arn += ".*" -> \(known after apply\)$/m);
  });

  test("new resources list their values, and name those known only after apply on one line", () => {
    const text = renderEnvironmentPlan(single("create")) as string;
    expect(text).toMatch(/^\+ {3}aws_vpc\.main$/m);
    expect(text).toMatch(/^\+ +cidr_block += "10\.0\.0\.0\/16"$/m);
    expect(text).toMatch(/^\+ +tags\["kubernetes\.io\/role\/internal-elb"\] += "1"$/m);
    expect(text).toMatch(/^\+ {5}\(known after apply\): arn, default_route_table_id, id, main_route_table_id, owner_id$/m);
    expect(text).not.toContain("tags_all");
    expect(text).toMatch(/^\+ {3}vpc_id += \(known after apply\)$/m);
  });
});

describe("stacks that were not planned", () => {
  const without = (plan: EnvironmentPlan): EnvironmentPlan => ({ ...plan, stacks: plan.stacks.filter((s) => s.skipped === undefined) });

  test("are listed in the table with their reason and dashes, and a line under the table says to review them", () => {
    const text = renderEnvironmentPlan(SKIPPED) as string;
    expect(text).toMatch(/^\| `local-addons` \| — \| — \| — \| — \| not planned: providers not available offline: helm 3\.1\.1, kubernetes 2\.38\.0 \|$/m);
    expect(text).toMatch(/^\| `local-ingress` \| — \| — \| — \| — \| not planned: cannot be planned offline \(init and validate passed\) \|$/m);
    expect(text).toContain("(init and validate passed) |\n\n_2 stacks not planned: review them from the synthesized Terraform._\n\n");
    const one = renderEnvironmentPlan(environment("local", { stack: "local-network", plan: fixture("create") }, { stack: "local-addons", skipped: OFFLINE })) as string;
    expect(one).toContain("_1 stack not planned: review it from the synthesized Terraform._");
    expect(renderEnvironmentPlan(without(SKIPPED))).not.toContain("not planned");
  });

  test("are neither counted, nor failed, nor given a plan block", () => {
    const text = renderEnvironmentPlan(SKIPPED) as string;
    expect(headingOf(text)).toBe(headingOf(renderEnvironmentPlan(without(SKIPPED)) as string));
    expect(text).not.toContain("[!WARNING]");
    expect(text).not.toContain("Failed plans");
    expect(text).not.toContain("<code>local-addons</code>");
    expect(text.split("<details>").length - 1).toBe(2);
  });

  test("a plan given with the reason is not read: no counts, no destroys", () => {
    const plan = environment("dev", { stack: "dev-ecs", plan: fixture("update") }, { stack: "dev-network", plan: fixture("delete"), skipped: OFFLINE });
    const text = renderEnvironmentPlan(plan) as string;
    expect(headingOf(text)).toBe("### Plan for `dev`: 0 to add, 3 to change, 0 to destroy, 0 to replace");
    expect(text).not.toContain("[!CAUTION]");
    expect(text).not.toContain("aws_s3_bucket.logs");
    expect(destructiveChanges(plan)).toEqual([]);
  });

  test("add nothing to destructiveChanges", () => {
    expect(destructiveChanges(SKIPPED)).toEqual(destructiveChanges(without(SKIPPED)));
    const withDeletes = environment("dev", { stack: "dev-network", plan: fixture("delete") }, { stack: "dev-addons", skipped: OFFLINE });
    expect(destructiveChanges(withDeletes)).toEqual(destructiveChanges(single("delete", "dev-network")));
  });

  test("alone, or with stacks without changes, are not worth a comment", () => {
    expect(renderEnvironmentPlan(environment("local", { stack: "local-addons", skipped: OFFLINE }))).toBeUndefined();
    expect(
      renderEnvironmentPlan(
        environment("local", { stack: "local-network", plan: fixture("noop") }, { stack: "local-addons", skipped: OFFLINE }, { stack: "local-ingress", skipped: "" }),
      ),
    ).toBeUndefined();
  });

  test("the full form still lists them when nothing else changes", () => {
    expect(renderFullPlan(environment("local", { stack: "local-network", plan: fixture("noop") }, { stack: "local-addons", skipped: OFFLINE }))).toBe(
      [
        "### Plan for `local`: no changes",
        "",
        "| Stack | Add | Change | Destroy | Replace | Note |",
        "| :-- | --: | --: | --: | --: | :-- |",
        "| `local-network` | 0 | 0 | 0 | 0 | no changes |",
        `| \`local-addons\` | — | — | — | — | not planned: ${OFFLINE} |`,
        "",
        "_1 stack not planned: review it from the synthesized Terraform._",
        "",
      ].join("\n"),
    );
  });

  test("an error wins over the reason: the stack failed", () => {
    const text = renderEnvironmentPlan(environment("local", { stack: "local-addons", skipped: OFFLINE, error: "boom" })) as string;
    expect(text).toMatch(/^\| `local-addons` \| — \| — \| — \| — \| plan failed \|$/m);
    expect(text).not.toContain("not planned");
  });

  test("the reason stays on its row: line breaks, pipes and HTML are neutralized", () => {
    const plan = environment("dev", { stack: "dev-ecs", plan: fixture("update") }, { stack: "dev-addons", skipped: "helm | kubernetes\n<!-- hidden -->\n" }, { stack: "dev-x", skipped: " " });
    const text = renderEnvironmentPlan(plan) as string;
    expect(text).toContain("| `dev-addons` | — | — | — | — | not planned: helm \\| kubernetes &lt;!-- hidden --&gt; |\n");
    expect(text).toContain("| `dev-x` | — | — | — | — | not planned |\n");
  });

  test("the summary form keeps their rows and the line under the table", () => {
    const plan: EnvironmentPlan = { ...OVERSIZED, stacks: [...OVERSIZED.stacks, { stack: "dev-addons", skipped: OFFLINE }] };
    const text = renderEnvironmentPlan(plan, { fullPlanUrl: SUMMARY_URL }) as string;
    expect(text.length).toBeLessThanOrEqual(LIMIT);
    expect(text).toContain("This plan is too long for a comment");
    expect(text).toContain(`| \`dev-addons\` | — | — | — | — | not planned: ${OFFLINE} |\n\n_1 stack not planned: review it from the synthesized Terraform._\n`);
    expect(headingOf(text)).toBe(headingOf(renderEnvironmentPlan(OVERSIZED) as string));
  });
});

describe("sensitive values", () => {
  const SECRET = /hunter2|SUPER-SECRET/;

  test("are never printed, in resources or outputs, whatever the form", () => {
    const plan = single("sensitive");
    const outputs = [
      renderEnvironmentPlan(plan),
      renderFullPlan(plan),
      JSON.stringify(destructiveChanges(plan)),
      ...[200, 500, 1000, 2000, 4000].map((maxLength) => renderEnvironmentPlan(plan, { maxLength })),
    ];
    for (const text of outputs) expect(text).not.toMatch(SECRET);
  });

  test("are shown as (sensitive value) where they change", () => {
    const text = renderEnvironmentPlan(single("sensitive")) as string;
    expect(text).toMatch(/^~ +password += \(sensitive value\)$/m);
    expect(text).toMatch(/^~ +allocated_storage += 20 -> 50$/m);
    expect(text).toMatch(/^~ +environment\[0\]\.variables\.API_KEY += \(sensitive value\)$/m);
    expect(text).toMatch(/^~ +environment\[0\]\.variables\.LOG_LEVEL += "info" -> "debug"$/m);
    expect(text).not.toMatch(/WEBHOOK/); // sensitive, but unchanged
    expect(text).toMatch(/^\+ +user\[0\]\.groups\[1\] += \(sensitive value\)$/m);
    expect(text).not.toMatch(/groups\[0\]/); // sensitive, but unchanged
    expect(text).toMatch(/^\+ +secret_string += \(sensitive value\)$/m);
    expect(text).toMatch(/^~ +value += \(sensitive value\)$/m); // sensitive before only
    expect(text).toMatch(/^~ +result += \(sensitive value\) -> \(known after apply\)$/m);
    expect(text).toMatch(/^~ {3}db_connection\.password += \(sensitive value\)$/m);
    expect(text).toMatch(/^~ {3}db_connection\.port += 5432 -> 6432$/m);
    expect(text).toMatch(/^~ {3}db_password += \(sensitive value\)$/m);
    expect(text).toMatch(/^- {3}legacy_token += \(sensitive value\) -> null$/m);
    expect(text).toMatch(/^\+ {3}signing_key += \(sensitive value\)$/m);
  });
});

describe("destructiveChanges", () => {
  test("every delete, with Terraform's reason in plain English", () => {
    expect(destructiveChanges(single("delete", "dev-network"))).toEqual([
      {
        stack: "dev-network",
        address: 'aws_ecr_repository.service["legacy-api"]',
        action: "delete",
        reason: "destroyed because its key is no longer in `for_each`",
      },
      {
        stack: "dev-network",
        address: "aws_eip.nat",
        action: "delete",
        reason: "destroyed because the resource switched between a single instance, `count` and `for_each`, so this instance no longer exists",
      },
      {
        stack: "dev-network",
        address: "aws_iam_role.deploy",
        action: "delete",
        reason: "destroyed because it was moved to an address that is not in the configuration",
      },
      { stack: "dev-network", address: "aws_instance.bastion", action: "delete", reason: "destroyed" },
      {
        stack: "dev-network",
        address: "aws_launch_template.nodes",
        action: "delete",
        reason: "destroyed: a deposed object left over from an earlier create-before-destroy replacement",
      },
      { stack: "dev-network", address: "aws_s3_bucket.logs", action: "delete", reason: "destroyed because it was removed from the configuration" },
      { stack: "dev-network", address: "aws_subnet.private[2]", action: "delete", reason: "destroyed because its index is beyond the new `count`" },
      {
        stack: "dev-network",
        address: "module.legacy.aws_sqs_queue.jobs",
        action: "delete",
        reason: "destroyed because its module was removed from the configuration",
      },
    ]);
  });

  test("every replace, with the attributes that force it or Terraform's reason", () => {
    expect(destructiveChanges(single("replace", "dev-ecs"))).toEqual([
      { stack: "dev-ecs", address: "aws_ecs_task_definition.api", action: "replace", reason: "replaced because `container_definitions` changed" },
      { stack: "dev-ecs", address: "aws_eks_cluster.main", action: "replace", reason: "replaced because `vpc_config[0].subnet_ids` changed" },
      { stack: "dev-ecs", address: "aws_instance.builder", action: "replace", reason: "replaced on request (`-replace`)" },
      {
        stack: "dev-ecs",
        address: "aws_instance.runner",
        action: "replace",
        reason: "replaced because it is tainted (an earlier apply did not complete it)",
      },
      { stack: "dev-ecs", address: "aws_lb.public", action: "replace", reason: "replaced because `name` changed" },
      { stack: "dev-ecs", address: "aws_security_group.db", action: "replace", reason: "replaced because `name` and `vpc_id` changed" },
      {
        stack: "dev-ecs",
        address: "terraform_data.migrations",
        action: "replace",
        reason: "replaced because a reference in its `replace_triggered_by` changes",
      },
    ]);
  });

  test("across stacks in their order; moves, creates, updates and failed stacks add nothing", () => {
    const all = destructiveChanges(MIXED);
    expect(all.map((d) => d.stack)).toEqual([...Array(8).fill("dev-network"), ...Array(7).fill("dev-ecs")]);
    expect(destructiveChanges(single("move"))).toEqual([]);
    expect(destructiveChanges(single("create"))).toEqual([]);
    expect(destructiveChanges(single("update"))).toEqual([]);
    expect(destructiveChanges(REAL_LOCAL)).toEqual([]);
  });

  test("a replace without paths or reason, and reasons Terraform may add later", () => {
    const plan: PlanJson = {
      resource_changes: [
        { address: "a.x", change: { actions: ["delete", "create"] } },
        { address: "a.y", change: { actions: ["delete", "create"] }, action_reason: "replace_because_cannot_update" },
        { address: "a.z", change: { actions: ["delete", "create"], replace_paths: [["tags", "a b"]] }, action_reason: "replace_for_a_new_reason" },
        { address: "a.w", change: { actions: ["delete"] }, action_reason: "delete_for_a_new_reason" },
      ],
    };
    expect(destructiveChanges(environment("dev", { stack: "s", plan })).map((d) => d.reason)).toEqual([
      "replaced",
      "replaced because a changed attribute cannot be updated in place",
      'replaced (replace_for_a_new_reason); `tags["a b"]` changed',
      "destroyed (delete_for_a_new_reason)",
    ]);
  });
});

describe("length", () => {
  test("an oversized plan falls back to the summary, within GitHub's limit, pointing to the full plan", () => {
    const text = renderEnvironmentPlan(OVERSIZED, { fullPlanUrl: SUMMARY_URL }) as string;
    expect(text.length).toBeLessThanOrEqual(LIMIT);
    expect(headingOf(text)).toBe("### Plan for `dev`: 0 to add, 400 to change, 1200 to destroy, 400 to replace");
    expect(text).not.toContain("<details>");
    expect(text).toContain("> [!CAUTION]");
    expect(text).toMatch(/^- and \d+ more$/m);
    expect(text).toContain(`[the job summary](${SUMMARY_URL})`);
    // The full form has it all.
    const full = renderFullPlan(OVERSIZED);
    expect(full.length).toBeGreaterThan(LIMIT);
    expect(full).toContain("<details>");
  });

  test("the largest plan block is shortened to its addresses first, the others stay", () => {
    const full = renderEnvironmentPlan(MIXED) as string;
    const text = renderEnvironmentPlan(MIXED, { maxLength: full.length - 1, fullPlanUrl: SUMMARY_URL }) as string;
    expect(text.length).toBeLessThanOrEqual(full.length - 1);
    expect(text).toContain("<details><summary><code>dev-ecs</code>: 7 to replace (addresses only)</summary>\n\n```diff\n-/+ aws_ecs_task_definition.api  # replaced because container_definitions changed\n-/+ aws_eks_cluster.main");
    expect(text).not.toContain("# forces replacement");
    expect(text).toContain("<details><summary><code>dev-network</code>: 8 to destroy</summary>");
    expect(text).toContain("<details><summary><code>dev-iam</code>: 1 to change, 3 to move</summary>");
    expect(text).toContain(`_The full plan of \`dev-ecs\` is too long for this comment: see [the job summary](${SUMMARY_URL})._`);
  });

  test("when every block is down to its addresses, the largest are left out", () => {
    const full = (renderEnvironmentPlan(MIXED) as string).length;
    let maxLength = full;
    let text = "";
    do {
      maxLength -= 20;
      text = renderEnvironmentPlan(MIXED, { maxLength }) as string;
    } while (text.split("<details>").length - 1 === 3);
    expect(text.length).toBeLessThanOrEqual(maxLength);
    const summaries = [...text.matchAll(/<summary>(.*)<\/summary>/g)].map((m) => m[1]);
    expect(summaries).toEqual(["<code>dev-iam</code>: 1 to change, 3 to move (addresses only)", "<code>dev-ecs</code>: 7 to replace (addresses only)"]);
    expect(text).toContain("_The full plans of `dev-network`, `dev-iam` and `dev-ecs` are too long for this comment: see the job summary of the workflow run._");
  });

  test("without a URL, the pointer names the job summary", () => {
    const text = renderEnvironmentPlan(OVERSIZED) as string;
    expect(text).toContain("the full plan is in the job summary of the workflow run");
  });

  test.each([0, 1, 10, 40, 100, 300, 600, 1000, 1500, 2500, 4000, 8000, 20000])("never longer than maxLength %i", (maxLength) => {
    for (const plan of [single("create"), single("update"), single("delete"), single("replace"), single("sensitive"), single("escaping"), MIXED, REAL_LOCAL, SKIPPED, OVERSIZED]) {
      const text = renderEnvironmentPlan(plan, { maxLength, fullPlanUrl: SUMMARY_URL }) as string;
      expect(text.length).toBeLessThanOrEqual(maxLength);
      if (maxLength >= 100) expect(text.startsWith(commentMarker(plan.environment))).toBe(true);
      expect(outsideCode(text).closed).toBe(true);
    }
  });

  test("the summary keeps as many destroys and replaces as fit, then says how many more", () => {
    const text = renderEnvironmentPlan(MIXED, { maxLength: 2500 }) as string;
    const listed = text.split("\n").filter((l) => /^- `.*` in `dev-/.test(l)).length;
    const more = Number(/^- and (\d+) more$/m.exec(text)?.[1]);
    expect(listed).toBeGreaterThan(0);
    expect(listed + more).toBe(destructiveChanges(MIXED).length);
    expect(text).toContain("_This plan is too long for a comment: the full plan is in the job summary of the workflow run._");
  });

  test("a failed plan's error is cut to about 2000 characters", () => {
    const text = renderEnvironmentPlan(MIXED) as string;
    expect(LONG_ERROR.length).toBeGreaterThan(4000);
    const cut = LONG_ERROR.lastIndexOf("\n", 2000); // at the end of a line
    expect(cut).toBeGreaterThan(1900);
    expect(text).toContain(`${LONG_ERROR.slice(0, cut)}\n… (${LONG_ERROR.length - cut} more characters)\n\`\`\`\`\n`);
    expect(text).not.toContain(LONG_ERROR.slice(0, cut + 10));
  });
});

describe("Markdown safety", () => {
  test("values, addresses and errors cannot break out of their code blocks or the details", () => {
    for (const text of [renderEnvironmentPlan(single("escaping", "dev-odd|stack`")) as string, renderEnvironmentPlan(MIXED) as string]) {
      const { lines, closed } = outsideCode(text);
      expect(closed).toBe(true);
      expect(lines.filter((l) => l === "</details>").length).toBe(lines.filter((l) => l.startsWith("<details>")).length);
      expect(lines.filter((l) => l.includes("<!-- plan-review:")).length).toBe(1);
    }
  });

  test("pipes and backticks in names are escaped in the table and the lists", () => {
    const text = renderEnvironmentPlan(single("escaping", "dev-odd|stack`")) as string;
    expect(text).toContain("| `` dev-odd\\|stack` `` | 0 | 1 | **1** | 0 |  |");
    expect(text).toContain('- ``aws_ssm_parameter.config["a|b`c"]`` in `` dev-odd|stack` ``: **destroyed**');
    expect(text).toContain("<code>dev-odd|stack`</code>");
    expect(text).toContain("\n`````diff\n");
  });

  test("output is deterministic", () => {
    const copy = JSON.parse(JSON.stringify(MIXED)) as EnvironmentPlan;
    expect(renderEnvironmentPlan(copy)).toBe(renderEnvironmentPlan(MIXED));
    expect(renderFullPlan(copy)).toBe(renderFullPlan(MIXED));
  });
});

describe("renderFullPlan", () => {
  test("has no length limit and no marker", () => {
    const full = renderFullPlan(MIXED);
    expect(full).not.toContain("<!-- plan-review:");
    expect(full).toContain("<code>dev-ecs</code>");
    expect(full).not.toContain("too long");
  });

  test("says when nothing changes", () => {
    expect(renderFullPlan(single("noop"))).toBe(
      "### Plan for `dev`: no changes\n\n| Stack | Add | Change | Destroy | Replace | Note |\n| :-- | --: | --: | --: | --: | :-- |\n| `dev-noop` | 0 | 0 | 0 | 0 | no changes |\n",
    );
  });
});
