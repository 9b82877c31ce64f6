// Value patterns for SSH template params. Each is matched against the whole value (see argv.ts). None
// allows whitespace, quotes, `$`, `;`, `|`, `&`, backticks or newlines, and names cannot start with `-`,
// so a value can neither break out of its quotes nor be read as an option by the remote tool.

const OCTET = '(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])';

/** Dotted IPv4 address. */
export const IPV4 = new RegExp(`${OCTET}(?:\\.${OCTET}){3}`);
/** IPv4 CIDR, e.g. 10.32.1.0/24. */
export const CIDR = new RegExp(`${IPV4.source}/(?:3[0-2]|[12]?[0-9])`);
/** TCP/UDP port 1–65535. */
export const PORT = /(?:6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[1-9][0-9]{0,3})/;
/** Container name or ID (Docker allows [a-zA-Z0-9][a-zA-Z0-9_.-]). */
export const CONTAINER = /[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}/;
/** Full or short container IDs as `docker ps -q` prints them. */
export const CONTAINER_ID = /[0-9a-f]{12,64}/;
/** Docker label key, e.g. com.hashicorp.nomad.alloc_id. */
export const LABEL_KEY = /[a-zA-Z0-9][a-zA-Z0-9_./-]{0,127}/;
/** Docker label value (alloc IDs, run IDs, job names). */
export const LABEL_VALUE = /[a-zA-Z0-9_.:/@+-]{1,128}/;
/** Docker network name. */
export const NETWORK = /[a-zA-Z0-9][a-zA-Z0-9_.-]{0,63}/;
/** A Docker daemon address for `docker -H`: a Unix socket path or tcp://host:port. */
export const DOCKER_HOST = /(?:unix:\/\/\/[A-Za-z0-9._/-]{1,200}|tcp:\/\/[A-Za-z0-9.-]{1,200}:[0-9]{1,5})/;
/** Image reference with optional tag or digest. */
export const IMAGE = /[a-zA-Z0-9][a-zA-Z0-9._/:@-]{0,255}/;
/** Bench run ID. */
export const RUN_ID = /[a-zA-Z0-9][a-zA-Z0-9_-]{0,63}/;
/** Arguments given to an image's entrypoint: options allowed, shell syntax not. */
export const IMAGE_ARG = /[a-zA-Z0-9_.,:=/@%+-]{1,128}/;
/** Interface name (Linux IFNAMSIZ 16). */
export const INTERFACE = /[a-zA-Z0-9][a-zA-Z0-9_.@-]{0,14}/;
/** Small positive integer of seconds for probe timeouts (1–99). */
export const SMALL_SECONDS = /[1-9][0-9]?/;
/** Bench duration in seconds (1–3600). */
export const DURATION_SECONDS = /(?:3600|3[0-5][0-9]{2}|[12][0-9]{3}|[1-9][0-9]{0,2})/;
/** Parallel streams (1–128). */
export const STREAMS = /(?:12[0-8]|1[01][0-9]|[1-9][0-9]?)/;
/** A tool name for `which`. */
export const TOOL = /[a-zA-Z0-9][a-zA-Z0-9_.+-]{0,63}/;
/** `ip` or `ip:port` of an HTTP target. */
export const HTTP_TARGET = new RegExp(`${IPV4.source}(?::${PORT.source})?`);
/** Path of a file below the web root (no `..` segments). */
export const URL_PATH = /(?:[a-zA-Z0-9_-][a-zA-Z0-9_.-]*)(?:\/[a-zA-Z0-9_-][a-zA-Z0-9_.-]*)*/;
/** An absolute file path without `..` segments (e.g. the bench payload below a web root). */
export const ABS_PATH = /(?:\/[a-zA-Z0-9_-][a-zA-Z0-9_.-]*){1,16}/;
/** A byte count (1 B – 99 GB). */
export const BYTE_COUNT = /[1-9][0-9]{0,10}/;
/** `NAME=value` for `docker run -e` (bench server settings; an ssh public key has spaces, `+`, `/` and `=`). */
export const ENV_ASSIGNMENT = /[A-Z_][A-Z0-9_]{0,63}=[a-zA-Z0-9 +/=@._:-]{0,1024}/;
/** `user:password` of a per-run FTP virtual user (no `@`, `/` or `:` inside the parts). */
export const FTP_CREDENTIALS = /[a-zA-Z0-9_.-]{1,32}:[a-zA-Z0-9]{8,64}/;
/** `user@ip:/absolute/path` for scp. */
export const SCP_SOURCE = new RegExp(`[a-zA-Z0-9_][a-zA-Z0-9_.-]{0,31}@${IPV4.source}:${ABS_PATH.source}`);
/** `ip:port` of a bench server. */
export const IP_PORT = new RegExp(`${IPV4.source}:${PORT.source}`);
