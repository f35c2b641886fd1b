import { Duration, RemovalPolicy, Stack } from "aws-cdk-lib";
import * as cognito from "aws-cdk-lib/aws-cognito";
import { Construct } from "constructs";
import { operatorGroups } from "#shared/operator-groups";
import { constructId } from "./construct-id.ts";

export interface OperatorsProps {
  /** Stage of the deployment: part of the sign-in domain's prefix. */
  readonly stage: string;
  /**
   * Origin of the console (`https://host`): its `/operator/` page is the client's only callback and logout URL.
   * @default - `https://localhost`, a stand-in until the edge stack writes the distribution's (web-origin.ts)
   */
  readonly webOrigin?: string;
}

/**
 * The operators of contact centers, branches, back office and audit: a Cognito user pool (no self sign-up, MFA
 * required, kept if the stack goes), one group per operator group, Cognito's managed sign-in at a prefix domain,
 * and the console's public client (authorization code flow with PKCE).
 *
 * The pool is this construct's default child: its resources keep the logical ids they had when the stack
 * created the pool itself (`Operators...`), so that moving it here replaced no user pool, group or domain.
 */
export class Operators extends Construct {
  readonly userPool: cognito.UserPool;
  readonly userPoolClient: cognito.UserPoolClient;
  /** Where operators sign in: Cognito's managed sign-in pages for the console's code flow with PKCE. */
  readonly userPoolDomain: cognito.UserPoolDomain;
  /** Issuer of the pool's tokens, as API Gateway's JWT authorizer and the handlers check it. */
  readonly issuer: string;

  constructor(scope: Construct, id: string, props: OperatorsProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.userPool = new cognito.UserPool(this, "Default", {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      passwordPolicy: {
        minLength: 14,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      featurePlan: cognito.FeaturePlan.PLUS,
      standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      deletionProtection: true,
      // Operator accounts are state: keep them if the stack goes.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const group of operatorGroups) {
      // Named: handlers authorise on the `cognito:groups` claim.
      this.userPool.addGroup(`${constructId(group)}Group`, { groupName: group });
    }
    // Cognito's managed sign-in at a prefix domain of its own (one per account, region and stage).
    this.userPoolDomain = this.userPool.addDomain("SignIn", {
      cognitoDomain: { domainPrefix: `pin-${props.stage}-${stack.account}` },
      managedLoginVersion: cognito.ManagedLoginVersion.CLASSIC_HOSTED_UI,
    });
    const consoleUrl = `${props.webOrigin ?? "https://localhost"}/operator/`;
    // The console is a public client (a page holds no secret): the authorization code flow with PKCE, back to
    // the console's own page, and nothing else.
    this.userPoolClient = this.userPool.addClient("OperatorConsole", {
      authFlows: { userSrp: true },
      generateSecret: false,
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE],
        callbackUrls: [consoleUrl],
        logoutUrls: [consoleUrl],
      },
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.minutes(15),
      idTokenValidity: Duration.minutes(15),
      refreshTokenValidity: Duration.hours(10),
    });
    this.issuer = `https://cognito-idp.${stack.region}.${stack.urlSuffix}/${this.userPool.userPoolId}`;
  }
}
