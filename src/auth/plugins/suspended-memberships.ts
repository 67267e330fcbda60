/**
 * A membership its tenant suspended (PATCH /v1/users/{id} {active:false} in a tenant other than `default`) is no
 * membership in better-auth's organization routes either: the suspended member is refused there exactly as a
 * non-member is, `organization/list` leaves the tenant out and `organization/set-active` refuses it.
 *
 * Why at the adapter: every route of the organization plugin (better-auth 1.7.25) finds the caller's own
 * membership through the database adapter (findMemberByOrgId, checkMembership, listOrganizations, or a direct
 * `member` read) and, when there is none, answers with its own non-member refusal (its status and code, which
 * src/i18n/auth-errors.ts localizes). Hiding the caller's suspended row from those reads gives every route that
 * answer, with no list of paths to keep in step with better-auth.
 *
 * What stays visible, on purpose: only the caller's own rows are hidden, and only inside /organization/*
 * endpoints. The tenant's admins still see a suspended member (list-members, get-full-organization) and still
 * find them when they invite, add, update or remove them: hidden from them, add-member or an invitation would
 * create a second membership beside the suspended one. The identity core's own reads, made outside these
 * endpoints, are untouched.
 *
 * Whether a membership counts is the identity core's rule (tenants.membership, the same one /v1 applies), passed
 * in as AuthDeps.canActInTenant by src/deps.ts: auth cannot import identity.
 */
import { tryGetCurrentAuthEndpointContext } from "@better-auth/core/context";
import type { BetterAuthPlugin, DBAdapter, DBTransactionAdapter } from "better-auth";
import type { AuthDeps } from "../deps.ts";

type CanActInTenant = NonNullable<AuthDeps["canActInTenant"]>;
type ReadAdapter = Pick<DBTransactionAdapter, "findOne" | "findMany">;

interface MemberRow {
  readonly userId?: unknown;
  readonly organizationId?: unknown;
}

const ORGANIZATION_ROUTES = "/organization/";

/**
 * The signed-in user of the organization route being served, if any: read from better-auth's request-scoped
 * endpoint context, set for every endpoint it runs (over HTTP and through auth.api alike).
 */
function organizationRouteCaller(): string | undefined {
  const endpoint = tryGetCurrentAuthEndpointContext();
  if (!endpoint?.path?.startsWith(ORGANIZATION_ROUTES)) return undefined;
  const userId: unknown = endpoint.context?.session?.user?.id;
  return typeof userId === "string" ? userId : undefined;
}

/** Adapters already filtering (the base one, and a transaction adapter that is the base one itself). */
const filtering = new WeakSet<object>();

/**
 * Makes `adapter`'s reads of the `member` model skip the caller's memberships that do not count. The adapter is
 * changed in place rather than wrapped: better-auth keys its runtime schema check on the adapter object.
 */
function skipSuspendedMemberships<A extends ReadAdapter>(adapter: A, canAct: CanActInTenant): A {
  if (filtering.has(adapter)) return adapter;
  filtering.add(adapter);
  const findOne = adapter.findOne.bind(adapter);
  const findMany = adapter.findMany.bind(adapter);

  async function counts(row: unknown, caller: string): Promise<boolean> {
    const { userId, organizationId } = (row ?? {}) as MemberRow;
    if (userId !== caller || typeof organizationId !== "string") return true;
    return canAct(organizationId, caller);
  }

  adapter.findOne = (async (query) => {
    const row = await findOne(query);
    const caller = query.model === "member" && row ? organizationRouteCaller() : undefined;
    return caller && !(await counts(row, caller)) ? null : row;
  }) as A["findOne"];
  adapter.findMany = (async (query) => {
    const rows = await findMany(query);
    const caller = query.model === "member" && rows.length > 0 ? organizationRouteCaller() : undefined;
    if (!caller) return rows;
    const kept = await Promise.all(rows.map((row) => counts(row, caller)));
    return rows.filter((_, index) => kept[index]);
  }) as A["findMany"];
  return adapter;
}

export function suspendedMembershipsPlugin(canAct: CanActInTenant) {
  return {
    id: "gatehouse-suspended-memberships",
    init(context) {
      const adapter: DBAdapter = context.adapter;
      if (filtering.has(adapter)) return;
      skipSuspendedMemberships(adapter, canAct);
      // Reads inside a transaction go through the transaction's adapter (getCurrentAdapter): filter those too.
      const transaction = adapter.transaction.bind(adapter);
      adapter.transaction = (callback) =>
        transaction((trx) => callback(skipSuspendedMemberships(trx, canAct)));
    },
  } satisfies BetterAuthPlugin;
}
