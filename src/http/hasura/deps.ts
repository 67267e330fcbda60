/**
 * What the Hasura routes are handed besides the identity core: a logger, nothing else. The dialect reaches
 * accounts, sessions and the database only through the core (src/identity), never through better-auth or SQL.
 */
import type { Logger } from "../../platform/logger.ts";

export interface HasuraDeps {
  readonly logger: Logger;
}
