/**
 * `npm run audit:verify`: walks the audit trail's hash chain in the configured database (DATABASE_URL, else the
 * SQLite file in DATA_DIR) and exits 0 when every link holds, 1 at the first broken one (printed as JSON).
 */
import { loadConfig } from "./config.ts";
import { createAuditService } from "./identity/audit/service.ts";
import { verifyAuditChain } from "./identity/audit/verify.ts";
import { createDb } from "./platform/db/index.ts";
import { createLogger } from "./platform/logger.ts";

const config = loadConfig();
const logger = createLogger(config.logLevel);
const db = await createDb(config);
try {
  const audit = createAuditService({ db, logger, retentionDays: 0 });
  const report = await verifyAuditChain(audit);
  console.log(JSON.stringify(report));
  process.exitCode = report.ok ? 0 : 1;
} finally {
  await db.close();
}
