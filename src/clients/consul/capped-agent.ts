import http from 'node:http';
import https from 'node:https';
import { ResponseTooLargeError } from '../upstream-body.js';

/**
 * An http(s).Agent that caps every response body it carries (issue 17 item 6). node-consul's HTTP layer (papi
 * 1.1.2, lib/client.js `res.on('data')`) buffers the whole body with no limit; the agent sees each request
 * (`addRequest`), so it counts the response's bytes and destroys the request past the cap. papi then rejects
 * with our error (its `req.on('error')` handler). papi's own `timeout` is already an absolute deadline
 * (lib/client.js: "set request and absolute timeout", a setTimeout that aborts the request).
 */
export function createCappedAgent(secure: boolean, limit: number): http.Agent {
  return capResponseBodies(secure ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true }), limit);
}

/** Hooks `agent` (a plain one, or a tunnel through SSH) so that every response it carries is cut at `limit`. */
export function capResponseBodies<A extends http.Agent>(agent: A, limit: number): A {
  // addRequest is Node's per-request hook (lib/_http_agent.js), not in @types/node.
  const hooked = agent as unknown as { addRequest: (req: http.ClientRequest, options: unknown) => void };
  const addRequest = hooked.addRequest.bind(agent);
  hooked.addRequest = (req, options) => {
    req.once('response', (res: http.IncomingMessage) => {
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.byteLength;
        if (size > limit) req.destroy(new ResponseTooLargeError(limit));
      });
    });
    addRequest(req, options);
  };
  return agent;
}
