/**
 * Builds the process-wide dependencies from configuration, in order, and tears them down in reverse.
 */
import { type Auth, createAuth } from "./auth/index.ts";
import { migrate } from "./auth/migrate.ts";
import { signalWhenAllSessionsEnd } from "./auth/plugins/sessions-ended.ts";
import type { Config } from "./config.ts";
import { revokeAccount } from "./http/oidc/adapter.ts";
import { checkAdminPassword, ensurePlatformAdmin } from "./identity/accounts/bootstrap.ts";
import { type AuditService, createAuditService } from "./identity/audit/service.ts";
import { createTenantService, type TenantService } from "./identity/tenants/service.ts";
import { type AppCache, createCache } from "./platform/cache/index.ts";
import { type Cleanup, createCleanup } from "./platform/db/cleanup.ts";
import { createDb, type Db } from "./platform/db/index.ts";
import { withStartupLock } from "./platform/db/migrate.ts";
import { withTransactionScope } from "./platform/db/transaction-scope.ts";
import { createLogger, type Logger } from "./platform/logger.ts";
import { createMailer, type Mailer } from "./platform/mail/index.ts";
import { createPasswordHasher, type PasswordHasher } from "./platform/password/index.ts";
import { createSmsSender, type SmsSender } from "./platform/sms/index.ts";

export interface Deps {
  readonly config: Config;
  readonly logger: Logger;
  readonly db: Db;
  readonly cache: AppCache;
  readonly mailer: Mailer;
  readonly sms: SmsSender;
  readonly passwords: PasswordHasher;
  readonly auth: Auth;
  /** The audit trail, shared by better-auth's plugin and the identity core. */
  readonly audit: AuditService;
  /** Deletes expired sessions and verifications every CLEANUP_INTERVAL_SECONDS (src/platform/db/cleanup.ts). */
  readonly cleanup: Cleanup;
  /** Runs `close` when the deps close, before the database: for what the app starts on top of them. */
  onClose(close: () => Promise<void>): void;
  close(): Promise<void>;
}

export async function createDeps(config: Config, overrides: { logger?: Logger } = {}): Promise<Deps> {
  const logger = overrides.logger ?? createLogger(config.logLevel);
  // Before anything is opened: a refused ADMIN_PASSWORD stops start-up (in production) with nothing to close.
  if (config.admin) checkAdminPassword(config.admin, config.env === "production", logger);
  // Queries made inside a transaction (better-auth's or the core's) go to it (src/platform/db/transaction-scope.ts).
  const db = withTransactionScope(await createDb(config, { logger }));
  const cache = await createCache({
    redisUrl: config.redisUrl,
    keyPrefix: config.cachePrefix,
    maxEntries: config.cacheMaxEntries,
    maxBytes: config.cacheMaxBytes,
    logger,
    db,
    databaseUrl: config.databaseUrl,
  });
  const mailer = createMailer({
    smtpUrl: config.smtpUrl,
    from: config.mailFrom,
    dataDir: config.dataDir,
    logger,
    db,
    secret: config.authSecret,
  });
  const sms = createSmsSender({
    sms: config.sms,
    dataDir: config.dataDir,
    logger,
    db,
    secret: config.authSecret,
  });
  const passwords = createPasswordHasher(config.argon2, config.passwordHashing);
  const audit = createAuditService({ db, logger, retentionDays: config.auditRetentionDays });
  // Every account better-auth creates joins `default`; the tenant service needs `auth`, so it is bound late.
  let tenants: TenantService | undefined;
  const onAccountCreated = async (userId: string) => tenants?.joinDefault(userId);
  // better-auth's organization routes see a suspended membership as none, as /v1 does (tenants.membership).
  const canActInTenant = async (tenantId: string, userId: string) =>
    Boolean(await tenants?.membership(tenantId, userId));
  const auth = createAuth({
    config,
    db,
    cache,
    passwords,
    mailer,
    sms,
    logger,
    onAccountCreated,
    canActInTenant,
    recordAudit: audit.record,
    // A banned or deleted account keeps no OpenID Provider grants or refresh tokens.
    onAccountEnded: (userId) => revokeAccount(db, userId),
  });
  // Signed out everywhere (by any route or service: src/auth/plugins/sessions-ended.ts), the same.
  signalWhenAllSessionsEnd((await auth.$context).internalAdapter, (userId) => revokeAccount(db, userId));
  tenants = createTenantService({ auth, db, extraDefaultRoles: config.defaultTenantRoles });
  const tenantService = tenants;
  await withStartupLock(db, async () => {
    const migrated = await migrate(auth, db);
    const adminId = config.admin ? await ensurePlatformAdmin(auth, config.admin, logger) : undefined;
    // The `default` tenant exists from the first start; the platform admin owns it.
    await tenantService.ensureDefaultTenant(adminId);
    // Accounts from a build before every account joined `default` join it now. This build creates each account
    // with its membership in one transaction (src/auth/membership-hook.ts), so the scan over every user — seconds
    // at a million — runs only when the schema changed, i.e. after an upgrade from an older build.
    if (migrated) {
      const joined = await tenantService.backfillDefaultMemberships();
      if (joined > 0) logger.info({ accounts: joined }, "accounts added to the default tenant");
    }
  });
  // Once its table exists: invalidations recorded before a restart are honoured before the first request.
  await cache.start();
  const cleanup = createCleanup({ db, logger, intervalSeconds: config.cleanupIntervalSeconds });
  cleanup.start();
  // Mail and SMS that an earlier run (or another node) could not send go out now that the outbox table exists.
  mailer.start();
  sms.start();
  const closers: (() => Promise<void>)[] = [];
  return {
    config,
    logger,
    db,
    cache,
    mailer,
    sms,
    passwords,
    auth,
    audit,
    cleanup,
    onClose(close) {
      closers.push(close);
    },
    async close() {
      // What was started last (on top of these deps) stops first.
      for (const close of closers.splice(0).reverse()) await close();
      await cleanup.stop();
      await mailer.close();
      await sms.close();
      await cache.close();
      await db.close();
    },
  };
}
