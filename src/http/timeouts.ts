/**
 * How long the HTTPS server waits for a client, as README.md ("Limits on the wire") documents it. The request
 * timeout is a setting (`requestTimeoutMs`, STRONGROOM_REQUEST_TIMEOUT_MS, default below); the others are constants.
 * Node's and Fastify's defaults (no limit on receiving a request, 72 s of keep-alive idling) let a client that
 * trickles its request hold a connection forever, and keep idle connections open longer than documented.
 * Node checks the request and header limits only every `connectionsCheckingInterval` (30 s by default, and its
 * header limit stays 60 s unless given when the server is created): both are given to the server at creation,
 * so a client dripping its headers or its body one byte at a time is cut within a second of the limit.
 */

/** By default a whole request, headers and body, must arrive within this, or it is answered 408 REQUEST_TIMEOUT. */
export const REQUEST_TIMEOUT_MS = 30_000;

/** How often Node looks for connections past the request limit: the limit is kept within this. */
export const CONNECTIONS_CHECKING_INTERVAL_MS = 1000;

/**
 * A socket that moves no byte for this long is destroyed; between the requests of a kept-alive connection the
 * keep-alive timeout below applies instead.
 */
export const SOCKET_IDLE_TIMEOUT_MS = 60_000;

/**
 * A kept-alive connection that carries no new request for this long after its last answer is closed, and each
 * answer says so (`Keep-Alive: timeout=60`). Node closes the socket one second after this (a fixed buffer), so a
 * client that honours the header never sends a request on a connection the server is closing.
 */
export const KEEP_ALIVE_TIMEOUT_MS = 60_000;
