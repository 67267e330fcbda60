/**
 * The authenticator app's QR code, drawn on the server (the `qrcode` package) as an SVG inside a data: URI: the
 * page's policy allows data: images and nothing inline, and no third party ever sees the secret it encodes.
 */
export async function qrDataUri(text: string): Promise<string> {
  // Loaded on the first QR code, not at start-up: only the two-factor set-up page draws one (~15 MB resident).
  const { default: QRCode } = await import("qrcode");
  // Error correction M (15 %) is what authenticator apps are tested with; a 4-module margin is the quiet zone
  // the QR standard asks for.
  const svg = await QRCode.toString(text, { type: "svg", errorCorrectionLevel: "M", margin: 4 });
  return `data:image/svg+xml;base64,${Buffer.from(svg).toString("base64")}`;
}

/** The `secret` of an otpauth:// URI, in groups of four for typing by hand. */
export function secretOf(totpUri: string): string {
  const secret = URL.canParse(totpUri) ? (new URL(totpUri).searchParams.get("secret") ?? "") : "";
  return secret.replace(/(.{4})(?=.)/g, "$1 ");
}
