import type { IncomingHttpHeaders } from 'node:http';

/** What a handler sees of a request. */
export interface RequestContext {
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Decoded JSON body; undefined when the body was empty. */
  body: unknown;
}

/** A handler's answer: JSON (`json`), plain text (`text`) or nothing (empty 200). */
export interface Reply {
  status?: number;
  json?: unknown;
  text?: string;
  headers?: Record<string, string>;
  /**
   * The index header's value: a number, `null` for no header (Nomad's agent and parse endpoints never call
   * setIndex), or absent for the server's current index (Consul's emulator).
   */
  index?: number | null;
}

type Handler = (ctx: RequestContext) => Promise<Reply> | Reply;

/** One endpoint: methods and a path pattern with `:name` segments. */
export interface Route {
  methods: readonly string[];
  pattern: string;
  handler: Handler;
}

interface CompiledRoute extends Route {
  regex: RegExp;
  names: string[];
}

/** A matched route, or which methods the path would accept. */
export type RouteMatch =
  | { kind: 'found'; handler: Handler; params: Record<string, string> }
  | { kind: 'wrong-method' }
  | { kind: 'none' };

/** Matches request paths against routes; a path known under another method is a 405, as Nomad and Consul do. */
export class Router {
  readonly #routes: CompiledRoute[];

  constructor(routes: readonly Route[]) {
    this.#routes = routes.map((route) => compileRoute(route));
  }

  /** Finds the handler for a method and path. */
  match(method: string, path: string): RouteMatch {
    let pathKnown = false;
    for (const route of this.#routes) {
      const found = route.regex.exec(path);
      if (!found) continue;
      pathKnown = true;
      if (!route.methods.includes(method)) continue;
      const params: Record<string, string> = {};
      route.names.forEach((name, i) => {
        params[name] = decodeURIComponent(found[i + 1] ?? '');
      });
      return { kind: 'found', handler: route.handler, params };
    }
    return pathKnown ? { kind: 'wrong-method' } : { kind: 'none' };
  }
}

function compileRoute(route: Route): CompiledRoute {
  const names: string[] = [];
  const source = route.pattern
    .split('/')
    .map((segment) => {
      if (!segment.startsWith(':')) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(segment.slice(1));
      return segment.endsWith('*') ? '(.+)' : '([^/]+)';
    })
    .join('/');
  for (let i = 0; i < names.length; i++) names[i] = (names[i] as string).replace(/\*$/, '');
  return { ...route, regex: new RegExp(`^${source}$`), names };
}

/** Reads the bearer or product token header, as both APIs accept `Authorization: Bearer`. */
export function readToken(headers: IncomingHttpHeaders, productHeader: string): string | undefined {
  const direct = headers[productHeader.toLowerCase()];
  if (typeof direct === 'string' && direct !== '') return direct;
  const auth = headers.authorization;
  if (typeof auth === 'string' && auth.startsWith('Bearer ')) return auth.slice('Bearer '.length);
  return undefined;
}
