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
  return value;
}
