/** What createAuth (src/auth/index.ts) is built from. */
import type { Config } from "../config.ts";
import type { Cache } from "../platform/cache/index.ts";
import type { Db } from "../platform/db/index.ts";
import type { Logger } from "../platform/logger.ts";
import type { Mailer } from "../platform/mail/index.ts";
import type { PasswordHasher } from "../platform/password/index.ts";
import type { SmsSender } from "../platform/sms/index.ts";
import type { RecordAuditEvent } from "./audit-event.ts";
import type { OnAccountEnded } from "./plugins/account-ended.ts";

export interface AuthDeps {
  readonly config: Config;
  readonly db: Db;
  readonly cache: Cache;
  readonly passwords: PasswordHasher;
  readonly mailer: Mailer;
  readonly sms: SmsSender;
  readonly logger: Logger;
  /**
   * Called once for every account better-auth creates (any sign-up, social/OIDC, phone, admin create-user): the
   * identity core makes it a member of the `default` tenant. Passed in, as auth cannot import identity.
   */
  readonly onAccountCreated?: (userId: string) => Promise<void>;
  /**
   * Whether the user acts in the tenant through their membership there: false when they have none or the tenant
   * suspended it (the identity core's rule, the one /v1 applies). better-auth's organization routes then treat
   * the caller as a non-member (src/auth/plugins/suspended-memberships.ts).
   */
  readonly canActInTenant?: (tenantId: string, userId: string) => Promise<boolean>;
  /** Stores an audit event (src/identity/audit); better-auth's events reach it through plugins/audit.ts. */
  readonly recordAudit?: RecordAuditEvent;
  /** Called after an account is banned or deleted (src/auth/plugins/account-ended.ts). */
  readonly onAccountEnded?: OnAccountEnded;
}
