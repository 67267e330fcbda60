/** What a test peer received, in order, with a way to wait for a matching item that may still be on its way. */
export interface Inbox<T> {
  readonly items: T[];
  push(item: T): void;
  waitFor(match: (item: T) => boolean, timeoutMs?: number): Promise<T>;
}

export function createInbox<T>(kind: string): Inbox<T> {
  const items: T[] = [];
  const waiters = new Set<() => void>();
  return {
    items,
    push(item) {
      items.push(item);
      for (const wake of waiters) wake();
    },
    waitFor(match, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = items.find(match);
          if (!found) return false;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
          return true;
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no matching ${kind} within ${timeoutMs} ms (${items.length} received)`));
        }, timeoutMs);
        if (!check()) waiters.add(check);
      });
    },
  };
}
