/**
 * Rewrites the schemas of the merged document into plain OpenAPI 3.1 (JSON Schema 2020-12), whatever generated
 * them: Elysia's generator and better-auth's both still write OpenAPI 3.0's `nullable: true` (a keyword 3.1
 * dropped: validators ignore it, so `null` would be refused), and Elysia documents a numeric input (`t.Numeric`,
 * an integer inside a union) as "an integer, or a string in integer format", a `format` no JSON Schema defines.
 */

type Json = unknown;
type Node = Record<string, unknown>;

const isNode = (value: Json): value is Node =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** `{type: "string", format: "integer"}` — Elysia's string form of a number that the wire carries as digits. */
const isIntegerString = (node: Json) => isNode(node) && node.type === "string" && node.format === "integer";
const isInteger = (node: Json) => isNode(node) && node.type === "integer";

function withNull(node: Node): Node {
  const { nullable: _dropped, ...rest } = node;
  const type = rest.type;
  if (typeof type === "string") {
    const out: Node = { ...rest, type: type === "null" ? "null" : [type, "null"] };
    if (Array.isArray(rest.enum) && !rest.enum.includes(null)) out.enum = [...rest.enum, null];
    return out;
  }
  if (Array.isArray(type)) {
    const out: Node = type.includes("null") ? rest : { ...rest, type: [...type, "null"] };
    if (Array.isArray(rest.enum) && !rest.enum.includes(null)) out.enum = [...rest.enum, null];
    return out;
  }
  const alternatives = (rest.anyOf ?? rest.oneOf) as Json[] | undefined;
  if (alternatives) {
    const key = rest.anyOf ? "anyOf" : "oneOf";
    const hasNull = alternatives.some((a) => isNode(a) && a.type === "null");
    return hasNull ? rest : { ...rest, [key]: [...alternatives, { type: "null" }] };
  }
  // A reference, or a schema with no type: either it or null.
  return { anyOf: [rest, { type: "null" }] };
}

/** "An integer, or its digits as a string" is an integer: what the wire carries and what is returned. */
function collapseNumeric(node: Node): Node {
  const alternatives = node.anyOf;
  if (!Array.isArray(alternatives) || alternatives.length !== 2) return node;
  const integer = alternatives.find(isInteger);
  if (!integer || !alternatives.some(isIntegerString)) return node;
  // The string form's `default: 0` is Elysia's, not the route's.
  const { anyOf: _collapsed, ...rest } = node;
  return { ...(integer as Node), ...rest, type: "integer" };
}

function normalizeNode(node: Node): Node {
  let out = node;
  if (isIntegerString(out)) {
    const { format: _format, ...rest } = out;
    out = { ...rest, type: "integer" };
  }
  if (out.type === "number" && out.multipleOf === 1) {
    const { multipleOf: _one, ...rest } = out;
    out = { ...rest, type: "integer" };
  }
  if ("nullable" in out) {
    if (out.nullable === true) out = withNull(out);
    else {
      const { nullable: _false, ...rest } = out;
      out = rest;
    }
  }
  return out;
}

/** Objects whose keys are names (a property called "nullable" is no keyword): their values are walked, not them. */
const NAME_MAPS = new Set([
  "properties",
  "patternProperties",
  "$defs",
  "schemas",
  "paths",
  "responses",
  "content",
]);

/** Keywords whose values are data, not schemas. */
const DATA = new Set(["example", "examples", "default", "enum", "const"]);

/** A fresh copy of `value` with `transform` applied to every schema-like object, children first by default. */
function mapNodes<T>(value: T, transform: (node: Node) => Node, parentFirst = false): T {
  const walk = (json: Json, parentKey: string): Json => {
    if (Array.isArray(json)) return json.map((item) => walk(item, ""));
    if (!isNode(json)) return json;
    const names = NAME_MAPS.has(parentKey);
    const node = parentFirst && !names ? transform(json) : json;
    const out: Node = {};
    for (const [key, child] of Object.entries(node)) {
      if (names) out[key] = walk(child, "");
      else out[key] = DATA.has(key) ? child : walk(child, key);
    }
    return names || parentFirst ? out : transform(out);
  };
  return walk(value, "") as T;
}

/** The document's schemas in OpenAPI 3.1 terms. */
export function normalizeSchemas<T>(value: T): T {
  // Numeric unions first, while their string branch still says what it is.
  return mapNodes(mapNodes(value, collapseNumeric, true), normalizeNode);
}

/**
 * better-auth documents every number as `number`, yet each one it has is whole: a count, a limit or an offset of
 * a list, a number of seconds, a Unix time in seconds. Applied to better-auth's part of the document only.
 */
export function wholeNumbers<T>(value: T): T {
  return mapNodes(value, (node) => {
    if (node.type === "number") return { ...node, type: "integer" };
    if (Array.isArray(node.type) && node.type.includes("number")) {
      return { ...node, type: node.type.map((type) => (type === "number" ? "integer" : type)) };
    }
    return node;
  });
}
