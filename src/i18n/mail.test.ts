import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { createTestApp, type TestApp } from "../../test/helpers/test-app.ts";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ sms: true });
});
afterAll(() => t.close());

async function signUp(email: string, init: { locale?: string; headers?: Record<string, string> } = {}) {
  const response = await t.request("/api/auth/sign-up/email", {
    json: {
      email,
      password: "password-123",
      name: "Mail Test",
      ...(init.locale ? { locale: init.locale } : {}),
    },
    headers: init.headers ?? {},
  });
  expect(response.status).toBe(200);
}

describe("mail templates", () => {
  it("sends the verification mail of a user created with locale es in Spanish", async () => {
    await signUp("es-user@example.com", { locale: "es", headers: { "accept-language": "de" } });
    const mail = await t.smtp.waitFor((m) => m.to.includes("es-user@example.com"));
    expect(mail.subject).toBe("Verifica tu dirección de correo electrónico");
    expect(mail.text).toContain("Confirma que esta es tu dirección de correo electrónico.");
    expect(mail.text).toContain("Verificar correo: http");
    expect(mail.html).toContain('lang="es"');
  });

  it("uses the request's language for a user without a saved locale", async () => {
    await signUp("fr-request@example.com", { headers: { "accept-language": "fr-CH, en;q=0.5" } });
    const mail = await t.smtp.waitFor((m) => m.to.includes("fr-request@example.com"));
    expect(mail.subject).toBe("Vérifiez votre adresse e-mail");
  });

  it("falls back to DEFAULT_LOCALE (English here) when neither says anything", async () => {
    await signUp("plain@example.com");
    const mail = await t.smtp.waitFor((m) => m.to.includes("plain@example.com"));
    expect(mail.subject).toBe("Verify your e-mail address");
  });

  it("sends a password reset in the recipient's saved locale, whatever the requester's language", async () => {
    await signUp("ja-user@example.com", { locale: "ja" });
    const response = await t.request("/api/auth/request-password-reset?lang=fr", {
      json: { email: "ja-user@example.com", redirectTo: `${t.config.baseUrl}/reset` },
    });
    expect(response.status).toBe(200);
    const mail = await t.smtp.waitFor(
      (m) => m.to.includes("ja-user@example.com") && m.subject === "パスワードの再設定",
    );
    expect(mail.text).toContain("新しいパスワードを設定する: http");
  });
});

describe("SMS templates", () => {
  it("sends the phone verification code in the request's language", async () => {
    const sms = t.sms;
    if (!sms) throw new Error("the SMS peer is not running");
    const response = await t.request("/api/auth/phone-number/send-otp", {
      json: { phoneNumber: "+14155550123" },
      headers: { "accept-language": "pt-BR" },
    });
    expect(response.status).toBe(200);
    const message = await sms.waitFor((m) => m.to === "+14155550123");
    expect(message.body).toMatch(/^Seu código de verificação é \d{6}$/);
  });
});
