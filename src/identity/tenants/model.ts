/** A tenant and a membership as the tenant service (service.ts) and its reads (scope.ts) give them. */
import type { MemberStatus } from "../accounts/status.ts";

export interface Tenant {
  readonly id: string;
  readonly slug: string;
  readonly name: string;
}

export interface Membership {
  readonly memberId: string;
  readonly userId: string;
  readonly roles: readonly string[];
  /** `suspended` by the tenant: the user is listed there but cannot act in it. */
  readonly status: MemberStatus;
}
