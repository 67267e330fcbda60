import { describe, expect, it } from "bun:test";
import { APIError } from "better-auth/api";
import { Elysia, t } from "elysia";
import pino from "pino";
import { surfaceErrors } from "../pipeline/error-renderer.ts";
import { hasuraErrorRenderer } from "./error-renderer.ts";
import { hasuraGroup } from "./group.ts";
import { parseLenientJson } from "./wire.ts";

/** A group inside the dialect's surface (its renderer, as src/app.ts registers it), beside another surface. */
function appWith(logged: unknown[]) {
  const logger = pino({ level: "error" }, { write: (line: string) => logged.push(JSON.parse(line)) });
  const other = new Elysia()
    .onError(() => new Response("native", { status: 418 }))
    .get("/elsewhere", () => {
      throw new Error("not ours");
    });
  return new Elysia().use(other).use(
    new Elysia().onError(surfaceErrors(hasuraErrorRenderer, logger)).use(
      hasuraGroup("test")
        .get("/v1/boom", () => {
          throw new Error("connection to 10.0.0.5 refused");
        })
        .get("/v1/auth-down", () => {
          throw APIError.from("INTERNAL_SERVER_ERROR", { code: "FAILED_TO_CREATE_SESSION", message: "x" });
        })
        .post("/v1/echo", ({ body }) => body, { body: t.Object({ a: t.String() }) }),
    ),
  );
}

describe("Hasura route group errors", () => {
  it("answers an unexpected failure with 500 unexpected-state, logged, without internals", async () => {
    const logged: unknown[] = [];
    const app = appWith(logged);
    for (const path of ["/v1/boom", "/v1/auth-down"]) {
      const response = await app.handle(new Request(`http://localhost${path}`));
      expect(response.status).toBe(500);
      const body = (await response.json()) as { code: string; message: string };
      expect(body).toEqual({ code: "unexpected-state", message: "unexpected state" });
    }
    expect(logged).toHaveLength(2);
  });

  it("leaves other surfaces' routes to their own renderer", async () => {
    const response = await appWith([]).handle(new Request("http://localhost/elsewhere"));
    expect(response.status).toBe(418);
  });

  it("takes the trailing commas of Hasura's documented examples, and refuses other broken JSON", async () => {
    const app = appWith([]);
    const post = (body: string) =>
      app.handle(
        new Request("http://localhost/v1/echo", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body,
        }),
      );
    const ok = await post('{\n"a": "x,}",\n}');
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ a: "x,}" });
    for (const broken of ['{"a": "x",,}', "{'a': 'x'}", '{"a": "x"']) {
      const response = await post(broken);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { code: string }).code).toBe("invalid-args");
    }
  });
});

describe("parseLenientJson", () => {
  it("drops only commas that close an object or array, never inside strings", () => {
    expect(parseLenientJson('{"a": [1, 2,], "b": {"c": "d,]",},}')).toEqual({ a: [1, 2], b: { c: "d,]" } });
    expect(parseLenientJson('{"a": "\\",}"}')).toEqual({ a: '",}' });
    expect(() => parseLenientJson("[,]")).toThrow();
    expect(() => parseLenientJson('{"a":,}')).toThrow();
  });
});
