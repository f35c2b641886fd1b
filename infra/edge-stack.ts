import {
  ArnFormat,
  Aws,
  CfnOutput,
  CrossStackReferences,
  Duration,
  Lazy,
  ReferenceStrength,
  RemovalPolicy,
  Stack,
  type StackProps,
} from "aws-cdk-lib";
import type * as apigw from "aws-cdk-lib/aws-apigatewayv2";
import * as acm from "aws-cdk-lib/aws-certificatemanager";
import * as cloudfront from "aws-cdk-lib/aws-cloudfront";
import * as origins from "aws-cdk-lib/aws-cloudfront-origins";
import type * as cognito from "aws-cdk-lib/aws-cognito";
import * as iam from "aws-cdk-lib/aws-iam";
import * as logs from "aws-cdk-lib/aws-logs";
import * as s3 from "aws-cdk-lib/aws-s3";
import * as wafv2 from "aws-cdk-lib/aws-wafv2";
import type { Construct } from "constructs";
import { WebOriginWiring } from "./constructs/web-origin.ts";
import { WebSite } from "./constructs/web-site.ts";
import { acknowledge } from "./nag.ts";

/** CloudFront, its certificate and a web ACL of scope CLOUDFRONT all live in us-east-1. */
export const edgeRegion = "us-east-1";

/** Paths CloudFront sends to the HTTP API (docs/web-client.md): pages and API share one origin. */
export const apiPathPatterns = ["/v1/*", "/.well-known/*"] as const;

/**
 * Per-source limits in front of the public routes (docs/product/credential-rules.md#abuse-limits-on-messages), per IP address and
 * 5 minutes. The tight one counts the POSTs that make the service send an SMS, an e-mail or a letter.
 */
export const rateLimits = {
  messageSending: {
    limit: 100,
    method: "POST",
    paths: ["/v1/pin-requests", "/v1/recoveries", "/v1/revocations"],
  },
  everything: { limit: 2000 },
  windowSeconds: 300,
} as const;

/**
 * Fields of the CloudFront access log. Never the path, query string, referrer or cookies: an operator path
 * carries a codice fiscale and a page's query string a one-time link token (docs/product/credential-rules.md#storage), as the API's
 * own access log leaves out everything but the route key.
 */
export const accessLogFields = [
  "date",
  "time",
  "x-edge-location",
  "x-edge-request-id",
  "x-host-header",
  "c-ip",
  "x-forwarded-for",
  "cs-method",
  "cs-protocol",
  "cs-protocol-version",
  "cs-bytes",
  "cs(User-Agent)",
  "sc-status",
  "sc-bytes",
  "sc-content-type",
  "sc-content-len",
  "time-taken",
  "time-to-first-byte",
  "x-edge-result-type",
  "x-edge-response-result-type",
  "x-edge-detailed-result-type",
  "ssl-protocol",
  "ssl-cipher",
] as const;

export interface EdgeStackProps extends StackProps {
  /** The HTTP API behind `/v1/*` and `/.well-known/*`, in the service's own region. */
  readonly api: apigw.IHttpApi;
  /**
   * The service's public origin (`https://host`): the distribution answers on that host name, with an ACM
   * certificate validated by DNS.
   * @default - the distribution's own domain (`https://dxxxx.cloudfront.net`), written to `webOriginParameter`
   * for the functions and into the uploads bucket's CORS rule and the console client's sign-in URLs
   */
  readonly webOrigin?: string;
  /**
   * The SSM parameter the functions read the origin from, in the API's region (needed without `webOrigin`).
   * @default - none: only valid with `webOrigin`
   */
  readonly webOriginParameter?: string;
  /**
   * The operator console's Cognito client, whose sign-in URLs name the origin (set here without `webOrigin`).
   * @default - no client's URLs are updated
   */
  readonly consoleClient?: cognito.UserPoolClient;
  /**
   * Where the web client uploads documents to (F10): its origin joins the pages' CSP.
   * @default - no upload origin in the CSP, and no CORS rule written to a bucket
   */
  readonly uploadsBucket?: s3.IBucket;
  /**
   * How operators sign in to the console (Cognito's hosted sign-in, code flow with PKCE).
   * @default - empty domain and client id in `config.json`
   */
  readonly operatorSignIn?: { domain: string; clientId: string };
}

/**
 * The public edge, in us-east-1: one CloudFront distribution for the whole service on the web origin's host
 * name, behind an AWS WAF web ACL (per-source rate limits, AWS common rules), with access logs. Today every
 * path goes to the HTTP API; the web client (docs/web-client.md) takes the default behaviour with its S3 origin, leaving
 * `/v1/*` and `/.well-known/*` on the API.
 */
