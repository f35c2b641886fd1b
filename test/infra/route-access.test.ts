import { type CfnElement, Validations } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import { AwsSolutionsChecks } from "cdk-nag";
import { beforeAll, describe, expect, it } from "vitest";
import { DataStack } from "../../infra/data-stack.ts";
import { ServiceStack } from "../../infra/service-stack.ts";
import type { FunctionName } from "../../shared/functions.ts";
import { type RouteDefinition, routes } from "../../shared/routes.ts";
import { cdkContext, customWebOrigin, testApp, unacknowledgedFindings } from "./synth.ts";

/**
 * Made-up routes beside the real table, to show that the stack wires every access kind: a JWT authorizer on
 * operator routes, the issuers' settings in the functions behind operator and identity routes. Under
 * `/v1/test-…`, so they never collide with a real route.
 */
const extraRoutes: RouteDefinition[] = [
  {
    method: "POST",
    path: "/v1/test-operator/contacts",
    functionName: "health",
    access: { kind: "operator", groups: ["contact-center"] },
    summary: "test operator route",
    responses: { 200: { description: "ok" } },
  },
  {
    method: "GET",
    path: "/v1/test-operator/citizens/{codiceFiscale}/events",
    functionName: "health",
    access: { kind: "operator", groups: ["auditor", "back-office"] },
    summary: "second operator route, same authorizer",
    responses: { 200: { description: "ok" } },
  },
  {
    method: "POST",
    path: "/v1/test-identity",
    functionName: "openapi",
    access: { kind: "identity" },
    summary: "test identity route",
    responses: { 200: { description: "ok" } },
  },
  {
    method: "GET",
    path: "/v1/test-delegations",
    functionName: "jwks",
    access: { kind: "citizen-or-identity" },
    summary: "test citizen-or-identity route",
    responses: { 200: { description: "ok" } },
  },
];

let service: ServiceStack;
let template: Template;

function variablesOf(name: FunctionName): Record<string, unknown> {
  const id = service.resolve((service.functions[name].function.node.defaultChild as CfnElement).logicalId);
  return template.toJSON().Resources[id].Properties.Environment.Variables;
}

beforeAll(() => {
  const app = testApp();
  const data = new DataStack(app, "Data", { webOrigin: customWebOrigin });
  service = new ServiceStack(app, "Service", {
    data,
    stage: "test",
    senderEmail: String(cdkContext.senderEmail),
    smsSenderId: String(cdkContext.smsSenderId),
    webOrigin: customWebOrigin,
    identityIssuer: "https://identity.example.org/",
    identityAudience: "pin-service",
    routes: [...routes, ...extraRoutes],
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }));
  template = Template.fromStack(service);
});

describe("routes by access kind", () => {
  it("puts operator routes behind a JWT authorizer for the user pool client, identity routes behind one for the identity issuer, and no other route", () => {
    template.resourceCountIs("AWS::ApiGatewayV2::Authorizer", 2);
    const userPool = service.resolve((service.userPool.node.defaultChild as CfnElement).logicalId);
    const client = service.resolve((service.userPoolClient.node.defaultChild as CfnElement).logicalId);
    const idOf = (properties: Record<string, unknown>) => {
      const found = Object.keys(
        template.findResources("AWS::ApiGatewayV2::Authorizer", { Properties: properties }),
      );
      expect(found).toHaveLength(1);
      return found[0];
    };
    const operatorAuthorizer = idOf({
      AuthorizerType: "JWT",
      IdentitySource: ["$request.header.Authorization"],
      JwtConfiguration: {
        Audience: [{ Ref: client }],
        Issuer: {
          "Fn::Join": ["", Match.arrayWith([Match.stringLikeRegexp("cognito-idp"), { Ref: userPool }])],
        },
      },
    });
    const identityAuthorizer = idOf({
      AuthorizerType: "JWT",
      IdentitySource: ["$request.header.Authorization"],
      JwtConfiguration: { Audience: ["pin-service"], Issuer: "https://identity.example.org" },
    });
    expect(operatorAuthorizer).toBeDefined();
    expect(identityAuthorizer).toBeDefined();
    const keysOf = (kind: string) =>
      [...routes, ...extraRoutes].filter((r) => r.access.kind === kind).map((r) => `${r.method} ${r.path}`);
    const routeResources = Object.values(template.findResources("AWS::ApiGatewayV2::Route"));
    for (const route of routeResources) {
      const key = route.Properties.RouteKey as string;
      const authorizer = keysOf("operator").includes(key)
        ? operatorAuthorizer
        : keysOf("identity").includes(key)
          ? identityAuthorizer
          : undefined;
      expect(route.Properties.AuthorizationType ?? "NONE", key).toBe(authorizer ? "JWT" : "NONE");
      expect(route.Properties.AuthorizerId, key).toEqual(authorizer ? { Ref: authorizer } : undefined);
    }
    expect(keysOf("operator").length).toBeGreaterThanOrEqual(3);
    expect(keysOf("identity").length).toBeGreaterThanOrEqual(2);
  });

  it("tells the functions behind operator routes the operator issuer, audience and JWKS", () => {
    const variables = variablesOf("health");
    expect(Object.keys(variables)).toEqual(
      expect.arrayContaining(["OPERATOR_ISSUER", "OPERATOR_AUDIENCE", "OPERATOR_JWKS_URL"]),
    );
    expect(JSON.stringify(variables.OPERATOR_JWKS_URL)).toContain("/.well-known/jwks.json");
    expect(variables.IDENTITY_ISSUER).toBeUndefined();
  });

  it("tells the functions behind identity routes the identity issuer, audience and JWKS", () => {
    for (const name of ["openapi", "jwks"] as const) {
      expect(variablesOf(name), name).toMatchObject({
        IDENTITY_ISSUER: "https://identity.example.org",
        IDENTITY_AUDIENCE: "pin-service",
        IDENTITY_JWKS_URL: "https://identity.example.org/.well-known/jwks.json",
      });
      expect(variablesOf(name).OPERATOR_ISSUER, name).toBeUndefined();
    }
    expect(variablesOf("sessions").IDENTITY_ISSUER).toBeUndefined();
  });

  it("needs no acknowledgment for operator and identity routes and finds nothing unacknowledged", () => {
    expect(unacknowledgedFindings(service)).toEqual([]);
    const acknowledgedRoutes = Object.values(template.findResources("AWS::ApiGatewayV2::Route")).filter(
      (route) =>
        route.Metadata?.cdk_nag?.rules_to_suppress?.some(
          (rule: { id: string }) => rule.id === "AwsSolutions-APIG4",
        ),
    );
    expect(acknowledgedRoutes.map((route) => route.Properties.RouteKey).sort()).toEqual(
      [
        ...routes
          .filter((r) => r.access.kind !== "operator" && r.access.kind !== "identity")
          .map((r) => `${r.method} ${r.path}`),
        "$default",
        "GET /v1/test-delegations",
      ].sort(),
    );
  });
});
