/**
 * The few pydantic v2 validators the GeoLens wire format needs, producing the error entries FastAPI renders
 * (`{type, loc, msg, input, ctx?}`, in that key order) with pydantic's own types and wording, so that GeoLens
 * clients that match on `type` or show `msg` keep working against Gatehouse.
 */

export type Loc = readonly (string | number)[];

export interface ValidationIssue {
  readonly type: string;
  readonly loc: Loc;
  readonly msg: string;
  readonly input: unknown;
  readonly ctx?: Readonly<Record<string, unknown>>;
}

export type Checked<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly issue: ValidationIssue };

const ok = <T>(value: T): Checked<T> => ({ ok: true, value });
const fail = (issue: ValidationIssue): Checked<never> => ({ ok: false, issue });

export function missing(loc: Loc, input: unknown): ValidationIssue {
  return { type: "missing", loc, msg: "Field required", input };
}

/** pydantic counts characters (code points), not UTF-16 units. */
function length(text: string): number {
  return [...text].length;
}

const plural = (n: number) => `${n} character${n === 1 ? "" : "s"}`;

export function checkString(
  value: unknown,
  loc: Loc,
  limits: { min?: number; max?: number } = {},
): Checked<string> {
  if (typeof value !== "string")
    return fail({ type: "string_type", loc, msg: "Input should be a valid string", input: value });
  const n = length(value);
  if (limits.min !== undefined && n < limits.min) {
    return fail({
      type: "string_too_short",
      loc,
      msg: `String should have at least ${plural(limits.min)}`,
      input: value,
      ctx: { min_length: limits.min },
    });
  }
  if (limits.max !== undefined && n > limits.max) {
    return fail({
      type: "string_too_long",
      loc,
      msg: `String should have at most ${plural(limits.max)}`,
      input: value,
      ctx: { max_length: limits.max },
    });
  }
  return ok(value);
}

/** pydantic's rendering of the expected values of a `Literal[...]`: 'a', 'b' or 'c'. */
function expectedList(values: readonly string[]): string {
  const quoted = values.map((v) => `'${v}'`);
  return quoted.length <= 1 ? (quoted[0] ?? "") : `${quoted.slice(0, -1).join(", ")} or ${quoted.at(-1)}`;
}

export function checkLiteral<T extends string>(value: unknown, loc: Loc, values: readonly T[]): Checked<T> {
  if (typeof value === "string" && (values as readonly string[]).includes(value)) return ok(value as T);
  const expected = expectedList(values);
  return fail({
    type: "literal_error",
    loc,
    msg: `Input should be ${expected}`,
    input: value,
    ctx: { expected },
  });
}

const TRUE_STRINGS = new Set(["1", "on", "t", "true", "y", "yes"]);
const FALSE_STRINGS = new Set(["0", "off", "f", "false", "n", "no"]);

/** Lax-mode bool, as FastAPI validates JSON bodies: true/false, 0/1 and the usual yes/no strings. */
export function checkBool(value: unknown, loc: Loc): Checked<boolean> {
  if (typeof value === "boolean") return ok(value);
  if (typeof value === "number") {
    if (value === 0 || value === 1) return ok(value === 1);
  } else if (typeof value === "string") {
    const text = value.trim().toLowerCase();
    if (TRUE_STRINGS.has(text)) return ok(true);
    if (FALSE_STRINGS.has(text)) return ok(false);
  } else {
    return fail({ type: "bool_type", loc, msg: "Input should be a valid boolean", input: value });
  }
  return fail({
    type: "bool_parsing",
    loc,
    msg: "Input should be a valid boolean, unable to interpret input",
    input: value,
  });
}

/** An integer from a query string, with pydantic's `ge`/`le` constraints. */
export function checkQueryInt(
  value: string,
  loc: Loc,
  limits: { ge?: number; le?: number },
): Checked<number> {
  if (!/^\s*[+-]?\d+\s*$/.test(value)) {
    return fail({
      type: "int_parsing",
      loc,
      msg: "Input should be a valid integer, unable to parse string as an integer",
      input: value,
    });
  }
  const n = Number.parseInt(value.trim(), 10);
  if (limits.ge !== undefined && n < limits.ge) {
    return fail({
      type: "greater_than_equal",
      loc,
      msg: `Input should be greater than or equal to ${limits.ge}`,
      input: value,
      ctx: { ge: limits.ge },
    });
  }
  if (limits.le !== undefined && n > limits.le) {
    return fail({
      type: "less_than_equal",
      loc,
      msg: `Input should be less than or equal to ${limits.le}`,
      input: value,
      ctx: { le: limits.le },
    });
  }
  return ok(n);
}

/**
 * Names email-validator (behind pydantic's EmailStr, deliverability off) refuses as special-use domains. It also
 * keeps the reserved placeholder domain of accounts without an address (`users.invalid`) out of the API.
 */
