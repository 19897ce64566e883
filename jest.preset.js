// Shared Jest configuration. Each project's jest.config.js calls this with its own directory.
// Sources are transformed by SWC (type checking is the separate `typecheck` target), and the
// workspace packages resolve to their TypeScript sources, exactly as tsconfig.base.json maps them.
const path = require("node:path");

module.exports = (projectDir) => ({
  rootDir: projectDir,
  testEnvironment: "node",
  testMatch: ["<rootDir>/test/**/*.test.ts"],
  transform: {
    "^.+\\.ts$": [
      "@swc/jest",
      { jsc: { parser: { syntax: "typescript" }, target: "es2022" }, module: { type: "commonjs" } },
    ],
  },
  moduleNameMapper: {
    "^@platform/core$": path.join(__dirname, "packages/core/src/index.ts"),
    "^@platform/vpc$": path.join(__dirname, "packages/vpc/src/index.ts"),
    "^@platform/ecr$": path.join(__dirname, "packages/ecr/src/index.ts"),
    "^@platform/ecs$": path.join(__dirname, "packages/ecs/src/index.ts"),
    "^@platform/eks$": path.join(__dirname, "packages/eks/src/index.ts"),
    "^@platform/stacks$": path.join(__dirname, "stacks/src/index.ts"),
  },
  setupFilesAfterEnv: [path.join(__dirname, "jest.setup.js")],
  // Generous for the tests that run the real terraform CLI on a 2-core machine.
  testTimeout: 120000,
});
