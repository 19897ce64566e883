import * as fs from "node:fs";
import * as path from "node:path";
import { App } from "cdktf";
import { ConfigError } from "./config-error";
import { ValidationError } from "./validation-error";

export interface SynthesizeOptions {
  /** The folder that receives cdktf's usual layout (`manifest.json`, `stacks/<stack>/cdk.tf.json`). */
  readonly outdir: string;
  /** Context for the app; where the cdktf CLI passes the same key in `CDKTF_CONTEXT_JSON`, the CLI's value wins. */
  readonly context?: Record<string, unknown>;
  /** Adds the stacks to the app. */
  readonly build: (app: App) => void;
  /** Rewrites the synthesized app in its folder before it is put in place (the emulator deploy's gaps). */
  readonly afterSynth?: (outdir: string) => void;
}

/**
 * cdktf records the full stack trace of every token it creates (tens of thousands per
 * environment), only to show where a token came from if it fails to resolve. Formatting those
 * traces was a quarter of synthesis time. The platform's apps synthesize with stack traces off
 * (`stackTraces: false`) and report construct paths in their own errors, so token creation
 * skips the trace as well.
 */
function skipTokenCreationTraces(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const traces = require("cdktf/lib/tokens/private/stack-trace") as { captureStackTrace: (below?: unknown) => string[] };
  traces.captureStackTrace = () => [];
}

/**
 * Builds and synthesizes an app so that a failure leaves nothing behind: the app is written to a
 * sibling temporary folder that replaces `outdir` only once synthesis has succeeded. When the
 * cdktf CLI runs the app (it sets `CDKTF_OUTDIR`), the CLI owns the folder and the app writes to it.
 */
export function synthesizeApp(options: SynthesizeOptions): void {
  skipTokenCreationTraces();
  const cliOutdir = process.env.CDKTF_OUTDIR;
  if (cliOutdir) {
    const app = new App({ outdir: cliOutdir, context: options.context, stackTraces: false });
    options.build(app);
    app.synth();
    options.afterSynth?.(cliOutdir);
    return;
  }
  const outdir = path.resolve(options.outdir);
  const staging = `${outdir}.tmp-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  try {
    const app = new App({ outdir: staging, context: options.context, stackTraces: false });
    options.build(app);
    app.synth();
    options.afterSynth?.(staging);
    replaceFolder(staging, outdir);
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

/**
 * Moves `from` to `to`, replacing what is there. Two synthesizers of the same environment (a
 * test run and a plan review, say) may finish at the same moment: when the other one's output
 * lands during the removal or between the removal and the rename, both are tried again after a
 * short wait (seen failing on a loaded machine with five immediate tries of the rename alone).
 */
function replaceFolder(from: string, to: string): void {
  for (let attempt = 1; ; attempt++) {
    try {
      // Inside the retry: another synthesizer's rename can land while this removal runs (ENOTEMPTY).
      fs.rmSync(to, { recursive: true, force: true });
      fs.renameSync(from, to);
      return;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? "";
      if (attempt >= 20 || !["ENOTEMPTY", "EEXIST", "ENOENT", "EBUSY"].includes(code)) throw error;
      // A few milliseconds, longer each time, so that the other synthesizer finishes its rename.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5 * attempt);
    }
  }
}

/**
 * The message to show a user for an error caused by their input (configuration, construct
 * validation), or `undefined` for anything else, which is a bug and deserves its stack trace.
 */
export function userErrorMessage(error: unknown): string | undefined {
  if (error instanceof ConfigError || error instanceof ValidationError) return error.message;
  if (error instanceof Error && error.message.startsWith("Validation failed with the following errors:")) {
    return error.message.replace(/\n\nIf you wish to ignore these validations.*$/s, "").trimEnd();
  }
  return undefined;
}
