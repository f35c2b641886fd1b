import type { CfnElement } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { definePinService } from "../../infra/app.ts";
import type { EdgeStack } from "../../infra/edge-stack.ts";
import { pageFile, pages } from "../../web/site.ts";
import { testApp, unacknowledgedFindings } from "./synth.ts";

// biome-ignore lint/suspicious/noExplicitAny: templates are read loosely and asserted on
type Json = any;

let edge: EdgeStack;
let template: Template;
const logicalId = (element: CfnElement) => edge.getLogicalId(element);
const resources = (type: string): Record<string, Json> => template.findResources(type);

beforeAll(() => {
  ({ edge } = definePinService(testApp()));
  template = Template.fromStack(edge);
});

describe("web client on CloudFront", () => {
  it("serves the default behaviour from a private bucket through origin access control, HTTPS only", () => {
    const config = Object.values(resources("AWS::CloudFront::Distribution"))[0].Properties.DistributionConfig;
    const bucketId = logicalId(edge.webSite.bucket.node.defaultChild as CfnElement);
    const s3Origin = (config.Origins as Json[]).find((o) => JSON.stringify(o.DomainName).includes(bucketId));
    expect(s3Origin.S3OriginConfig).toEqual({ OriginAccessIdentity: "" });
    expect(s3Origin.OriginAccessControlId).toBeDefined();
    template.hasResourceProperties("AWS::CloudFront::OriginAccessControl", {
      OriginAccessControlConfig: { OriginAccessControlOriginType: "s3", SigningBehavior: "always" },
    });
    expect(config.DefaultCacheBehavior).toMatchObject({
      TargetOriginId: s3Origin.Id,
      ViewerProtocolPolicy: "https-only",
      AllowedMethods: ["GET", "HEAD"],
    });
    const bucket = resources("AWS::S3::Bucket")[bucketId];
    expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket.Properties.WebsiteConfiguration).toBeUndefined();
    // Only CloudFront, for this distribution, may read it.
    const policy = Object.values(resources("AWS::S3::BucketPolicy")).find(
      (p) => JSON.stringify(p.Properties.Bucket) === JSON.stringify({ Ref: bucketId }),
    );
    const reads = policy.Properties.PolicyDocument.Statement.filter((s: Json) => s.Effect === "Allow");
    expect(reads).toEqual([
      expect.objectContaining({
        Principal: { Service: "cloudfront.amazonaws.com" },
        Action: "s3:GetObject",
        Condition: { StringEquals: { "AWS:SourceArn": expect.anything() } },
      }),
    ]);
  });

  it("answers with a strict CSP, HSTS and no framing", () => {
    const [policy] = Object.values(resources("AWS::CloudFront::ResponseHeadersPolicy"));
    const headers = policy.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig;
    const csp = JSON.stringify(headers.ContentSecurityPolicy.ContentSecurityPolicy);
    for (const directive of [
      "default-src 'none'",
      "script-src 'self'",
      "style-src 'self'",
      "frame-ancestors 'none'",
    ])
      expect(csp).toContain(directive);
    expect(csp).not.toContain("unsafe-inline");
    expect(csp).not.toContain("unsafe-eval");
    // Uploads go straight to the uploads bucket's regional endpoint (F10).
    expect(csp).toContain(".s3.");
    expect(headers.StrictTransportSecurity).toMatchObject({
      AccessControlMaxAgeSec: 63072000,
      IncludeSubdomains: true,
      Override: true,
    });
    expect(headers.FrameOptions).toEqual({ FrameOption: "DENY", Override: true });
    expect(headers.ContentTypeOptions).toEqual({ Override: true });
    const config = Object.values(resources("AWS::CloudFront::Distribution"))[0].Properties.DistributionConfig;
    expect(config.DefaultCacheBehavior.ResponseHeadersPolicyId).toEqual({
      Ref: logicalId(edge.webSite.responseHeadersPolicy.node.defaultChild as CfnElement),
    });
  });

  it("maps every deployed page path to its file and the rest to the 404 page, never the local-only pages", () => {
    const functions = Object.values(resources("AWS::CloudFront::Function"));
    const mapper = functions.find((f) => String(f.Properties.FunctionCode).includes("var files"));
    const code = String(mapper.Properties.FunctionCode);
    const files = JSON.parse(/var files = (\{.*\});/.exec(code)![1]!);
    for (const page of pages.filter((p) => !p.localOnly))
      expect(files[page.path]).toBe(`/${pageFile(page.path)}`);
    expect(files["/identity/sign-in"]).toBeUndefined();
    // Run the function as CloudFront would.
    const handler = new Function(`${code}; return handler;`)() as (e: Json) => Json;
    const uri = (u: string) => handler({ request: { uri: u, headers: {} } }).uri;
    expect(uri("/recovery/confirm")).toBe("/recovery/confirm/index.html");
    expect(uri("/operator/")).toBe("/operator/index.html");
    expect(uri("/")).toBe("/index.html");
    expect(uri("/assets/js/home.js")).toBe("/assets/js/home.js");
    expect(uri("/identity/sign-in")).toBe("/404/index.html");
    expect(uri("/nothing")).toBe("/404/index.html");
    const status = functions.find((f) => String(f.Properties.FunctionCode).includes("statusCode = 404"));
    expect(status).toBeDefined();
  });

  it("deploys the built client and config.json with BucketDeployment, invalidating the distribution", () => {
    const [deployment] = Object.values(resources("Custom::CDKBucketDeployment"));
    expect(deployment.Properties.DestinationBucketName).toEqual({
      Ref: logicalId(edge.webSite.bucket.node.defaultChild as CfnElement),
    });
    expect(deployment.Properties.DistributionPaths).toEqual(["/*"]);
    expect(deployment.Properties.Prune).toBe(true);
    expect(deployment.Properties.SourceObjectKeys).toHaveLength(2);
  });

  it("leaves no cdk-nag finding unacknowledged", () => {
    expect(unacknowledgedFindings(edge)).toEqual([]);
  });
});
