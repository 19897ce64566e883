import { IConstruct } from "constructs";

/**
 * An error in how a construct was configured. The message starts with the construct's path, so
 * that the user knows which of many similar constructs is wrong:
 * `prod-network/Vpc: 'natGateways' is "single" but the public tier is disabled; ...`.
 *
 * Thrown by constructors and lazy validations. The environment runner prints it without a stack
 * trace: it is the user's input that is wrong, not the code.
 */
export class ValidationError extends Error {
  /** The path of the construct that rejected its configuration. */
  public readonly constructPath: string;

  constructor(message: string, scope: IConstruct) {
    const constructPath = scope.node.path;
    super(constructPath ? `${constructPath}: ${message}` : message);
    this.name = "ValidationError";
    this.constructPath = constructPath;
  }
}

/** Formats a value for an error message: strings quoted, everything else as JSON. */
export function showValue(value: unknown): string {
  if (value === undefined) return "undefined";
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  try {
    const json = JSON.stringify(value);
    return json.length > 120 ? `${json.slice(0, 117)}...` : json;
  } catch {
    return String(value);
  }
}
