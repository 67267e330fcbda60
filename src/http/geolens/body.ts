/**
 * The GeoLens surface's body parser (an `onParse` hook, src/app.ts): JSON read as FastAPI reads it — when the
 * Content-Type is JSON or absent (anything else is 415, src/http/pipeline/content-type.ts) — with an unparsable
 * text refused as FastAPI does, before the route's guard runs. An empty body is `null`, which the schema reports
 * as missing. The body as sent is kept for the renderer: Elysia cleans it before validating (unknown keys go, an
 * array becomes `{}`), and FastAPI's errors quote the input as sent.
 */
import { assertJsonBody } from "../pipeline/content-type.ts";
import { GeoLensErrors } from "./errors.ts";
import { pythonJsonError } from "./json-error.ts";
import { keepRawBody } from "./raw-body.ts";

// pydantic's lax mode reads these as booleans (its `bool` accepts them from JSON too): GeoLens clients may send them.
const LAX_TRUE = new Set(["1", "on", "t", "true", "y", "yes"]);
const LAX_FALSE = new Set(["0", "off", "f", "false", "n", "no"]);
const BOOLEAN_FIELDS = ["is_active"] as const;

/** A boolean field sent as pydantic's lax mode accepts it ("yes", "0", 1, …), as the boolean it means. */
function laxBoolean(value: unknown): unknown {
  if (value === 0 || value === 1) return value === 1;
  if (typeof value !== "string") return value;
  const text = value.trim().toLowerCase();
  if (LAX_TRUE.has(text)) return true;
  if (LAX_FALSE.has(text)) return false;
  return value;
}

export async function geolensBody({ request }: { request: Request }): Promise<unknown> {
  assertJsonBody(request);
  const text = await request.text();
  if (text === "") return keepRawBody(request, null);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    const { pos, msg } = pythonJsonError(text);
    throw GeoLensErrors.validation([
      { type: "json_invalid", loc: ["body", pos], msg: "JSON decode error", input: {}, ctx: { error: msg } },
    ]);
  }
  // Elysia cleans the parsed body in place: the kept copy must be its own.
  keepRawBody(request, structuredClone(value));
  if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    const fields = value as Record<string, unknown>;
    for (const field of BOOLEAN_FIELDS) if (field in fields) fields[field] = laxBoolean(fields[field]);
  }
  return value;
}
