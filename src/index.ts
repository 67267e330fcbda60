/** Start-up only: config → deps → app → listen; graceful shutdown on SIGTERM/SIGINT. */
import { createApp } from "./app.ts";
import { ConfigError, loadConfig } from "./config.ts";
import { createDeps } from "./deps.ts";
import { DatabaseStartupError } from "./platform/db/index.ts";
import { serve, stopGracefully } from "./server.ts";

// A mail handed to the SMTP server just before the last response needs a moment to be accepted; waiting this
// long for it costs little even when the grace period is already used up.
const MIN_SEND_DRAIN_MS = 1000;

// Closing the database pool, the cache and the mail transport takes milliseconds when they answer.
const CLOSE_TIMEOUT_MS = 10_000;

async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`gatehouse: configuration error: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
  const deps = await createDeps(config);
  const app = createApp(deps);
  const server = serve(app, {
    port: config.port,
    hostname: config.host,
    maxBodyBytes: config.maxBodyBytes,
    trustProxy: config.trustProxy,
    trustedProxyHops: config.trustedProxyHops,
    clientAddressHeader: config.clientAddressHeader,
  });
  deps.logger.info(
    { url: `http://${server.hostname}:${server.port}`, baseUrl: config.baseUrl },
    "gatehouse listening",
  );

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    const graceMs = config.shutdownGraceMs;
    const deadline = Date.now() + graceMs;
    deps.logger.info({ signal, graceMs }, "shutting down: finishing in-flight requests");
    // The last resort: closing the database or the cache could hang on a peer that no longer answers.
    setTimeout(
      () => {
        deps.logger.error("shutdown did not finish in time: exiting without closing everything");
        process.exit(1);
      },
      graceMs + MIN_SEND_DRAIN_MS + CLOSE_TIMEOUT_MS,
    ).unref();
    // New connections are refused at once; what is under way gets the grace period, then is closed.
    const ended = await stopGracefully(server, graceMs);
    if (ended === "closed") deps.logger.warn({ graceMs }, "grace period over: open connections closed");
    // Mail and SMS sent after the last responses get what is left of the grace period (at least a moment);
    // whatever is still being sent then stays in the outbox for the next start (src/platform/mail/durable-queue.ts).
    const left = Math.max(deadline - Date.now(), MIN_SEND_DRAIN_MS);
    await Promise.all([deps.mailer.drain(left), deps.sms.drain(left)]);
    await deps.close();
    deps.logger.info("stopped");
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

main().catch((error: unknown) => {
  // Its message is the whole story (path or host:port, and the reason): one line, no "failed to start" prefix.
  if (error instanceof DatabaseStartupError) {
    console.error(`gatehouse: ${error.message}`);
    process.exit(1);
  }
  console.error("gatehouse: failed to start:", error instanceof Error ? error.message : error);
  process.exit(1);
});
