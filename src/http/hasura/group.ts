/**
 * The base of every Hasura route group: bodies parsed as Hasura's clients send them — JSON, with the trailing
 * commas of the request examples in Hasura's documentation (clients built from them send it), read by
 * jsonc-parser — and declared as JSON (415 otherwise). Errors are rendered by the dialect's renderer
 * (errors.ts), registered for the whole dialect in src/app.ts.
 */
import { Elysia } from "elysia";
import { assertJsonBody } from "../pipeline/content-type.ts";
import { hasuraError } from "./errors.ts";
import { parseLenientJson } from "./wire.ts";

export function hasuraGroup(name: string) {
  return new Elysia({ name: `hasura-${name}` }).onParse(async ({ request }) => {
    assertJsonBody(request);
    const text = await request.text();
    // An absent body is checked against the route's schema like an empty object.
    if (text.trim() === "") return {};
    try {
      return parseLenientJson(text);
    } catch {
      throw hasuraError("invalid-args", "Error in $: the request body is not valid JSON");
    }
  });
}
