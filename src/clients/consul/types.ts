import { z } from 'zod';

// Only the fields the bot reads are named; looseObject keeps the rest.

const stringMap = z.record(z.string(), z.string()).nullish();

/** A service as the agent lists it (`GET /v1/agent/services`, values of the map). */
const agentServiceSchema = z.looseObject({
  ID: z.string(),
  Service: z.string(),
  Tags: z.array(z.string()).nullish(),
  Meta: stringMap,
  Port: z.number().nullish(),
  Address: z.string().nullish(),
});
export type AgentService = z.infer<typeof agentServiceSchema>;
export const agentServicesSchema = z.record(z.string(), agentServiceSchema);

/** One entry of `GET /v1/catalog/service/:name`. ServiceAddress "" means "use the node Address". */
export const catalogServiceEntrySchema = z.looseObject({
  Node: z.string(),
  Address: z.string(),
  Datacenter: z.string().nullish(),
  ServiceID: z.string(),
  ServiceName: z.string(),
  ServiceAddress: z.string().nullish(),
  ServicePort: z.number().nullish(),
  ServiceTags: z.array(z.string()).nullish(),
  ServiceMeta: stringMap,
});
export type CatalogServiceEntry = z.infer<typeof catalogServiceEntrySchema>;

/** A health check result. Status is passing | warning | critical. */
const healthCheckSchema = z.looseObject({
  Node: z.string().nullish(),
  CheckID: z.string(),
  Name: z.string().nullish(),
  Status: z.string(),
  Output: z.string().nullish(),
  ServiceID: z.string().nullish(),
  ServiceName: z.string().nullish(),
});

/** One entry of `GET /v1/health/service/:name`. */
export const healthServiceEntrySchema = z.looseObject({
  Node: z.looseObject({ Node: z.string(), Address: z.string(), Datacenter: z.string().nullish() }),
  Service: z.looseObject({
    ID: z.string(),
    Service: z.string(),
    Address: z.string().nullish(),
    Port: z.number().nullish(),
    Tags: z.array(z.string()).nullish(),
    Meta: stringMap,
  }),
  Checks: z.array(healthCheckSchema),
});
export type HealthServiceEntry = z.infer<typeof healthServiceEntrySchema>;

/** A serf member (`GET /v1/agent/members`). Status: 1 alive, 2 leaving, 3 left, 4 failed. */
export const memberSchema = z.looseObject({
  Name: z.string(),
  Addr: z.string(),
  Port: z.number().nullish(),
  Status: z.number(),
  Tags: stringMap,
});
export type ConsulMember = z.infer<typeof memberSchema>;

/** The parts of `GET /v1/agent/self` the bot reads. */
export const agentSelfSchema = z.looseObject({
  Config: z.looseObject({
    Datacenter: z.string(),
    NodeName: z.string(),
    Version: z.string().nullish(),
    Server: z.boolean().nullish(),
  }),
  Member: memberSchema.nullish(),
});
export type AgentSelf = z.infer<typeof agentSelfSchema>;

/** What the bot registers on an agent (`PUT /v1/agent/service/register`). Durations are Consul strings ("10s"). */
export interface AgentServiceDefinition {
  /** Must not start with `_nomad-task-`: Nomad's sync loop deletes such services it does not track. */
  ID: string;
  Name: string;
  Address: string;
  Port: number;
  Tags?: string[];
  Meta?: Record<string, string>;
  Check?: {
    /** `host:port` for a TCP check; exactly one of TCP or HTTP. */
    TCP?: string;
    /** URL for an HTTP check. */
    HTTP?: string;
    Interval: string;
    Timeout?: string;
    DeregisterCriticalServiceAfter?: string;
  };
}
