/** The GeoLens request bodies as sent, by request (body.ts keeps them, the renderer quotes them). */
const raw = new WeakMap<Request, { readonly value: unknown }>();

export function keepRawBody<T>(request: Request, value: T): T {
  raw.set(request, { value });
  return value;
}

/** The body as sent, or `undefined` when none was read. */
export function rawBodyOf(request: Request): { readonly value: unknown } | undefined {
  return raw.get(request);
}
