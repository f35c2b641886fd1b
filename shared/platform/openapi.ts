import { extendZodWithOpenApi, OpenAPIRegistry, OpenApiGeneratorV31 } from "@asteasolutions/zod-to-openapi";
import { z } from "zod";
import { type RouteDefinition, routes } from "../routes.ts";

// Adds `.openapi()` to zod's prototypes, so schemas built anywhere (before or after) can be registered.
extendZodWithOpenApi(z);

const problemSchema = z.object({
  type: z.string(),
  code: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  instance: z.string().optional(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});

const securitySchemes = {
  citizen: { type: "http", scheme: "bearer", bearerFormat: "JWT", description: "Citizen access token" },
  identity: {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
    description: "SPID/CIE/CNS identity token",
  },
  operator: { type: "http", scheme: "bearer", bearerFormat: "JWT", description: "Operator token (Cognito)" },
} as const;

function securityOf(route: RouteDefinition): Array<Record<string, string[]>> | undefined {
  switch (route.access.kind) {
    case "public":
      return undefined;
    case "citizen-or-identity":
      return [{ citizen: [] }, { identity: [] }];
    case "operator":
      return [{ operator: [...route.access.groups] }];
    default:
      return [{ [route.access.kind]: [] }];
  }
}

/** The OpenAPI 3.1 document of every registered route, generated from the same zod schemas the handlers use. */
export function buildOpenApiDocument(origin: string): Record<string, unknown> {
  const registry = new OpenAPIRegistry();
  registry.register("Problem", problemSchema);
  for (const [name, scheme] of Object.entries(securitySchemes)) {
    registry.registerComponent("securitySchemes", name, { ...scheme });
  }
  for (const route of routes) {
    const paramNames = [...route.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] as string);
    const responses: Record<string, unknown> = {};
    for (const [status, response] of Object.entries(route.responses)) {
      responses[status] = {
        description: response.description,
        ...(response.schema
          ? { content: { [response.contentType ?? "application/json"]: { schema: response.schema } } }
          : {}),
      };
    }
    responses.default = {
      description: "Problem (RFC 9457)",
      content: { "application/problem+json": { schema: problemSchema } },
    };
    registry.registerPath({
      method: route.method.toLowerCase() as "get",
      path: route.path,
      summary: route.summary,
      security: securityOf(route),
      request: {
        ...(paramNames.length > 0
          ? { params: z.object(Object.fromEntries(paramNames.map((n) => [n, z.string()]))) }
          : {}),
        ...(route.body
          ? { body: { required: true, content: { "application/json": { schema: route.body } } } }
          : {}),
      },
      responses: responses as never,
    });
  }
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: "3.1.0",
    info: {
      title: "PIN service",
      version: "1.0.0",
      description: "Issues and manages the PIN for residents abroad (INPS PIN model).",
    },
    servers: [{ url: origin }],
  }) as unknown as Record<string, unknown>;
}