const SPECIAL_USE_DOMAINS = ["arpa", "invalid", "local", "localhost", "onion", "test"];
const LOCAL_PART = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+$/;
const DOMAIN_LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/;

function emailProblem(email: string): string | null {
  const at = email.lastIndexOf("@");
  if (at < 0) return "An email address must have an @-sign.";
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  if (local === "") return "There must be something before the @-sign.";
  if (domain === "") return "There must be something after the @-sign.";
  if (!LOCAL_PART.test(local)) {
    const bad = [...new Set([...local].filter((c) => !LOCAL_PART.test(c)))].join(", ");
    return `The email address contains invalid characters before the @-sign: ${bad}.`;
  }
  if (local.startsWith(".")) return "An email address cannot start with a period.";
  if (local.endsWith(".")) return "An email address cannot have a period immediately before the @-sign.";
  if (local.includes("..")) return "An email address cannot have two periods in a row.";
  if (domain.startsWith(".")) return "An email address cannot have a period immediately after the @-sign.";
  if (domain.endsWith(".")) return "An email address cannot end with a period.";
  if (domain.includes("..")) return "An email address cannot have two periods in a row.";
  const labels = domain.split(".");
  if (!labels.every((label) => DOMAIN_LABEL.test(label))) {
    const bad = [...new Set([...domain].filter((c) => !/[A-Za-z0-9.-]/.test(c)))].join(", ");
    return bad
      ? `The part after the @-sign contains invalid characters: ${bad}.`
      : "The part after the @-sign is not valid.";
  }
  if (labels.length < 2) return "The part after the @-sign is not valid. It should have a period.";
  const lower = domain.toLowerCase();
  if (SPECIAL_USE_DOMAINS.some((name) => lower === name || lower.endsWith(`.${name}`))) {
    return "The part after the @-sign is a special-use or reserved name that cannot be used with email.";
  }
  return null;
}

/** EmailStr: the address normalized as email-validator does (domain in lower case). */
export function checkEmail(value: unknown, loc: Loc): Checked<string> {
  const text = checkString(value, loc);
  if (!text.ok) return text;
  const email = text.value.trim();
  const reason = emailProblem(email);
  if (reason) {
    return fail({
      type: "value_error",
      loc,
      msg: `value is not a valid email address: ${reason}`,
      input: value,
      ctx: { reason },
    });
  }
  const at = email.lastIndexOf("@");
  return ok(`${email.slice(0, at)}@${email.slice(at + 1).toLowerCase()}`);
}

/** A value refused by a rule behind the model (pydantic's ValueError from a validator). */
export function valueError(loc: Loc, input: unknown, message: string): ValidationIssue {
  // FastAPI serializes the ValueError object in ctx as an empty object.
  return { type: "value_error", loc, msg: `Value error, ${message}`, input, ctx: { error: {} } };
}

const HEX = /^[0-9a-fA-F]$/;
const GROUP_LENGTHS = [8, 4, 4, 4, 12];

/** The `uuid` crate's explanation of why a string is not a UUID (pydantic-core quotes it). */
function uuidProblem(text: string): string | null {
  let body = text;
  let offset = 0;
  if (body.startsWith("urn:uuid:")) {
    body = body.slice(9);
    offset = 9;
  } else if (body.startsWith("{") && body.endsWith("}")) {
    body = body.slice(1, -1);
    offset = 1;
  }
  const chars = [...body];
  for (const [index, c] of chars.entries()) {
    if (c !== "-" && !HEX.test(c)) {
      return `invalid character: expected an optional prefix of \`urn:uuid:\` followed by [0-9a-fA-F-], found \`${c}\` at ${index + offset + 1}`;
    }
  }
  const groups = body.split("-");
  if (groups.length === 1)
    return body.length === 32
      ? null
      : `invalid length: expected length 32 for simple format, found ${body.length}`;
  if (groups.length !== 5) return `invalid group count: expected 5, found ${groups.length}`;
  for (const [i, group] of groups.entries()) {
    if (group.length !== GROUP_LENGTHS[i]) {
      return `invalid group length in group ${i}: expected ${GROUP_LENGTHS[i]}, found ${group.length}`;
    }
  }
  return null;
}

/** A `uuid.UUID` path parameter; the canonical lower-case hyphenated form. */
export function checkUuid(value: string, loc: Loc): Checked<string> {
  const error = uuidProblem(value);
  if (error) {
    return fail({
      type: "uuid_parsing",
      loc,
      msg: `Input should be a valid UUID, ${error}`,
      input: value,
      ctx: { error },
    });
  }
  const hex = value.replace(/^urn:uuid:|[{}-]/g, "").toLowerCase();
  return ok(
    `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`,
  );
}
