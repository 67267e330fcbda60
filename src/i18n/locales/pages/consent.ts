/**
 * The consent page's strings (src/http/pages/consent.ts) in every supported locale, in one file of its own so
 * that the OpenID Provider's page does not touch the other pages' catalogues. `{{client}}` is the client's name.
 */
import type { Locale } from "../../locales.ts";

export interface ConsentStrings {
  readonly title: string;
  readonly lead: string;
  readonly allow: string;
  readonly deny: string;
  readonly scopes: { readonly [scope: string]: string };
}

export const CONSENT_STRINGS: { readonly [L in Locale]: ConsentStrings } = {
  en: {
    title: "Allow access?",
    lead: "{{client}} asks to use your account:",
    allow: "Allow",
    deny: "Deny",
    scopes: {
      openid: "Sign you in",
      profile: "Your name, picture and language",
      email: "Your e-mail address",
      phone: "Your phone number",
      offline_access: "Stay connected when you are away",
      tenant: "Your organization and roles in it",
    },
  },
  de: {
    title: "Zugriff erlauben?",
    lead: "{{client}} möchte Ihr Konto verwenden:",
    allow: "Erlauben",
    deny: "Ablehnen",
    scopes: {
      openid: "Sie anmelden",
      profile: "Ihr Name, Bild und Ihre Sprache",
      email: "Ihre E-Mail-Adresse",
      phone: "Ihre Telefonnummer",
      offline_access: "Verbunden bleiben, wenn Sie nicht da sind",
      tenant: "Ihre Organisation und Ihre Rollen darin",
    },
  },
  es: {
    title: "¿Permitir el acceso?",
    lead: "{{client}} quiere usar tu cuenta:",
    allow: "Permitir",
    deny: "Rechazar",
    scopes: {
      openid: "Iniciar tu sesión",
      profile: "Tu nombre, foto e idioma",
      email: "Tu dirección de correo",
      phone: "Tu número de teléfono",
      offline_access: "Seguir conectado cuando no estés",
      tenant: "Tu organización y tus roles en ella",
    },
  },
  fr: {
    title: "Autoriser l’accès ?",
    lead: "{{client}} demande à utiliser votre compte :",
    allow: "Autoriser",
    deny: "Refuser",
    scopes: {
      openid: "Vous connecter",
      profile: "Votre nom, votre photo et votre langue",
      email: "Votre adresse e-mail",
      phone: "Votre numéro de téléphone",
      offline_access: "Rester connecté en votre absence",
      tenant: "Votre organisation et vos rôles",
    },
  },
  ja: {
    title: "アクセスを許可しますか？",
    lead: "{{client}} があなたのアカウントの利用を求めています:",
    allow: "許可",
    deny: "拒否",
    scopes: {
      openid: "サインイン",
      profile: "名前、画像、言語",
      email: "メールアドレス",
      phone: "電話番号",
      offline_access: "不在時も接続を維持",
      tenant: "所属組織とその中のロール",
    },
  },
  "pt-BR": {
    title: "Permitir acesso?",
    lead: "{{client}} pede para usar sua conta:",
    allow: "Permitir",
    deny: "Recusar",
    scopes: {
      openid: "Entrar com você",
      profile: "Seu nome, foto e idioma",
      email: "Seu endereço de e-mail",
      phone: "Seu número de telefone",
      offline_access: "Manter a conexão quando você não estiver",
      tenant: "Sua organização e seus papéis nela",
    },
  },
  "zh-CN": {
    title: "允许访问？",
    lead: "{{client}} 请求使用您的账户：",
    allow: "允许",
    deny: "拒绝",
    scopes: {
      openid: "为您登录",
      profile: "您的姓名、头像和语言",
      email: "您的电子邮件地址",
      phone: "您的电话号码",
      offline_access: "在您离开时保持连接",
      tenant: "您的组织及其中的角色",
    },
  },
};
