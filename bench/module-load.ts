/**
 * Module load of goal 5, in a fresh process: the time to import src/app.ts (everything the server is made of,
 * nothing started) and the resident set after it. `bun bench/module-load.ts` prints `{ "ms": …, "rssMiB": … }`.
 */
export interface ModuleLoad {
  readonly ms: number;
  readonly rssMiB: number;
}

export async function runModuleLoadProcess(): Promise<ModuleLoad> {
  const child = Bun.spawn([process.execPath, import.meta.path], { stdout: "pipe", stderr: "inherit" });
  const [out, code] = await Promise.all([new Response(child.stdout).text(), child.exited]);
  if (code !== 0) throw new Error(`bench/module-load.ts exited with ${code}`);
  return JSON.parse(out) as ModuleLoad;
}

if (import.meta.main) {
  const began = performance.now();
  await import("../src/app.ts");
  const ms = performance.now() - began;
  console.log(JSON.stringify({ ms, rssMiB: process.memoryUsage.rss() / 1024 / 1024 }));
}
