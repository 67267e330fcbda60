/**
 * Elysia's ValidationError (the route's `t` schemas, model.ts) as FastAPI reports invalid input: a list of
 * pydantic v2 errors `{type, loc, msg, input, ctx?}`, one per offending field in declaration order, with
 * pydantic's types and wording (`string_too_short`, "String should have at least 8 characters"), so GeoLens
 * clients that match on `type` or show `msg` keep working. The schema of the failing field says which rule
 * failed; the value says how pydantic would word it.
 */
import type { ValidationError } from "elysia";
import { emailProblem, uuidProblem } from "./explain.ts";

export type Loc = readonly (string | number)[];

export interface ValidationIssue {
  readonly type: string;
  readonly loc: Loc;
  readonly msg: string;
  readonly input: unknown;
  readonly ctx?: Readonly<Record<string, unknown>>;
}

interface Schema {
  readonly type?: string;
  readonly anyOf?: readonly Schema[];
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly format?: string;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minimum?: number;
  readonly maximum?: number;
}

export function missing(loc: Loc, input: unknown): ValidationIssue {
  return { type: "missing", loc, msg: "Field required", input };
}

/** A value refused by a rule behind the model (pydantic's ValueError from a validator). */
export function valueError(loc: Loc, input: unknown, message: string): ValidationIssue {
  // FastAPI serializes the ValueError object in ctx as an empty object.
  return { type: "value_error", loc, msg: `Value error, ${message}`, input, ctx: { error: {} } };
}

/** pydantic counts characters (code points), not UTF-16 units. */
const length = (text: string) => [...text].length;
const plural = (n: number) => `${n} character${n === 1 ? "" : "s"}`;

/** pydantic's rendering of the expected values of a `Literal[...]`: 'a', 'b' or 'c'. */
function expectedList(values: readonly unknown[]): string {
  const quoted = values.map((v) => `'${String(v)}'`);
  return quoted.length <= 1 ? (quoted[0] ?? "") : `${quoted.slice(0, -1).join(", ")} or ${quoted.at(-1)}`;
}

function literals(schema: Schema): readonly unknown[] | undefined {
  if (schema.enum) return schema.enum;
  if (schema.anyOf?.every((s) => s.const !== undefined)) return schema.anyOf.map((s) => s.const);
  return undefined;
}

function stringIssue(schema: Schema, value: unknown, loc: Loc): ValidationIssue {
  if (typeof value !== "string") {
    return { type: "string_type", loc, msg: "Input should be a valid string", input: value };
  }
  if (schema.format === "email") {
    const reason = emailProblem(value.trim()) ?? "The email address is not valid.";
    const msg = `value is not a valid email address: ${reason}`;
    return { type: "value_error", loc, msg, input: value, ctx: { reason } };
  }
  if (schema.format === "uuid") {
    const error = uuidProblem(value) ?? "invalid format";
    const msg = `Input should be a valid UUID, ${error}`;
    return { type: "uuid_parsing", loc, msg, input: value, ctx: { error } };
  }
  const n = length(value);
  if (schema.minLength !== undefined && n < schema.minLength) {
    const msg = `String should have at least ${plural(schema.minLength)}`;
    return { type: "string_too_short", loc, msg, input: value, ctx: { min_length: schema.minLength } };
  }
  if (schema.maxLength !== undefined && n > schema.maxLength) {
    const msg = `String should have at most ${plural(schema.maxLength)}`;
    return { type: "string_too_long", loc, msg, input: value, ctx: { max_length: schema.maxLength } };
  }
  return { type: "string_pattern_mismatch", loc, msg: "String should match pattern", input: value };
}

/** The pydantic error for a value its field's schema refused. */
function issueFor(schema: Schema, value: unknown, loc: Loc): ValidationIssue {
  const expected = literals(schema);
  if (expected) {
    const text = expectedList(expected);
    return {
      type: "literal_error",
      loc,
      msg: `Input should be ${text}`,
      input: value,
      ctx: { expected: text },
    };
  }
  if (schema.anyOf) {
    // `X | None`: the error is X's (a null would have been accepted).
    const variant = schema.anyOf.find((s) => s.type !== "null");
    if (variant) return issueFor(variant, value, loc);
  }
  if (schema.type === "string") return stringIssue(schema, value, loc);
  if (schema.type === "boolean") {
    return typeof value === "string" || typeof value === "number"
      ? {
          type: "bool_parsing",
          loc,
          msg: "Input should be a valid boolean, unable to interpret input",
          input: value,
        }
      : { type: "bool_type", loc, msg: "Input should be a valid boolean", input: value };
  }
  return { type: "value_error", loc, msg: "Input is not valid", input: value };
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** `/roles/0` → `["roles", 0]` (JSON Pointer, unescaped). */
function keysOf(path: string): (string | number)[] {
  return path
    .split("/")
    .slice(1)
    .map((key) => key.replaceAll("~1", "/").replaceAll("~0", "~"))
    .map((key) => (/^\d+$/.test(key) ? Number(key) : key));
}

/** FastAPI's location of a request part. */
const PART: Readonly<Record<string, string>> = { body: "body", params: "path", query: "query" };

/** `sent` is the value as the client sent it (Elysia's `error.value` may be cleaned already). */
export function fastApiIssues(error: ValidationError, sent?: { readonly value: unknown }): ValidationIssue[] {
  const part = PART[error.type] ?? error.type;
  const root = sent ? sent.value : error.value;
  if (part === "body") {
    if (root === undefined || root === null || root === "") return [missing(["body"], null)];
    if (!isObject(root)) {
      const msg = "Input should be a valid dictionary or object to extract fields from";
      return [{ type: "model_attributes_type", loc: ["body"], msg, input: root }];
    }
  }
  const seen = new Set<string>();
  const issues: ValidationIssue[] = [];
  for (const entry of error.all) {
    if (!("path" in entry) || seen.has(entry.path)) continue;
    seen.add(entry.path);
    const keys = keysOf(entry.path);
    const loc = [part, ...keys];
    let parent: unknown = root;
    for (const key of keys.slice(0, -1)) parent = isObject(parent) ? parent[key] : undefined;
    const last = keys.at(-1);
    const present = last !== undefined && isObject(parent) && Object.hasOwn(parent, last);
    if (!present) {
      issues.push(missing(loc, parent));
      continue;
    }
    issues.push(issueFor(entry.schema as Schema, (parent as Record<string, unknown>)[last], loc));
  }
  return issues;
}
