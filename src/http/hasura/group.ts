/**
 * The base of every Hasura route group: bodies parsed as Hasura's clients send them, and every error of these
 * routes — bad JSON, a body that fails its schema, a refusal of the canonical service or of better-auth, a bug —
 * answered as Hasura's `{code, message}`, never in Gatehouse's native shape and never as a bare 500.
 *
 * The app's global error handler runs before a group's own; it steps aside for requests that reached one of
 * these routes (`rendersOwnErrors`), which the parse and transform hooks below mark.
 */
import { Elysia, type TSchema, ValidationError } from "elysia";
import { jsonResponse } from "../../platform/errors.ts";
import type { Logger } from "../../platform/logger.ts";
import { errorBody, hasuraError, toHasuraError } from "./errors.ts";
import { BODY_BY_PROVIDER, PROVIDERS } from "./model.ts";
import { parseLenientJson } from "./wire.ts";

const owned = new WeakSet<Request>();

/** Whether the request reached a Hasura route, whose errors the route group renders itself. */
export function rendersOwnErrors(request: Request): boolean {
  return owned.has(request);
}

/** Routes whose body is `{provider, data}`: an invalid one is explained against its provider's schema. */
const PROVIDER_BODIES: Readonly<Record<string, readonly TSchema[]>> = {
  "/v1/admin/create-user": BODY_BY_PROVIDER.create,
  "/v1/signup": BODY_BY_PROVIDER.signup,
  "/v1/login": BODY_BY_PROVIDER.login,
};

interface FirstError {
  readonly path: string;
  readonly message: string;
  readonly value: unknown;
}

function firstError(error: Readonly<ValidationError>, pathname: string): FirstError | "invalid-provider" {
  const value = error.value as { provider?: unknown } | null | undefined;
  const variants = error.type === "body" ? PROVIDER_BODIES[pathname] : undefined;
  if (variants && value && typeof value === "object" && !Array.isArray(value) && !("provider" in value)) {
    return { path: "/provider", message: "Expected required property", value: undefined };
  }
  if (variants && value && typeof value === "object" && "provider" in value) {
    const index = (PROVIDERS as readonly unknown[]).indexOf(value.provider);
    const schema = variants[index];
    if (!schema) return "invalid-provider";
    const [first] = new ValidationError("body", schema, value).all;
    if (first && "path" in first) {
      return { path: first.path, message: first.message, value: (first as { value?: unknown }).value };
    }
  }
  const first = error.valueError ?? error.all.find((e) => "path" in e);
  return {
    path: first && "path" in first ? first.path : "",
    message: first?.message ?? "invalid value",
    value: first && "value" in first ? first.value : undefined,
  };
}

/** Hasura's wording for an invalid request: which key, and why. */
function invalidRequest(error: Readonly<ValidationError>, pathname: string) {
  const first = firstError(error, pathname);
  if (first === "invalid-provider") return hasuraError("invalid-provider");
  const key = first.path.split("/").at(-1) ?? "";
  if (/^(new_)?password$/.test(key) && typeof first.value === "string")
    return hasuraError("invalid-password");
  if (key === "email" && typeof first.value === "string") return hasuraError("invalid-email");
  const where = `$${first.path.replaceAll("/", ".")}`;
  if (error.type === "params")
    return hasuraError("invalid-args", `Error in ${where}: expected a positive integer`);
  const why =
    first.message === "Expected required property"
      ? `When parsing the record the key ${key} was not present.`
      : first.message;
  return hasuraError("invalid-args", `Error in ${where}: ${why}`);
}

export function hasuraGroup(name: string, logger: Logger) {
  return (
    new Elysia({ name: `hasura-${name}` })
      .onParse(async ({ request }) => {
        owned.add(request);
        const text = await request.text();
        // An absent body is checked against the route's schema like an empty object.
        if (text.trim() === "") return {};
        try {
          return parseLenientJson(text);
        } catch {
          throw hasuraError("invalid-args", "Error in $: the request body is not valid JSON");
        }
      })
      .onTransform(({ request }) => {
        owned.add(request);
      })
      // Runs after the app's handler, which stepped aside (rendersOwnErrors); Response bodies skip validation.
      .onError(({ code, error, request }) => {
        if (!owned.has(request)) return;
        if (code === "VALIDATION") {
          const refusal = invalidRequest(error, new URL(request.url).pathname);
          return jsonResponse(refusal.status, errorBody(refusal));
        }
        if (code === "PARSE") {
          const refusal = hasuraError("invalid-args", "Error in $: the request body is not valid JSON");
          return jsonResponse(refusal.status, errorBody(refusal));
        }
        const known = toHasuraError(error);
        if (known) return jsonResponse(known.status, errorBody(known));
        logger.error(
          { err: error, method: request.method, url: new URL(request.url).pathname },
          "unhandled error",
        );
        const failure = hasuraError("unexpected-state");
        return jsonResponse(failure.status, errorBody(failure));
      })
  );
}
