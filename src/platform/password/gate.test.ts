import { describe, expect, it } from "bun:test";
import { AppError } from "../errors.ts";
import { createHashingGate, refusingWhenBusy, SERVER_BUSY } from "./gate.ts";

/** A piece of work that runs until the test lets it finish. */
function held() {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  return { work: () => done, finish };
}

describe("createHashingGate", () => {
  it("runs at most `concurrency` at once and lets `queue` more wait, in order", async () => {
    const gate = createHashingGate({ concurrency: 2, queue: 2 });
    const works = [held(), held(), held(), held()];
    const order: number[] = [];
    const runs = works.map((w, i) => gate.run(() => w.work().then(() => order.push(i))));
    expect(gate.stats()).toEqual({ running: 2, waiting: 2 });
    works[1]?.finish();
    works[0]?.finish();
    await Promise.resolve();
    works[2]?.finish();
    works[3]?.finish();
    await Promise.all(runs);
    expect(order).toEqual([1, 0, 2, 3]);
    expect(gate.stats()).toEqual({ running: 0, waiting: 0 });
  });

  it("refuses the call beyond the queue with 503 server_busy and Retry-After's seconds", async () => {
    const gate = createHashingGate({ concurrency: 1, queue: 1 });
    const first = held();
    const second = held();
    const running = gate.run(first.work);
    const waiting = gate.run(second.work);
    const refused = await gate.run(async () => "ran").catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({ code: SERVER_BUSY, status: 503, details: { retry_after: 1 } });
    first.finish();
    second.finish();
    await Promise.all([running, waiting]);
    // Room again: the next call runs.
    expect(await gate.run(async () => "ran")).toBe("ran");
  });

  it("frees the slot of a call that failed", async () => {
    const gate = createHashingGate({ concurrency: 1, queue: 0 });
    await expect(gate.run(() => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(gate.stats()).toEqual({ running: 0, waiting: 0 });
    expect(await gate.run(async () => 1)).toBe(1);
  });
});

describe("refusingWhenBusy", () => {
  it("throws server_busy when the gate refused inside, whatever the work made of the refusal", async () => {
    const gate = createHashingGate({ concurrency: 1, queue: 0 });
    const slot = held();
    const running = gate.run(slot.work);
    // better-auth's handler: it catches the refusal and answers a bare 500.
    const swallowing = () => gate.run(async () => "hashed").catch(() => "500");
    await expect(refusingWhenBusy(swallowing)).rejects.toMatchObject({ code: SERVER_BUSY });
    slot.finish();
    await running;
    expect(await refusingWhenBusy(swallowing)).toBe("hashed");
  });
});
