/**
 * The floor of goal 3: a bare `Bun.serve` answering what Gatehouse's `GET /health` answers (the same JSON
 * fields, the version Gatehouse reported), with nothing in front — no framework, no hooks. Run by bench/run.ts
 * as a process of its own: PORT, HEALTH_VERSION.
 */
const port = Number(process.env.PORT ?? 0);
const version = process.env.HEALTH_VERSION ?? "0.0.0";

const server = Bun.serve({
  port,
  hostname: "127.0.0.1",
  development: false,
  fetch(request) {
    if (new URL(request.url).pathname !== "/health") return new Response("Not Found", { status: 404 });
    return Response.json({ status: "ok", version, uptime: process.uptime() });
  },
});
console.log(`bare server on ${server.url}`);
