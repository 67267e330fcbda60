/**
 * The renderer contract's classification, through a small app: what reaches a surface's renderer as a refusal,
 * a validation failure or an unexpected error (logged, never shown).
 */
import { describe, expect, it } from "bun:test";
import { Elysia, t } from "elysia";
import pino from "pino";
import { type ErrorRenderer, type Failure, surfaceErrors } from "./error-renderer.ts";

function appWith(seen: Failure[], logged: unknown[]) {
  const logger = pino({ level: "error" }, { write: (line: string) => logged.push(JSON.parse(line)) });
  const renderer: ErrorRenderer = {
    render(failure) {
      seen.push(failure);
      return new Response(failure.kind, { status: failure.kind === "unexpected" ? 500 : 400 });
    },
  };
  return (
    new Elysia()
      .onError(surfaceErrors(renderer, logger))
      .post("/echo", ({ body }) => body, { body: t.Object({ a: t.String() }) })
      // A handler whose answer breaks its own response schema.
      .get("/broken", () => ({ a: 1 }) as unknown as { a: string }, { response: t.Object({ a: t.String() }) })
  );
}

describe("surfaceErrors", () => {
  it("hands a request's schema failure to the renderer as validation, unlogged", async () => {
    const seen: Failure[] = [];
    const logged: unknown[] = [];
    const response = await appWith(seen, logged).handle(
      new Request("http://localhost/echo", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{}",
      }),
    );
    expect(response.status).toBe(400);
    expect(seen.map((f) => f.kind)).toEqual(["validation"]);
    expect(logged).toEqual([]);
  });

  it("treats an answer that fails its response schema as unexpected, and logs it", async () => {
    const seen: Failure[] = [];
    const logged: unknown[] = [];
    const response = await appWith(seen, logged).handle(new Request("http://localhost/broken"));
    expect(response.status).toBe(500);
    expect(seen.map((f) => f.kind)).toEqual(["unexpected"]);
    expect(logged).toHaveLength(1);
  });
});
