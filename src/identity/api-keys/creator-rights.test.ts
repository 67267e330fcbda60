import { describe, expect, it } from "bun:test";
import { rolesWithinCreatorRights } from "./creator-rights.ts";

const member = (tenantRoles: readonly string[] | null) => ({ isPlatformAdmin: false, tenantRoles });

describe("rolesWithinCreatorRights", () => {
  it("keeps the granted roles while the creator still holds them", () => {
    expect(rolesWithinCreatorRights(["admin"], member(["admin"]))).toEqual(["admin"]);
    expect(rolesWithinCreatorRights(["user"], member(["admin"]))).toEqual(["user"]);
  });

  it("keeps every role for an owner or a platform admin, custom roles included", () => {
    expect(rolesWithinCreatorRights(["auditor"], member(["owner"]))).toEqual(["auditor"]);
    expect(rolesWithinCreatorRights(["auditor"], { isPlatformAdmin: true, tenantRoles: null })).toEqual([
      "auditor",
    ]);
  });

  it("cuts an admin key down to `user` when its creator is demoted to `user`", () => {
    expect(rolesWithinCreatorRights(["admin"], member(["user"]))).toEqual(["user"]);
  });

  it("leaves nothing when the creator is no member, or gone", () => {
    expect(rolesWithinCreatorRights(["admin"], member(null))).toEqual([]);
    expect(rolesWithinCreatorRights(["admin"], null)).toEqual([]);
    expect(rolesWithinCreatorRights(["auditor"], member(["admin"]))).toEqual([]);
  });
});
