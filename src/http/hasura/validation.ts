/**
 * Hasura's wording for a request that fails its route's schema: which key, and why (`Error in $.data.username:
 * ...`). A `{provider, data}` body is explained against its provider's schema.
 */
import { type TSchema, ValidationError } from "elysia";
import { hasuraError } from "./errors.ts";
import { BODY_BY_PROVIDER, PROVIDERS } from "./model.ts";

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
export function invalidRequest(error: Readonly<ValidationError>, pathname: string) {
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
