// Plans an environment's stacks for review: `terraform init`, `plan -out` and `show -json` for
// each stack in the dependency order of `manifest.json`, with the plan JSON kept for rendering.
//
// Online (credentials at hand): in the synthesized stacks themselves, against their real state
// backends, read-only (`-lock=false`). A stack whose upstream stack has pending changes is
// marked: its plan reads the upstream's current outputs, not the ones it will have.
//
// Offline (an environment with `aws.offline`, such as local): through the validate harness, in a
// scratch copy against empty state, where each downstream stack reads its upstream's planned
// outputs. Stacks whose providers cannot be had offline are listed as not planned.
import * as fs from "node:fs";
import * as path from "node:path";
import { countChanges, type PlanJson } from "./plan-json";
import type { EnvironmentPlan, StackPlan } from "./plan-markdown";
import { terraform } from "./terraform";
import { dependencyOrder, readManifest, validateApp, type ValidateAppOptions } from "./validate";

/** Whether a plan changes anything: resources, or outputs a downstream stack reads. */
export function hasChanges(plan: PlanJson | undefined): boolean {
  if (!plan) return false;
  const counts = countChanges(plan);
  if (counts.add + counts.change + counts.destroy + counts.replace > 0) return true;
  return Object.values(plan.output_changes ?? {}).some((c) => !(c as { actions?: string[] }).actions?.every((a) => a === "no-op"));
}

/**
 * Why the read-only CI plan role cannot plan a stack, if it cannot: Helm keeps each release's
 * state in Kubernetes Secrets, which an EKS viewer may not read (and a role that every pull
 * request can use should not).
 */
export function planRoleCannotPlan(stackJson: { provider?: Record<string, unknown> }): string | undefined {
  return stackJson.provider?.helm
    ? "Helm releases keep their state in Kubernetes Secrets, which the read-only plan role cannot read; the deploy job plans this stack before applying it"
    : undefined;
}

export interface PlanOnlineOptions {
  /** A reason not to plan a stack (from its synthesized JSON), or undefined to plan it. */
  readonly skip?: (stackJson: { provider?: Record<string, unknown> }) => string | undefined;
  /** A reason not to plan a stack, by name. */
  readonly skipStack?: (stack: string) => string | undefined;
}

/** Plans every stack of a synthesized app in place, against its real backends. */
export async function planAppOnline(environment: string, outdir: string, env: NodeJS.ProcessEnv, options: PlanOnlineOptions = {}): Promise<EnvironmentPlan> {
  const manifest = readManifest(outdir);
  const plans = new Map<string, StackPlan>();
  for (const name of dependencyOrder(manifest)) {
    const entry = manifest.stacks[name];
    const dir = path.join(outdir, path.dirname(entry.synthesizedStackPath));
    const staleUpstreams = entry.dependencies.filter((d) => hasChanges(plans.get(d)?.plan) || plans.get(d)?.error !== undefined);
    const skipped = options.skipStack?.(name) ?? options.skip?.(JSON.parse(fs.readFileSync(path.join(outdir, entry.synthesizedStackPath), "utf8")));
    if (skipped) {
      plans.set(name, { stack: name, skipped });
      continue;
    }
    const steps = [
      ["init", "-input=false", "-no-color"],
      ["plan", "-input=false", "-no-color", "-lock=false", "-out=plan.tfplan"],
    ];
    let error: string | undefined;
    for (const args of steps) {
      const run = await terraform(args, dir, env);
      if (run.code !== 0) {
        error = `terraform ${args[0]} failed:\n${(run.stderr || run.stdout).trim()}`;
        break;
      }
    }
    if (!error) {
      const show = await terraform(["show", "-json", "-no-color", "plan.tfplan"], dir, env);
      if (show.code === 0) plans.set(name, { stack: name, plan: JSON.parse(show.stdout) as PlanJson, staleUpstreams });
      else error = `terraform show failed:\n${show.stderr.trim()}`;
    }
    if (error) plans.set(name, { stack: name, error, staleUpstreams });
  }
  return { environment, stacks: [...plans.values()] };
}

/** Plans an offline environment through the validate harness (a scratch copy, empty state). */
export async function planAppOffline(environment: string, options: ValidateAppOptions): Promise<EnvironmentPlan> {
  const reports = await validateApp(options);
  const stacks: StackPlan[] = [];
  for (const report of reports) {
    if (report.status === "not-validated") {
      stacks.push({ stack: report.stack, skipped: report.detail });
    } else if (report.status === "failed") {
      stacks.push({ stack: report.stack, error: report.detail });
    } else if (report.mode === "validate") {
      stacks.push({ stack: report.stack, skipped: "cannot be planned offline (init and validate passed)" });
    } else {
      const dir = path.join(options.workDir, "stacks", report.stack);
      const show = await terraform(["show", "-json", "-no-color", "plan.tfplan"], dir, options.env);
      stacks.push(show.code === 0 ? { stack: report.stack, plan: JSON.parse(show.stdout) as PlanJson } : { stack: report.stack, error: `terraform show failed:\n${show.stderr.trim()}` });
    }
  }
  return { environment, stacks };
}
