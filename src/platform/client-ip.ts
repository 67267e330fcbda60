/**
 * The one internal header that carries the client address from the server (src/server.ts, which reads the socket
 * or a trusted proxy's X-Forwarded-For) to everything that keys on it: better-auth's limiter and the pipeline's.
 * It sits at the bottom layer because both auth and http read it; a copy sent by a client is discarded.
 */
export const CLIENT_IP_HEADER = "x-gatehouse-client-ip";
