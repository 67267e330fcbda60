/** Start-up only: config → deps → app → listen; graceful shutdown on SIGTERM/SIGINT. */
import { createApp } from "./app.ts";
import { ConfigError, loadConfig } from "./config.ts";
import { createDeps } from "./deps.ts";
import { DatabaseStartupError } from "./platform/db/index.ts";
import { serve } from "./server.ts";

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
    deps.logger.info({ signal }, "shutting down: finishing in-flight requests");
    // stop(false) refuses new connections and resolves once in-flight requests have been answered.
    await server.stop(false);
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
