/**
 * One transaction per request path, whoever opened it: while a transaction runs (better-auth's, with the Kysely
 * adapter's `transaction: true`, or one of ours), every query made through `db.kysely` in that async context goes
 * to the transaction, not to the pool. Without that, a database hook, a plugin or the identity core that queried
 * `db.kysely` inside better-auth's transaction would, on SQLite (one connection, which the transaction holds),
 * wait for that connection forever; on PostgreSQL it would run outside the transaction (it would neither see the
 * uncommitted rows nor roll back with them) and could exhaust the pool.
 *
 * `transaction()` inside a running transaction joins it (Kysely refuses nested ones), and work that must only
 * happen once the rows are committed (the audit append, which takes its own lock: src/identity/audit/service.ts)
 * is queued with `afterCommit` and runs right after the commit, before the caller goes on; a rollback drops it.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { Kysely, Transaction } from "kysely";
import type { Db, Tables } from "./index.ts";

interface Scope {
  readonly trx: Transaction<Tables>;
  /** false once the transaction has committed or rolled back: a late query then goes to the pool again. */
  open: boolean;
  readonly afterCommit: (() => Promise<void>)[];
}

const scopes = new AsyncLocalStorage<Scope>();

function openScope(): Scope | undefined {
  const scope = scopes.getStore();
  return scope?.open ? scope : undefined;
}

/** Whether the caller runs inside a transaction (of this process's `db.kysely`). */
export function inTransaction(): boolean {
  return openScope() !== undefined;
}

/** Runs `work` after the current transaction commits (never, if it rolls back); at once outside a transaction. */
export async function afterCommit(work: () => Promise<void>): Promise<void> {
  const scope = openScope();
  if (!scope) return work();
  scope.afterCommit.push(work);
}

/** Runs `work` in a transaction of `root`: the current one, or a new one that `db.kysely` follows meanwhile. */
async function runInScope<T>(
  begin: (callback: (trx: Transaction<Tables>) => Promise<T>) => Promise<T>,
  work: (trx: Transaction<Tables>) => Promise<T>,
): Promise<T> {
  const current = openScope();
  if (current) return work(current.trx);
  let scope: Scope | undefined;
  try {
    const result = await begin((trx) => {
      scope = { trx, open: true, afterCommit: [] };
      return scopes.run(scope, () => work(trx));
    });
    if (scope) scope.open = false;
    // Outside the scope: what runs after the commit may open transactions of its own.
    for (const queued of scope?.afterCommit ?? []) await scopes.exit(queued);
    return result;
  } finally {
    if (scope) scope.open = false;
  }
}

type TransactionBuilder = ReturnType<Kysely<Tables>["transaction"]>;

/** A transaction builder whose execute() makes `db.kysely` follow the transaction (or joins the current one). */
function scopedBuilder(builder: TransactionBuilder): TransactionBuilder {
  return new Proxy(builder, {
    get(target, property) {
      if (property === "execute") {
        return <T>(work: (trx: Transaction<Tables>) => Promise<T>) =>
          runInScope<T>((callback) => target.execute(callback), work);
      }
      const value = Reflect.get(target, property, target) as unknown;
      if (typeof value !== "function") return value;
      // setIsolationLevel() and the like return a new builder: keep it scoped.
      return (...args: unknown[]) => {
        const returned = (value as (...a: unknown[]) => unknown).apply(target, args);
        return isBuilder(returned) ? scopedBuilder(returned) : returned;
      };
    },
  });
}

function isBuilder(value: unknown): value is TransactionBuilder {
  return typeof value === "object" && value !== null && "execute" in value && "setIsolationLevel" in value;
}

/** `kysely`, following the current transaction: every query of the async context goes where it belongs. */
export function followTransactions(kysely: Kysely<Tables>): Kysely<Tables> {
  return new Proxy(kysely, {
    get(root, property) {
      const scope = openScope();
      if (property === "transaction") {
        return () => (scope ? joined(scope.trx) : scopedBuilder(root.transaction()));
      }
      if (property === "connection" && scope) {
        // migrate.ts and the audit chain take the connection to run their own BEGIN: they must not run inside.
        throw new Error("db.kysely.connection() inside a transaction: queue the work with afterCommit");
      }
      const target = scope && property !== "destroy" ? scope.trx : root;
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === "function" ? boundTo(value as (...a: unknown[]) => unknown, target) : value;
    },
  });
}

/**
 * `method` called on `target`. A proxy rather than bind(): some of Kysely's members are functions with
 * properties of their own (`db.fn` is callable and has `fn.count`, `fn.max`, …), which bind() would drop.
 */
function boundTo(method: (...a: unknown[]) => unknown, target: object) {
  return new Proxy(method, { apply: (fn, _this, args: unknown[]) => Reflect.apply(fn, target, args) });
}

/** A builder whose execute() runs in the transaction already open. */
function joined(trx: Transaction<Tables>): TransactionBuilder {
  // A running transaction keeps its isolation level and access mode: asking for others (serializable, to make a
  // check-then-write safe) would silently not get them, so it fails loudly. Lock the rows instead (FOR UPDATE).
  const refuse = () => {
    throw new Error(
      "a transaction joined from inside another cannot change its isolation level or access mode",
    );
  };
  const builder = {
    execute: <T>(work: (t: Transaction<Tables>) => Promise<T>) => work(trx),
    setIsolationLevel: refuse,
    setAccessMode: refuse,
  };
  return builder as unknown as TransactionBuilder;
}

/** `db` whose `kysely` follows the current transaction (src/deps.ts builds every Db this way). */
export function withTransactionScope(db: Db): Db {
  return { ...db, kysely: followTransactions(db.kysely) };
}
