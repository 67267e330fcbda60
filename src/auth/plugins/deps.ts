/** What every plugin's options are built from. */
import type { Config } from "../../config.ts";
import type { Db } from "../../platform/db/index.ts";
import type { MailMessage } from "../../platform/mail/index.ts";
import type { SmsMessage } from "../../platform/sms/index.ts";
import type { RecordAuditEvent } from "../audit-event.ts";

export interface PluginDeps {
  readonly config: Config;
  /** Sends without making the caller wait (so timing cannot reveal whether an account exists). */
  readonly sendMail: (message: MailMessage) => Promise<void>;
  readonly sendSms: (message: SmsMessage) => Promise<void>;
  /** AuthDeps.canActInTenant: a suspended membership is no membership in the organization routes. */
  readonly canActInTenant?: (tenantId: string, userId: string) => Promise<boolean>;
  /** AuthDeps.recordAudit: better-auth's events go to the audit trail (./audit.ts). */
  readonly recordAudit?: RecordAuditEvent;
  /** AuthDeps.db: read by the plugins that answer from Gatehouse's own indexes (./list-users.ts). */
  readonly db?: Db;
}
