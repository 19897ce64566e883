// ECR's repository name rules: 2-256 characters; lower-case letters and digits, separated by
// single `.`, `_`, `-` (or `__`) inside a component, components separated by `/`.
const NAME = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;

/** What is wrong with a repository name, or `undefined`. */
export function repositoryNameProblem(name: string): string | undefined {
  if (typeof name !== "string" || name.length < 2 || name.length > 256) {
    return "must be 2-256 characters";
  }
  if (!NAME.test(name)) {
    return "must be lower-case letters and digits, separated by . _ - inside a part and / between parts, starting and ending with a letter or digit";
  }
  return undefined;
}
