import { describe, expect, it } from "bun:test";
import type { EntityJson } from "@cedar-policy/cedar-wasm/nodejs";
import { effectiveRoles, toCedarRequest } from "./request.ts";
import { apiKey, member, tenantUser } from "./testing.ts";

const idOf = ({ uid }: EntityJson): string => ("__entity" in uid ? uid.__entity.id : uid.id);

describe("effectiveRoles", () => {
  it("adds the ranks below owner and admin, and leaves other roles alone", () => {
    expect(effectiveRoles(["owner"]).sort()).toEqual(["admin", "owner", "user"]);
    expect(effectiveRoles(["admin", "billing"]).sort()).toEqual(["admin", "billing", "user"]);
    expect(effectiveRoles(["support"])).toEqual(["support"]);
  });
});

describe("toCedarRequest", () => {
  it("describes principal, resource and their tenants once each", () => {
    const cedar = toCedarRequest({
      principal: member("acme", "u1", ["admin"]),
      action: "users.update",
      resource: tenantUser("acme", "u2", ["user"]),
      context: { changes: ["roles"], roles: ["user"] },
    });
    expect(cedar.action).toEqual({ type: "Gatehouse::Action", id: "users.update" });
    expect(cedar.context).toEqual({ changes: ["roles"], roles: ["user"] });
    expect(cedar.entities.map((entity) => entity.uid)).toEqual([
      { type: "Gatehouse::User", id: "u1" },
      { type: "Gatehouse::TenantUser", id: "u2" },
      { type: "Gatehouse::Tenant", id: "acme" },
    ]);
    expect(cedar.entities[1]?.attrs.user).toEqual({ __entity: { type: "Gatehouse::User", id: "u2" } });
  });

  it("gives an API key acting on itself one entity, and keeps both tenants of a cross-tenant request", () => {
    const self = toCedarRequest({
      principal: apiKey("acme", "k1", ["admin"]),
      action: "apiKeys.revoke",
      resource: { type: "ApiKey", id: "k1", tenantId: "acme", roles: ["admin"] },
    });
    expect(self.entities.filter((entity) => idOf(entity) === "k1")).toHaveLength(1);
    const cross = toCedarRequest({
      principal: member("acme", "u1", ["owner"]),
      action: "users.list",
      resource: { type: "Tenant", id: "globex" },
    });
    expect(cross.entities.map(idOf).sort()).toEqual(["acme", "globex", "u1"]);
  });
});
