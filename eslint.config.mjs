// Lint rules that carry weight here:
// - provider classes come from their per-resource module (8x synth time, 10x memory otherwise);
// - module boundaries: core <- constructs <- stacks <- environments, never the other way, and
//   other projects only through their public entry point.
import nx from "@nx/eslint-plugin";
import tseslint from "typescript-eslint";

const providerRoot = ["aws", "kubernetes", "helm"].flatMap((p) => [
  {
    name: `@cdktf/provider-${p}`,
    message: `import the resource from '@cdktf/provider-${p}/lib/<resource>': the package root loads every resource class (about 8x slower synth, 10x memory)`,
  },
  {
    name: `@cdktf/provider-${p}/lib`,
    message: `import the resource from '@cdktf/provider-${p}/lib/<resource>'`,
  },
]);

export default [
  { ignores: ["**/node_modules/**", "**/dist/**", "**/cdktf.out/**", "**/.nx/**", "**/.validate/**", "**/*.js", "**/*.mjs"] },
  ...tseslint.configs.recommended,
  { plugins: { "@nx": nx } },
  {
    files: ["**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: providerRoot,
          patterns: [
            { group: ["@platform/*/*"], message: "import other projects through their public entry point only" },
          ],
        },
      ],
      "@nx/enforce-module-boundaries": [
        "error",
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            { sourceTag: "scope:core", onlyDependOnLibsWithTags: [] },
            { sourceTag: "scope:construct", onlyDependOnLibsWithTags: ["scope:core", "scope:construct"] },
            { sourceTag: "scope:stacks", onlyDependOnLibsWithTags: ["scope:core", "scope:construct"] },
            { sourceTag: "scope:environment", onlyDependOnLibsWithTags: ["scope:core", "scope:stacks"] },
            { sourceTag: "scope:tool", onlyDependOnLibsWithTags: ["scope:core", "scope:construct", "scope:stacks"] },
          ],
        },
      ],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
    },
  },
];
