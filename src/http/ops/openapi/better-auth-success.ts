/**
 * The success answers better-auth's generator leaves out: these endpoints document only their errors. Each
 * shape is what the endpoint's handler returns in better-auth 1.7 (node_modules/better-auth/dist/plugins/…),
 * written with better-auth's own component schemas. Paths are relative to /api/auth.
 */
import type { OpenAPIV3_1 } from "openapi-types";

type Schema = OpenAPIV3_1.SchemaObject | OpenAPIV3_1.ReferenceObject;

const component = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const object = (properties: Record<string, Schema>): Schema => ({
  type: "object",
  properties,
  required: Object.keys(properties),
});
const json = (description: string, schema: Schema): OpenAPIV3_1.ResponseObject => ({
  description,
  content: { "application/json": { schema } },
});

/** method + path (relative to /api/auth) → status → response. */
export const BETTER_AUTH_SUCCESS: Readonly<Record<string, Record<string, OpenAPIV3_1.ResponseObject>>> = {
  "get /callback/{id}": {
    "302": {
      description:
        "Signed in: redirects to the callbackURL of the sign-in (or its errorCallbackURL on failure)",
      headers: { Location: { schema: { type: "string", format: "uri-reference" } } },
    },
  },
  "post /callback/{id}": {
    "302": {
      description: "A provider that posts its answer (form_post): the same redirect as GET",
      headers: { Location: { schema: { type: "string", format: "uri-reference" } } },
    },
  },
  "post /admin/stop-impersonating": {
    "200": json(
      "Back in the admin's own session",
      object({ session: component("Session"), user: component("User") }),
    ),
  },
  "post /is-username-available": {
    "200": json("Whether the username is free", object({ available: { type: "boolean" } })),
  },
  "post /organization/check-slug": {
    "200": json(
      "The slug is free (a taken slug is 400 SLUG_IS_TAKEN)",
      object({ status: { type: "boolean" } }),
    ),
  },
  "post /organization/cancel-invitation": {
    "200": json("The canceled invitation", component("Invitation")),
  },
  "get /organization/list-invitations": {
    "200": json("The organization's invitations", { type: "array", items: component("Invitation") }),
  },
  "post /organization/leave": {
    "200": json("The membership that was left", component("Member")),
  },
  "get /organization/list-members": {
    "200": json(
      "A page of the organization's members",
      object({ members: { type: "array", items: component("Member") }, total: { type: "integer" } }),
    ),
  },
  "get /organization/get-active-member-role": {
    "200": json("The member's role in the active organization", object({ role: { type: "string" } })),
  },
};

/** A session as the session lists show it: without its token (src/auth/plugins/session-hygiene.ts). */
const listedSession: Schema = {
  type: "object",
  description: "A session of the user, without its token (revoke it by id with POST /revoke-session)",
  properties: {
    id: { type: "string" },
    userId: { type: "string" },
    expiresAt: { type: "string", format: "date-time" },
    createdAt: { type: "string", format: "date-time" },
    updatedAt: { type: "string", format: "date-time" },
    ipAddress: { type: ["string", "null"] },
    userAgent: { type: ["string", "null"] },
    impersonatedBy: { type: ["string", "null"] },
    activeOrganizationId: { type: ["string", "null"] },
  },
  required: ["id", "userId", "expiresAt", "createdAt", "updatedAt"],
};

/** Answers Gatehouse changes on better-auth's routes: these replace what better-auth's generator documents. */
export const BETTER_AUTH_REPLACED: Readonly<Record<string, Record<string, OpenAPIV3_1.ResponseObject>>> = {
  "get /list-sessions": {
    "200": json("The caller's active sessions", { type: "array", items: listedSession }),
  },
  "post /admin/list-user-sessions": {
    "200": json("The user's sessions", object({ sessions: { type: "array", items: listedSession } })),
  },
};
