// The local AWS emulator: moto's server, started on a free loopback port and kept running between
// deploys (its resources live in its memory), or one that is already running elsewhere
// (`AWS_EMULATOR_URL`: LocalStack or moto in a container).
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { UsageError } from "./workspace";

/** The emulator version the platform is tested with. */
export const MOTO_VERSION = "5.2.1";
/** How to get it when `moto_server` is missing. */
export const MOTO_INSTALL_HINT = `pip install "moto[server]==${MOTO_VERSION}"`;
/** The variable that names an emulator already running. */
export const EMULATOR_URL_VARIABLE = "AWS_EMULATOR_URL";

/** An emulator that a deploy talks to. */
export interface Emulator {
  readonly url: string;
  /** The process this repository started (and stops on destroy); absent for one running elsewhere. */
  readonly pid?: number;
  /** Its log file, for one this repository started. */
  readonly log?: string;
}

/** `<state>/emulator.json`: the emulator that holds an environment's deployed resources. */
export function sessionFile(stateDir: string): string {
  return path.join(stateDir, "emulator.json");
}

export function readSession(stateDir: string): Emulator | undefined {
  try {
    return JSON.parse(fs.readFileSync(sessionFile(stateDir), "utf8")) as Emulator;
  } catch {
    return undefined;
  }
}

/** Whether something answers HTTP at `url` within `timeoutMs`. */
export async function answers(url: string, timeoutMs = 2000): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await response.arrayBuffer();
    return true;
  } catch {
    return false;
  }
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts `moto_server` on a free loopback port, detached so that it outlives the command, with the
 * environment's account id, ACM certificates issued at once and AWS-managed policies loaded.
 */
export async function startMoto(options: { accountId: string; logFile: string; command?: string }): Promise<Emulator> {
  const port = await freePort();
  fs.mkdirSync(path.dirname(options.logFile), { recursive: true });
  const log = fs.openSync(options.logFile, "a");
  const child = spawn(options.command ?? "moto_server", ["-H", "127.0.0.1", "-p", String(port)], {
    detached: true,
    stdio: ["ignore", log, log],
    env: {
      ...process.env,
      MOTO_ACCOUNT_ID: options.accountId,
      MOTO_ACM_VALIDATION_WAIT: "0",
      MOTO_IAM_LOAD_MANAGED_POLICIES: "true",
    },
  });
  fs.closeSync(log);
  const spawned = await new Promise<boolean>((resolve) => {
    child.once("error", () => resolve(false));
    child.once("spawn", () => resolve(true));
  });
  if (!spawned) {
    throw new UsageError(
      `moto_server is not on the PATH: install the AWS emulator with ${MOTO_INSTALL_HINT}, or set ${EMULATOR_URL_VARIABLE} to one that is running (LocalStack, moto in a container)`,
    );
  }
  child.unref();
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    if (await answers(url, 1000)) return { url, pid: child.pid, log: options.logFile };
    await new Promise((r) => setTimeout(r, 200));
  }
  stopEmulator({ url, pid: child.pid });
  throw new UsageError(`moto_server did not start on ${url} within 30 s; see ${options.logFile}`);
}

/** Stops an emulator this repository started; one running elsewhere is left alone. */
export function stopEmulator(emulator: Emulator): void {
  if (!emulator.pid) return;
  try {
    process.kill(-emulator.pid, "SIGTERM");
  } catch {
    try {
      process.kill(emulator.pid, "SIGTERM");
    } catch {
      // already gone
    }
  }
}

/** Whether a process is alive. */
export function alive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
