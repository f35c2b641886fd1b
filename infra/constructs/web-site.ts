import { AssetHashType, type CfnResource, DockerImage, Duration, RemovalPolicy, Token } from "aws-cdk-lib";
import * as cloudfront from "aws-cdk-lib/aws-cloudfront";
import * as origins from "aws-cdk-lib/aws-cloudfront-origins";
import * as s3 from "aws-cdk-lib/aws-s3";
import * as s3deploy from "aws-cdk-lib/aws-s3-deployment";
import { rules } from "cdk-nag";
import { Construct } from "constructs";
import { accessLogPrefixes } from "#shared/bucket-layout";
import { buildWeb } from "../../web/build.ts";
import {
  assetPrefix,
  contentSecurityPolicy,
  notFoundPage,
  pageFile,
  pages,
  type WebConfig,
} from "../../web/site.ts";
import { acknowledge } from "../nag.ts";

const webDir = new URL("../../web/", import.meta.url).pathname;

export interface WebSiteProps {
  /** Where the site bucket's server access logs go (a prefix of the edge stack's log bucket). */
  readonly accessLogsBucket: s3.IBucket;
  /**
   * `config.json` of the deployed client: how operators sign in (Cognito hosted sign-in, code flow with PKCE)
   * and, when offered, the SPID/CIE/CNS provider of the phone PIN page.
   */
  readonly config: Extract<WebConfig, { auth: "cognito" }>;
  /**
   * Origins the pages may send uploads to and preview documents from (the uploads bucket's presigned POST and
   * GET URLs, F10), added to the CSP.
   * @default none
   */
  readonly storageOrigins?: string[];
}

/**
 * The web client (docs/web-client.md) as CloudFront's default behaviour: a private S3 bucket reached only through origin
 * access control, page paths mapped to their files by a CloudFront function (unknown ones to the 404 page, with
 * status 404), every answer with a strict CSP, HSTS and `frame-ancestors 'none'`, and the client built by
 * esbuild during synthesis and deployed with `BucketDeployment`.
 */
export class WebSite extends Construct {
  readonly bucket: s3.Bucket;
  /** The distribution's default behaviour. */
  readonly behavior: cloudfront.BehaviorOptions;
  readonly responseHeadersPolicy: cloudfront.ResponseHeadersPolicy;
  private readonly props: WebSiteProps;

