import type { CfnElement } from "aws-cdk-lib";
import { Match } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { accessLogFields, apiPathPatterns, edgeRegion, rateLimits } from "../../infra/edge-stack.ts";
import { routes } from "../../shared/routes.ts";
import {
  data,
  edge,
  edgeTemplate,
  type Json,
  logicalId,
  resourcesOf,
  service,
  synthesizeStacks,
} from "./stacks.ts";
import { cdkContext, customWebOrigin } from "./synth.ts";

beforeAll(synthesizeStacks);

describe("edge stack: CloudFront and AWS WAF", () => {
  const webAclArn = () => ({ "Fn::GetAtt": [logicalId(edge.webAcl), "Arn"] });
  const distribution = () => Object.values(resourcesOf(edgeTemplate, "AWS::CloudFront::Distribution"));

  it("lives in us-east-1, the data and service stacks in the region of the context", () => {
    expect(edge.region).toBe(edgeRegion);
    expect(edgeRegion).toBe("us-east-1");
    expect(service.region).toBe(cdkContext.region);
    expect(data.region).toBe(cdkContext.region);
  });

  it("has a CLOUDFRONT web ACL with a per-IP rate limit on the message-sending POSTs, a looser global one and the AWS common rules", () => {
    edgeTemplate.resourceCountIs("AWS::WAFv2::WebACL", 1);
    const [acl] = Object.values(resourcesOf(edgeTemplate, "AWS::WAFv2::WebACL"));
    expect(acl?.Properties).toMatchObject({ Scope: "CLOUDFRONT", DefaultAction: { Allow: {} } });
    const rules: Json[] = acl?.Properties.Rules;
    const rateBased = rules.filter((rule) => rule.Statement.RateBasedStatement);
    expect(rateBased).toHaveLength(2);

    const tight = rateBased.find((rule) => rule.Statement.RateBasedStatement.ScopeDownStatement);
    expect(tight).toBeDefined();
    expect(tight.Statement.RateBasedStatement).toMatchObject({
      Limit: 100,
      EvaluationWindowSec: 300,
      AggregateKeyType: "IP",
    });
    expect(tight.Action.Block.CustomResponse.ResponseCode).toBe(429);
    const [method, paths] = tight.Statement.RateBasedStatement.ScopeDownStatement.AndStatement.Statements;
    expect(method.ByteMatchStatement).toMatchObject({
      FieldToMatch: { Method: {} },
      PositionalConstraint: "EXACTLY",
      SearchString: "POST",
    });
    const limitedPaths = paths.OrStatement.Statements.map((statement: Json) => {
      expect(statement.ByteMatchStatement).toMatchObject({
        FieldToMatch: { UriPath: {} },
        PositionalConstraint: "EXACTLY",
      });
      return statement.ByteMatchStatement.SearchString;
    });
    expect(limitedPaths.sort()).toEqual(["/v1/pin-requests", "/v1/recoveries", "/v1/revocations"]);

    const loose = rateBased.find((rule) => !rule.Statement.RateBasedStatement.ScopeDownStatement);
    expect(loose?.Statement.RateBasedStatement.AggregateKeyType).toBe("IP");
    expect(loose?.Statement.RateBasedStatement.Limit).toBeGreaterThan(100);
    expect(loose?.Action.Block).toBeDefined();

    expect(rules).toContainEqual(
      expect.objectContaining({
        OverrideAction: { None: {} },
        Statement: {
          ManagedRuleGroupStatement: { VendorName: "AWS", Name: "AWSManagedRulesCommonRuleSet" },
        },
      }),
    );
    // Requests are counted before the managed rules look at them.
    expect(Math.max(...rateBased.map((rule) => rule.Priority))).toBeLessThan(
      rules.find((rule) => rule.Statement.ManagedRuleGroupStatement)?.Priority,
    );
  });

  it("rate-limits only paths that are public POST routes of the route table", () => {
    for (const path of rateLimits.messageSending.paths) {
      expect(
        routes.some(
          (route) => route.path === path && route.method === "POST" && route.access.kind === "public",
        ),
        path,
      ).toBe(true);
    }
  });

  it("attaches the web ACL to the distribution", () => {
    edgeTemplate.resourceCountIs("AWS::CloudFront::Distribution", 1);
    expect(distribution()[0]?.Properties.DistributionConfig.WebACLId).toEqual(webAclArn());
  });

  it("sends /v1/* and /.well-known/* to the HTTP API, uncached, every method, every header but Host, HTTPS only", () => {
    const config = distribution()[0]?.Properties.DistributionConfig;
    const apiOrigins = (config.Origins as Json[]).filter((origin) =>
      JSON.stringify(origin.DomainName).includes(".execute-api."),
    );
    expect(apiOrigins).toHaveLength(1);
    const [apiOrigin] = apiOrigins;
    // The API's id, read from the service stack in its own region.
    expect(JSON.stringify(apiOrigin.DomainName)).toContain(
      JSON.stringify({ StackName: service.stackName, Region: service.region }).slice(1, -1),
    );
    expect(apiOrigin.CustomOriginConfig).toEqual({
      OriginProtocolPolicy: "https-only",
      OriginSSLProtocols: ["TLSv1.2"],
    });
    const behaviours = new Map(
      (config.CacheBehaviors as Json[]).map((behaviour) => [behaviour.PathPattern, behaviour]),
    );
    expect([...behaviours.keys()].sort()).toEqual([...apiPathPatterns].sort());
    // The default behaviour serves the web client from S3 (test/infra/web-site.test.ts).
    for (const behaviour of behaviours.values()) {
      expect(behaviour).toMatchObject({
        TargetOriginId: apiOrigin.Id,
        ViewerProtocolPolicy: "https-only",
        AllowedMethods: expect.arrayContaining(["GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"]),
        CachePolicyId: "4135ea2d-6df8-44a3-9df3-4b5a84be39ad", // Managed-CachingDisabled
        OriginRequestPolicyId: "b689b0a8-53d0-40ab-baf2-68738e2966ac", // Managed-AllViewerExceptHostHeader
      });
    }
  });

  it("answers on the web origin's host name with TLS 1.2 or later", () => {
    const config = distribution()[0]?.Properties.DistributionConfig;
    expect(config.Aliases).toEqual([new URL(customWebOrigin).hostname]);
    expect(config.ViewerCertificate).toMatchObject({
      MinimumProtocolVersion: "TLSv1.2_2021",
      SslSupportMethod: "sni-only",
    });
    edgeTemplate.hasResourceProperties("AWS::CertificateManager::Certificate", {
      DomainName: new URL(customWebOrigin).hostname,
      ValidationMethod: "DNS",
    });
  });

  it("logs access to a retained, private bucket, without path, query string, referrer or cookies", () => {
    const distributionId = logicalId(edge.distribution.node.defaultChild as CfnElement);
    edgeTemplate.hasResourceProperties("AWS::Logs::DeliverySource", {
      LogType: "ACCESS_LOGS",
      ResourceArn: { "Fn::Join": ["", Match.arrayWith([{ Ref: distributionId }])] },
    });
    const bucketId = logicalId(edge.accessLogsBucket.node.defaultChild as CfnElement);
    edgeTemplate.hasResourceProperties("AWS::Logs::DeliveryDestination", {
      DestinationResourceArn: { "Fn::GetAtt": [bucketId, "Arn"] },
    });
    const [delivery] = Object.values(resourcesOf(edgeTemplate, "AWS::Logs::Delivery"));
    expect(delivery?.Properties.RecordFields).toEqual([...accessLogFields]);
    for (const field of ["cs-uri-stem", "cs-uri-query", "cs(Referer)", "cs(Cookie)"]) {
      expect(delivery?.Properties.RecordFields).not.toContain(field);
    }
    const bucket = resourcesOf(edgeTemplate, "AWS::S3::Bucket")[bucketId];
    expect(bucket?.DeletionPolicy).toBe("Retain");
    expect(bucket?.Properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
  });
});