export class EdgeStack extends Stack {
  readonly distribution: cloudfront.Distribution;
  readonly webAcl: wafv2.CfnWebACL;
  readonly accessLogsBucket: s3.Bucket;
  /** How CloudFront reaches the HTTP API: the API behaviours. */
  readonly apiBehavior: cloudfront.BehaviorOptions;
  /** The web client: the default behaviour. */
  readonly webSite: WebSite;

  constructor(scope: Construct, id: string, props: EdgeStackProps) {
    super(scope, id, props);
    // The API is in another region: a strong reference would need custom resources (ExportWriter/Reader);
    // a weak one is CloudFormation's own Fn::GetStackOutput, read when this stack deploys, which is always after
    // the service stack (it depends on it).
    CrossStackReferences.of(this).consume(ReferenceStrength.WEAK);

    this.webAcl = this.rateLimitedWebAcl();
    this.accessLogsBucket = new s3.Bucket(this, "AccessLogs", {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      lifecycleRules: [{ id: "expire-access-logs", expiration: Duration.days(365) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledge(
      this.accessLogsBucket,
      "This bucket holds the distribution's access logs; logging its own access into another log bucket would only move the question.",
      "AwsSolutions-S1",
    );

    const apiRegion = Stack.of(props.api).region;
    this.apiBehavior = {
      origin: new origins.HttpOrigin(`${props.api.apiId}.execute-api.${apiRegion}.${Aws.URL_SUFFIX}`, {
        protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
        originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
      }),
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
      // Every answer is per caller. With caching disabled, the viewer's Authorization header is forwarded too.
      cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
      // API Gateway routes on its own Host name, so every viewer header but Host.
      originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
    };

    if (!props.webOrigin && !props.webOriginParameter)
      throw new Error(
        "EdgeStack: without a webOrigin, the functions need a webOriginParameter to read it from",
      );
    const domainName = props.webOrigin ? new URL(props.webOrigin).hostname : undefined;
    // Validated by DNS: the deployment waits until the CNAME that ACM asks for exists in the web origin's zone.
    const certificate =
      domainName &&
      new acm.Certificate(this, "Certificate", {
        domainName,
        validation: acm.CertificateValidation.fromDns(),
      });
    // The distribution's own domain is known once it exists, below.
    const origin = () => props.webOrigin ?? `https://${this.distribution.distributionDomainName}`;

    const uploads = props.uploadsBucket;
    this.webSite = new WebSite(this, "WebSite", {
      accessLogsBucket: this.accessLogsBucket,
      config: {
        auth: "cognito",
        domain: props.operatorSignIn?.domain ?? "",
        clientId: props.operatorSignIn?.clientId ?? "",
        redirectUri: Lazy.string({ produce: () => `${origin()}/operator/` }),
      },
      // The bucket's plain Ref: `bucketName` refuses a cross-region reference to a bucket without a fixed name.
      storageOrigins: uploads
        ? [
            `https://${(uploads.node.defaultChild as s3.CfnBucket).ref}.s3.${Stack.of(uploads).region}.${Aws.URL_SUFFIX}`,
          ]
        : [],
    });

    this.distribution = new cloudfront.Distribution(this, "Distribution", {
      comment: "PIN service: web client and API on one origin",
      domainNames: domainName ? [domainName] : undefined,
      certificate: certificate || undefined,
      minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      webAclId: this.webAcl.attrArn,
      defaultBehavior: this.webSite.behavior,
      additionalBehaviors: Object.fromEntries(apiPathPatterns.map((pattern) => [pattern, this.apiBehavior])),
    });
    acknowledge(
      this.distribution,
      "The service is for people resident abroad, in any country (docs/product/README.md#what-it-is); no country can be refused.",
      "AwsSolutions-CFR1",
    );
    acknowledge(
      this.distribution,
      "Access logs go through CloudFront standard logging v2 (AWS::Logs::Delivery to the AccessLogs bucket), which can leave out the path, query string, referrer and cookies; cdk-nag only recognises legacy logging, which always writes the full URL.",
      "AwsSolutions-CFR3",
    );
    if (!certificate) {
      acknowledge(
        this.distribution,
        "No webOrigin: the distribution answers on its own *.cloudfront.net domain, whose CloudFront certificate AWS serves with a TLSv1 minimum whatever the distribution asks. A deployment for the public sets webOrigin, which brings an ACM certificate and TLSv1.2_2021 (README, Deploy).",
        "AwsSolutions-CFR4",
      );
    }
    this.deliverAccessLogs();
    this.webSite.deploy(this.distribution);
    if (!props.webOrigin && props.webOriginParameter) {
      new WebOriginWiring(this, "WebOriginWiring", {
        origin: origin(),
        region: apiRegion,
        parameterName: props.webOriginParameter,
        uploadsBucket: uploads,
        consoleClient: props.consoleClient,
      });
    }

    new CfnOutput(this, "DistributionDomainName", {
      description: domainName
        ? `Point ${domainName} here (CNAME)`
        : "The service's web origin: pages and API",
      value: this.distribution.distributionDomainName,
    });
    new CfnOutput(this, "WebOrigin", {
      description: "Pages at /, the console at /operator/",
      value: origin(),
    });
  }

  /** The web ACL: the two rate limits first, then AWS's common rule set. Blocked callers get a 429 problem. */
  private rateLimitedWebAcl(): wafv2.CfnWebACL {
    const visibility = (metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      metricName,
      // Sampled requests keep whole requests, Authorization header included, for hours: never a token.
      sampledRequestsEnabled: false,
    });
    const tooManyRequests: wafv2.CfnWebACL.RuleActionProperty = {
      block: { customResponse: { responseCode: 429, customResponseBodyKey: "too-many-requests" } },
    };
    const exactly = (
      fieldToMatch: wafv2.CfnWebACL.FieldToMatchProperty,
      searchString: string,
      transformation: "NONE" | "URL_DECODE",
    ): wafv2.CfnWebACL.StatementProperty => ({
      byteMatchStatement: {
        fieldToMatch,
        positionalConstraint: "EXACTLY",
        searchString,
        textTransformations: [{ priority: 0, type: transformation }],
      },
    });
    const { messageSending, everything, windowSeconds } = rateLimits;

    return new wafv2.CfnWebACL(this, "WebAcl", {
      scope: "CLOUDFRONT",
      description: "PIN service: per-source rate limits and AWS common rules",
      defaultAction: { allow: {} },
      visibilityConfig: visibility("PinService"),
      customResponseBodies: {
        "too-many-requests": {
          contentType: "APPLICATION_JSON",
          content: JSON.stringify({
            type: "about:blank",
            code: "too-many-requests",
            title: "Too many requests",
            status: 429,
            detail: "Too many requests from this address. Try again in a few minutes.",
          }),
        },
      },
      rules: [
        {
          name: "MessageSendingRequestsPerIp",
          priority: 0,
          action: tooManyRequests,
          visibilityConfig: visibility("MessageSendingRequestsPerIp"),
          statement: {
            rateBasedStatement: {
              limit: messageSending.limit,
              evaluationWindowSec: windowSeconds,
              aggregateKeyType: "IP",
              scopeDownStatement: {
                andStatement: {
                  statements: [
                    exactly({ method: {} }, messageSending.method, "NONE"),
                    {
                      orStatement: {
                        statements: messageSending.paths.map((path) =>
                          exactly({ uriPath: {} }, path, "URL_DECODE"),
                        ),
                      },
                    },
                  ],
                },
              },
            },
          },
        },
        {
          name: "RequestsPerIp",
          priority: 1,
          action: tooManyRequests,
          visibilityConfig: visibility("RequestsPerIp"),
          statement: {
            rateBasedStatement: {
              limit: everything.limit,
              evaluationWindowSec: windowSeconds,
              aggregateKeyType: "IP",
            },
          },
        },
        {
          name: "AwsCommonRules",
          priority: 2,
          overrideAction: { none: {} },
          visibilityConfig: visibility("AwsCommonRules"),
          statement: {
            managedRuleGroupStatement: { vendorName: "AWS", name: "AWSManagedRulesCommonRuleSet" },
          },
        },
      ],
    });
  }

  /** CloudFront standard logging v2 to the AccessLogs bucket, with `accessLogFields` only. */
  private deliverAccessLogs(): void {
    this.accessLogsBucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: "CloudFrontLogDelivery",
        principals: [new iam.ServicePrincipal("delivery.logs.amazonaws.com")],
        actions: ["s3:PutObject"],
        resources: [this.accessLogsBucket.arnForObjects("*")],
        conditions: {
          StringEquals: { "aws:SourceAccount": this.account, "s3:x-amz-acl": "bucket-owner-full-control" },
          ArnLike: {
            "aws:SourceArn": this.formatArn({
              service: "logs",
              resource: "delivery-source",
              resourceName: "*",
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );
    // Delivery sources and destinations need names; derived from the stack's, so two stages never collide.
    const source = new logs.CfnDeliverySource(this, "AccessLogSource", {
      name: `${this.stackName}-cloudfront`,
      logType: "ACCESS_LOGS",
      resourceArn: this.distribution.distributionArn,
    });
    const destination = new logs.CfnDeliveryDestination(this, "AccessLogDestination", {
      name: `${this.stackName}-access-logs`,
      destinationResourceArn: this.accessLogsBucket.bucketArn,
      outputFormat: "json",
    });
    const delivery = new logs.CfnDelivery(this, "AccessLogDelivery", {
      deliverySourceName: source.name,
      deliveryDestinationArn: destination.attrArn,
      recordFields: [...accessLogFields],
    });
    // The source is named, not referenced: CloudFormation must be told the order.
    delivery.node.addDependency(source, this.accessLogsBucket);
  }
}
