#!/usr/bin/env node
// `npm run synth`: runs tools/src/synth-cli.ts as one esbuild bundle, built on first use and
// whenever a source it reads changes (the bundle's name is a hash of every TypeScript file of the
// workspace's packages, stacks, tools and environments, of package-lock.json and of
// tsconfig.base.json, whose paths resolve the workspace's packages), and kept in
// node_modules/.cache/platform-synth. Plain JavaScript, so that it starts without a loader.
"use strict";
const crypto = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");

const root = path.resolve(__dirname, "..", "..");
const cacheDir = path.join(root, "node_modules", ".cache", "platform-synth");
const sourceDirs = ["packages", "stacks", "tools/src", "environments"];

function sources() {
  const files = [];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === "node_modules" || entry.name === "cdktf.out" || entry.name === "dist" || entry.name === "test") continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith(".ts")) files.push(full);
    }
  };
  for (const dir of sourceDirs) walk(path.join(root, dir));
  return files.sort();
}

function bundlePath() {
  const hash = crypto.createHash("sha256");
  for (const file of [...sources(), ...["package-lock.json", "tsconfig.base.json"].map((f) => path.join(root, f)), __filename]) {
    hash.update(path.relative(root, file)).update("\0").update(fs.readFileSync(file)).update("\0");
  }
  return path.join(cacheDir, `synth-${hash.digest("hex").slice(0, 16)}.js`);
}

function build(outfile) {
  const environments = fs
    .readdirSync(path.join(root, "environments"), { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(root, "environments", d.name, "config.ts")))
    .map((d) => d.name);
  // The bundle imports every environment's configuration statically, instead of loading it by path.
  const entry = [
    `import { runSynthCli } from ${JSON.stringify(path.join(root, "tools/src/synth-cli"))};`,
    ...environments.map((env, i) => `import { config as c${i} } from ${JSON.stringify(path.join(root, "environments", env, "config"))};`),
    `const configs: Record<string, any> = { ${environments.map((env, i) => `${JSON.stringify(env)}: c${i}`).join(", ")} };`,
    "runSynthCli((env) => configs[env]);",
  ].join("\n");
  fs.mkdirSync(cacheDir, { recursive: true });
  // Older bundles go; this one, and other processes' files in progress, stay (two synths may build at once).
  for (const old of fs.readdirSync(cacheDir)) {
    if (old !== path.basename(outfile) && !old.includes(".tmp-")) fs.rmSync(path.join(cacheDir, old), { force: true });
  }
  require("esbuild").buildSync({
    stdin: { contents: entry, resolveDir: root, loader: "ts", sourcefile: "synth-entry.ts" },
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    tsconfig: path.join(root, "tsconfig.base.json"),
    outfile: `${outfile}.tmp-${process.pid}`,
    logLevel: "warning",
  });
  fs.renameSync(`${outfile}.tmp-${process.pid}`, outfile);
}

const bundle = bundlePath();
if (!fs.existsSync(bundle)) build(bundle);
require(bundle);
