/** What the Hasura routes are handed besides the identity core. */
import type { Auth } from "../../auth/index.ts";
import type { Config } from "../../config.ts";
import type { Db } from "../../platform/db/index.ts";
import type { Logger } from "../../platform/logger.ts";

export interface HasuraDeps {
  readonly auth: Auth;
  readonly db: Db;
  readonly logger: Logger;
  readonly config: Pick<Config, "signUpEnabled" | "requireEmailVerification">;
}