  constructor(scope: Construct, id: string, props: WebSiteProps) {
    super(scope, id);
    this.props = props;
    this.bucket = new s3.Bucket(this, "Bucket", {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: false,
      serverAccessLogsBucket: props.accessLogsBucket,
      serverAccessLogsPrefix: accessLogPrefixes.web,
      // Only built files live here; a deployment writes them all again.
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: false,
    });

    // A domain known only at deployment (the user pool domain's base URL, a token) is an origin already.
    const originOf = (url: string) => (Token.isUnresolved(url) ? url : new URL(url).origin);
    const signInOrigins = [
      props.config.domain ? originOf(props.config.domain) : undefined,
      props.config.identity ? new URL(props.config.identity.tokenUrl).origin : undefined,
    ].filter((origin): origin is string => origin !== undefined);
    this.responseHeadersPolicy = new cloudfront.ResponseHeadersPolicy(this, "SecurityHeaders", {
      comment: "PIN web client: strict CSP, HSTS, no framing",
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          contentSecurityPolicy: contentSecurityPolicy({
            storageOrigins: props.storageOrigins ?? [],
            signInOrigins,
          }),
          override: true,
        },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(730),
          includeSubdomains: true,
          preload: true,
          override: true,
        },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        contentTypeOptions: { override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
      },
      customHeadersBehavior: {
        customHeaders: [
          {
            header: "Permissions-Policy",
            value: "camera=(), microphone=(), geolocation=(), payment=()",
            override: true,
          },
          { header: "Cross-Origin-Opener-Policy", value: "same-origin", override: true },
        ],
      },
    });

    this.behavior = {
      origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
      // No query string reaches S3 or the cache key: a one-time link's token stays in the browser.
      cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
      responseHeadersPolicy: this.responseHeadersPolicy,
      compress: true,
      functionAssociations: [
        { eventType: cloudfront.FunctionEventType.VIEWER_REQUEST, function: this.pathFunction("PagePaths") },
        {
          eventType: cloudfront.FunctionEventType.VIEWER_RESPONSE,
          function: this.statusFunction("NotFoundStatus"),
        },
      ],
    };
  }

  /**
   * Page paths to their files (`/recovery/confirm` → `/recovery/confirm/index.html`), the same mapping as the
   * local gateway's (web/site.ts); assets and config.json as they are; anything else to the 404 page.
   */
  private pathFunction(id: string): cloudfront.Function {
    const files = Object.fromEntries(
      pages.filter((page) => !page.localOnly).map((page) => [page.path, `/${pageFile(page.path)}`]),
    );
    const notFound = `/${pageFile(notFoundPage)}`;
    return new cloudfront.Function(this, id, {
      comment: "PIN web client: page paths to their files",
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      code: cloudfront.FunctionCode.fromInline(`
var files = ${JSON.stringify(files)};
function handler(event) {
  var request = event.request;
  var uri = request.uri;
  if (uri.indexOf(${JSON.stringify(assetPrefix)}) === 0 || uri === "/config.json") return request;
  var path = uri.length > 1 ? uri.replace(/\\/+$/, "") : uri;
  var file = files[path];
  if (path === ${JSON.stringify(notFoundPage)} || !file) {
    request.uri = ${JSON.stringify(notFound)};
    request.headers["x-pin-not-found"] = { value: "1" };
  } else request.uri = file;
  return request;
}`),
    });
  }

  /** The 404 page answers with status 404. */
  private statusFunction(id: string): cloudfront.Function {
    const notFound = `/${pageFile(notFoundPage)}`;
    return new cloudfront.Function(this, id, {
      comment: "PIN web client: status 404 for the not-found page",
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      code: cloudfront.FunctionCode.fromInline(`
function handler(event) {
  var response = event.response;
  if (event.request.uri === ${JSON.stringify(notFound)} || event.request.headers["x-pin-not-found"]) {
    response.statusCode = 404;
    response.statusDescription = "Not Found";
  }
  return response;
}`),
    });
  }

  /**
   * Builds the client during synthesis (CDK's local bundling runs `buildWeb`, no Docker) and deploys it with
   * `config.json` into the bucket, invalidating the distribution's cache.
   */
  deploy(distribution: cloudfront.IDistribution): s3deploy.BucketDeployment {
    const deployment = new s3deploy.BucketDeployment(this, "Deployment", {
      sources: [
        s3deploy.Source.asset(webDir, {
          assetHashType: AssetHashType.OUTPUT,
          bundling: {
            // Never used: the local bundler always succeeds, and CDK asks for an image only as a fallback.
            image: DockerImage.fromRegistry("public.ecr.aws/docker/library/node:22-slim"),
            local: {
              tryBundle(outputDir: string): boolean {
                buildWeb({ outDir: outputDir, local: false });
                return true;
              },
            },
          },
        }),
        s3deploy.Source.jsonData("config.json", this.props.config),
      ],
      destinationBucket: this.bucket,
      distribution,
      distributionPaths: ["/*"],
      prune: true,
      memoryLimit: 512,
    });
    this.acknowledgeDeployment(deployment);
    return deployment;
  }

  /**
   * The deployment's custom-resource function is CDK's own (a singleton per stack): its grants are what
   * copying the built files into the bucket and invalidating the cache take; each wildcard finding is
   * acknowledged one by one, as cdk-nag names it.
   */
  private acknowledgeDeployment(deployment: s3deploy.BucketDeployment): void {
    const role = deployment.handlerRole;
    const handler = role.node.scope as Construct;
    acknowledge(
      handler,
      "CDK's BucketDeployment function: its runtime is chosen by aws-cdk-lib, which updates it with the library.",
      "AwsSolutions-L1",
    );
    acknowledge(
      role,
      "CDK's BucketDeployment function logs through the AWS managed basic execution policy (CloudWatch Logs only).",
      "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]",
    );
    const policy = role.node.tryFindChild("DefaultPolicy")?.node.defaultChild as CfnResource | undefined;
    if (!policy) return;
    const findings = rules.iam.IAMNoWildcardPermissions(policy);
    for (const finding of Array.isArray(findings) ? findings : []) {
      acknowledge(
        policy,
        finding === "Resource::*"
          ? "CloudFront's CreateInvalidation cannot be scoped to one distribution in this policy (CDK grants it on '*'); it only empties caches."
          : "BucketDeployment's grants: read the staged build from the CDK assets bucket, write and prune the built files in the site bucket (S3 object-level actions on that bucket's objects only).",
        `AwsSolutions-IAM5[${finding}]`,
      );
    }
  }
}
